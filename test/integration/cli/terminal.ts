import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** The real binary on a real terminal (tmux), on a private tmux server. */
export class Terminal {
  private readonly socket = `tltop-cli-${process.pid}-${Math.random().toString(36).slice(2)}`;

  async start(command: string) {
    await exec('tmux', ['-L', this.socket, 'new-session', '-d', '-x', '120', '-y', '30', command]);
  }

  async screen(): Promise<string> {
    return (await exec('tmux', ['-L', this.socket, 'capture-pane', '-p', '-S', '-100'])).stdout;
  }

  async waitFor(text: string | RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = await this.screen();
      if (typeof text === 'string' ? screen.includes(text) : text.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`"${text}" never appeared; screen:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async type(text: string) {
    await exec('tmux', ['-L', this.socket, 'send-keys', '-l', text]);
    await exec('tmux', ['-L', this.socket, 'send-keys', 'Enter']);
  }

  async keys(...keys: string[]) {
    await exec('tmux', ['-L', this.socket, 'send-keys', ...keys]);
  }

  async kill() {
    await exec('tmux', ['-L', this.socket, 'kill-server']).catch(() => {});
  }
}
