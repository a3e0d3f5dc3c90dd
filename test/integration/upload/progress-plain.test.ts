import { afterEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { cliEnv, randomFile, removeDir, spawnCli, tempDir } from './helpers.js';

const KiB = 1024;
const CHUNK = 64 * KiB;

let emulator: TestEmulator | undefined;
let dir: string | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  await removeDir(dir);
  dir = undefined;
});

describe('tltop upload --progress', () => {
  it('plain: one line per change for CI logs, no carriage return or escape sequence, even from a hostile file name', async () => {
    // 2.5 MiB at 1 MiB/s per PUT, 2 workers: a little over a second of progress
    emulator = await startTestEmulator({ chunkSize: CHUNK, speed: 200, faults: 'put-rate=1MiB/s' });
    dir = await tempDir('tltop-progress-plain-');
    const file = await randomFile(dir, 'cam\x1b[31m-a\r.mp4', 40 * CHUNK);
    const run = spawnCli(
      ['upload', file, '--progress', 'plain', '--concurrency', '2'],
      cliEnv(dir, emulator),
    );
    expect(await run.exited, run.stderr()).toBe(0);
    const stderr = run.stderr();
    expect(stderr).not.toMatch(/[\r\x1b]/);
    expect(run.stdout()).not.toMatch(/[\r\x1b]/);
    const lines = stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^started .*cam-a\.mp4 \(upload \w+; 2\.5 MiB, 40 chunks\)$/);
    const progress = lines.filter((line) => / \d+% {2}/.test(line));
    expect(progress.length).toBeGreaterThanOrEqual(1);
    // at most one per 10% step (plus a heartbeat per 30 s), never one per snapshot
    expect(progress.length).toBeLessThanOrEqual(11);
    expect(run.stdout()).toMatch(/^ready\t\w+\t.*\.mp4\n$/);

    // the same upload with --progress bar draws in place with escape codes: the check above can fail
    const bar = spawnCli(['upload', file, '--progress', 'bar'], cliEnv(dir, emulator));
    expect(await bar.exited, bar.stderr()).toBe(0);
    expect(bar.stderr()).toMatch(/\x1b\[\d+A/);
  });

  it('none: no progress lines, the result still on stdout', async () => {
    emulator = await startTestEmulator({ chunkSize: CHUNK, speed: 200, faults: 'put-rate=2MiB/s' });
    dir = await tempDir('tltop-progress-none-');
    const file = await randomFile(dir, 'quiet.mp4', 20 * CHUNK);
    const run = spawnCli(['upload', file, '--progress', 'none'], cliEnv(dir, emulator));
    expect(await run.exited, run.stderr()).toBe(0);
    expect(run.stderr()).not.toMatch(/ \d+% {2}/);
    expect(run.stderr()).toMatch(/^started /);
    expect(run.stdout()).toMatch(/^ready\t\w+\t.*quiet\.mp4\n$/);
  });
});
