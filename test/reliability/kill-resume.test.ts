/**
 * kill -9 of `tltop upload` (the built binary) at random points, then `tltop resume`: every
 * time the emulator must hold the file byte for byte, and the chunks sent twice (PUTs that
 * succeeded beyond one per chunk, tail duplicates aside) must be at most the concurrency.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JournalStore } from '../../src/upload/journal.js';
import { startTestEmulator } from '../helpers/emulator.js';
import {
  cliEnv,
  eventually,
  jsonLines,
  randomFile,
  removeDir,
  resentChunks,
  sha256File,
  spawnCli,
  tempDir,
} from '../integration/upload/helpers.js';
import { FULL, writeSummary } from './sizes.js';

const KiB = 1024;
const CHUNK = 64 * KiB;
const TOTAL_CHUNKS = 64;
const CONCURRENCY = 4;
const POINTS = FULL ? 10 : 3;

/** Deterministic "random" points so a failure can be replayed: chunks journaled before the kill. */
function killPoints(count: number): number[] {
  let seed = 0x9e3779b9;
  const next = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  return Array.from({ length: count }, () => 1 + Math.floor(next() * (TOTAL_CHUNKS - 8)));
}

interface Outcome {
  point: number;
  journaled_at_kill: number;
  byte_exact: boolean;
  resent_chunks: number;
  tail_duplicates: number;
  temp_files_left?: number;
}

const outcomes: Outcome[] = [];

afterAll(async () => {
  await writeSummary('kill-resume', {
    chunks: TOTAL_CHUNKS,
    chunk_bytes: CHUNK,
    concurrency: CONCURRENCY,
    runs: outcomes,
    byte_exact: `${outcomes.filter((outcome) => outcome.byte_exact).length}/${outcomes.length}`,
    max_resent: Math.max(0, ...outcomes.map((outcome) => outcome.resent_chunks)),
  });
});

describe(`kill -9 at ${POINTS} random points, then resume (${TOTAL_CHUNKS} chunks, concurrency ${CONCURRENCY})`, () => {
  it.each(killPoints(POINTS).map((point, run) => ({ point, run: run + 1 })))(
    'run $run: killed after $point chunks journaled; resume is byte-exact, re-sent <= concurrency',
    async ({ point }) => {
      const emulator = await startTestEmulator({ chunkSize: CHUNK, speed: 200, faults: 'put-rate=1MiB/s' });
      const dir = await tempDir('tltop-reliability-kill-');
      const env = cliEnv(dir, emulator);
      const journal = new JournalStore(join(dir, 'state'));
      const journaled = async () => {
        const { records } = await journal.list();
        return records[0] ? Object.keys(records[0].etags).length : 0;
      };
      try {
        const file = await randomFile(dir, 'clip.mp4', TOTAL_CHUNKS * CHUNK - 999);
        const upload = spawnCli(['upload', file, '--json', '--concurrency', String(CONCURRENCY)], env);
        const atKill = await eventually(async () => {
          const count = await journaled();
          return count >= point ? count : undefined;
        }, 20_000);
        upload.child.kill('SIGKILL');
        expect(await upload.exited).toBe(137);

        emulator.setFaults('');
        const resume = spawnCli(['resume', '--json', '--concurrency', String(CONCURRENCY)], env);
        expect(await resume.exited, resume.stderr()).toBe(0);
        const done = jsonLines(resume.stdout()).at(-1)!;
        expect(done).toMatchObject({ event: 'done', status: 'ready' });
        const digest = await emulator.digest(done.asset_id as string);
        const expected = await sha256File(file);
        const tail = Number(done.tail_duplicates ?? 0);
        const resent = resentChunks(emulator, TOTAL_CHUNKS, tail);
        outcomes.push({
          point,
          journaled_at_kill: atKill,
          byte_exact: digest.sha256 === expected,
          resent_chunks: resent,
          tail_duplicates: tail,
        });
        expect(digest.sha256).toBe(expected);
        expect(resent).toBeLessThanOrEqual(CONCURRENCY);
        // the finished upload's journal is gone (a temp file from a write cut by the kill may stay)
        const left = await readdir(join(dir, 'state', 'uploads'));
        outcomes.at(-1)!.temp_files_left = left.filter((name) => name.endsWith('.tmp')).length;
        expect(left.filter((name) => !name.endsWith('.tmp'))).toEqual([]);
      } finally {
        await emulator.close();
        await removeDir(dir);
      }
    },
    60_000,
  );
});
