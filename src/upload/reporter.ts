import type { CompletedChunk, ReportChunksResponse } from '../api/types.js';

export interface ReporterDeps {
  /** one report call, retries included; rejects when it finally fails */
  send(chunks: CompletedChunk[]): Promise<ReportChunksResponse>;
  batch: number;
  flushMs: number;
  onReported(chunks: readonly CompletedChunk[], answer: ReportChunksResponse): void;
  /** a batch could not be reported; it stays queued unless the handler says to drop it */
  onError(chunks: readonly CompletedChunk[], error: unknown): 'keep' | 'drop';
}

const MAX_PER_CALL = 50;
const MAX_HOLD_MS = 30_000;

/**
 * Reports confirmed chunks in small batches (every `batch` chunks or `flushMs`), one call at a
 * time. Reports are idempotent, so a batch is simply sent again after a failure.
 */
export class Reporter {
  private queue: CompletedChunk[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private stopped = false;
  /** every chunk is confirmed: send whatever is queued without waiting to fill a batch */
  private urgent = false;
  /** failed calls in a row; the next call waits until `holdUntil` (epoch ms) */
  private failures = 0;
  private holdUntil = 0;

  constructor(private readonly deps: ReporterDeps) {}

  get pending(): number {
    return this.queue.length;
  }

  enqueue(chunk: CompletedChunk): void {
    this.queue.push(chunk);
    if (this.urgent || this.queue.length >= this.deps.batch) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.deps.flushMs);
  }

  /** No more chunks to wait for: report what is queued now and anything that follows at once. */
  finishing(): void {
    this.urgent = true;
    this.kick();
  }

  /** Sends what is queued now (if no call is under way and no failure backoff is running). */
  kick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped || this.sending || this.queue.length === 0) return;
    const wait = this.holdUntil - Date.now();
    if (wait > 0) {
      this.timer = setTimeout(() => this.kick(), wait);
      return;
    }
    this.sending = this.sendBatch().finally(() => {
      this.sending = undefined;
      if (this.queue.length >= this.deps.batch || (this.urgent && this.queue.length > 0)) this.kick();
      else if (this.queue.length > 0) this.timer ??= setTimeout(() => this.kick(), this.deps.flushMs);
    });
  }

  private async sendBatch(): Promise<void> {
    const batch = this.queue.splice(0, MAX_PER_CALL);
    try {
      const answer = await this.deps.send(batch);
      this.failures = 0;
      this.holdUntil = 0;
      this.deps.onReported(batch, answer);
    } catch (error) {
      if (this.deps.onError(batch, error) === 'keep') {
        this.queue.unshift(...batch);
        this.failures += 1;
        this.holdUntil = Date.now() + Math.min(MAX_HOLD_MS, this.deps.flushMs * 2 ** (this.failures - 1));
      }
    }
  }

  /** Sends everything queued, one batch after another, until empty or `deadline` (epoch ms). */
  async drain(deadline: number): Promise<void> {
    while (!this.stopped && Date.now() < deadline) {
      if (this.sending) {
        await this.sending;
        continue;
      }
      if (this.queue.length === 0) return;
      const before = this.queue.length;
      this.kick();
      await this.sending;
      if (this.queue.length >= before) return;
    }
  }

  /** Stops timers; what is queued stays queued (the journal keeps the ETags anyway). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  restart(): void {
    this.stopped = false;
  }

  /** Waits for the call under way, if any. */
  async settle(): Promise<void> {
    await this.sending;
  }
}
