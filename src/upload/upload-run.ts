import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { TwelveLabsApi } from '../api/api.js';
import type {
  AssetStatus,
  AssetType,
  CompletedChunk,
  IndexedAssetStatus,
  ReportChunksResponse,
  UploadedChunk,
  UploadStatus,
} from '../api/types.js';
import {
  AbortedError,
  apiFailure,
  isSessionGone,
  isThrottle,
  type RetryOptions,
  withApiRetries,
} from './api-calls.js';
import { type PutOutcome, putChunk, type StoragePools } from './chunk-put.js';
import { type Attempt, type Chunk, ChunkTable } from './chunk-table.js';
import {
  AssetFailedError,
  cleanText,
  describeFsError,
  FileReadError,
  JournalWriteError,
  SessionGoneError,
  UploadInputError,
} from './errors.js';
import { type FileIdentity, statChange } from './file-identity.js';
import { followToEnd } from './follow.js';
import { type JournalAccount, type JournalRecord, type JournalStore, JournalWriter } from './journal.js';
import { CircuitBreaker, ConcurrencyLimit, clampRetryAfter, fullJitterDelay } from './pacing.js';
import type { UploadPolicy } from './policy.js';
import { Reporter } from './reporter.js';
import { DurationWindow, SpeedMeter } from './speed.js';
import {
  TERMINAL_PHASES,
  type UploadCounters,
  type UploadEvent,
  type UploadPhase,
  type UploadSnapshot,
} from './types.js';
import { UrlBroker } from './url-broker.js';

/** Our own errors and ApiError messages are already one safe line; anything else is cleaned. */
function firstLine(error: unknown): string {
  if (error instanceof Error) return (error.message.split('\n')[0] ?? error.name).trim() || error.name;
  return cleanText(String(error));
}

const SESSION_LIFETIME_MS = 24 * 3600 * 1000;
const STALLED_AFTER_MS = 10_000;
const MAX_STATUS_PAGE = 50;
/** The longest delay setTimeout honours. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface RunDeps {
  api: TwelveLabsApi;
  journal: JournalStore;
  /** the account the manager's API key and base URL are (recorded in every journal it writes) */
  account?: JournalAccount;
  pools: StoragePools;
  policy: UploadPolicy;
  /** something in the snapshot changed */
  changed(): void;
  emit(event: UploadEvent): void;
}

export interface RunSpec {
  type: AssetType;
  indexId?: string;
  followAsset: boolean;
  concurrency: number;
}

interface Session {
  uploadId: string;
  assetId: string;
  chunkSize: number;
  totalChunks: number;
  expiresAt: string;
  headers: Record<string, string>;
  createdAt: string;
}

interface Machinery {
  table: ChunkTable;
  broker: UrlBroker;
  reporter: Reporter;
  writer: JournalWriter;
}

/**
 * One upload from file check to ready asset: the session, the chunk scheduler (N workers
 * taking the lowest ready chunk), reports, the journal and the asset follow-up.
 */
export class UploadRun {
  phase: UploadPhase = 'creating';
  private session: Session | undefined;
  private parts: Machinery | undefined;
  private readonly limit: ConcurrencyLimit;
  private breaker: CircuitBreaker;
  private readonly durations = new DurationWindow();
  private readonly speed = new SpeedMeter();
  private bytesMoved = 0;
  private lastByteAt = 0;
  private etagMode: 'unknown' | 'md5' | 'opaque' = 'unknown';
  private active = 0;
  private wakeTimer: NodeJS.Timeout | undefined;
  private activity = new AbortController();
  private reportControl = new AbortController();
  private uploadWaiter: { resolve(): void; reject(error: unknown): void } | undefined;
  private sessionCompleted = false;
  private needsReconcile = false;
  private halted = false;
  private goneCheck: Promise<void> | undefined;
  private blockedReported = false;
  private assetStatus: AssetStatus | undefined;
  private indexedAssetId: string | undefined;
  private indexedAssetStatus: IndexedAssetStatus | undefined;
  private readonly counters: UploadCounters = {
    retries: 0,
    throttles: 0,
    urlRefreshes: 0,
    tailDuplicates: 0,
  };
  private lastError: string | undefined;
  private notice: string | undefined;
  private readonly startedAt = Date.now();
  private updatedAt = Date.now();
  private finishedAt: number | undefined;
  private driving: Promise<void> | undefined;
  private readonly attemptsRunning = new Set<Promise<void>>();
  /** a pause or cancel under way: a second pause (shutdown) waits for it instead of returning */
  private stopping: Promise<void> | undefined;
  /** a resume under way (checking the file): a pause waits for it, then pauses */
  private resuming: Promise<void> | undefined;
  /** whose journal this is; undefined for a journal written before accounts were recorded */
  private account: JournalAccount | undefined;
  /** resumed from a journal without an account: claimed once the server knows its session */
  private unclaimed = false;
  /** the journal stays when this run ends (a session this account's server does not know) */
  private keepJournal = false;

  constructor(
    readonly id: string,
    private file: FileIdentity,
    readonly spec: RunSpec,
    private readonly deps: RunDeps,
  ) {
    this.limit = new ConcurrencyLimit(spec.concurrency, deps.policy.concurrencyRecoverMs);
    this.breaker = new CircuitBreaker(deps.policy, Date.now());
    this.account = deps.account;
  }

  /** A run for an upload found in the journal; start() reconciles with the server first. */
  static fromJournal(record: JournalRecord, deps: RunDeps, concurrency: number): UploadRun {
    const run = new UploadRun(
      record.uploadId,
      record.file,
      { type: record.type, indexId: record.indexId, followAsset: record.followAsset, concurrency },
      deps,
    );
    run.adoptSession(
      {
        uploadId: record.uploadId,
        assetId: record.assetId,
        chunkSize: record.chunkSize,
        totalChunks: record.totalChunks,
        expiresAt: record.sessionExpiresAt,
        headers: record.uploadHeaders,
        createdAt: record.createdAt,
      },
      record.etags,
    );
    run.sessionCompleted = record.sessionCompleted;
    run.indexedAssetId = record.indexedAssetId;
    // the manager resumes only its own account's journals: its name for the account is current
    run.account = record.account ? (deps.account ?? record.account) : undefined;
    run.unclaimed = !record.account && deps.account !== undefined;
    run.needsReconcile = !record.sessionCompleted;
    run.phase = 'uploading';
    return run;
  }

  get uploadId(): string | undefined {
    return this.session?.uploadId;
  }

  get filePath(): string {
    return this.file.path;
  }

  get terminal(): boolean {
    return TERMINAL_PHASES.has(this.phase);
  }

  /** Paused (or pausing) or ended: not the phase a stage that is still running left. */
  private get pausedOrTerminal(): boolean {
    return this.phase === 'paused' || this.terminal;
  }

  start(): void {
    this.driving = this.drive();
  }

  /** Resolves when the run stops (terminal or paused), a pause or cancel under way included. */
  async settled(): Promise<void> {
    for (;;) {
      const { driving, stopping, resuming } = this;
      await resuming?.catch(() => undefined);
      await driving;
      await stopping?.catch(() => undefined);
      if (driving === this.driving && stopping === this.stopping && resuming === this.resuming) return;
    }
  }

  // ---- lifecycle -------------------------------------------------------------------------

  private async drive(): Promise<void> {
    try {
      if (!this.session) await this.createSession();
      this.throwIfStopped();
      if (this.needsReconcile) await this.reconcile();
      this.throwIfStopped();
      if (!this.sessionCompleted) await this.uploadChunks();
      this.throwIfStopped();
      if (this.spec.followAsset) await this.followAsset();
      this.throwIfStopped();
      if (this.spec.followAsset && this.spec.indexId) await this.followIndexedAsset();
      this.throwIfStopped();
      await this.finish('done');
    } catch (error) {
      await this.onDriveError(error);
    }
  }

  /** Pause, cancel or shutdown happened while a stage was finishing. */
  private throwIfStopped(): void {
    if (this.activity.signal.aborted) throw new AbortedError();
  }

  private async onDriveError(error: unknown): Promise<void> {
    if (this.phase === 'paused' || this.terminal) return;
    if (error instanceof AbortedError) return;
    this.stopActivity();
    await this.attemptsSettled();
    // paused or cancelled while the attempts ended: that stop decides (and waits for this drive)
    if (this.pausedOrTerminal) return;
    if (error instanceof SessionGoneError) {
      this.lastError = error.message;
      await this.finish(error.expired ? 'expired' : 'failed');
    } else if (error instanceof UploadInputError || error instanceof AssetFailedError) {
      this.lastError = error.message;
      await this.finish('failed');
    } else if (error instanceof JournalWriteError || error instanceof FileReadError || this.session) {
      // resumable: the session and the journal stay
      this.lastError = firstLine(error);
      this.stopping ??= this.stop(() => this.enterPaused());
      await this.stopping;
    } else {
      this.lastError = firstLine(error);
      await this.finish('failed');
    }
  }

  private retryOptions(signal: AbortSignal): RetryOptions {
    return {
      policy: this.deps.policy,
      signal,
      onThrottle: (waitMs) => {
        this.counters.throttles += 1;
        this.limit.throttled(Date.now(), waitMs);
      },
      onRetry: (failure) => {
        this.lastError = cleanText(failure.message);
        this.markDirty();
      },
    };
  }

  private async createSession(): Promise<void> {
    this.setPhase('creating');
    const signal = this.activity.signal;
    const answer = await withApiRetries(
      () =>
        this.deps.api.createUpload(
          { filename: basename(this.file.path), type: this.spec.type, total_size: this.file.size },
          { signal },
        ),
      {
        ...this.retryOptions(signal),
        attempts: this.deps.policy.createAttempts,
        maxRetryAfterMs: this.deps.policy.createMaxRetryAfterMs,
      },
    );
    if (
      !(answer.chunk_size > 0) ||
      answer.total_chunks !== Math.ceil(this.file.size / answer.chunk_size) ||
      !answer.upload_id
    ) {
      throw new Error(
        `the server answered with an unusable session (chunk_size ${answer.chunk_size}, total_chunks ${answer.total_chunks})`,
      );
    }
    this.adoptSession(
      {
        uploadId: answer.upload_id,
        assetId: answer.asset_id,
        chunkSize: answer.chunk_size,
        totalChunks: answer.total_chunks,
        expiresAt: answer.expires_at,
        headers: answer.upload_headers ?? {},
        createdAt: new Date().toISOString(),
      },
      {},
    );
    const sessionExpiry = Date.parse(answer.expires_at);
    this.parts!.broker.seed(
      answer.upload_urls ?? [],
      Number.isNaN(sessionExpiry) ? undefined : sessionExpiry - SESSION_LIFETIME_MS,
    );
    await this.parts!.writer.save();
    this.setPhase('uploading');
    this.deps.emit({ type: 'started', id: this.id, snapshot: this.snapshot() });
  }

  private adoptSession(session: Session, etags: Record<string, string>): void {
    this.session = session;
    const table = new ChunkTable(this.file.size, session.chunkSize, session.totalChunks);
    for (const [index, etag] of Object.entries(etags)) {
      const chunk = table.chunks[Number(index) - 1];
      if (chunk) chunk.etag = etag;
    }
    const broker = new UrlBroker({
      totalChunks: session.totalChunks,
      now: () => Date.now(),
      batchSize: () => Math.min(this.deps.policy.urlBatchMax, Math.max(8, 4 * this.limit.current)),
      marginMs: () => Math.max(this.deps.policy.urlRefreshMarginMs, 3 * (this.durations.quantile(0.95) ?? 0)),
      onRefresh: () => {
        this.counters.urlRefreshes += 1;
      },
      fetch: (start, count) => {
        const signal = this.activity.signal;
        return withApiRetries(
          () => this.deps.api.requestPresignedUrls(session.uploadId, start, count, { signal }),
          this.retryOptions(signal),
        );
      },
    });
    const reporter = new Reporter({
      batch: this.deps.policy.reportBatch,
      flushMs: this.deps.policy.reportFlushMs,
      send: (chunks) => {
        const signal = this.reportControl.signal;
        return withApiRetries(
          () => this.deps.api.reportChunks(session.uploadId, chunks, { signal }),
          this.retryOptions(signal),
        );
      },
      onReported: (chunks, answer) => this.onReported(chunks, answer),
      onError: (chunks, error) => this.onReportError(chunks, error),
    });
    const writer = new JournalWriter(
      this.deps.journal,
      () => this.journalRecord(),
      (error) => {
        if (!this.terminal) this.abortUpload(error);
      },
    );
    this.parts = { table, broker, reporter, writer };
  }

  private journalRecord(): JournalRecord {
    const session = this.session!;
    const etags: Record<string, string> = {};
    for (const chunk of this.parts!.table.chunks) {
      if (chunk.phase === 'confirmed' && chunk.etag) etags[chunk.index] = chunk.etag;
    }
    return {
      version: 1,
      uploadId: session.uploadId,
      account: this.account,
      assetId: session.assetId,
      type: this.spec.type,
      indexId: this.spec.indexId,
      followAsset: this.spec.followAsset,
      file: this.file,
      chunkSize: session.chunkSize,
      totalChunks: session.totalChunks,
      sessionExpiresAt: session.expiresAt,
      uploadHeaders: session.headers,
      createdAt: session.createdAt,
      updatedAt: new Date().toISOString(),
      etags,
      sessionCompleted: this.sessionCompleted,
      indexedAssetId: this.indexedAssetId,
    };
  }

  // ---- resume -----------------------------------------------------------------------------

  private async fetchStatus(
    signal: AbortSignal,
  ): Promise<{ status: UploadStatus; chunks: Map<number, UploadedChunk> }> {
    const session = this.session!;
    const chunks = new Map<number, UploadedChunk>();
    const lastPage = Math.ceil(session.totalChunks / MAX_STATUS_PAGE) + 1;
    let first: UploadStatus | undefined;
    for (let page = 1; page <= lastPage; page += 1) {
      let answer: UploadStatus;
      try {
        answer = await withApiRetries(
          () =>
            this.deps.api.getUploadStatus(
              session.uploadId,
              { page, page_limit: MAX_STATUS_PAGE },
              { signal },
            ),
          this.retryOptions(signal),
        );
      } catch (error) {
        if (apiFailure(error).status === 404) {
          throw new SessionGoneError(
            `upload session ${session.uploadId} no longer exists on the server`,
            true,
          );
        }
        throw error;
      }
      first ??= answer;
      for (const chunk of answer.uploaded_chunks) chunks.set(chunk.index, chunk);
      if (answer.uploaded_chunks.length === 0 || page >= answer.page_info.total_page) break;
    }
    return { status: first!, chunks };
  }

  private goneError(status: string): SessionGoneError {
    const id = this.session!.uploadId;
    return status === 'expired'
      ? new SessionGoneError(
          `upload session ${id} expired (sessions last 24 h); start the upload again`,
          true,
        )
      : new SessionGoneError(
          `the server marked upload session ${id} ${status}; start the upload again`,
          false,
        );
  }

  /**
   * fetchStatus() for a reconcile. A journal without an account becomes this account's once
   * its server knows the session; a server that does not know it (404) ends the run, and the
   * journal stays for the account it belongs to.
   */
  private async fetchStatusOrDisown(): Promise<Awaited<ReturnType<UploadRun['fetchStatus']>>> {
    try {
      const answer = await this.fetchStatus(this.activity.signal);
      if (this.unclaimed) {
        this.unclaimed = false;
        this.account = this.deps.account;
        await this.parts!.writer.save();
      }
      return answer;
    } catch (error) {
      if (!(this.unclaimed && error instanceof SessionGoneError)) throw error;
      this.keepJournal = true;
      throw new UploadInputError(
        `upload session ${this.session!.uploadId} is not known to this account; its journal predates account records, so it is kept for the account it belongs to`,
      );
    }
  }

  /** After a crash: the server says which chunks it has; journaled ETags are verified, not resent. */
  private async reconcile(): Promise<void> {
    this.setPhase('uploading');
    this.notice = 'checking the session on the server';
    this.markDirty();
    const { table, reporter } = this.parts!;
    const { status, chunks } = await this.fetchStatusOrDisown();
    if (status.status === 'expired' || status.status === 'failed') throw this.goneError(status.status);
    if (status.status === 'completed') {
      for (const chunk of table.chunks) {
        table.setPhase(chunk, 'confirmed');
        chunk.reported = true;
      }
      this.sessionCompleted = true;
      this.needsReconcile = false;
      this.notice = 'resumed: the server already has every chunk';
      await this.parts!.writer.save();
      this.deps.emit({ type: 'resumed', id: this.id, snapshot: this.snapshot() });
      return;
    }
    let onServer = 0;
    let reReported = 0;
    for (const chunk of table.chunks) {
      const server = chunks.get(chunk.index);
      if (server?.status === 'completed') {
        table.setPhase(chunk, 'confirmed');
        chunk.reported = true;
        onServer += 1;
      } else if (server?.status === 'failed') {
        chunk.serverRequeued = true;
        chunk.lastError = cleanText(server.error ?? 'failed on the server');
        chunk.etag = undefined;
      } else if (chunk.etag && (await this.rangeMd5(chunk)) === chunk.etag) {
        table.setPhase(chunk, 'confirmed');
        reporter.enqueue(this.completedChunk(chunk));
        reReported += 1;
      } else {
        chunk.etag = undefined;
      }
    }
    this.needsReconcile = false;
    const toSend = table.total - table.confirmedCount;
    this.notice = `resumed: ${onServer}/${table.total} chunks confirmed on server, ${reReported} re-reported, ${toSend} to send`;
    this.deps.emit({ type: 'resumed', id: this.id, snapshot: this.snapshot() });
  }

  private async rangeMd5(chunk: Chunk): Promise<string | undefined> {
    const hash = createHash('md5');
    try {
      const offset = this.parts!.table.offset(chunk.index);
      for await (const piece of createReadStream(this.file.path, {
        start: offset,
        end: offset + chunk.size - 1,
      })) {
        hash.update(piece as Buffer);
      }
      return hash.digest('hex');
    } catch {
      return undefined;
    }
  }

  private completedChunk(chunk: Chunk): CompletedChunk {
    return { chunk_index: chunk.index, proof: chunk.etag!, proof_type: 'etag', chunk_size: chunk.size };
  }

  // ---- sending ----------------------------------------------------------------------------

  private uploadChunks(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.uploadWaiter = { resolve, reject };
      const { table, reporter } = this.parts!;
      this.halted = false;
      reporter.restart();
      this.setPhase(table.allConfirmed ? 'reporting' : 'uploading');
      if (table.allConfirmed) {
        if (reporter.pending > 0) reporter.finishing();
        else void this.verifyCompletion();
      }
      this.pump();
    });
  }

  private settleUpload(error?: unknown): void {
    const waiter = this.uploadWaiter;
    this.uploadWaiter = undefined;
    if (!waiter) return;
    if (error === undefined) waiter.resolve();
    else waiter.reject(error);
  }

  private get sending(): boolean {
    return (
      (this.phase === 'uploading' || this.phase === 'reporting') &&
      !this.halted &&
      this.uploadWaiter !== undefined
    );
  }

  /** Starts as many attempts as the limit allows; schedules the next wake-up. */
  private pump(): void {
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    if (!this.sending || !this.parts) return;
    const { table, broker } = this.parts;
    const now = Date.now();
    if (this.limit.recover(now)) this.markDirty();
    let wakeAt: number | undefined;
    if (this.breaker.open) {
      if (this.active === 0) {
        const next = table.nextReady(Number.POSITIVE_INFINITY);
        if (next && now >= this.breaker.nextProbeAt)
          this.startAttempt(next, { duplicate: false, probe: true });
        else wakeAt = this.breaker.nextProbeAt;
      }
    } else if (now < this.limit.pausedUntil) {
      wakeAt = this.limit.pausedUntil;
    } else {
      while (this.active < this.limit.current) {
        const next = table.nextReady(now);
        if (!next) break;
        this.startAttempt(next, { duplicate: false, probe: false });
      }
      if (this.active < this.limit.current) wakeAt = this.maybeDuplicateStraggler(now);
      const fresh = table.nextFresh();
      if (fresh !== undefined) {
        broker.prefetch(fresh);
        broker.prefetch(fresh + this.limit.current);
      }
    }
    const due = table.nextDue();
    const raiseIn = this.active > 0 ? this.limit.nextRaiseIn(now) : undefined;
    for (const candidate of [due, raiseIn !== undefined ? now + raiseIn : undefined]) {
      if (candidate !== undefined && (wakeAt === undefined || candidate < wakeAt)) wakeAt = candidate;
    }
    // Node fires a delay beyond 2^31-1 ms after 1 ms: a far wake-up would pump in a busy loop
    if (wakeAt !== undefined) {
      this.wakeTimer = setTimeout(() => this.pump(), Math.min(MAX_TIMER_MS, Math.max(1, wakeAt - now)));
    }
  }

  /**
   * Near the end, a chunk far slower than its peers gets a second PUT; the first ETag wins.
   * Returns when to look again.
   */
  private maybeDuplicateStraggler(now: number): number | undefined {
    const { table } = this.parts!;
    if (!table.freshExhausted || table.nextReady(now) || this.durations.count < 3) return undefined;
    const median = this.durations.quantile(0.5)!;
    let slowest: { chunk: Chunk; elapsed: number } | undefined;
    for (const chunk of table.inFlightChunks()) {
      if (chunk.duplicated || chunk.live.size !== 1) continue;
      const [attempt] = chunk.live;
      const elapsed = now - attempt!.startedAt;
      if (elapsed > this.deps.policy.tailSlowFactor * median && (!slowest || elapsed > slowest.elapsed)) {
        slowest = { chunk, elapsed };
      }
    }
    if (slowest) {
      this.startAttempt(slowest.chunk, { duplicate: true, probe: false });
      return undefined;
    }
    let soonest: number | undefined;
    for (const chunk of table.inFlightChunks()) {
      if (chunk.duplicated || chunk.live.size !== 1) continue;
      const [attempt] = chunk.live;
      const due = attempt!.startedAt + this.deps.policy.tailSlowFactor * median + 1;
      if (soonest === undefined || due < soonest) soonest = due;
    }
    return soonest;
  }

  private startAttempt(chunk: Chunk, how: { duplicate: boolean; probe: boolean }): void {
    const { table } = this.parts!;
    if (!how.duplicate) table.take(chunk);
    else {
      chunk.duplicated = true;
      this.counters.tailDuplicates += 1;
    }
    const attempt: Attempt = {
      index: chunk.index,
      number: chunk.attempts + 1,
      controller: new AbortController(),
      sent: 0,
      startedAt: Date.now(),
      duplicate: how.duplicate,
      probe: how.probe,
    };
    chunk.live.add(attempt);
    this.active += 1;
    this.lastByteAt = Math.max(this.lastByteAt, attempt.startedAt);
    this.markDirty();
    const running = this.runAttempt(chunk, attempt);
    this.attemptsRunning.add(running);
    void running.finally(() => this.attemptsRunning.delete(running));
  }

  /** Waits until every attempt (aborted or not) has recorded its outcome. */
  private async attemptsSettled(): Promise<void> {
    while (this.attemptsRunning.size > 0) await Promise.allSettled([...this.attemptsRunning]);
  }

  private async runAttempt(chunk: Chunk, attempt: Attempt): Promise<void> {
    const { table, broker } = this.parts!;
    const session = this.session!;
    try {
      let url: string;
      try {
        if (attempt.duplicate) broker.invalidate(chunk.index);
        url = await broker.get(chunk.index);
      } catch (error) {
        if (!attempt.controller.signal.aborted && chunk.phase === 'sending')
          this.onUrlFailure(chunk, attempt, error);
        return;
      }
      if (attempt.controller.signal.aborted) return;
      const outcome = await putChunk({
        pools: this.deps.pools,
        url,
        headers: session.headers,
        filePath: this.file.path,
        offset: table.offset(chunk.index),
        length: chunk.size,
        signal: attempt.controller.signal,
        sendStallMs: this.deps.policy.sendStallMs,
        responseTimeoutMs: this.deps.policy.responseTimeoutMs,
        onBytes: (sent) => {
          this.bytesMoved += sent - attempt.sent;
          attempt.sent = sent;
          this.lastByteAt = Date.now();
          this.markDirty();
        },
      });
      await this.onOutcome(chunk, attempt, outcome);
    } catch (error) {
      this.failChunk(
        chunk,
        `internal error: ${error instanceof Error ? cleanText(error.message) : String(error)}`,
      );
    } finally {
      chunk.live.delete(attempt);
      this.active -= 1;
      if (chunk.phase === 'sending' && chunk.live.size === 0) table.requeue(chunk, Date.now(), Date.now());
      this.markDirty();
      this.checkBlocked();
      this.pump();
    }
  }

  private async onOutcome(chunk: Chunk, attempt: Attempt, outcome: PutOutcome): Promise<void> {
    if (outcome.kind === 'aborted' || chunk.phase !== 'sending') return;
    // a duplicate still running may yet succeed: a failure of its twin costs nothing
    if (outcome.kind !== 'ok' && chunk.live.size > 1) return;
    const change = await statChange(this.file);
    if (change) {
      this.fileChanged(change);
      return;
    }
    if (chunk.phase !== 'sending') return;
    switch (outcome.kind) {
      case 'ok':
        await this.onPutOk(chunk, attempt, outcome.etag, outcome.md5);
        return;
      case 'status':
        this.onPutStatus(chunk, attempt, outcome.status, outcome.retryAfterMs, outcome.code);
        return;
      case 'network':
        this.countFailure(chunk, attempt, outcome.reason, 'network');
        return;
      case 'stall':
        this.countFailure(
          chunk,
          attempt,
          `stalled: no bytes sent for ${this.deps.policy.sendStallMs / 1000} s`,
          'network',
        );
        return;
      case 'response_timeout':
        this.countFailure(
          chunk,
          attempt,
          `no answer ${this.deps.policy.responseTimeoutMs / 1000} s after the chunk was sent`,
          'network',
        );
        return;
      case 'local':
        this.abortUpload(
          new FileReadError(`cannot read ${this.file.path}: ${describeFsError({ code: outcome.code })}`),
        );
        return;
    }
  }

  private async onPutOk(
    chunk: Chunk,
    attempt: Attempt,
    etag: string | undefined,
    md5: string,
  ): Promise<void> {
    if (!etag) {
      this.countFailure(chunk, attempt, 'storage answered without an ETag', 'corrupt');
      return;
    }
    if (this.etagMode === 'unknown') this.etagMode = etag === md5 ? 'md5' : 'opaque';
    if (this.etagMode === 'md5' && etag !== md5) {
      this.countFailure(chunk, attempt, "the storage's ETag does not match the chunk's MD5", 'corrupt');
      return;
    }
    const { table, reporter, writer } = this.parts!;
    const now = Date.now();
    chunk.etag = etag;
    chunk.throttleStreak = 0;
    table.setPhase(chunk, 'confirmed');
    this.durations.add(now - attempt.startedAt);
    this.breaker.progress(now);
    for (const twin of chunk.live) if (twin !== attempt) twin.controller.abort();
    this.parts!.broker.invalidate(chunk.index);
    this.markDirty();
    if (this.terminal) return; // cancelled or abandoned meanwhile: no journal to keep
    try {
      // in the chunk log before this worker takes another chunk; the JSON follows in the background.
      // A pause that has written the journal for the last time closed the writer: then the chunk
      // is not journaled (confirm() drops it) and a resume sends it again.
      writer.confirm(chunk.index, etag);
    } catch (error) {
      this.abortUpload(error);
    }
    reporter.enqueue(this.completedChunk(chunk));
    if (table.allConfirmed && this.sending) {
      this.setPhase('reporting');
      reporter.finishing();
    }
  }

  private onPutStatus(
    chunk: Chunk,
    attempt: Attempt,
    status: number,
    retryAfterMs?: number,
    code?: string,
  ): void {
    const { table, broker } = this.parts!;
    const now = Date.now();
    const label = `HTTP ${status}${code ? ` ${code}` : ''} from storage`;
    if (status === 403) {
      chunk.refreshes += 1;
      broker.invalidate(chunk.index);
      if (chunk.refreshes > this.deps.policy.urlRefreshes) {
        this.failChunk(chunk, `${label} after ${this.deps.policy.urlRefreshes} URL refreshes`);
      } else {
        table.requeue(chunk, now, now);
      }
      return;
    }
    if (status === 404) {
      table.requeue(chunk, now, now);
      this.sessionGone();
      return;
    }
    if (status === 429 || status === 503 || code === 'SlowDown') {
      this.counters.throttles += 1;
      const wait =
        retryAfterMs !== undefined
          ? clampRetryAfter(retryAfterMs, this.deps.policy)
          : fullJitterDelay(1, this.deps.policy);
      this.limit.throttled(now, wait);
      chunk.throttleStreak += 1;
      if (chunk.throttleStreak > this.deps.policy.throttleStreakLimit) {
        this.countFailure(chunk, attempt, label, 'server');
      } else {
        chunk.lastError = label;
        table.requeue(chunk, this.limit.pausedUntil, now);
      }
      return;
    }
    if (status >= 500 || status === 408 || status === 409 || status === 423) {
      this.countFailure(chunk, attempt, label, 'server');
      return;
    }
    this.failChunk(chunk, `storage rejected the chunk: ${label}`);
  }

  private countFailure(
    chunk: Chunk,
    attempt: Attempt,
    reason: string,
    kind: 'network' | 'server' | 'corrupt',
  ): void {
    const { table } = this.parts!;
    const policy = this.deps.policy;
    const now = Date.now();
    chunk.lastError = reason;
    this.lastError = `chunk ${chunk.index}: ${reason}`;
    if (kind === 'network' && (attempt.probe || this.breaker.open)) {
      this.breaker.failure(now, this.limit.current);
      table.requeue(chunk, this.breaker.nextProbeAt, now);
      return;
    }
    chunk.attempts += 1;
    chunk.firstFailureAt ??= attempt.startedAt;
    this.counters.retries += 1;
    if (kind === 'corrupt') {
      chunk.corrupt += 1;
      if (chunk.corrupt >= policy.corruptAttempts) {
        this.failChunk(chunk, `${reason} (${chunk.corrupt} times)`);
        return;
      }
    }
    if (kind === 'network') {
      const opened = this.breaker.failure(now, this.limit.current);
      // out of attempts with nothing confirmed anywhere meanwhile: the link is down, not this chunk
      const exhausted = chunk.attempts >= policy.chunkAttempts;
      if (opened || (exhausted && this.breaker.quietSince(chunk.firstFailureAt))) {
        if (!opened) this.breaker.forceOpen(now);
        chunk.attempts = Math.min(chunk.attempts, policy.chunkAttempts - 1);
        this.lastError = `offline? ${reason}; probing every ${Math.round(policy.breakerProbeMs / 1000)} s`;
        table.requeue(chunk, this.breaker.nextProbeAt, now);
        return;
      }
    }
    if (chunk.attempts >= policy.chunkAttempts) {
      this.failChunk(chunk, `${reason} (after ${chunk.attempts} attempts)`);
      return;
    }
    table.requeue(chunk, now + fullJitterDelay(chunk.attempts, policy), now);
  }

  private failChunk(chunk: Chunk, reason: string): void {
    const { table } = this.parts!;
    chunk.lastError = cleanText(reason);
    table.setPhase(chunk, 'failed');
    for (const attempt of chunk.live) attempt.controller.abort();
    this.lastError = `chunk ${chunk.index}: ${chunk.lastError}`;
    this.markDirty();
    this.deps.emit({
      type: 'chunk_failed',
      id: this.id,
      chunk: { index: chunk.index, error: chunk.lastError, attempts: chunk.attempts },
    });
  }

  /** Every chunk left has failed: nothing moves until retry(). */
  private checkBlocked(): void {
    if (!this.parts || !this.sending || this.blockedReported) return;
    const { table } = this.parts;
    if (this.active > 0 || table.failedCount === 0) return;
    if (table.confirmedCount + table.failedCount !== table.total) return;
    this.blockedReported = true;
    this.lastError = `${table.failedCount} chunk${table.failedCount === 1 ? '' : 's'} failed; retry to send ${
      table.failedCount === 1 ? 'it' : 'them'
    } again`;
    this.markDirty();
    this.deps.emit({ type: 'blocked', id: this.id, snapshot: this.snapshot() });
  }

  private onUrlFailure(chunk: Chunk, attempt: Attempt, error: unknown): void {
    if (error instanceof AbortedError) return;
    const failure = apiFailure(error);
    if (isSessionGone(failure)) {
      this.parts!.table.requeue(chunk, Date.now(), Date.now());
      this.sessionGone();
    } else if (failure.retryable || isThrottle(failure)) {
      this.countFailure(
        chunk,
        attempt,
        `presigned URL request failed: ${cleanText(failure.message)}`,
        'network',
      );
    } else {
      this.abortUpload(error);
    }
  }

  private fileChanged(reason: string): void {
    this.abortUpload(
      new UploadInputError(
        `${this.file.path} changed during the upload (${reason}); the session was abandoned, upload the file again`,
      ),
    );
  }

  /** Stops sending and ends uploadChunks() with `error`. */
  private abortUpload(error: unknown): void {
    this.halted = true;
    for (const chunk of this.parts?.table.inFlightChunks() ?? []) {
      for (const attempt of chunk.live) attempt.controller.abort();
    }
    this.settleUpload(error);
  }

  /** A 404 or an expiry answer: ask the server what became of the session. */
  private sessionGone(): void {
    if (this.goneCheck) return;
    this.halted = true;
    for (const chunk of this.parts!.table.inFlightChunks()) {
      for (const attempt of chunk.live) attempt.controller.abort();
    }
    this.goneCheck = (async () => {
      try {
        const { status } = await this.fetchStatus(this.activity.signal);
        if (status.status === 'completed') this.completeUpload();
        else if (status.status === 'active') {
          this.halted = false;
          this.pump();
        } else this.abortUpload(this.goneError(status.status));
      } catch (error) {
        this.abortUpload(error);
      } finally {
        this.goneCheck = undefined;
      }
    })();
  }

  // ---- reports ----------------------------------------------------------------------------

  private onReported(chunks: readonly CompletedChunk[], answer: ReportChunksResponse): void {
    const { table } = this.parts!;
    for (const item of chunks) table.get(item.chunk_index).reported = true;
    this.markDirty();
    if (answer.url || answer.total_completed >= table.total) this.completeUpload();
    else if (table.allConfirmed && table.chunks.every((chunk) => chunk.reported))
      void this.verifyCompletion();
  }

  private onReportError(chunks: readonly CompletedChunk[], error: unknown): 'keep' | 'drop' {
    if (error instanceof AbortedError) return 'keep';
    const failure = apiFailure(error);
    if (isSessionGone(failure)) {
      this.sessionGone();
      return 'keep';
    }
    if (failure.status === 400) {
      // the server refused the proofs: send those chunks again
      const { table } = this.parts!;
      const now = Date.now();
      for (const item of chunks) {
        const chunk = table.get(item.chunk_index);
        chunk.attempts += 1;
        chunk.etag = undefined;
        chunk.lastError = cleanText(failure.message);
        if (chunk.attempts >= this.deps.policy.chunkAttempts) this.failChunk(chunk, chunk.lastError);
        else table.requeue(chunk, now, now);
      }
      this.setPhase('uploading');
      this.pump();
      return 'drop';
    }
    this.lastError = `report failed: ${cleanText(failure.message)}`;
    this.markDirty();
    return 'keep';
  }

  /** Every chunk reported but no completion signal: the status listing decides. */
  private async verifyCompletion(): Promise<void> {
    try {
      const { status, chunks } = await this.fetchStatus(this.activity.signal);
      if (status.status === 'completed') {
        this.completeUpload();
        return;
      }
      if (status.status !== 'active') {
        this.abortUpload(this.goneError(status.status));
        return;
      }
      const { table, reporter } = this.parts!;
      const now = Date.now();
      for (const chunk of table.chunks) {
        const server = chunks.get(chunk.index);
        if (server?.status === 'completed') continue;
        if (server?.status === 'failed') {
          chunk.etag = undefined;
          chunk.reported = false;
          if (chunk.serverRequeued)
            this.failChunk(chunk, `failed on the server: ${server.error ?? 'no reason given'}`);
          else {
            chunk.serverRequeued = true;
            table.requeue(chunk, now, now);
          }
        } else if (chunk.phase === 'confirmed') {
          chunk.reported = false;
          reporter.enqueue(this.completedChunk(chunk));
        }
      }
      if (!table.allConfirmed) this.setPhase('uploading');
      else reporter.finishing();
      reporter.kick();
      this.pump();
    } catch (error) {
      if (!(error instanceof AbortedError)) this.abortUpload(error);
    }
  }

  private completeUpload(): void {
    if (this.sessionCompleted) return;
    this.sessionCompleted = true;
    clearTimeout(this.wakeTimer);
    this.parts?.reporter.stop();
    this.markDirty();
    this.parts?.writer.save().catch(() => undefined);
    this.deps.emit({ type: 'uploaded', id: this.id, snapshot: this.snapshot() });
    this.settleUpload();
  }

  // ---- after the upload ------------------------------------------------------------------

  private followOptions<T extends { status: string }>(onAnswer: (answer: T) => void) {
    return {
      intervalMs: this.deps.policy.followIntervalMs,
      maxIntervalMs: this.deps.policy.followMaxIntervalMs,
      signal: this.activity.signal,
      onAnswer,
    };
  }

  private async followAsset(): Promise<void> {
    this.setPhase('waiting_asset');
    const signal = this.activity.signal;
    const assetId = this.session!.assetId;
    const asset = await followToEnd(
      () => withApiRetries(() => this.deps.api.getAsset(assetId, { signal }), this.retryOptions(signal)),
      this.followOptions((answer) => {
        if (answer.status === this.assetStatus) return;
        this.assetStatus = answer.status;
        this.markDirty();
      }),
    );
    if (asset.status === 'failed') {
      throw new AssetFailedError(
        `asset ${assetId} failed: ${cleanText(asset.error?.message ?? 'no reason given')}`,
      );
    }
    this.deps.emit({ type: 'ready', id: this.id, snapshot: this.snapshot() });
  }

  private async followIndexedAsset(): Promise<void> {
    this.setPhase('indexing');
    const signal = this.activity.signal;
    const indexId = this.spec.indexId!;
    if (!this.indexedAssetId) {
      const created = await withApiRetries(
        () => this.deps.api.createIndexedAsset(indexId, { asset_id: this.session!.assetId }, { signal }),
        this.retryOptions(signal),
      );
      this.indexedAssetId = created._id;
      this.markDirty();
      await this.parts!.writer.save();
    }
    const indexedAssetId = this.indexedAssetId;
    const indexed = await followToEnd(
      () =>
        withApiRetries(
          () => this.deps.api.getIndexedAsset(indexId, indexedAssetId, { signal }),
          this.retryOptions(signal),
        ),
      this.followOptions((answer) => {
        if (answer.status === this.indexedAssetStatus) return;
        this.indexedAssetStatus = answer.status;
        this.markDirty();
      }),
    );
    if (indexed.status === 'failed') {
      throw new AssetFailedError(`indexing of asset ${this.session!.assetId} in index ${indexId} failed`);
    }
    this.deps.emit({ type: 'indexed', id: this.id, snapshot: this.snapshot() });
  }

  // ---- user actions -----------------------------------------------------------------------

  private stopActivity(): void {
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.activity.abort();
    this.abortUpload(new AbortedError());
  }

  /**
   * Flushes reports, writes the journal for the last time and settles in `paused`. The writer
   * is closed from here on: a chunk confirmed later is not journaled (a resume sends it again;
   * its bytes are MD5-checked either way), so nothing writes after the pause has settled.
   */
  private async enterPaused(): Promise<void> {
    if (this.terminal) return;
    this.phase = 'paused';
    const parts = this.parts;
    if (parts) {
      await parts.reporter.drain(Date.now() + this.deps.policy.flushBudgetMs);
      parts.reporter.stop();
      try {
        await parts.writer.close({ flush: true });
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
      }
    }
    this.markDirty();
    this.deps.emit({ type: 'paused', id: this.id, snapshot: this.snapshot() });
  }

  /** Runs `steps` as the one stop under way; a pause or cancel called meanwhile waits for it. */
  private stop(steps: () => Promise<void>): Promise<void> {
    const stopping = steps().finally(() => {
      if (this.stopping === stopping) this.stopping = undefined;
    });
    return stopping;
  }

  /**
   * Stops sending; in-flight PUTs are aborted, reports flushed, the journal kept. A pause or
   * cancel already under way is waited for, not skipped: a shutdown that returns has stopped
   * every write.
   */
  async pause(): Promise<void> {
    if (this.resuming) await this.resuming.catch(() => undefined);
    if (this.stopping) return this.stopping;
    if (this.terminal || this.phase === 'paused') return;
    const before = this.driving;
    this.setPhase('paused');
    this.stopActivity();
    this.stopping = this.stop(async () => {
      await before;
      await this.attemptsSettled();
      await this.enterPaused();
    });
    return this.stopping;
  }

  async resume(): Promise<void> {
    if (this.stopping) await this.stopping.catch(() => undefined);
    if (this.phase !== 'paused' || this.resuming) return this.resuming;
    const resuming = this.resumeNow().finally(() => {
      if (this.resuming === resuming) this.resuming = undefined;
    });
    this.resuming = resuming;
    return resuming;
  }

  private async resumeNow(): Promise<void> {
    await this.driving;
    if (this.session && !this.needsReconcile) {
      const change = await statChange(this.file);
      if (change) {
        this.lastError = `${this.file.path} changed while paused (${change}); upload the file again`;
        await this.finish('failed');
        return;
      }
    }
    await this.parts?.writer.reopen();
    this.activity = new AbortController();
    this.reportControl = new AbortController();
    this.breaker = new CircuitBreaker(this.deps.policy, Date.now());
    this.lastError = undefined;
    this.blockedReported = false;
    this.setPhase(this.session ? 'uploading' : 'creating');
    this.start();
  }

  /** Stops for good: waits for a report under way, removes the journal. */
  async cancel(): Promise<void> {
    if (this.resuming) await this.resuming.catch(() => undefined);
    // a pause under way ends first (it writes the journal once more); then the journal goes
    if (this.stopping) await this.stopping.catch(() => undefined);
    if (this.terminal) return this.stopping;
    const before = this.driving;
    this.setPhase('cancelled');
    this.stopActivity();
    this.stopping = this.stop(async () => {
      await before;
      await this.attemptsSettled();
      await this.parts?.reporter.settle();
      this.parts?.reporter.stop();
      await this.finish('cancelled');
    });
    return this.stopping;
  }

  /** Resends failed chunks; resumes a paused upload. (Terminal runs are restarted by the manager.) */
  async retry(): Promise<void> {
    if (this.phase === 'paused') {
      await this.resume();
      return;
    }
    if (!this.parts || !this.sending) return;
    const { table, broker } = this.parts;
    const now = Date.now();
    for (const chunk of table.chunks) {
      if (chunk.phase !== 'failed') continue;
      chunk.attempts = 0;
      chunk.corrupt = 0;
      chunk.refreshes = 0;
      chunk.throttleStreak = 0;
      chunk.duplicated = false;
      broker.invalidate(chunk.index);
      table.requeue(chunk, now, now);
    }
    this.blockedReported = false;
    this.lastError = undefined;
    this.setPhase('uploading');
    this.pump();
  }

  private async finish(phase: UploadPhase): Promise<void> {
    clearTimeout(this.wakeTimer);
    this.parts?.reporter.stop();
    this.activity.abort();
    this.reportControl.abort();
    // closed before the journal goes: a PUT completing now cannot write it back
    await this.parts?.writer.close({ flush: false }).catch(() => undefined);
    if (this.session && !this.keepJournal)
      await this.deps.journal.remove(this.session.uploadId).catch(() => undefined);
    this.finishedAt = Date.now();
    this.setPhase(phase);
    const snapshot = this.snapshot();
    const type =
      phase === 'done'
        ? 'done'
        : phase === 'expired'
          ? 'expired'
          : phase === 'cancelled'
            ? 'cancelled'
            : 'failed';
    this.deps.emit({ type, id: this.id, snapshot });
  }

  // ---- snapshot ---------------------------------------------------------------------------

  private setPhase(phase: UploadPhase): void {
    if (this.phase === phase) return;
    this.phase = phase;
    this.markDirty();
  }

  private markDirty(): void {
    this.updatedAt = Date.now();
    this.deps.changed();
  }

  /** True while chunks are being sent (speed and ETA change all the time). */
  get moving(): boolean {
    return this.phase === 'uploading' || this.phase === 'reporting';
  }

  snapshot(): UploadSnapshot {
    const now = Date.now();
    const table = this.parts?.table;
    const sendingNow = this.phase === 'uploading' || this.phase === 'reporting';
    this.speed.sample(now, this.bytesMoved);
    const speed = sendingNow ? this.speed.value : 0;
    const confirmed = table?.confirmedBytes ?? 0;
    const sent = Math.min(this.file.size, confirmed + (table?.inFlightBytes() ?? 0));
    const urlExpiry = this.parts?.broker.earliestExpiry();
    return {
      id: this.id,
      uploadId: this.session?.uploadId,
      assetId: this.session?.assetId,
      filePath: this.file.path,
      fileName: basename(this.file.path),
      type: this.spec.type,
      size: this.file.size,
      chunkSize: this.session?.chunkSize ?? 0,
      totalChunks: this.session?.totalChunks ?? 0,
      phase: this.phase,
      chunks: table?.stateString() ?? '',
      inFlight: table?.inFlight() ?? [],
      failedChunks: table?.failed() ?? [],
      bytesSent: sent,
      bytesConfirmed: confirmed,
      speed,
      etaSeconds: sendingNow && speed > 1 ? (this.file.size - confirmed) / speed : undefined,
      concurrency: this.limit.current,
      maxConcurrency: this.limit.max,
      offline: this.breaker.open,
      stalled: sendingNow && this.active > 0 && now - this.lastByteAt > STALLED_AFTER_MS,
      sessionExpiresAt: this.session?.expiresAt,
      urlExpiresAt: urlExpiry !== undefined ? new Date(urlExpiry).toISOString() : undefined,
      lastError: this.lastError,
      notice: this.notice,
      assetStatus: this.assetStatus,
      indexId: this.spec.indexId,
      indexedAssetId: this.indexedAssetId,
      indexedAssetStatus: this.indexedAssetStatus,
      counters: { ...this.counters },
      startedAt: this.startedAt,
      updatedAt: this.updatedAt,
      finishedAt: this.finishedAt,
    };
  }
}
