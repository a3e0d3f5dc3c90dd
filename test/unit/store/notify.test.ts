import { describe, expect, it } from 'vitest';
import {
  createNotifier,
  desktopProtocolFor,
  notificationBytes,
  tmuxPassthrough,
} from '../../../src/store/notify.js';

const BEL = '\x07';
const ESC = '\x1b';
const notice = { title: 'tltop', body: 'task 64f8… ready (clip.mp4)' };

describe('desktop notification sequence by terminal', () => {
  it.each([
    [{ TERM_PROGRAM: 'iTerm.app' }, 'osc9'],
    [{ LC_TERMINAL: 'iTerm2', TERM_PROGRAM: 'tmux' }, 'osc9'],
    [{ TERM: 'xterm-kitty' }, 'osc99'],
    [{ KITTY_WINDOW_ID: '1', TERM_PROGRAM: 'tmux' }, 'osc99'],
    [{ TERM_PROGRAM: 'WezTerm' }, 'osc777'],
    [{ TERM_PROGRAM: 'ghostty' }, 'osc777'],
    [{ TERM: 'xterm-ghostty' }, 'osc777'],
    [{ TERM: 'foot' }, 'osc777'],
    [{ TERM: 'rxvt-unicode-256color' }, 'osc777'],
    [{ WT_SESSION: 'abc' }, 'osc777'],
    [{ VTE_VERSION: '7600', TERM: 'xterm-256color' }, 'osc777'],
    [{ VTE_VERSION: '3800', TERM: 'xterm-256color' }, 'none'],
    // ConEmu reads OSC 9 as its own commands
    [{ ConEmuPID: '42', TERM_PROGRAM: 'iTerm.app' }, 'none'],
    [{ TERM: 'xterm-256color' }, 'none'],
    [{ TERM: 'alacritty' }, 'none'],
    [{ TERM: 'xterm-256color', TLTOP_NOTIFY_PROTOCOL: 'osc9' }, 'osc9'],
    [{ TERM: 'xterm-kitty', TLTOP_NOTIFY_PROTOCOL: 'none' }, 'none'],
  ])('%o -> %s', (env, protocol) => {
    expect(desktopProtocolFor(env)).toBe(protocol);
  });
});

describe('notification bytes', () => {
  it('writes the bell, the desktop sequence or both, and nothing when off', () => {
    expect(notificationBytes('off', 'osc9', false, notice)).toBe('');
    expect(notificationBytes('bell', 'osc9', false, notice)).toBe(BEL);
    expect(notificationBytes('desktop', 'osc9', false, notice)).toBe(`${ESC}]9;tltop: ${notice.body}${BEL}`);
    expect(notificationBytes('both', 'osc777', false, notice)).toBe(
      `${ESC}]777;notify;tltop;${notice.body}${BEL}${BEL}`,
    );
    expect(notificationBytes('desktop', 'osc99', false, notice)).toBe(
      `${ESC}]99;i=tltop:d=0;tltop${ESC}\\${ESC}]99;i=tltop:d=1:p=body;${notice.body}${ESC}\\`,
    );
    // desktop on a terminal without a known sequence: the bell instead of nothing
    expect(notificationBytes('desktop', 'none', false, notice)).toBe(BEL);
    expect(notificationBytes('both', 'none', true, notice)).toBe(BEL);
  });

  it('wraps the desktop sequence for tmux passthrough (ESC doubled) and leaves the bell raw', () => {
    expect(tmuxPassthrough(`${ESC}]9;hi${BEL}`)).toBe(`${ESC}Ptmux;${ESC}${ESC}]9;hi${BEL}${ESC}\\`);
    expect(notificationBytes('both', 'osc777', true, notice)).toBe(
      `${ESC}Ptmux;${ESC}${ESC}]777;notify;tltop;${notice.body}${BEL}${ESC}\\${BEL}`,
    );
  });

  it('never carries a URL query (an analysis of a presigned URL)', () => {
    const signed = {
      title: 'tltop',
      body: 'analysis 64f8… ready (https://bucket.s3.amazonaws.com/v.mp4?X-Amz-Signature=abc)',
    };
    expect(notificationBytes('desktop', 'osc9', false, signed)).toBe(
      `${ESC}]9;tltop: analysis 64f8… ready (https://bucket.s3.amazonaws.com/v.mp4?…${BEL}`,
    );
  });

  it('keeps server text from breaking out of the sequence', () => {
    const hostile = { title: 'tltop', body: `a;b${ESC}]52;c;ZXZpbA==${BEL}\r\nnext` };
    const bytes = notificationBytes('desktop', 'osc777', false, hostile);
    expect(bytes).toBe(`${ESC}]777;notify;tltop;a,b next${BEL}`);
  });
});

describe('notifier', () => {
  it('writes through the injected writer for the current mode; without one it never writes', () => {
    const written: string[] = [];
    let mode: 'both' | 'off' = 'both';
    const notifier = createNotifier(
      { write: (text) => written.push(text), env: { TERM: 'foot' } },
      () => mode,
    );
    expect(notifier.emit(notice)).toBe(true);
    mode = 'off';
    expect(notifier.emit(notice)).toBe(false);
    expect(written).toEqual([`${ESC}]777;notify;tltop;${notice.body}${BEL}${BEL}`]);
    expect(notifier.describe('both')).toBe('bell + desktop OSC 777');
    expect(createNotifier(undefined, () => 'both').emit(notice)).toBe(false);
  });
});
