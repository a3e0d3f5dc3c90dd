/**
 * tltop's upload engine against the official twelvelabs-js `multipartUpload.uploadFile` (its
 * defaults: batches of 10 chunks started at once, temp chunk files) on the same file and the
 * same emulator (own process, 5 MiB chunks, chunk files on tmpfs, a fresh one per round),
 * under four network conditions set through the emulator's fault API. tltop runs 10 workers, the SDK's number in flight. Rounds interleave;
 * figures are median throughputs and their ratio (goal: >= 1.3x with no faults, >= 2x under
 * latency and the slow tail).
 *
 *   npx tsx bench/upload-sdk.ts [--quick]
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  benchDir,
  MiB,
  median,
  printTable,
  quickMode,
  randomFile,
  round,
  sdkUpload,
  startChildEmulator,
  tltopUpload,
  writeResult,
} from './upload-common.js';

const quick = quickMode();
const SIZE = (quick ? 100 : 400) * MiB;
const ROUNDS = quick ? 1 : 3;
const WORKERS = 10;

const CONDITIONS = [
  { name: 'no faults', faults: '', goal: 1.3 },
  { name: '50 ms latency', faults: 'latency=50ms', goal: 2 },
  { name: '25 MiB/s per PUT', faults: 'put-rate=25MiB/s', goal: 1.3 },
  { name: '25 MiB/s + 1 in 20 at 5 MiB/s', faults: 'put-rate=25MiB/s,slow-chunks=0.05@5MiB/s', goal: 2 },
];

const dir = await benchDir();
try {
  const file = await randomFile(join(dir, 'bench.mp4'), SIZE);
  const rows = [];
  for (const condition of CONDITIONS) {
    const sdk: number[] = [];
    const tltop: number[] = [];
    // a fresh emulator per round, chunk files on tmpfs (see startChildEmulator); round -1 warms up
    for (let index = quick ? 0 : -1; index < ROUNDS; index++) {
      const emulator = await startChildEmulator({ storageInMemory: true });
      try {
        await emulator.setFaults(condition.faults);
        const sdkRun = await sdkUpload(emulator.baseUrl, file);
        const tltopRun = await tltopUpload(emulator.baseUrl, file, WORKERS);
        if (index < 0) continue;
        sdk.push(sdkRun.seconds);
        tltop.push(tltopRun.seconds);
      } finally {
        await emulator.stop();
      }
    }
    const sdkRate = SIZE / MiB / median(sdk);
    const tltopRate = SIZE / MiB / median(tltop);
    rows.push({
      condition: condition.name,
      sdk_mib_s: round(sdkRate, 1),
      tltop_mib_s: round(tltopRate, 1),
      speedup: round(tltopRate / sdkRate),
      goal: `>= ${condition.goal}x`,
      met: tltopRate / sdkRate >= condition.goal ? 'yes' : 'no',
    });
  }
  printTable(
    `tltop vs twelvelabs-js uploadFile, ${SIZE / MiB} MiB file, 5 MiB chunks, ${WORKERS} in flight, median of ${ROUNDS}`,
    rows,
  );
  const written = await writeResult('upload-sdk', {
    quick,
    size_bytes: SIZE,
    rounds: ROUNDS,
    workers: WORKERS,
    rows,
  });
  process.stdout.write(`\nwrote ${written}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
