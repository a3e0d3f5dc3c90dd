import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tltop } from '../../helpers/run-in-process.js';

describe('connection options before the command', () => {
  let dir: string;
  const saved = { ...process.env };
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tltop-program-'));
    process.env.TLTOP_CONFIG_DIR = dir;
    delete process.env.TWELVELABS_API_KEY;
    delete process.env.TWELVE_LABS_API_KEY;
  });
  afterEach(async () => {
    process.env = { ...saved };
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    [['--profile', 'ghost', 'status'], /unknown profile "ghost" \(from --profile\)/],
    [['--profile=ghost', 'status', '--json'], /unknown profile "ghost"/],
    [['--read-only', '--profile', 'ghost', 'status'], /unknown profile "ghost"/],
    [['--base-url', 'https://api.twelvelabs.io/v1.2', 'status'], /speaks API v1\.3, not v1\.2/],
    [['--api-key', 'status'], /dashboard needs a terminal/],
  ])('tltop %j is read with the command first', async (argv, says) => {
    const result = await tltop(...argv);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(says);
    expect(result.err.trim().split('\n')).toHaveLength(1);
  });

  it('the command-first form is unchanged', async () => {
    expect((await tltop('status', '--profile', 'ghost')).err).toMatch(/unknown profile "ghost"/);
  });
});
