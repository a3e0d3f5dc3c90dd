/**
 * tltop's upload engine against the bare loopback PUT loop (bench/upload-common.ts): same file,
 * same emulator (own process), same chunks and concurrency, MD5 on both sides. Rounds of the
 * two are interleaved; the figure is the ratio of median throughputs (goal >= 0.90).
 *
 *   npx tsx bench/upload-throughput.ts [--quick]
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  bareUpload,
  benchDir,
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

// The emulator writes every chunk to this machine's disk, so journal fsyncs on that disk queue
// behind it (a real upload's storage is remote). The main ratio keeps the journal on tmpfs;
// the journal-on-disk column shows the cost on a disk shared with the server.
const journalInMemory = existsSync(MEMORY_DIR) ? MEMORY_DIR : undefined;
const emulator = await startChildEmulator();
const dir = await benchDir();
try {
  const file = await randomFile(join(dir, 'bench.mp4'), SIZE);
  const rows = [];
  for (const concurrency of CONCURRENCY) {
    const bare = { seconds: [] as number[], cpu: [] as number[] };
    const tltop = { seconds: [] as number[], cpu: [] as number[] };
    const tltopDisk = { seconds: [] as number[], cpu: [] as number[] };
    // warm-up: page cache, connections, JIT
    await bareUpload(emulator.baseUrl, file, SIZE, concurrency);
    await tltopUpload(emulator.baseUrl, file, concurrency, journalInMemory);
    for (let index = 0; index < ROUNDS; index++) {
      for (const [subject, run] of [
        [bare, () => bareUpload(emulator.baseUrl, file, SIZE, concurrency)],
        [tltop, () => tltopUpload(emulator.baseUrl, file, concurrency, journalInMemory)],
        [tltopDisk, () => tltopUpload(emulator.baseUrl, file, concurrency)],
      ] as const) {
        const cpuBefore = process.cpuUsage();
        subject.seconds.push((await run()).seconds);
        const cpu = process.cpuUsage(cpuBefore);
        subject.cpu.push((cpu.user + cpu.system) / 1000 / (SIZE / MiB));
      }
    }
    const bareRate = SIZE / MiB / median(bare.seconds);
    const tltopRate = SIZE / MiB / median(tltop.seconds);
    const diskRate = SIZE / MiB / median(tltopDisk.seconds);
    rows.push({
      concurrency,
      bare_mib_s: round(bareRate, 1),
      tltop_mib_s: round(tltopRate, 1),
      ratio: round(tltopRate / bareRate),
      tltop_journal_on_disk_mib_s: round(diskRate, 1),
      ratio_journal_on_disk: round(diskRate / bareRate),
      bare_cpu_ms_per_mib: round(median(bare.cpu)),
      tltop_cpu_ms_per_mib: round(median(tltop.cpu)),
      goal: 'ratio >= 0.90',
    });
  }
  printTable(`upload throughput, ${SIZE / MiB} MiB file, 5 MiB chunks, median of ${ROUNDS}`, rows);
  const file_ = await writeResult('upload-throughput', { quick, size_bytes: SIZE, rounds: ROUNDS, rows });
  process.stdout.write(`\nwrote ${file_}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
  await emulator.stop();
}
