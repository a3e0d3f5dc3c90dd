import { PassThrough } from 'node:stream';
import { run } from '../../src/cli/program.js';

/** Runs tltop in this process with captured stdout/stderr. */
export async function tltop(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => {
    out += chunk;
  });
  stderr.on('data', (chunk) => {
    err += chunk;
  });
  const code = await run(argv, { stdout, stderr });
  return { code, out, err };
}
