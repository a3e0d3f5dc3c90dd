/**
 * The upload engine's public contract: the progress snapshot the store and the UI render,
 * the events headless output prints, and the UploadManager the store drives.
 */
import type { AssetStatus, AssetType, IndexedAssetStatus } from '../api/types.js';

/** Where one upload is in its life. Terminal: done, failed, cancelled, expired. */
export type UploadPhase =
  | 'creating' // checking the file, creating the session
  | 'uploading' // chunks being sent
  | 'paused' // stopped by the user or Ctrl-C; resumable
  | 'reporting' // every chunk sent, last reports in flight
  | 'waiting_asset' // session completed, following the asset to ready/failed
  | 'indexing' // asset ready, following the indexed asset
  | 'done'
  | 'failed'
  | 'cancelled'
  | 'expired';

export const TERMINAL_PHASES: ReadonlySet<UploadPhase> = new Set(['done', 'failed', 'cancelled', 'expired']);

export type ChunkState = 'pending' | 'in_flight' | 'confirmed' | 'failed';

/**
 * One character per chunk in `UploadSnapshot.chunks` (index 0 = chunk 1). A string keeps
 * thousands of chunks compact, immutable and cheap to compare in selectors.
 */
export const CHUNK_STATE_CHAR = {
  pending: '.',
  in_flight: '>',
  confirmed: '#',
  failed: '!',
} as const satisfies Record<ChunkState, string>;

/** A chunk with a PUT under way: bytes handed to the socket in its current attempt. */
export interface InFlightChunk {
  /** 1-based, as the API numbers chunks */
  index: number;
  bytesSent: number;
  /** 1 for the first attempt */
  attempt: number;
}

/** A chunk whose attempts ran out (the rest of the upload goes on; retry() resends it). */
export interface FailedChunk {
  index: number;
  /** one line, sanitised, never a URL */
  error: string;
  attempts: number;
}

export interface UploadCounters {
  /** attempts that failed and were retried */
  retries: number;
  /** 429/503 answers seen */
  throttles: number;
  /** presigned URL batches requested after the first */
  urlRefreshes: number;
  /** duplicate PUTs sent for straggling chunks near the end */
  tailDuplicates: number;
}

/** Immutable progress of one upload; a new object on every change. */
export interface UploadSnapshot {
  /** local id, stable for the process; equals uploadId for uploads resumed from a journal */
  id: string;
  /** server session id, once created */
  uploadId?: string;
  assetId?: string;
  filePath: string;
  fileName: string;
  type: AssetType;
  size: number;
  /** 0 until the session exists */
  chunkSize: number;
  totalChunks: number;
  phase: UploadPhase;
  /** one CHUNK_STATE_CHAR per chunk; '' until the session exists */
  chunks: string;
  inFlight: readonly InFlightChunk[];
  failedChunks: readonly FailedChunk[];
  /** confirmed bytes + bytes of current attempts handed to the socket (never above size) */
  bytesSent: number;
  /** bytes of chunks whose ETag was received and checked; never decreases */
  bytesConfirmed: number;
  /** bytes/second, smoothed; 0 when idle */
  speed: number;
  /** seconds left at the current speed; undefined when unknown */
  etaSeconds?: number;
  /** concurrent PUTs allowed now (lowered on 429/503, raised back slowly) */
  concurrency: number;
  maxConcurrency: number;
  /** the circuit breaker is open: the storage looks unreachable, probing */
  offline: boolean;
  /** no socket progress for 10 s while sending */
  stalled: boolean;
  /** ISO time the server session expires (24 h after creation) */
  sessionExpiresAt?: string;
  /** ISO time the earliest presigned URL held expires */
  urlExpiresAt?: string;
  /** one line, sanitised; the most recent problem (also set on failed/expired phases) */
  lastError?: string;
  /** e.g. "resumed: 812/2000 chunks confirmed on server, 3 re-reported" */
  notice?: string;
  assetStatus?: AssetStatus;
  indexId?: string;
  indexedAssetId?: string;
  indexedAssetStatus?: IndexedAssetStatus;
  counters: UploadCounters;
  /** epoch ms */
  startedAt: number;
  /** epoch ms of the last change */
  updatedAt: number;
  /** epoch ms the upload reached a terminal phase */
  finishedAt?: number;
}

/** Discrete happenings, for headless output (`tltop upload --json`) and logs. */
export type UploadEvent =
  | { type: 'started'; id: string; snapshot: UploadSnapshot }
  | { type: 'resumed'; id: string; snapshot: UploadSnapshot }
  | { type: 'chunk_failed'; id: string; chunk: FailedChunk }
  /** every chunk left has failed; nothing moves until retry() */
  | { type: 'blocked'; id: string; snapshot: UploadSnapshot }
  | { type: 'uploaded'; id: string; snapshot: UploadSnapshot }
  | { type: 'ready'; id: string; snapshot: UploadSnapshot }
  | { type: 'indexed'; id: string; snapshot: UploadSnapshot }
  | { type: 'paused'; id: string; snapshot: UploadSnapshot }
  | { type: 'failed'; id: string; snapshot: UploadSnapshot }
  | { type: 'expired'; id: string; snapshot: UploadSnapshot }
  | { type: 'cancelled'; id: string; snapshot: UploadSnapshot }
  | { type: 'done'; id: string; snapshot: UploadSnapshot };

export interface StartUploadOptions {
  path: string;
  type: AssetType;
  /** create an indexed asset in this index once the asset is ready, and follow it */
  indexId?: string;
  /** 1..16, default 4 */
  concurrency?: number;
  /** false: stop at 'done' once the session is completed, without following the asset */
  followAsset?: boolean;
}

/** An unfinished upload found in the journal directory. */
export interface JournaledUpload {
  uploadId: string;
  assetId: string;
  filePath: string;
  type: AssetType;
  size: number;
  chunksConfirmed: number;
  totalChunks: number;
  sessionExpiresAt: string;
  indexId?: string;
  /**
   * Whose journal it is, seen from the manager's account: 'own', 'unclaimed' (written before
   * journals recorded accounts; treated as own) or 'other' (listed only with allAccounts).
   */
  owner: 'own' | 'unclaimed' | 'other';
  /** `profile "prod" (api.twelvelabs.io)`: the account it was journaled for, when recorded */
  account?: string;
}

export type UploadListener = (snapshots: readonly UploadSnapshot[]) => void;
export type UploadEventListener = (event: UploadEvent) => void;

/**
 * What the store (and `tltop upload`/`resume`) drive. Methods reject only with an Error
 * whose message is one printable line (UploadInputError for bad input: a missing,
 * unreadable, empty, oversized or changed file, or a directory).
 */
export interface UploadManager {
  /** Checks the file, then runs the upload in the background; resolves with its id. */
  start(options: StartUploadOptions): Promise<string>;
  /** Resends failed chunks, or starts a new session for a failed/expired/cancelled upload. */
  retry(id: string): Promise<void>;
  /** Stops sending (in-flight PUTs are aborted); the journal is kept. */
  pause(id: string): Promise<void>;
  /** Continues a paused upload. */
  resume(id: string): Promise<void>;
  /** Stops for good: flushes pending reports, removes the journal. */
  cancel(id: string): Promise<void>;
  /** Drops a finished upload from list(). */
  dismiss(id: string): void;
  list(): readonly UploadSnapshot[];
  get(id: string): UploadSnapshot | undefined;
  /** Snapshots of every upload, at most ~10 times a second and only after a change. */
  subscribe(listener: UploadListener): () => void;
  /** Every event, unthrottled. */
  onEvent(listener: UploadEventListener): () => void;
  /**
   * Unfinished uploads in the journal directory that this manager is not running: its own
   * account's (with `allAccounts`, every account's; see JournaledUpload.owner).
   */
  listJournaled(options?: { allAccounts?: boolean }): Promise<JournaledUpload[]>;
  /**
   * Resumes journaled uploads of the manager's account (all, or the given upload ids);
   * resolves with their ids. Other accounts' journals are left alone; one named in uploadIds is
   * refused, naming its profile and host. A file that changed since is refused (its journal
   * removed): the others still resume, then this rejects with an UploadInputError saying which.
   */
  resumeJournaled(uploadIds?: readonly string[]): Promise<string[]>;
  /** Pauses everything, flushes reports and journals; uploads stay resumable. */
  shutdown(): Promise<void>;
}
