/**
 * Peak memory and temp files while uploading a large file at concurrency 8 (goal for tltop:
 * RSS < 100 MiB, no temp files). Each upload runs in its own process against one emulator
 * (own process): the real binary (`dist/bin.js upload --no-wait`, RSS read from /proc) next to
 * the bare PUT loop in plain node (the floor for streaming PUTs on this Node), and, side by
 * side in the same tsx harness, the bare loop, tltop's engine and the official SDK's
 * uploadFile (which copies the file into temp chunks first). The file is sparse (it
 * takes no disk) and is deleted afterwards; each child gets its own TMPDIR, whose size is
 * polled.
 *
 *   npm run build && npx tsx bench/upload-memory.ts [--quick]
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  API_KEY,
  benchDir,
  MiB,
  printTable,
  quickMode,
  round,
  sparseFile,
  startChildEmulator,
  writeResult,
} from './upload-common.js';

const quick = quickMode();
const SIZE = (quick ? 512 : 2048) * MiB;
const CONCURRENCY = 8;
const BUDGET_MIB = 100;

async function treeBytes(path: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true }).catch(() => [])) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) total += await treeBytes(full);
    else total += (await stat(full).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

/** VmHWM (peak resident set) of a running process, from /proc; 0 once it has exited. */
async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

interface Measured {
  seconds: number;
  maxRss: number;
  tempPeak: number;
}

async function measure(command: string[], env: NodeJS.ProcessEnv, tempDir: string): Promise<Measured> {
  await mkdir(tempDir, { recursive: true });
  const started = performance.now();
  const child = spawn(command[0]!, command.slice(1), {
    env: { ...process.env, ...env, TMPDIR: tempDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (piece: Buffer) => {
    stdout += piece.toString('utf8');
  });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  let running = true;
  let rssSeen = 0;
  let tempPeak = 0;
  void exited.then(() => {
    running = false;
  });
  while (running) {
    rssSeen = Math.max(rssSeen, await peakRss(child.pid!));
    tempPeak = Math.max(tempPeak, await treeBytes(tempDir));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const code = await exited;
  if (code !== 0) throw new Error(`${command.join(' ')} exited ${code}: ${stdout}`);
  const report = /^\{.*\}$/m.exec(stdout);
  const fromChild = report
    ? (JSON.parse(report[0]) as { seconds: number; max_rss_bytes: number })
    : undefined;
  return {
    seconds: fromChild?.seconds ?? (performance.now() - started) / 1000,
    maxRss: Math.max(rssSeen, fromChild?.max_rss_bytes ?? 0),
    tempPeak,
  };
}

const emulator = await startChildEmulator();
const dir = await benchDir();
try {
  const file = await sparseFile(join(dir, 'big.mp4'), SIZE);
  const harness = (subject: string) => [
    process.execPath,
    '--import',
    'tsx',
    'bench/upload-memory-child.ts',
    subject,
    emulator.baseUrl,
    file,
    String(CONCURRENCY),
  ];
  const subjects: { name: string; command: string[]; env?: NodeJS.ProcessEnv }[] = [
    {
      name: 'tltop (dist/bin.js upload)',
      command: [
        process.execPath,
        'dist/bin.js',
        'upload',
        file,
        '--no-wait',
        '--json',
        '--concurrency',
        String(CONCURRENCY),
      ],
      env: {
        TWELVELABS_API_KEY: API_KEY,
        TWELVELABS_BASE_URL: emulator.baseUrl,
        TLTOP_STATE_DIR: join(dir, 'state'),
      },
    },
    {
      name: 'bare PUT loop (plain node)',
      command: [process.execPath, 'bench/upload-bare.ts', emulator.baseUrl, file, String(CONCURRENCY)],
    },
    { name: 'bare PUT loop (tsx harness)', command: harness('bare') },
    { name: 'tltop engine (tsx harness)', command: harness('tltop') },
    { name: 'twelvelabs-js uploadFile (tsx harness)', command: harness('sdk') },
  ];
  const rows = [];
  let bareRss = 0;
  for (const [position, subject] of subjects.entries()) {
    const result = await measure(subject.command, subject.env ?? {}, join(dir, `tmp-${position}`));
    if (subject.name === 'bare PUT loop (plain node)') bareRss = result.maxRss;
    rows.push({
      subject: subject.name,
      peak_rss_mib: round(result.maxRss / MiB, 1),
      temp_files_peak_mib: round(result.tempPeak / MiB, 1),
      mib_per_s: round(SIZE / MiB / result.seconds, 1),
    });
  }
  for (const row of rows) {
    Object.assign(row, { rss_vs_bare: round((row.peak_rss_mib * MiB) / bareRss) });
  }
  printTable(
    `upload memory, ${SIZE / MiB} MiB sparse file, concurrency ${CONCURRENCY} (goal for tltop: RSS < ${BUDGET_MIB} MiB, no temp files)`,
    rows,
  );
  const written = await writeResult('upload-memory', {
    quick,
    size_bytes: SIZE,
    concurrency: CONCURRENCY,
    budget_mib: BUDGET_MIB,
    rows,
  });
  process.stdout.write(`\nwrote ${written}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
  await emulator.stop();
}
