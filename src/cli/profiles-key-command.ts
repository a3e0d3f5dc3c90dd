import { execFile } from 'node:child_process';
import { UsageError } from './errors.js';

const KEY_COMMAND_TIMEOUT_MS = 10_000;

/**
 * A key_command is run directly (no shell), so nothing in it is ever interpreted:
 * an array is the exact argv; a string is split on whitespace.
 */
function keyCommandArgv(command: string | string[]): string[] {
  return typeof command === 'string' ? command.trim().split(/\s+/) : command;
}

export function describeKeyCommand(command: string | string[]): string {
  return keyCommandArgv(command).join(' ');
}

/** Runs the profile's key_command and returns the first line it prints. */
export function runKeyCommand(
  command: string | string[],
  profileName: string,
  timeoutMs = KEY_COMMAND_TIMEOUT_MS,
): Promise<string> {
  const [file, ...args] = keyCommandArgv(command);
  const fail = (why: string) =>
    new UsageError(`key_command of profile "${profileName}" (${file}) ${why}`.replace(/[\r\n]+/g, ' '));
  return new Promise((resolve, reject) => {
    execFile(
      file ?? '',
      args,
      { shell: false, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024, windowsHide: true },
      (error, stdout, stderr) => {
        if (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') return reject(fail('was not found'));
          if (error.killed) return reject(fail(`timed out after ${timeoutMs / 1000}s`));
          const detail = String(stderr)
            .split('\n')
            .find((line) => line.trim() !== '')
            ?.trim();
          const status = typeof code === 'number' ? `exit ${code}` : (code ?? 'error');
          return reject(fail(`failed (${status})${detail ? `: ${detail.slice(0, 200)}` : ''}`));
        }
        const key = String(stdout).split('\n')[0]?.trim() ?? '';
        if (key === '') return reject(fail('printed nothing'));
        resolve(key);
      },
    );
  });
}
