import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/program.js';
import { VERSION } from '../../src/version.js';

function capture() {
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
  return { io: { stdout, stderr }, out: () => out, err: () => err };
}

describe('tltop command line', () => {
  it('prints its version', async () => {
    const c = capture();
    expect(await run(['--version'], c.io)).toBe(0);
    expect(c.out().trim()).toBe(VERSION);
  });

  it('rejects an unknown flag with one line and exit 2', async () => {
    const c = capture();
    expect(await run(['--no-such-flag'], c.io)).toBe(2);
    expect(c.err().trim().split('\n')).toHaveLength(1);
    expect(c.err()).toContain('--no-such-flag');
  });
});
