import { CHUNK_STATE_CHAR, type FailedChunk, type InFlightChunk } from './types.js';

export type ChunkPhase = 'pending' | 'backoff' | 'sending' | 'confirmed' | 'failed';

export interface Attempt {
  index: number;
  number: number;
  controller: AbortController;
  sent: number;
  startedAt: number;
  duplicate: boolean;
  probe: boolean;
}

export interface Chunk {
  index: number;
  size: number;
  phase: ChunkPhase;
  /** counted failed attempts (network, server, corrupt; throttles after a long streak) */
  attempts: number;
  corrupt: number;
  refreshes: number;
  throttleStreak: number;
  nextAt: number;
  etag?: string;
  reported: boolean;
  duplicated: boolean;
  /** the server marked it failed once and it was re-queued */
  serverRequeued: boolean;
  lastError?: string;
  /** when its first counted failure began (epoch ms) */
  firstFailureAt?: number;
  live: Set<Attempt>;
}

const CHAR_CODE: Record<ChunkPhase, number> = {
  pending: CHUNK_STATE_CHAR.pending.charCodeAt(0),
  backoff: CHUNK_STATE_CHAR.pending.charCodeAt(0),
  sending: CHUNK_STATE_CHAR.in_flight.charCodeAt(0),
  confirmed: CHUNK_STATE_CHAR.confirmed.charCodeAt(0),
  failed: CHUNK_STATE_CHAR.failed.charCodeAt(0),
};

/**
 * Every chunk of one upload and the order they are sent in: the lowest ready index first,
 * whether fresh (the cursor) or re-queued after a failure (the retry set).
 */
export class ChunkTable {
  readonly chunks: Chunk[];
  private readonly chars: Uint8Array;
  private cursor = 1;
  private readonly retry = new Set<number>();
  private readonly sending = new Set<Chunk>();
  confirmedBytes = 0;
  confirmedCount = 0;
  failedCount = 0;

  constructor(
    readonly totalSize: number,
    readonly chunkSize: number,
    readonly total: number,
  ) {
    this.chunks = Array.from({ length: total }, (_, position) => ({
      index: position + 1,
      size: Math.min(chunkSize, totalSize - position * chunkSize),
      phase: 'pending' as ChunkPhase,
      attempts: 0,
      corrupt: 0,
      refreshes: 0,
      throttleStreak: 0,
      nextAt: 0,
      reported: false,
      duplicated: false,
      serverRequeued: false,
      live: new Set<Attempt>(),
    }));
    this.chars = new Uint8Array(total).fill(CHAR_CODE.pending);
  }

  get(index: number): Chunk {
    const chunk = this.chunks[index - 1];
    if (!chunk) throw new RangeError(`no chunk ${index}`);
    return chunk;
  }

  offset(index: number): number {
    return (index - 1) * this.chunkSize;
  }

  setPhase(chunk: Chunk, phase: ChunkPhase): void {
    if (chunk.phase === phase) return;
    if (chunk.phase === 'confirmed') {
      this.confirmedBytes -= chunk.size;
      this.confirmedCount -= 1;
    }
    if (chunk.phase === 'failed') this.failedCount -= 1;
    if (phase === 'confirmed') {
      this.confirmedBytes += chunk.size;
      this.confirmedCount += 1;
    }
    if (phase === 'failed') this.failedCount += 1;
    chunk.phase = phase;
    if (phase === 'sending') this.sending.add(chunk);
    else this.sending.delete(chunk);
    this.chars[chunk.index - 1] = CHAR_CODE[phase];
    if (phase === 'confirmed' || phase === 'failed' || phase === 'sending') this.retry.delete(chunk.index);
  }

  /** Puts a chunk back in line, due at `at` (epoch ms). */
  requeue(chunk: Chunk, at: number, now: number): void {
    chunk.nextAt = at;
    this.setPhase(chunk, at > now ? 'backoff' : 'pending');
    if (chunk.index < this.cursor) this.retry.add(chunk.index);
  }

  /** The lowest chunk that may be sent now, or undefined. Does not change its phase. */
  nextReady(now: number): Chunk | undefined {
    let best: Chunk | undefined;
    for (const index of this.retry) {
      const chunk = this.get(index);
      const due = chunk.phase === 'pending' || (chunk.phase === 'backoff' && chunk.nextAt <= now);
      if (due && (!best || index < best.index)) best = chunk;
    }
    while (this.cursor <= this.total && this.get(this.cursor).phase !== 'pending') this.cursor += 1;
    if (this.cursor <= this.total && (!best || this.cursor < best.index)) return this.get(this.cursor);
    return best;
  }

  /** Marks a chunk as being sent (moves the cursor past it). */
  take(chunk: Chunk): void {
    if (chunk.index === this.cursor) this.cursor += 1;
    this.retry.delete(chunk.index);
    this.setPhase(chunk, 'sending');
  }

  /** Epoch ms of the earliest chunk in backoff, if any. */
  nextDue(): number | undefined {
    let earliest: number | undefined;
    for (const index of this.retry) {
      const chunk = this.get(index);
      if (chunk.phase === 'backoff' && (earliest === undefined || chunk.nextAt < earliest))
        earliest = chunk.nextAt;
    }
    return earliest;
  }

  /** No fresh chunk is left to start (only retries, stragglers or nothing). */
  get freshExhausted(): boolean {
    return this.nextFresh() === undefined;
  }

  /** The next never-sent chunk index, for URL prefetching. */
  nextFresh(): number | undefined {
    while (this.cursor <= this.total && this.get(this.cursor).phase !== 'pending') this.cursor += 1;
    return this.cursor <= this.total ? this.cursor : undefined;
  }

  stateString(): string {
    return Buffer.from(this.chars).toString('latin1');
  }

  inFlight(): InFlightChunk[] {
    const result: InFlightChunk[] = [];
    for (const chunk of [...this.sending].sort((a, b) => a.index - b.index)) {
      if (chunk.live.size === 0) continue;
      let sent = 0;
      for (const attempt of chunk.live) sent = Math.max(sent, attempt.sent);
      result.push({ index: chunk.index, bytesSent: sent, attempt: chunk.attempts + 1 });
    }
    return result;
  }

  failed(): FailedChunk[] {
    return this.chunks
      .filter((chunk) => chunk.phase === 'failed')
      .map((chunk) => ({ index: chunk.index, error: chunk.lastError ?? 'failed', attempts: chunk.attempts }));
  }

  /** Bytes handed to the socket by attempts of chunks not yet confirmed. */
  inFlightBytes(): number {
    let total = 0;
    for (const chunk of this.sending) {
      let sent = 0;
      for (const attempt of chunk.live) sent = Math.max(sent, attempt.sent);
      total += sent;
    }
    return total;
  }

  /** Chunks with a PUT under way. */
  inFlightChunks(): ReadonlySet<Chunk> {
    return this.sending;
  }

  get allConfirmed(): boolean {
    return this.confirmedCount === this.total;
  }
}
