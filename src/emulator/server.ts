import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminRoutes, assetDigest } from './admin.js';
import { EmulatorClock, iso } from './clock.js';
import { Dispatcher, internalError, type RequestLogEntry } from './dispatcher.js';
import { defaultFaults, describeFaults, parseFaultObject } from './faults.js';
import { sendError } from './http.js';
import { analyzeRoutes } from './resources/analyze.js';
import { assetRoutes } from './resources/assets.js';
import { embedRoutes } from './resources/embed.js';
import { indexRoutes } from './resources/indexes.js';
import { taskRoutes } from './resources/tasks.js';
import { uploadRoutes } from './resources/uploads.js';
import { type Route, Router } from './router.js';
import { seedDemo } from './seed.js';
import { EmulatorState } from './state.js';
import { Stats } from './stats.js';
import { ChunkStorage } from './storage.js';

export interface EmulatorOptions {
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  seed?: 'demo' | 'empty';
  /** A `--faults` spec or its JSON form (see faults.ts). */
  faults?: string | Record<string, unknown>;
  /** Emulator clock speed; 1 = real time. */
  speed?: number;
  /** Multipart chunk size the server chooses (default 5 MiB). */
  chunkSize?: number;
  /** How many presigned URLs a new upload gets up front (default 10). */
  initialUrls?: number;
  /** Accept only this key (default: any non-empty key). */
  apiKey?: string;
  /** With the demo seed: new tasks, analyses and embeddings keep arriving on the clock. */
  activity?: boolean;
  /** Called after every request (route template, status, real milliseconds). */
  onRequest?: (entry: RequestLogEntry) => void;
}

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:43123 */
  origin: string;
  /** origin + '/v1.3', what TWELVELABS_BASE_URL holds */
  baseUrl: string;
  /** The temp dir holding chunk bytes, once there are any (removed on close). */
  readonly storageDir: string | undefined;
  /** Moves the emulator clock forward; returns the new emulator time (ISO-8601). */
  advanceClock(seconds: number): string;
  /** Current emulator time (ISO-8601). */
  now(): string;
  /** Replaces the fault configuration (same grammar as `--faults`, or its JSON form); throws FaultSpecError on a bad spec. */
  setFaults(faults: string | Record<string, unknown>): void;
  faults(): Record<string, number | string | null>;
  stats(): ReturnType<Stats['toJSON']>;
  /** Size and SHA-256 of an uploaded asset's bytes. */
  digest(assetId: string): Promise<{ size: number; sha256: string }>;
  close(): Promise<void>;
}

export const DEFAULT_CHUNK_SIZE = 5 * 1024 * 1024;

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const faults = options.faults === undefined ? defaultFaults() : parseFaultObject(options.faults);
  const storage = new ChunkStorage();
  const stats = new Stats();
  const state = new EmulatorState(
    new EmulatorClock(options.speed ?? 1),
    storage,
    {
      chunkSize: options.chunkSize ?? DEFAULT_CHUNK_SIZE,
      initialUrls: options.initialUrls ?? 10,
      apiKey: options.apiKey,
    },
    stats,
    faults,
  );
  if ((options.seed ?? 'empty') === 'demo') seedDemo(state, { activity: options.activity });

  const routes: Route[] = [
    ...uploadRoutes(state),
    ...assetRoutes(state),
    ...taskRoutes(state),
    ...indexRoutes(state),
    ...embedRoutes(state),
    ...analyzeRoutes(state),
    ...adminRoutes(state),
  ];
  const dispatcher = new Dispatcher(state, new Router(routes), options.onRequest);
  const server = createServer((req, res) => {
    dispatcher.handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, 'classic', internalError());
      else res.destroy();
    });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  state.origin = `http://${host}:${address.port}`;

  let closing: Promise<void> | undefined;
  return {
    origin: state.origin,
    baseUrl: `${state.origin}/v1.3`,
    get storageDir() {
      return storage.dir;
    },
    advanceClock: (seconds) => iso(state.clock.advance(seconds)),
    now: () => iso(state.now()),
    setFaults: (input) => {
      state.faults = parseFaultObject(input);
    },
    faults: () => describeFaults(state.faults),
    stats: () => stats.toJSON(),
    digest: (assetId) => assetDigest(state, assetId),
    close: () => {
      closing ??= (async () => {
        dispatcher.stopStalls();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await storage.close();
      })();
      return closing;
    },
  };
}
