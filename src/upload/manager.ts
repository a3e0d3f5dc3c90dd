import { randomUUID } from 'node:crypto';
import type { TwelveLabsApi } from '../api/api.js';
import { TwelveLabsClient } from '../api/client.js';
import { StoragePools } from './chunk-put.js';
import { UploadInputError } from './errors.js';
import { checkUploadFile, identityChange } from './file-identity.js';
import {
  defaultStateDir,
  describeAccount,
  type JournalAccount,
  type JournalRecord,
  JournalStore,
  journalOwner,
} from './journal.js';
import { DEFAULT_CONCURRENCY, DEFAULT_POLICY, MAX_CONCURRENCY, type UploadPolicy } from './policy.js';
import type {
  JournaledUpload,
  StartUploadOptions,
  UploadEventListener,
  UploadListener,
  UploadManager,
  UploadSnapshot,
} from './types.js';
import { UploadRun } from './upload-run.js';

const SNAPSHOT_INTERVAL_MS = 100;

export interface UploadManagerOptions {
  /** a client without retries of its own (createUploadApi): the engine has its retry rules */
  api: TwelveLabsApi;
  /** where journals live; default $TLTOP_STATE_DIR or the XDG state dir */
  stateDir?: string;
  /**
   * The account `api` speaks for (journalAccount(): base URL, key fingerprint, profile name).
   * Journals record it; list and resume see only this account's journals (and those written
   * before journals recorded accounts). Without it every journal counts as this manager's.
   */
  account?: JournalAccount;
  policy?: Partial<UploadPolicy>;
  /** concurrency for resumed uploads (new ones say their own) */
  defaultConcurrency?: number;
}

function clampConcurrency(value: number | undefined): number {
  if (value === undefined || !Number.isFinite(value)) return DEFAULT_CONCURRENCY;
  return Math.min(MAX_CONCURRENCY, Math.max(1, Math.floor(value)));
}

/** Runs uploads in the background and publishes their snapshots (at most ~10 a second). */
export class Uploads implements UploadManager {
  private readonly runs = new Map<string, UploadRun>();
  private readonly listeners = new Set<UploadListener>();
  private readonly eventListeners = new Set<UploadEventListener>();
  private readonly journal: JournalStore;
  private readonly pools: StoragePools;
  private readonly policy: UploadPolicy;
  private snapshots: readonly UploadSnapshot[] = [];
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private lastPublishAt = 0;
  private closed = false;

  constructor(private readonly options: UploadManagerOptions) {
    this.journal = new JournalStore(options.stateDir ?? defaultStateDir());
    this.policy = { ...DEFAULT_POLICY, ...options.policy };
    this.pools = new StoragePools({
      connections: 2 * MAX_CONCURRENCY,
      connectTimeoutMs: this.policy.connectTimeoutMs,
    });
  }

  get journalDir(): string {
    return this.journal.dir;
  }

  private deps() {
    return {
      api: this.options.api,
      journal: this.journal,
      account: this.options.account,
      pools: this.pools,
      policy: this.policy,
      changed: () => this.changed(),
      emit: (event: Parameters<UploadEventListener>[0]) => {
        this.changed();
        for (const listener of this.eventListeners) listener(event);
      },
    };
  }

  async start(options: StartUploadOptions): Promise<string> {
    this.ensureOpen();
    const file = await checkUploadFile(options.path, options.type);
    await this.journal.ensureWritable();
    this.ensureOpen();
    const id = randomUUID().slice(0, 8);
    const run = new UploadRun(
      id,
      file,
      {
        type: options.type,
        indexId: options.indexId,
        followAsset: options.followAsset ?? true,
        concurrency: clampConcurrency(options.concurrency),
      },
      this.deps(),
    );
    this.runs.set(id, run);
    run.start();
    this.changed();
    return id;
  }

  private run(id: string): UploadRun {
    const run = this.runs.get(id);
    if (!run) throw new UploadInputError(`no upload ${id}`);
    return run;
  }

  async retry(id: string): Promise<void> {
    const run = this.run(id);
    if (!run.terminal) {
      await run.retry();
      return;
    }
    if (run.phase === 'done') return;
    // a failed, expired or cancelled session: start a new one for the same file, same id
    const file = await checkUploadFile(run.filePath, run.spec.type);
    await this.journal.ensureWritable();
    this.ensureOpen();
    const fresh = new UploadRun(id, file, run.spec, this.deps());
    this.runs.set(id, fresh);
    fresh.start();
    this.changed();
  }

  async pause(id: string): Promise<void> {
    await this.run(id).pause();
  }

  async resume(id: string): Promise<void> {
    this.ensureOpen();
    await this.run(id).resume();
  }

  async cancel(id: string): Promise<void> {
    await this.run(id).cancel();
  }

  dismiss(id: string): void {
    const run = this.runs.get(id);
    if (run?.terminal) {
      this.runs.delete(id);
      this.changed();
    }
  }

  list(): readonly UploadSnapshot[] {
    if (this.dirty || this.snapshots.length !== this.runs.size) this.rebuild();
    return this.snapshots;
  }

  get(id: string): UploadSnapshot | undefined {
    return this.list().find((snapshot) => snapshot.id === id);
  }

  subscribe(listener: UploadListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onEvent(listener: UploadEventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Resolves once the upload is terminal or paused. */
  async settled(id: string): Promise<UploadSnapshot> {
    const run = this.run(id);
    await run.settled();
    return run.snapshot();
  }

  /**
   * Unfinished uploads in the journal directory that this manager is not running: this
   * account's (see UploadManagerOptions.account), or with `allAccounts` every account's.
   */
  async listJournaled(options: { allAccounts?: boolean } = {}): Promise<JournaledUpload[]> {
    const { records } = await this.journal.list();
    const running = new Set([...this.runs.values()].map((run) => run.uploadId));
    return records
      .filter((record) => !running.has(record.uploadId))
      .map((record) => ({ record, owner: journalOwner(record, this.options.account) }))
      .filter(({ owner }) => options.allAccounts || owner !== 'other')
      .map(({ record, owner }) => ({
        uploadId: record.uploadId,
        assetId: record.assetId,
        filePath: record.file.path,
        type: record.type,
        size: record.file.size,
        chunksConfirmed: Object.keys(record.etags).length,
        totalChunks: record.totalChunks,
        sessionExpiresAt: record.sessionExpiresAt,
        indexId: record.indexId,
        owner,
        account: record.account ? describeAccount(record.account) : undefined,
      }));
  }

  /** Journal files that could not be read (reported, never deleted). */
  async journalProblems(): Promise<string[]> {
    return (await this.journal.list()).problems;
  }

  async resumeJournaled(uploadIds?: readonly string[]): Promise<string[]> {
    this.ensureOpen();
    const { records } = await this.journal.list();
    const wanted = uploadIds ? new Set(uploadIds) : undefined;
    const started: string[] = [];
    const refusals: string[] = [];
    for (const record of records) {
      if (wanted && !wanted.has(record.uploadId)) continue;
      if (this.runs.has(record.uploadId)) continue;
      if (journalOwner(record, this.options.account) === 'other') {
        // named: say whose it is; otherwise another account's journal is simply not ours to resume
        if (wanted)
          refusals.push(
            otherAccountRefusal({ uploadId: record.uploadId, account: describeAccount(record.account!) }),
          );
        continue;
      }
      try {
        if (await this.resumeRecord(record)) started.push(record.uploadId);
      } catch (error) {
        if (!(error instanceof UploadInputError)) throw error;
        refusals.push(error.message);
      }
    }
    // the others are running by now; the refusals still need saying
    if (refusals.length === 1) throw new UploadInputError(refusals[0]);
    if (refusals.length > 1) {
      throw new UploadInputError(`${refusals[0]} (and ${refusals.length - 1} more uploads refused)`);
    }
    return started;
  }

  /**
   * Resumes one journal. A file that changed since is refused (and its journal removed: that
   * session can never be finished); the refusal is an UploadInputError.
   */
  private async resumeRecord(record: JournalRecord): Promise<boolean> {
    const change = await identityChange(record.file);
    if (change) {
      await this.journal.remove(record.uploadId);
      throw new UploadInputError(
        `${record.file.path}: ${change} since upload ${record.uploadId} started; refusing to resume it (journal removed), upload the file again`,
      );
    }
    // shut down while the file was checked: the journal stays for the next start
    if (this.closed) return false;
    const run = UploadRun.fromJournal(record, this.deps(), clampConcurrency(this.options.defaultConcurrency));
    this.runs.set(record.uploadId, run);
    run.start();
    this.changed();
    return true;
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.runs.values()].map((run) => run.pause().catch(() => undefined)));
    clearTimeout(this.timer);
    this.timer = undefined;
    this.publish();
    await this.pools.close();
  }

  private ensureOpen(): void {
    if (this.closed) throw new UploadInputError('the upload manager is shut down');
  }

  // ---- throttled publishing ---------------------------------------------------------------

  private changed(): void {
    this.dirty = true;
    if (this.timer || this.listeners.size === 0) return;
    const wait = Math.max(0, this.lastPublishAt + SNAPSHOT_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => this.tick(), wait);
  }

  private tick(): void {
    this.timer = undefined;
    this.publish();
    // uploads moving bytes change every tick (speed, ETA): keep publishing while any does
    if ([...this.runs.values()].some((run) => run.moving) && this.listeners.size > 0) {
      this.dirty = true;
      this.timer = setTimeout(() => this.tick(), SNAPSHOT_INTERVAL_MS);
    }
  }

  private rebuild(): void {
    this.snapshots = [...this.runs.values()].map((run) => run.snapshot());
    this.dirty = false;
  }

  private publish(): void {
    if (!this.dirty && this.snapshots.length === this.runs.size) return;
    this.rebuild();
    this.lastPublishAt = Date.now();
    for (const listener of this.listeners) listener(this.snapshots);
  }
}

/** Why another account's journal is not resumed here: one line naming its profile and host. */
export function otherAccountRefusal(upload: { uploadId: string; account?: string }): string {
  return `upload ${upload.uploadId} belongs to ${upload.account ?? 'another account'}, another account (other key or base URL); resume it with that profile`;
}

/** The API client the engine wants: the engine retries its own calls, so the client must not. */
export function createUploadApi(options: { apiKey: string; baseUrl: string }): TwelveLabsClient {
  return new TwelveLabsClient({ ...options, retry: { maxRetries: 0 } });
}

export function createUploadManager(options: UploadManagerOptions): UploadManager & Uploads {
  return new Uploads(options);
}
