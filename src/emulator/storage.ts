import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export type SignatureCheck = 'valid' | 'expired' | 'invalid';

export interface ReceivedChunk {
  etag: string;
  size: number;
}

/** Temp dirs of emulators still running; removed on process exit if close() was never called. */
const liveDirs = new Set<string>();
let exitHookInstalled = false;

function removeOnExit(dir: string): void {
  liveDirs.add(dir);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const live of liveDirs) rmSync(live, { recursive: true, force: true });
  });
}

/**
 * Where chunk bytes live: one file per chunk in a temp dir (never in memory),
 * created on the first chunk PUT and removed on close; and the HMAC signing of
 * the presigned `/_storage/...` URLs that accept them.
 */
export class ChunkStorage {
  private readonly secret = randomBytes(32);
  private directory: Promise<string> | undefined;
  private createdDir: string | undefined;
  private closed = false;

  /** The temp dir, once a chunk has been stored. */
  get dir(): string | undefined {
    return this.createdDir;
  }

  private ensureDir(): Promise<string> {
    if (this.closed) return Promise.reject(new Error('chunk storage is closed'));
    this.directory ??= mkdtemp(join(tmpdir(), 'tltop-emulator-')).then((dir) => {
      this.createdDir = dir;
      removeOnExit(dir);
      return dir;
    });
    return this.directory;
  }

  static chunkPath(uploadId: string, chunkIndex: number): string {
    return `/_storage/uploads/${uploadId}/chunks/${chunkIndex}`;
  }

  signedUrl(origin: string, uploadId: string, chunkIndex: number, expiresAtMs: number): string {
    const path = ChunkStorage.chunkPath(uploadId, chunkIndex);
    const expires = Math.floor(expiresAtMs / 1000);
    return `${origin}${path}?X-Expires=${expires}&X-Signature=${this.signature(path, expires)}`;
  }

  check(path: string, query: URLSearchParams, nowMs: number): SignatureCheck {
    const expiresText = query.get('X-Expires') ?? '';
    const given = Buffer.from(query.get('X-Signature') ?? '', 'utf8');
    if (!/^\d+$/.test(expiresText)) return 'invalid';
    const expected = Buffer.from(this.signature(path, Number(expiresText)), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return Number(expiresText) * 1000 <= nowMs ? 'expired' : 'valid';
  }

  private signature(path: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`PUT\n${path}\n${expires}`).digest('hex');
  }

  private async file(uploadId: string, chunkIndex: number): Promise<string> {
    return join(await this.ensureDir(), uploadId, String(chunkIndex));
  }

  /**
   * Streams a chunk PUT body to disk, computing its MD5 on the way. Once the
   * whole body has arrived, `keep()` decides whether it replaces the stored copy
   * (it is asked then, not before, so a chunk reported meanwhile stays frozen).
   */
  async receive(
    uploadId: string,
    chunkIndex: number,
    body: IncomingMessage,
    options: { bytesPerSecond?: number; keep?: () => boolean; onBytes?: (count: number) => void } = {},
  ): Promise<ReceivedChunk & { kept: boolean }> {
    const file = await this.file(uploadId, chunkIndex);
    await mkdir(join(file, '..'), { recursive: true });
    const partial = `${file}.${randomBytes(4).toString('hex')}.part`;
    const md5 = createHash('md5');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        md5.update(chunk);
        size += chunk.length;
        options.onBytes?.(chunk.length);
        callback(null, chunk);
      },
    });
    const stages: (NodeJS.ReadableStream | NodeJS.ReadWriteStream)[] = [body];
    if (options.bytesPerSecond) stages.push(new Throttle(options.bytesPerSecond));
    stages.push(tap);
    let kept = false;
    try {
      await pipeline([...stages, createWriteStream(partial, { highWaterMark: 1024 * 1024 })]);
      kept = options.keep?.() ?? true;
      if (kept) await rename(partial, file);
    } finally {
      if (!kept) await unlink(partial).catch(() => undefined);
    }
    return { etag: md5.digest('hex'), size, kept };
  }

  /** Size and SHA-256 of the assembled file, streamed chunk by chunk. */
  async digest(uploadId: string, totalChunks: number): Promise<{ size: number; sha256: string }> {
    const sha256 = createHash('sha256');
    let size = 0;
    for (let index = 1; index <= totalChunks; index += 1) {
      for await (const piece of createReadStream(await this.file(uploadId, index))) {
        sha256.update(piece as Buffer);
        size += (piece as Buffer).length;
      }
    }
    return { size, sha256: sha256.digest('hex') };
  }

  /** Streams the assembled file (the `url` a completed upload returns). */
  async *read(uploadId: string, totalChunks: number): AsyncGenerator<Buffer> {
    for (let index = 1; index <= totalChunks; index += 1) {
      for await (const piece of createReadStream(await this.file(uploadId, index))) yield piece as Buffer;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const dir = await this.directory?.catch(() => undefined);
    if (dir === undefined) return;
    await rm(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
  }
}

/** Passes bytes through no faster than `bytesPerSecond` (real time). */
class Throttle extends Transform {
  private readonly startedAt = Date.now();
  private passed = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly bytesPerSecond: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.passed += chunk.length;
    const due = this.startedAt + (this.passed / this.bytesPerSecond) * 1000;
    const wait = due - Date.now();
    if (!(wait > 0)) {
      callback(null, chunk);
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      callback(null, chunk);
    }, wait);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.timer) clearTimeout(this.timer);
    callback(error);
  }
}
