/**
 * tltop's upload engine against the bare loopback PUT loop (bench/upload-common.ts): same file,
 * same emulator (own process), same chunks and concurrency, MD5 on both sides. Rounds of the
 * two are interleaved; the figure is the ratio of median throughputs (goal >= 0.90).
 *
 * With --compare=DIR (another checkout with node_modules, e.g. the commit before a change) that
 * tree's engine runs in the same rounds too (journal on disk), for a side-by-side before/after.
 *
 *   npx tsx bench/upload-throughput.ts [--quick] [--compare=DIR]
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  bareUpload,
  benchDir,
  engineFrom,
  MEMORY_DIR,
  MiB,
  median,
  printTable,
  quickMode,
  randomFile,
  round,
  startChildEmulator,
  tltopUpload,
  writeResult,
} from './upload-common.js';

const quick = quickMode();
const SIZE = (quick ? 128 : 256) * MiB;
const ROUNDS = quick ? 3 : 5;
const CONCURRENCY = [4, 8];
const compareDir = process.argv.find((arg) => arg.startsWith('--compare='))?.slice(10);
const compareEngine = compareDir ? await engineFrom(compareDir) : undefined;

// Each round gets a fresh emulator whose chunk files are on tmpfs (see startChildEmulator), so
// tltop's journal fsyncs on the local disk do not queue behind the emulator's chunk writes.
// The main ratio has the journal on that disk, as in real use; a column repeats it on tmpfs.
const journalInMemory = existsSync(MEMORY_DIR) ? MEMORY_DIR : undefined;
const dir = await benchDir();
try {
  const file = await randomFile(join(dir, 'bench.mp4'), SIZE);
  const rows = [];
  for (const concurrency of CONCURRENCY) {
    const bare = { seconds: [] as number[], cpu: [] as number[] };
    const tltop = { seconds: [] as number[], cpu: [] as number[] };
    const tltopMemory = { seconds: [] as number[], cpu: [] as number[] };
    const compared = { seconds: [] as number[], cpu: [] as number[] };
    for (let index = -1; index < ROUNDS; index++) {
      const emulator = await startChildEmulator({ storageInMemory: true });
      try {
        for (const [subject, run] of [
          [bare, () => bareUpload(emulator.baseUrl, file, SIZE, concurrency)],
          [tltop, () => tltopUpload(emulator.baseUrl, file, concurrency)],
          [tltopMemory, () => tltopUpload(emulator.baseUrl, file, concurrency, journalInMemory)],
          ...(compareEngine
            ? ([
                [compared, () => tltopUpload(emulator.baseUrl, file, concurrency, undefined, compareEngine)],
              ] as const)
            : []),
        ] as const) {
          const cpuBefore = process.cpuUsage();
          const { seconds } = await run();
          const cpu = process.cpuUsage(cpuBefore);
          if (index < 0) continue; // round -1 warms up: page cache, connections, JIT
          subject.seconds.push(seconds);
          subject.cpu.push((cpu.user + cpu.system) / 1000 / (SIZE / MiB));
        }
      } finally {
        await emulator.stop();
      }
    }
    const bareRate = SIZE / MiB / median(bare.seconds);
    const tltopRate = SIZE / MiB / median(tltop.seconds);
    const memoryRate = SIZE / MiB / median(tltopMemory.seconds);
    rows.push({
      concurrency,
      bare_mib_s: round(bareRate, 1),
      tltop_mib_s: round(tltopRate, 1),
      ratio: round(tltopRate / bareRate),
      tltop_journal_on_tmpfs_mib_s: round(memoryRate, 1),
      ratio_journal_on_tmpfs: round(memoryRate / bareRate),
      bare_cpu_ms_per_mib: round(median(bare.cpu)),
      tltop_cpu_ms_per_mib: round(median(tltop.cpu)),
      ...(compareEngine
        ? {
            compared_mib_s: round(SIZE / MiB / median(compared.seconds), 1),
            compared_ratio: round(SIZE / MiB / median(compared.seconds) / bareRate),
          }
        : {}),
      goal: 'ratio >= 0.90',
    });
  }
  printTable(`upload throughput, ${SIZE / MiB} MiB file, 5 MiB chunks, median of ${ROUNDS}`, rows);
  const file_ = await writeResult('upload-throughput', {
    quick,
    size_bytes: SIZE,
    rounds: ROUNDS,
    ...(compareDir ? { compared_tree: compareDir } : {}),
    rows,
  });
  process.stdout.write(`\nwrote ${file_}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
