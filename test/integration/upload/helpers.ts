import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TwelveLabsClient } from '../../../src/api/client.js';
import { createUploadManager, type Uploads } from '../../../src/upload/manager.js';
import type { UploadPolicy } from '../../../src/upload/policy.js';
import type { UploadEvent } from '../../../src/upload/types.js';
import type { TestEmulator } from '../../helpers/emulator.js';

/** Short waits so retries and polling take milliseconds, not seconds; the rules are the same. */
export const FAST_POLICY: Partial<UploadPolicy> = {
  backoffBaseMs: 20,
  backoffCapMs: 500,
  retryAfterMinMs: 50,
  followIntervalMs: 50,
  followMaxIntervalMs: 200,
  reportFlushMs: 50,
  breakerProbeMs: 200,
  concurrencyRecoverMs: 500,
  flushBudgetMs: 2000,
};

export async function tempDir(prefix = 'tltop-upload-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Retries while a process that is exiting still writes into the dir (ENOTEMPTY, EBUSY). */
export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}

/** A file of random bytes (random so that chunk MD5s differ). */
export async function randomFile(dir: string, name: string, size: number): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, randomBytes(size));
  return path;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(path)) hash.update(piece as Buffer);
  return hash.digest('hex');
}

export interface Harness {
  manager: Uploads;
  client: TwelveLabsClient;
  events: UploadEvent[];
  close(): Promise<void>;
}

/** A manager on a real client (no retries of its own) talking to the emulator over loopback. */
export function openManager(
  emulator: TestEmulator,
  stateDir: string,
  policy: Partial<UploadPolicy> = FAST_POLICY,
  timeouts?: ConstructorParameters<typeof TwelveLabsClient>[0]['timeouts'],
): Harness {
  const client = new TwelveLabsClient({
    apiKey: emulator.apiKey,
    baseUrl: emulator.baseUrl,
    retry: { maxRetries: 0 },
    timeouts,
  });
  const manager = createUploadManager({ api: client, stateDir, policy });
  const events: UploadEvent[] = [];
  manager.onEvent((event) => events.push(event));
  return {
    manager,
    client,
    events,
    async close() {
      await manager.shutdown();
      await client.close();
    },
  };
}

/** Resolves with the first event matching, or rejects after `ms`. */
export function waitForEvent(
  harness: Harness,
  match: (event: UploadEvent) => boolean,
  ms = 20_000,
): Promise<UploadEvent> {
  const found = harness.events.find(match);
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no matching upload event within ${ms} ms`));
    }, ms);
    const stop = harness.manager.onEvent((event) => {
      if (!match(event)) return;
      clearTimeout(timer);
      stop();
      resolve(event);
    });
  });
}

/** Successful chunk PUTs the emulator has counted so far. */
export function chunkPuts(emulator: TestEmulator, status = '200'): number {
  const requests = emulator.stats().requests as Record<string, Record<string, number>>;
  let total = 0;
  for (const [route, byStatus] of Object.entries(requests)) {
    if (route.startsWith('PUT ') && route.includes('/chunks/')) total += byStatus[status] ?? 0;
  }
  return total;
}

/**
 * Chunks sent more than once after a crash: the 200 PUTs beyond one per chunk, less the tail
 * duplicates. A PUT answered while its killed client was gone counts 499, and a losing tail
 * duplicate may never finish, so the 200s can fall short of that sum: never below 0.
 */
export function resentChunks(emulator: TestEmulator, totalChunks: number, tailDuplicates: number): number {
  return Math.max(0, chunkPuts(emulator) - totalChunks - tailDuplicates);
}

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = join(ROOT, 'dist', 'bin.js');
/** Node 22 from the devDependency; the system node may be older. */
const NODE = join(ROOT, 'node_modules', '.bin', 'node');

export interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** resolves with the exit code (or 128 + signal number) */
  exited: Promise<number>;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** Spawns the built binary with only the given environment (plus PATH and HOME). */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv): CliRun {
  const child = spawn(NODE, [BIN, ...args], {
    env: { PATH: process.env.PATH, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (piece: Buffer) => {
    stdout += piece.toString('utf8');
  });
  child.stderr!.on('data', (piece: Buffer) => {
    stderr += piece.toString('utf8');
  });
  const exited = new Promise<number>((resolve) => {
    child.on('close', (code, signal) => resolve(code ?? 128 + (SIGNAL_NUMBERS[signal ?? ''] ?? 0)));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Polls `check` every 10 ms until it returns a value, or throws after `ms`. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The environment a tltop child process needs to talk to `emulator`, with its files kept in `dir`. */
export function cliEnv(dir: string, emulator: TestEmulator): Record<string, string> {
  return {
    HOME: dir,
    TLTOP_CONFIG_DIR: join(dir, 'config'),
    TLTOP_STATE_DIR: join(dir, 'state'),
    TWELVELABS_API_KEY: emulator.apiKey,
    TWELVELABS_BASE_URL: emulator.baseUrl,
  };
}
