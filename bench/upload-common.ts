/**
 * What the upload benchmarks share: an emulator in its own process, test files, the bare
 * loopback PUT loop (the floor any uploader pays), the official SDK's uploadFile, tltop's
 * engine, and result output. Everything talks to 127.0.0.1 only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { TwelveLabs } from 'twelvelabs-js';
import { Pool } from 'undici';
import { createUploadApi, createUploadManager } from '../src/upload/manager.js';
import { API_KEY, MiB, type UploadRun } from './upload-bare.js';

export { API_KEY, bareUpload, MiB } from './upload-bare.js';

export interface ChildEmulator {
  origin: string;
  baseUrl: string;
  setFaults(spec: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `tltop emulator` in its own process, so the client side's CPU is measured alone. With
 * `storageInMemory` its chunk files go to tmpfs: a real upload's storage is remote, and chunk
 * writes on the local disk would slow the client's own journal fsyncs. Such an emulator keeps
 * every uploaded byte in RAM until it stops, so start one per round.
 */
export async function startChildEmulator(
  options: { storageInMemory?: boolean } = {},
): Promise<ChildEmulator> {
  const inMemory = options.storageInMemory === true && existsSync(MEMORY_DIR);
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/bin.ts', 'emulator', '--seed', 'empty', '--port', '0'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: inMemory ? { ...process.env, TMPDIR: MEMORY_DIR } : process.env,
    },
  );
  let origin: string | undefined;
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = /^listening on (\S+)/.exec(line);
    if (match) {
      origin = match[1]!;
      break;
    }
  }
  if (!origin) throw new Error('the emulator exited before listening');
  const admin = new Pool(origin);
  return {
    origin,
    baseUrl: `${origin}/v1.3`,
    async setFaults(spec) {
      const response = await admin.request({
        method: 'PUT',
        path: '/_emulator/faults',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(spec),
      });
      if (response.statusCode !== 200) throw new Error(`faults ${spec}: ${await response.body.text()}`);
      await response.body.dump();
    },
    async stop() {
      await admin.close();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A temp dir for one benchmark run; remove it with `rm(dir, {recursive: true})`. */
export function benchDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'tltop-bench-'));
}

/** A file of random bytes, written 16 MiB at a time. */
export async function randomFile(path: string, size: number): Promise<string> {
  const handle = await open(path, 'w');
  try {
    for (let written = 0; written < size; written += 16 * MiB) {
      await handle.write(randomBytes(Math.min(16 * MiB, size - written)));
    }
  } finally {
    await handle.close();
  }
  return path;
}

/** A sparse file (holes read as zeros; nothing written to disk). */
export async function sparseFile(path: string, size: number): Promise<string> {
  const handle = await open(path, 'w');
  try {
    await handle.truncate(size);
  } finally {
    await handle.close();
  }
  return path;
}

// ---- the three uploaders ----------------------------------------------------------------------

export type { UploadRun } from './upload-bare.js';

/** tmpfs when the machine has one: a journal there costs no disk flushes. */
export const MEMORY_DIR = '/dev/shm';

/**
 * tltop's engine, as `tltop upload --no-wait` drives it, with its journal in a temp state dir
 * under `stateParent` (default: the OS temp dir, on disk).
 */
/** The engine's two factories: this tree's, or another tree's (bench/upload-throughput --compare). */
export interface UploadEngine {
  createUploadApi: typeof createUploadApi;
  createUploadManager: typeof createUploadManager;
}

/** The upload engine of another checkout (its src/, run through tsx), e.g. the commit before a change. */
export async function engineFrom(treeDir: string): Promise<UploadEngine> {
  return (await import(pathToFileURL(join(treeDir, 'src', 'upload', 'manager.ts')).href)) as UploadEngine;
}

export async function tltopUpload(
  baseUrl: string,
  path: string,
  concurrency: number,
  stateParent = tmpdir(),
  engine: UploadEngine = { createUploadApi, createUploadManager },
): Promise<UploadRun> {
  const stateDir = await mkdtemp(join(stateParent, 'tltop-bench-state-'));
  const api = engine.createUploadApi({ apiKey: API_KEY, baseUrl });
  const manager = engine.createUploadManager({ api, stateDir });
  try {
    const started = performance.now();
    const id = await manager.start({ path, type: 'video', concurrency, followAsset: false });
    const snapshot = await manager.settled(id);
    const seconds = (performance.now() - started) / 1000;
    if (snapshot.phase !== 'done')
      throw new Error(`tltop upload ended ${snapshot.phase}: ${snapshot.lastError}`);
    return { seconds, assetId: snapshot.assetId! };
  } finally {
    await manager.shutdown();
    await api.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** The official SDK helper with its defaults (batches of 10, temp chunk files). */
export async function sdkUpload(baseUrl: string, path: string): Promise<UploadRun> {
  const previous = process.env.TWELVELABS_BASE_URL;
  process.env.TWELVELABS_BASE_URL = baseUrl;
  let client: TwelveLabs;
  try {
    client = new TwelveLabs({ apiKey: API_KEY });
  } finally {
    if (previous === undefined) delete process.env.TWELVELABS_BASE_URL;
    else process.env.TWELVELABS_BASE_URL = previous;
  }
  // the helper narrates every step on the console; keep the benchmark's table readable
  const log = console.log;
  console.log = () => undefined;
  try {
    const started = performance.now();
    const result = await client.multipartUpload.uploadFile(path);
    return { seconds: (performance.now() - started) / 1000, assetId: result.assetId };
  } finally {
    console.log = log;
  }
}

// ---- results ----------------------------------------------------------------------------------

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}

export function printTable(title: string, rows: readonly Record<string, unknown>[]): void {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const cells = [columns, ...rows.map((row) => columns.map((column) => String(row[column] ?? '')))];
  const widths = columns.map((_, index) => Math.max(...cells.map((line) => line[index]!.length)));
  process.stdout.write(`\n${title}\n`);
  for (const [position, line] of cells.entries()) {
    process.stdout.write(`  ${line.map((cell, index) => cell.padEnd(widths[index]!)).join('  ')}\n`);
    if (position === 0) process.stdout.write(`  ${widths.map((width) => '-'.repeat(width)).join('  ')}\n`);
  }
}

export async function writeResult(name: string, data: Record<string, unknown>): Promise<string> {
  const dir = join(process.cwd(), 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  await writeFile(
    file,
    `${JSON.stringify({ generated_at: new Date().toISOString(), node: process.version, ...data }, null, 2)}\n`,
  );
  return file;
}

export function quickMode(): boolean {
  return process.argv.includes('--quick');
}
