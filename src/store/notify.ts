/**
 * Notifications through the terminal: the bell (BEL) and a desktop notification escape
 * sequence, chosen from the terminal's environment. Terminals disagree on the sequence:
 *
 * | sequence                           | read by (terminal documentation and trackers)          |
 * |------------------------------------|--------------------------------------------------------|
 * | OSC 9 ; body                       | iTerm2 (its own); also WezTerm, ghostty                |
 * | OSC 777 ; notify ; title ; body    | urxvt (notify extension), foot, WezTerm, ghostty,      |
 * |                                    | contour, Windows Terminal (2026+), Fedora-patched VTE  |
 * | OSC 99 ; metadata ; payload        | kitty (its own protocol)                               |
 *
 * OSC 9 clashes with ConEmu, which reads `OSC 9 ; n` as its own commands. An unknown terminal
 * gets the bell only: a sequence it does not know could print garbage. Inside tmux a sequence
 * reaches the outer terminal only through DCS passthrough (`set -g allow-passthrough on`);
 * the bell always does.
 */
import { redactUrlsInText } from '../api/redact.js';
import { oneLineText } from './events.js';

export const NOTIFY_MODES = ['off', 'bell', 'desktop', 'both'] as const;
export type NotifyMode = (typeof NOTIFY_MODES)[number];
export const DEFAULT_NOTIFY_MODE: NotifyMode = 'both';

export const DESKTOP_PROTOCOLS = ['osc9', 'osc777', 'osc99', 'none'] as const;
export type DesktopProtocol = (typeof DESKTOP_PROTOCOLS)[number];

export type TerminalEnv = Readonly<Record<string, string | undefined>>;

/** What the dashboard needs to notify: where the bytes go, the mode at start, the terminal's env. */
export interface NotificationDeps {
  /** writes escape sequences to the terminal (the dashboard: stdout; tests capture it) */
  write(sequence: string): void;
  /** at start (default both); `:notify` changes it */
  mode?: NotifyMode;
  /** the terminal's environment, for choosing the desktop sequence (default: none, bell only) */
  env?: TerminalEnv;
  /** also notify when upload sessions other processes run complete, fail or expire (unwatched) */
  allUploads?: boolean;
}

export interface Notice {
  title: string;
  body: string;
}

const BEL = '\x07';
const ESC = '\x1b';
const ST = `${ESC}\\`;
const MAX_BODY = 200;

function startsWith(value: string | undefined, prefix: string): boolean {
  return value?.toLowerCase().startsWith(prefix) ?? false;
}

/** The desktop notification sequence this terminal reads, from its environment. */
export function desktopProtocolFor(env: TerminalEnv): DesktopProtocol {
  const forced = env.TLTOP_NOTIFY_PROTOCOL?.trim().toLowerCase();
  if (forced && (DESKTOP_PROTOCOLS as readonly string[]).includes(forced)) return forced as DesktopProtocol;
  const program = env.TERM_PROGRAM?.toLowerCase() ?? '';
  const term = env.TERM ?? '';
  if (env.ConEmuPID) return 'none';
  if (env.KITTY_WINDOW_ID || startsWith(term, 'xterm-kitty')) return 'osc99';
  if (program === 'iterm.app' || env.LC_TERMINAL === 'iTerm2' || env.ITERM_SESSION_ID) return 'osc9';
  if (program === 'wezterm' || env.WEZTERM_PANE) return 'osc777';
  if (program === 'ghostty' || env.GHOSTTY_RESOURCES_DIR || startsWith(term, 'xterm-ghostty'))
    return 'osc777';
  if (startsWith(term, 'foot') || startsWith(term, 'rxvt-unicode') || startsWith(term, 'contour'))
    return 'osc777';
  if (env.WT_SESSION || env.KONSOLE_VERSION) return 'osc777';
  // VTE >= 0.46 swallows OSC 777; distributions that patch it show the notification
  if (Number(env.VTE_VERSION) >= 4600) return 'osc777';
  return 'none';
}

/** Text safe inside an OSC string: one line, no control characters or URL queries, no `;`. */
function payload(text: string): string {
  return oneLineText(redactUrlsInText(text), MAX_BODY).replace(/;/g, ',');
}

function desktopSequence(protocol: DesktopProtocol, notice: Notice): string {
  const title = payload(notice.title);
  const body = payload(notice.body);
  switch (protocol) {
    case 'osc9':
      // "title: body" never starts with a digit, so ConEmu-style readers see no command
      return `${ESC}]9;${title}: ${body}${BEL}`;
    case 'osc777':
      return `${ESC}]777;notify;${title};${body}${BEL}`;
    case 'osc99':
      return `${ESC}]99;i=tltop:d=0;${title}${ST}${ESC}]99;i=tltop:d=1:p=body;${body}${ST}`;
    case 'none':
      return '';
  }
}

/** DCS passthrough: tmux hands the sequence to the outer terminal (ESC doubled inside). */
export function tmuxPassthrough(sequence: string): string {
  return `${ESC}Ptmux;${sequence.split(ESC).join(`${ESC}${ESC}`)}${ST}`;
}

/** The bytes one notification writes for a mode; '' when there is nothing to write. */
export function notificationBytes(
  mode: NotifyMode,
  protocol: DesktopProtocol,
  inTmux: boolean,
  notice: Notice,
): string {
  if (mode === 'off') return '';
  const wantsDesktop = mode === 'desktop' || mode === 'both';
  const desktop = wantsDesktop ? desktopSequence(protocol, notice) : '';
  const wrapped = desktop && inTmux ? tmuxPassthrough(desktop) : desktop;
  // desktop on a terminal without a known sequence falls back to the bell
  const bell = mode === 'bell' || mode === 'both' || (mode === 'desktop' && !desktop);
  return wrapped + (bell ? BEL : '');
}

export interface Notifier {
  /** writes the notification for the current mode; false when nothing was written */
  emit(notice: Notice): boolean;
  /** how notifications reach the user now, for messages ("bell + desktop (OSC 777)") */
  describe(mode: NotifyMode): string;
  /** every upload session notifies, watched or not (profile `notify_all_uploads`) */
  readonly allUploads: boolean;
}

/** A notifier over the injected writer; without one (no terminal) it never writes. */
export function createNotifier(deps: NotificationDeps | undefined, mode: () => NotifyMode): Notifier {
  const env = deps?.env ?? {};
  const protocol = desktopProtocolFor(env);
  const inTmux = Boolean(env.TMUX);
  return {
    allUploads: deps?.allUploads === true,
    emit(notice) {
      if (!deps) return false;
      const bytes = notificationBytes(mode(), protocol, inTmux, notice);
      if (bytes) deps.write(bytes);
      return bytes !== '';
    },
    describe(current) {
      if (!deps || current === 'off') return 'off';
      if (current === 'bell') return 'bell';
      if (protocol === 'none') return 'bell, no desktop sequence known for this terminal';
      const desktop = `desktop ${protocol.toUpperCase().replace('OSC', 'OSC ')}${inTmux ? ' via tmux passthrough' : ''}`;
      return current === 'desktop' ? desktop : `bell + ${desktop}`;
    },
  };
}
