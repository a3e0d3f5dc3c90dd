import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Node 22 from the devDependency, and the built binary (vitest's global setup builds dist/). */
export const NODE = join(ROOT, 'node_modules/.bin/node');
export const BIN = join(ROOT, 'dist/bin.js');
/** `tltop` as a command for the pane's shell; append its arguments. */
export const TLTOP = `'${NODE}' '${BIN}'`;

/** A terminal whose user has only `home`: config and state dirs inside it, not in CI. */
export function terminalEnv(home: string): Record<string, string> {
  return {
    CI: 'false',
    TERM: 'xterm-256color',
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_STATE_HOME: join(home, 'state'),
    TLTOP_STATE_DIR: join(home, 'state/tltop'),
  };
}

/** Finds tmux, or installs it with apt-get when we are allowed to; undefined + reason when neither works. */
export function findOrInstallTmux(): { tmux?: string; reason?: string } {
  const found = spawnSync('sh', ['-c', 'command -v tmux'], { encoding: 'utf8' });
  if (found.status === 0 && found.stdout.trim()) return { tmux: found.stdout.trim() };
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!isRoot || !hasApt)
    return { reason: 'tmux is not installed and apt-get cannot run here (not root or no apt)' };
  const install = spawnSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq tmux'], {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 240_000,
  });
  const again = spawnSync('sh', ['-c', 'command -v tmux'], { encoding: 'utf8' });
  if (again.status === 0 && again.stdout.trim()) return { tmux: again.stdout.trim() };
  return {
    reason: `tmux could not be installed: ${(install.stderr || install.stdout).trim().split('\n').at(-1)}`,
  };
}

/** One detached tmux session on a private server socket, driven like a user would. */
export class TmuxSession {
  private readonly socket = `tltop-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(
    private readonly tmux: string,
    private readonly name = 'e2e',
  ) {}

  start(command: string, columns: number, rows: number, env: Record<string, string>): void {
    const exports = Object.entries(env).map(([key, value]) => `${key}=${shellQuote(value)}`);
    this.run([
      'new-session',
      '-d',
      '-s',
      this.name,
      '-x',
      String(columns),
      '-y',
      String(rows),
      `env ${exports.join(' ')} sh -c ${shellQuote(command)}`,
    ]);
    this.run(['set-option', '-t', this.name, 'remain-on-exit', 'on']);
  }

  /** Keys as tmux names them: 'q', 'Enter', 'Escape', 'Down', 'C-c', or literal text. */
  send(...keys: string[]): void {
    this.run(['send-keys', '-t', this.name, ...keys]);
  }

  sendLiteral(text: string): void {
    this.run(['send-keys', '-t', this.name, '-l', text]);
  }

  resize(columns: number, rows: number): void {
    this.run(['resize-window', '-t', this.name, '-x', String(columns), '-y', String(rows)]);
  }

  /** The visible screen, one string per row (exactly the pane's height). */
  screen(escapes = false): string[] {
    const args = ['capture-pane', '-p', '-t', this.name];
    if (escapes) args.push('-e');
    const text = this.run(args);
    return text.replace(/\n$/, '').split('\n');
  }

  /** The pane's screen plus its scrollback. */
  history(): string {
    return this.run(['capture-pane', '-p', '-S', '-', '-t', this.name]);
  }

  /** Sets a window or session option, e.g. ('monitor-bell', 'on'). */
  setOption(option: string, value: string): void {
    this.run(['set-option', '-t', this.name, option, value]);
  }

  /** Appends every byte the program writes to the pane (escape sequences included) to `file`. */
  pipeOutput(file: string): void {
    this.run(['pipe-pane', '-O', '-t', this.name, `cat >> ${shellQuote(file)}`]);
  }

  /** A tmux format evaluated for the pane, e.g. '#{alternate_on}'. */
  format(format: string): string {
    return this.run(['display-message', '-p', '-t', this.name, format]).trim();
  }

  paneSize(): { columns: number; rows: number } {
    const [columns, rows] = this.run([
      'display-message',
      '-p',
      '-t',
      this.name,
      '#{pane_width} #{pane_height}',
    ])
      .trim()
      .split(' ')
      .map(Number);
    return { columns: columns ?? 0, rows: rows ?? 0 };
  }

  /** Polls the screen until `predicate` holds; throws with the last screen after `timeoutMs`. */
  async waitFor(
    predicate: (screen: string) => boolean,
    timeoutMs = 10_000,
    what = 'screen',
  ): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = this.screen().join('\n');
      if (predicate(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}; screen was:\n${last}`);
  }

  kill(): void {
    spawnSync(this.tmux, ['-L', this.socket, 'kill-server'], { stdio: 'ignore' });
  }

  private run(args: string[]): string {
    return execFileSync(this.tmux, ['-L', this.socket, ...args], { encoding: 'utf8' });
  }
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
