import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline, Transform } from 'node:stream';
import { Pool } from 'undici';
import { errnoCode } from './errors.js';
import { parseRetryAfter } from './pacing.js';

const READ_CHUNK = 1024 ** 2;
const ERROR_BODY_LIMIT = 4096;

/** One keep-alive undici Pool per storage origin (presigned URLs may point anywhere). */
export class StoragePools {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly options: { connections: number; connectTimeoutMs: number }) {}

  for(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.options.connections,
        pipelining: 1,
        connectTimeout: this.options.connectTimeoutMs,
        // the engine runs its own stall and response timers
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy().catch(() => undefined)));
  }
}

export interface ChunkPut {
  pools: StoragePools;
  url: string;
  headers: Record<string, string>;
  filePath: string;
  offset: number;
  length: number;
  signal: AbortSignal;
  sendStallMs: number;
  responseTimeoutMs: number;
  /** bytes of this attempt handed to the socket so far */
  onBytes(sent: number): void;
}

export type PutOutcome =
  | { kind: 'ok'; etag: string | undefined; md5: string }
  | { kind: 'status'; status: number; retryAfterMs?: number; code?: string }
  | { kind: 'network'; reason: string }
  | { kind: 'stall' }
  | { kind: 'response_timeout' }
  | { kind: 'local'; code: string; sentBytes: number }
  | { kind: 'aborted' };

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The S3-style `<Code>` of an XML error body, if any (e.g. AccessDenied, SlowDown). */
function storageErrorCode(body: string): string | undefined {
  return /<Code>([\w.-]{1,64})<\/Code>/.exec(body)?.[1];
}

async function readLimited(body: AsyncIterable<Buffer>): Promise<string> {
  const pieces: Buffer[] = [];
  let size = 0;
  for await (const piece of body) {
    if (size < ERROR_BODY_LIMIT) pieces.push(piece);
    size += piece.length;
  }
  return Buffer.concat(pieces).toString('utf8').slice(0, ERROR_BODY_LIMIT);
}

function networkReason(error: unknown): string {
  const code = errnoCode(error) ?? errnoCode((error as { cause?: unknown } | null)?.cause);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect timeout';
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') return 'connection reset';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code) return code;
  return 'network error';
}

/**
 * PUTs one byte range of a file to a presigned URL: streamed from disk (never buffered whole),
 * MD5 computed on the way, a stall timer while sending and a longer one awaiting the answer.
 * Never throws; the outcome says what happened. The URL is never part of any outcome.
 */
export async function putChunk(put: ChunkPut): Promise<PutOutcome> {
  const target = new URL(put.url);
  const controller = new AbortController();
  const abortFromCaller = () => controller.abort();
  put.signal.addEventListener('abort', abortFromCaller, { once: true });
  // one timer: the send stall window, restarted on progress, then the response window
  let phase: 'stall' | 'response_timeout' = 'stall';
  let timedOut: 'stall' | 'response_timeout' | undefined;
  let timer: NodeJS.Timeout = setTimeout(() => {
    timedOut = phase;
    controller.abort();
  }, put.sendStallMs);
  const awaitResponse = () => {
    clearTimeout(timer);
    phase = 'response_timeout';
    timer = setTimeout(() => {
      timedOut = phase;
      controller.abort();
    }, put.responseTimeoutMs);
  };

  const md5 = createHash('md5');
  let sent = 0;
  let localError: unknown;
  const source = createReadStream(put.filePath, {
    start: put.offset,
    end: put.offset + put.length - 1,
    highWaterMark: READ_CHUNK,
  });
  const tap = new Transform({
    transform(piece: Buffer, _encoding, callback) {
      md5.update(piece);
      sent += piece.length;
      put.onBytes(sent);
      timer.refresh();
      callback(null, piece);
    },
    flush(callback) {
      awaitResponse();
      callback();
    },
  });
  pipeline(source, tap, (error) => {
    if (error && !controller.signal.aborted) localError ??= error;
  });
  source.once('error', (error) => {
    localError = error;
  });

  try {
    const response = await put.pools.for(target.origin).request({
      method: 'PUT',
      path: `${target.pathname}${target.search}`,
      headers: { ...put.headers, 'content-length': String(put.length) },
      body: tap,
      signal: controller.signal,
    });
    clearTimeout(timer);
    if (response.statusCode >= 200 && response.statusCode < 300) {
      await response.body.dump();
      if (sent !== put.length) return { kind: 'local', code: 'ESHORTREAD', sentBytes: sent };
      const etag = headerValue(response.headers.etag)?.replace(/^W\//, '').replace(/"/g, '').toLowerCase();
      return { kind: 'ok', etag: etag || undefined, md5: md5.digest('hex') };
    }
    const text = await readLimited(response.body).catch(() => '');
    return {
      kind: 'status',
      status: response.statusCode,
      retryAfterMs: parseRetryAfter(response.headers['retry-after']),
      code: storageErrorCode(text),
    };
  } catch (error) {
    if (put.signal.aborted) return { kind: 'aborted' };
    if (timedOut) return { kind: timedOut };
    if (localError) return { kind: 'local', code: errnoCode(localError) ?? 'EIO', sentBytes: sent };
    if (source.readableEnded && sent < put.length)
      return { kind: 'local', code: 'ESHORTREAD', sentBytes: sent };
    return { kind: 'network', reason: networkReason(error) };
  } finally {
    clearTimeout(timer);
    put.signal.removeEventListener('abort', abortFromCaller);
    source.destroy();
    tap.destroy();
  }
}
