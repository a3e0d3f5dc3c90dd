import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const BIN = `${ROOT}dist/bin.js`;
/** Node 22 from the devDependency; the system node may be older. */
export const NODE = `${ROOT}node_modules/.bin/node`;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The variables a CLI run may see: only these, so the developer's own key or profile never leaks in. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { PATH, HOME, TMPDIR, LANG } = process.env;
  return { PATH, HOME, TMPDIR, LANG, NO_COLOR: '1', ...extra };
}

/** Runs the built binary (dist/bin.js) with the given arguments, environment and stdin. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(NODE, [BIN, ...args], { env, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin?.end(stdin);
  });
}
