/**
 * What the upload benchmarks share: an emulator in its own process, test files, the bare
 * loopback PUT loop (the floor any uploader pays), the official SDK's uploadFile, tltop's
 * engine, and result output. Everything talks to 127.0.0.1 only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Transform } from 'node:stream';
import { TwelveLabs } from 'twelvelabs-js';
import { Pool } from 'undici';
import { createUploadApi, createUploadManager } from '../src/upload/manager.js';

export const MiB = 1024 ** 2;
export const API_KEY = 'tlk_bench000000000000000000';

export interface ChildEmulator {
  origin: string;
  baseUrl: string;
  setFaults(spec: string): Promise<void>;
  stop(): Promise<void>;
}

/** `tltop emulator` in its own process, so the client side's CPU is measured alone. */
export async function startChildEmulator(): Promise<ChildEmulator> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/bin.ts', 'emulator', '--seed', 'empty', '--port', '0'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
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

export interface UploadRun {
  seconds: number;
  assetId: string;
}

/** tmpfs when the machine has one: a journal there costs no disk flushes. */
export const MEMORY_DIR = '/dev/shm';

/**
 * tltop's engine, as `tltop upload --no-wait` drives it, with its journal in a temp state dir
 * under `stateParent` (default: the OS temp dir, on disk).
 */
export async function tltopUpload(
  baseUrl: string,
  path: string,
  concurrency: number,
  stateParent = tmpdir(),
): Promise<UploadRun> {
  const stateDir = await mkdtemp(join(stateParent, 'tltop-bench-state-'));
  const api = createUploadApi({ apiKey: API_KEY, baseUrl });
  const manager = createUploadManager({ api, stateDir });
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

interface Json {
  [key: string]: unknown;
}

async function jsonCall(pool: Pool, method: 'POST' | 'GET', path: string, body?: unknown): Promise<Json> {
  const response = await pool.request({
    method,
    path,
    headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.body.json()) as Json;
  if (response.statusCode >= 300)
    throw new Error(`${method} ${path}: ${response.statusCode} ${JSON.stringify(json)}`);
  return json;
}

/**
 * The floor: N workers pull the next chunk index, stream its byte range into an undici PUT
 * with an MD5 tap, compare the ETag; URLs are fetched 50 at a time as needed, reports go in
 * batches of 50 at the end. No retries, no journal, no progress.
 */
export async function bareUpload(
  baseUrl: string,
  path: string,
  size: number,
  concurrency: number,
): Promise<UploadRun> {
  const origin = new URL(baseUrl).origin;
  const api = new Pool(origin, { connections: 2 });
  const storage = new Pool(origin, { connections: concurrency });
  try {
    const started = performance.now();
    const session = await jsonCall(api, 'POST', '/v1.3/assets/multipart-uploads', {
      filename: 'bench.mp4',
      type: 'video',
      total_size: size,
    });
    const uploadId = session.upload_id as string;
    const chunkSize = session.chunk_size as number;
    const total = session.total_chunks as number;
    const headers = session.upload_headers as Record<string, string>;
    const urls = new Map<number, string>();
    for (const entry of session.upload_urls as { chunk_index: number; url: string }[])
      urls.set(entry.chunk_index, entry.url);
    const fetching = new Map<number, Promise<void>>();
    const urlFor = async (index: number): Promise<string> => {
      const start = Math.floor((index - 1) / 50) * 50 + 1;
      if (!urls.has(index)) {
        if (!fetching.has(start)) {
          fetching.set(
            start,
            jsonCall(api, 'POST', `/v1.3/assets/multipart-uploads/${uploadId}/presigned-urls`, {
              start,
              count: Math.min(50, total - start + 1),
            }).then((answer) => {
              for (const entry of answer.upload_urls as { chunk_index: number; url: string }[]) {
                urls.set(entry.chunk_index, entry.url);
              }
            }),
          );
        }
        await fetching.get(start);
      }
      return urls.get(index)!;
    };
    const etags: { chunk_index: number; proof: string; proof_type: 'etag'; chunk_size: number }[] = [];
    let next = 1;
    const worker = async () => {
      while (next <= total) {
        const index = next++;
        const offset = (index - 1) * chunkSize;
        const length = Math.min(chunkSize, size - offset);
        const url = new URL(await urlFor(index));
        const md5 = createHash('md5');
        const body = createReadStream(path, {
          start: offset,
          end: offset + length - 1,
          highWaterMark: MiB,
        }).pipe(
          new Transform({
            transform(piece: Buffer, _encoding, callback) {
              md5.update(piece);
              callback(null, piece);
            },
          }),
        );
        const response = await storage.request({
          method: 'PUT',
          path: `${url.pathname}${url.search}`,
          headers: { ...headers, 'content-length': String(length) },
          body,
        });
        await response.body.dump();
        const etag = String(response.headers.etag ?? '').replace(/"/g, '');
        if (response.statusCode !== 200 || etag !== md5.digest('hex'))
          throw new Error(`chunk ${index} failed`);
        etags.push({ chunk_index: index, proof: etag, proof_type: 'etag', chunk_size: length });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    let assetId = '';
    for (let start = 0; start < etags.length; start += 50) {
      const answer = await jsonCall(api, 'POST', `/v1.3/assets/multipart-uploads/${uploadId}`, {
        completed_chunks: etags.slice(start, start + 50),
      });
      assetId = answer.asset_id as string;
    }
    return { seconds: (performance.now() - started) / 1000, assetId };
  } finally {
    await api.close();
    await storage.close();
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
