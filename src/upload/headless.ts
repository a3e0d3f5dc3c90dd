import { basename } from 'node:path';
import stripAnsi from 'strip-ansi';
import { formatBytes, formatDuration, formatRate } from '../components/format.js';
import { PlainProgressGate } from './plain-progress.js';
import {
  CHUNK_STATE_CHAR,
  TERMINAL_PHASES,
  type UploadEvent,
  type UploadManager,
  type UploadSnapshot,
} from './types.js';

const JSON_PROGRESS_MS = 1000;
const BAR_WIDTH = 24;

/**
 * json: one object per line; tty: a progress block redrawn in place; plain: lines for logs
 * (no carriage return, no escape sequence; progress rate-limited); none: plain without progress.
 */
export type OutputMode = 'json' | 'tty' | 'plain' | 'none';

const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Text for a log: escape sequences and control characters (file names can hold them) removed. */
function logSafe(text: string): string {
  return stripAnsi(text).replace(CONTROL_CHARACTERS, '');
}

/** How one file ended, for the closing `done` line and the exit code. */
export type FileOutcome = 'ready' | 'uploaded' | 'failed' | 'paused';

interface Writable {
  write(text: string): unknown;
  columns?: number;
}

export interface HeadlessIo {
  stdout: Writable;
  stderr: Writable;
}

function pct(snapshot: UploadSnapshot): number {
  return snapshot.size > 0 ? Math.floor((100 * snapshot.bytesConfirmed) / snapshot.size) : 0;
}

function chunksConfirmed(snapshot: UploadSnapshot): number {
  let count = 0;
  for (const state of snapshot.chunks) if (state === CHUNK_STATE_CHAR.confirmed) count += 1;
  return count;
}

function bar(snapshot: UploadSnapshot): string {
  const confirmed = snapshot.size ? Math.round((BAR_WIDTH * snapshot.bytesConfirmed) / snapshot.size) : 0;
  const sent = snapshot.size ? Math.round((BAR_WIDTH * snapshot.bytesSent) / snapshot.size) : 0;
  return `${'#'.repeat(confirmed)}${'>'.repeat(Math.max(0, sent - confirmed))}${'.'.repeat(
    Math.max(0, BAR_WIDTH - Math.max(sent, confirmed)),
  )}`;
}

function progressText(snapshot: UploadSnapshot, withBar = true): string {
  const name = snapshot.fileName;
  switch (snapshot.phase) {
    case 'creating':
      return `${name}  creating the upload session`;
    case 'uploading':
    case 'reporting': {
      const state = snapshot.offline ? '  offline, probing' : snapshot.stalled ? '  stalled' : '';
      const failed = snapshot.failedChunks.length ? `  ${snapshot.failedChunks.length} failed` : '';
      const eta =
        snapshot.etaSeconds !== undefined ? `  ETA ${formatDuration(snapshot.etaSeconds * 1000)}` : '';
      const shown = withBar
        ? `[${bar(snapshot)}] ${String(pct(snapshot)).padStart(3)}%`
        : `${pct(snapshot)}%`;
      return `${name}  ${shown}  ${formatBytes(
        snapshot.bytesConfirmed,
      )}/${formatBytes(snapshot.size)}  ${formatRate(snapshot.speed)}${eta}${failed}${state}`;
    }
    case 'waiting_asset':
      return `${name}  uploaded, asset ${snapshot.assetId} ${snapshot.assetStatus ?? 'processing'}`;
    case 'indexing':
      return `${name}  indexing in ${snapshot.indexId}: ${snapshot.indexedAssetStatus ?? 'pending'}`;
    default:
      return `${name}  ${snapshot.phase}`;
  }
}

/**
 * Prints what `tltop upload` / `tltop resume` show while uploads run: JSON lines, a redrawn
 * progress block on a terminal, or plain lines. Tracks how each file ended.
 */
export class HeadlessOutput {
  private readonly outcomes = new Map<string, FileOutcome>();
  private readonly lastProgressAt = new Map<string, number>();
  private readonly plainGate = new PlainProgressGate();
  private drawnLines = 0;
  private latest: readonly UploadSnapshot[] = [];

  constructor(
    private readonly io: HeadlessIo,
    private readonly mode: OutputMode,
  ) {}

  outcome(id: string): FileOutcome | undefined {
    return this.outcomes.get(id);
  }

  private json(record: Record<string, unknown>): void {
    this.io.stdout.write(`${JSON.stringify(record)}\n`);
  }

  /** A line about one upload: stdout for results, stderr for the rest (JSON: all on stdout). */
  private line(text: string, stream: 'stdout' | 'stderr' = 'stderr'): void {
    this.clearBlock();
    this.io[stream].write(`${this.mode === 'tty' ? text : logSafe(text)}\n`);
    this.drawBlock();
  }

  event(event: UploadEvent): void {
    if (event.type === 'chunk_failed') {
      const snapshot = this.latest.find((item) => item.id === event.id);
      const file = snapshot?.filePath;
      if (this.mode === 'json') {
        this.json({
          event: 'chunk_failed',
          file,
          upload_id: snapshot?.uploadId,
          chunk: event.chunk.index,
          attempts: event.chunk.attempts,
          error: event.chunk.error,
        });
      } else this.line(`${basename(file ?? '')}: chunk ${event.chunk.index} failed: ${event.chunk.error}`);
      return;
    }
    const snapshot = event.snapshot;
    this.remember(snapshot);
    const base = { file: snapshot.filePath, upload_id: snapshot.uploadId, asset_id: snapshot.assetId };
    switch (event.type) {
      case 'started':
      case 'resumed':
        if (this.mode === 'json') {
          this.json({
            event: event.type,
            ...base,
            size: snapshot.size,
            chunk_size: snapshot.chunkSize,
            total_chunks: snapshot.totalChunks,
            ...(event.type === 'resumed' && { notice: snapshot.notice }),
          });
        } else {
          const detail =
            event.type === 'resumed'
              ? snapshot.notice
              : `${formatBytes(snapshot.size)}, ${snapshot.totalChunks} chunks`;
          this.line(`${event.type} ${snapshot.filePath} (upload ${snapshot.uploadId}; ${detail})`);
        }
        return;
      case 'uploaded':
        if (this.mode === 'json') this.json({ event: 'uploaded', ...base });
        else this.line(`uploaded ${snapshot.filePath} (asset ${snapshot.assetId})`);
        return;
      case 'ready':
        if (this.mode === 'json') this.json({ event: 'ready', ...base, asset_status: snapshot.assetStatus });
        else this.line(`asset ${snapshot.assetId} ready (${snapshot.fileName})`);
        return;
      case 'indexed':
        if (this.mode === 'json') {
          this.json({
            event: 'indexed',
            ...base,
            index_id: snapshot.indexId,
            indexed_asset_id: snapshot.indexedAssetId,
          });
        } else this.line(`indexed asset ${snapshot.indexedAssetId} ready in index ${snapshot.indexId}`);
        return;
      case 'blocked':
        if (this.mode === 'plain' || this.mode === 'none')
          this.line(
            `${snapshot.fileName}: every chunk left has failed; nothing moves until they are retried`,
          );
        return;
      case 'paused':
        this.finish(snapshot, 'paused');
        return;
      case 'done':
        this.finish(snapshot, snapshot.indexId || snapshot.assetStatus ? 'ready' : 'uploaded');
        return;
      case 'failed':
      case 'expired':
      case 'cancelled':
        this.finish(snapshot, 'failed');
        return;
    }
  }

  private finish(snapshot: UploadSnapshot, outcome: FileOutcome): void {
    if (this.outcomes.has(snapshot.id)) return;
    this.outcomes.set(snapshot.id, outcome);
    const resumable = outcome === 'paused' && snapshot.uploadId;
    if (this.mode === 'json') {
      if (outcome === 'failed' || outcome === 'paused') {
        this.json({
          event: outcome === 'failed' ? 'failed' : 'paused',
          file: snapshot.filePath,
          upload_id: snapshot.uploadId,
          phase: snapshot.phase,
          error: snapshot.lastError ?? null,
          ...(resumable && { resume: `tltop resume ${snapshot.uploadId}` }),
        });
      }
      this.json({
        event: 'done',
        file: snapshot.filePath,
        upload_id: snapshot.uploadId ?? null,
        asset_id: snapshot.assetId ?? null,
        status: outcome,
        retries: snapshot.counters.retries,
        url_refreshes: snapshot.counters.urlRefreshes,
        throttles: snapshot.counters.throttles,
        tail_duplicates: snapshot.counters.tailDuplicates,
        ...(snapshot.indexedAssetId && {
          index_id: snapshot.indexId,
          indexed_asset_id: snapshot.indexedAssetId,
        }),
        ...(snapshot.lastError &&
          outcome !== 'ready' &&
          outcome !== 'uploaded' && { error: snapshot.lastError }),
      });
      return;
    }
    if (outcome === 'ready' || outcome === 'uploaded') {
      const indexed = snapshot.indexedAssetId ? ` indexed_asset=${snapshot.indexedAssetId}` : '';
      this.line(`${outcome}\t${snapshot.assetId}\t${snapshot.filePath}${indexed}`, 'stdout');
    } else if (outcome === 'paused') {
      const why = snapshot.lastError ? `: ${snapshot.lastError}` : '';
      this.line(
        `tltop: ${snapshot.filePath} paused${why}${resumable ? `; continue with: tltop resume ${snapshot.uploadId}` : ''}`,
      );
    } else {
      this.line(`tltop: ${snapshot.filePath} ${snapshot.phase}: ${snapshot.lastError ?? 'failed'}`);
    }
  }

  /** Reports the file that could not even start (bad input already refused). */
  failedToStart(file: string, message: string): void {
    if (this.mode === 'json') {
      this.json({ event: 'failed', file, error: message });
      this.json({ event: 'done', file, upload_id: null, asset_id: null, status: 'failed', error: message });
    } else this.line(`tltop: ${message}`);
  }

  private remember(snapshot: UploadSnapshot): void {
    this.latest = [...this.latest.filter((item) => item.id !== snapshot.id), snapshot];
  }

  /** Snapshots from the manager (~10/s): throttled progress output. */
  progress(snapshots: readonly UploadSnapshot[]): void {
    this.latest = snapshots;
    const now = Date.now();
    if (this.mode === 'tty') {
      this.clearBlock();
      this.drawBlock();
      return;
    }
    if (this.mode !== 'json') {
      for (const snapshot of snapshots) this.plainProgress(snapshot, now);
      return;
    }
    for (const snapshot of snapshots) {
      if (snapshot.phase !== 'uploading' && snapshot.phase !== 'reporting') continue;
      if (now - (this.lastProgressAt.get(snapshot.id) ?? 0) < JSON_PROGRESS_MS) continue;
      this.lastProgressAt.set(snapshot.id, now);
      this.json({
        event: 'progress',
        file: snapshot.filePath,
        upload_id: snapshot.uploadId,
        bytes_sent: snapshot.bytesSent,
        bytes_confirmed: snapshot.bytesConfirmed,
        size: snapshot.size,
        chunks_confirmed: chunksConfirmed(snapshot),
        total_chunks: snapshot.totalChunks,
        speed_bps: Math.round(snapshot.speed),
        eta_seconds: snapshot.etaSeconds !== undefined ? Math.round(snapshot.etaSeconds) : null,
        concurrency: snapshot.concurrency,
        offline: snapshot.offline,
      });
    }
  }

  /** Plain lines: every change of state, progress rate-limited (none: state changes only). */
  private plainProgress(snapshot: UploadSnapshot, now: number): void {
    for (const line of this.plainGate.next(snapshot, now)) {
      if (line.kind === 'state') this.line(`${snapshot.fileName}: ${line.text}`);
      else if (this.mode === 'plain') this.line(progressText(snapshot, false));
    }
  }

  private activeSnapshots(): UploadSnapshot[] {
    return this.latest.filter(
      (snapshot) => !TERMINAL_PHASES.has(snapshot.phase) && snapshot.phase !== 'paused',
    );
  }

  private drawBlock(): void {
    if (this.mode !== 'tty') return;
    const width = Math.max(20, (this.io.stderr.columns ?? 80) - 1);
    const lines = this.activeSnapshots().map((snapshot) => {
      const text = progressText(snapshot);
      return text.length > width ? `${text.slice(0, width - 1)}…` : text;
    });
    if (lines.length) this.io.stderr.write(`${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }

  private clearBlock(): void {
    if (this.mode !== 'tty' || this.drawnLines === 0) return;
    this.io.stderr.write(`\x1b[${this.drawnLines}A\x1b[0J`);
    this.drawnLines = 0;
  }

  /** Removes the progress block (before the process exits). */
  close(): void {
    this.clearBlock();
  }
}

/** Resolves when the upload is terminal, paused, or blocked on failed chunks (then paused). */
export function whenStopped(manager: UploadManager, id: string): Promise<UploadSnapshot> {
  return new Promise((resolve) => {
    const check = (snapshot: UploadSnapshot | undefined) => {
      if (!snapshot) return false;
      if (TERMINAL_PHASES.has(snapshot.phase) || snapshot.phase === 'paused') {
        stop();
        resolve(snapshot);
        return true;
      }
      return false;
    };
    const stop = manager.onEvent((event) => {
      if (event.id !== id || event.type === 'chunk_failed') return;
      if (event.type === 'blocked') {
        void manager.pause(id);
        return;
      }
      check(event.snapshot);
    });
    check(manager.get(id));
  });
}

/** Resolves once the upload no longer needs the link to itself (uploaded, or stopped). */
export function whenSent(manager: UploadManager, id: string): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stop();
      resolve();
    };
    const stop = manager.onEvent((event) => {
      if (event.id !== id) return;
      if (['uploaded', 'paused', 'blocked', 'failed', 'expired', 'cancelled', 'done'].includes(event.type))
        done();
    });
    const snapshot = manager.get(id);
    if (snapshot && (TERMINAL_PHASES.has(snapshot.phase) || snapshot.phase === 'paused')) done();
  });
}
