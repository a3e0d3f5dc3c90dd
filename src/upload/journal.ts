import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import envPaths from 'env-paths';
import { z } from 'zod';
import { writeFileAtomically } from '../atomic-file.js';
import { describeFsError, errnoCode, JournalWriteError } from './errors.js';
import type { FileIdentity } from './file-identity.js';

/**
 * The account an upload belongs to: upload sessions live in one account, so a journal is only
 * resumed (and shown by `tltop status`) with the same API base URL and the same key.
 */
export interface JournalAccount {
  /** the API base URL as the client normalises it (https://host/v1.3) */
  baseUrl: string;
  /**
   * The first 12 hex digits of the SHA-256 of the API key (see keyFingerprint): tells two keys
   * apart, never holds the key.
   */
  keyFingerprint: string;
  /** the profile that started the upload, for messages only: matching ignores it */
  profile: string;
}

/**
 * A non-secret fingerprint of an API key: 12 hex digits (48 bits) of its SHA-256. Safe to write
 * down: SHA-256 is one-way, and an API key is a long random secret, so there is no short list of
 * candidates to hash and compare; the fingerprint only says whether two journals were written
 * with the same key. (The journals are 0600 as well.)
 */
export function keyFingerprint(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex').slice(0, 12);
}

export function journalAccount(options: {
  apiKey: string;
  baseUrl: string;
  profile: string;
}): JournalAccount {
  return {
    baseUrl: sameBaseUrl(options.baseUrl),
    keyFingerprint: keyFingerprint(options.apiKey),
    profile: options.profile,
  };
}

function sameBaseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * Whose journal this is, seen from `current`:
 * - 'own': the same base URL and key fingerprint (the profile name does not matter);
 * - 'unclaimed': written before journals recorded their account. Such a journal is treated as
 *   the current account's (shown, resumed) and claimed by the first account whose server knows
 *   its session; a server that does not know it leaves the journal in place for its owner;
 * - 'other': another base URL or another key.
 * A manager without an account (tests, tools) treats every journal as its own.
 */
export function journalOwner(
  record: Pick<JournalRecord, 'account'>,
  current: JournalAccount | undefined,
): 'own' | 'unclaimed' | 'other' {
  if (!current) return 'own';
  if (!record.account) return 'unclaimed';
  return sameBaseUrl(record.account.baseUrl) === current.baseUrl &&
    record.account.keyFingerprint === current.keyFingerprint
    ? 'own'
    : 'other';
}

/** `profile "prod" (api.twelvelabs.io)`: which account a journal belongs to, for messages. */
export function describeAccount(account: JournalAccount): string {
  let host = account.baseUrl;
  try {
    host = new URL(account.baseUrl).host;
  } catch {
    // a hand-edited base URL: show it as it is
  }
  return `profile "${account.profile}" (${host})`;
}

/** What survives a crash: enough to resume without re-sending confirmed chunks. */
export interface JournalRecord {
  version: 1;
  uploadId: string;
  /** absent in journals written before accounts were recorded (see journalOwner) */
  account?: JournalAccount;
  assetId: string;
  type: 'video' | 'audio' | 'image';
  indexId?: string;
  followAsset: boolean;
  file: FileIdentity;
  chunkSize: number;
  totalChunks: number;
  sessionExpiresAt: string;
  uploadHeaders: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  /** chunk index -> ETag, for every chunk whose ETag matched its MD5 (reported or not) */
  etags: Record<string, string>;
  /** the session is completed on the server: only the asset remains to follow */
  sessionCompleted: boolean;
  /** set once the indexed asset was created, so a resume follows it instead of creating another */
  indexedAssetId?: string;
  /** bytes of the chunk log this record already holds: lines after it are newer confirmations */
  logOffset?: number;
}

const recordSchema = z.object({
  version: z.literal(1),
  uploadId: z.string().regex(/^[\w-]{1,128}$/),
  account: z
    .object({
      baseUrl: z.string().min(1),
      keyFingerprint: z.string().regex(/^[0-9a-f]{12}$/),
      profile: z.string(),
    })
    .optional(),
  assetId: z.string().min(1),
  type: z.enum(['video', 'audio', 'image']),
  indexId: z.string().optional(),
  followAsset: z.boolean(),
  file: z.object({
    path: z.string().min(1),
    size: z.number().int().positive(),
    mtimeMs: z.number(),
    ino: z.number(),
    fingerprint: z.string(),
  }),
  chunkSize: z.number().int().positive(),
  totalChunks: z.number().int().positive(),
  sessionExpiresAt: z.string(),
  uploadHeaders: z.record(z.string(), z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  etags: z.record(z.string().regex(/^\d+$/), z.string()),
  sessionCompleted: z.boolean(),
  indexedAssetId: z.string().optional(),
  logOffset: z.number().int().nonnegative().optional(),
});

/** One line of the chunk log: a chunk confirmed with this ETag. */
const logLineSchema = z.object({ chunk: z.number().int().nonnegative(), etag: z.string().min(1) });

/** `$TLTOP_STATE_DIR`, else the XDG state dir ($XDG_STATE_HOME/tltop; env-paths calls it `log`). */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.TLTOP_STATE_DIR?.trim();
  if (override) return override;
  if (process.platform !== 'linux') return envPaths('tltop', { suffix: '' }).data;
  const xdg = env.XDG_STATE_HOME?.trim();
  return xdg ? join(xdg, 'tltop') : envPaths('tltop', { suffix: '' }).log;
}

const SUFFIX = '.json';
const LOG_SUFFIX = '.json.log';

/**
 * One JSON file per upload in `<stateDir>/uploads`, replaced atomically (temp file, fsync,
 * rename), mode 0600 in a 0700 directory. The directory is fsynced when a journal is first
 * created; after that a power cut can at worst bring back the previous, complete version.
 *
 * Beside it, `<id>.json.log` (0600, append-only, never fsynced): one line per confirmed chunk,
 * written before the chunk's worker moves on, so a crash of the process loses no confirmed
 * chunk while the JSON is rewritten in the background. read() applies the lines the JSON does
 * not hold yet (after its logOffset); a torn last line (power cut) is skipped.
 */
export class JournalStore {
  readonly dir: string;
  private readonly created = new Set<string>();

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'uploads');
  }

  private fileOf(uploadId: string): string {
    return join(this.dir, `${uploadId}${SUFFIX}`);
  }

  logOf(uploadId: string): string {
    return join(this.dir, `${uploadId}${LOG_SUFFIX}`);
  }

  /** Creates the directory and proves a file can be written there, before a session is created. */
  async ensureWritable(): Promise<void> {
    const probe = join(this.dir, `.probe-${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      const handle = await open(probe, 'w', 0o600);
      try {
        await handle.writeFile('{}');
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw new JournalWriteError(
        `cannot write the upload journal in ${this.dir}: ${describeFsError(error)}`,
      );
    } finally {
      await rm(probe, { force: true }).catch(() => undefined);
    }
  }

  async write(record: JournalRecord): Promise<void> {
    const target = this.fileOf(record.uploadId);
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeFileAtomically(target, JSON.stringify(record));
      if (!this.created.has(record.uploadId)) {
        await this.syncDir();
        this.created.add(record.uploadId);
      }
    } catch (error) {
      throw new JournalWriteError(
        `cannot write the upload journal ${target}: ${describeFsError(error)}; the previous copy is intact`,
      );
    }
  }

  private async syncDir(): Promise<void> {
    const handle = await open(this.dir, 'r');
    try {
      await handle.sync();
    } catch (error) {
      // some file systems refuse fsync on a directory; the rename is still atomic
      if (errnoCode(error) !== 'EINVAL' && errnoCode(error) !== 'EISDIR') throw error;
    } finally {
      await handle.close();
    }
  }

  async read(uploadId: string): Promise<JournalRecord | undefined> {
    let text: string;
    try {
      text = await readFile(this.fileOf(uploadId), 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return undefined;
      throw error;
    }
    return withLoggedChunks(parseRecord(text, uploadId), await this.readLog(uploadId));
  }

  private async readLog(uploadId: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.logOf(uploadId));
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Every readable journal; unreadable or malformed files are returned as problems, not thrown. */
  async list(): Promise<{ records: JournalRecord[]; problems: string[] }> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return { records: [], problems: [] };
      return { records: [], problems: [`cannot read ${this.dir}: ${describeFsError(error)}`] };
    }
    const records: JournalRecord[] = [];
    const problems: string[] = [];
    for (const name of names.filter((entry) => entry.endsWith(SUFFIX)).sort()) {
      const uploadId = name.slice(0, -SUFFIX.length);
      try {
        const record = await this.read(uploadId);
        if (record) records.push(record);
      } catch (error) {
        problems.push(`${join(this.dir, name)}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return { records, problems };
  }

  /** Removes the journal, its chunk log and any temp file a crash mid-write left beside it. */
  async remove(uploadId: string): Promise<void> {
    this.created.delete(uploadId);
    await rm(this.fileOf(uploadId), { force: true });
    await rm(this.logOf(uploadId), { force: true });
    const leftovers = (await readdir(this.dir).catch(() => [] as string[])).filter(
      (name) => name.startsWith(`${uploadId}${SUFFIX}.`) && name.endsWith('.tmp'),
    );
    await Promise.all(leftovers.map((name) => rm(join(this.dir, name), { force: true })));
  }

  pathOf(uploadId: string): string {
    return this.fileOf(uploadId);
  }
}

function parseRecord(text: string, uploadId: string): JournalRecord {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('not valid JSON');
  }
  const parsed = recordSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(`not an upload journal (${parsed.error.issues[0]?.message ?? 'bad shape'})`);
  if (parsed.data.uploadId !== uploadId) throw new Error('upload id does not match the file name');
  return parsed.data as JournalRecord;
}

/** The record with the ETags of the log lines written after it (lines that do not parse are skipped). */
function withLoggedChunks(record: JournalRecord, log: Buffer | undefined): JournalRecord {
  if (!log || log.length <= (record.logOffset ?? 0)) return record;
  const etags = { ...record.etags };
  for (const line of log
    .subarray(record.logOffset ?? 0)
    .toString('utf8')
    .split('\n')) {
    let parsed: z.infer<typeof logLineSchema>;
    try {
      parsed = logLineSchema.parse(JSON.parse(line));
    } catch {
      continue;
    }
    if (parsed.chunk < record.totalChunks) etags[parsed.chunk] = parsed.etag;
  }
  return { ...record, etags };
}

/**
 * How long confirmations gather before the JSON is rewritten in the background: each rewrite is
 * an fsync, which holds a libuv thread the workers' file reads also need.
 */
export const JOURNAL_BATCH_MS = 250;

/**
 * Journal writes for one upload. confirm() appends the chunk to the log at once (synchronously:
 * a few bytes, no fsync) and rewrites the JSON in the background, batched, so a worker never
 * waits for the disk. save() coalesces: it resolves once a write that began after the call has
 * reached the disk, so a burst of saves costs one or two writes.
 *
 * close() ends the writer's life: after it nothing is written (a late confirm() is dropped, a
 * late save() resolves without writing) until reopen(). A paused or finished upload closes its
 * writer, so a PUT that completes while it stops can never recreate a journal that was saved
 * for the last time or removed.
 */
export class JournalWriter {
  private writing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private log: { uploadId: string; fd: number; bytes: number } | undefined;
  private batch: ReturnType<typeof setTimeout> | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly store: JournalStore,
    private readonly snapshot: () => JournalRecord,
    /** a background write failed (a full disk, say): the upload cannot stay resumable */
    private readonly onBackgroundError: (error: unknown) => void = () => {},
    private readonly batchMs = JOURNAL_BATCH_MS,
  ) {}

  /** close() was called (and reopen() was not since). */
  get closed(): boolean {
    return this.closing !== undefined;
  }

  /**
   * Records a confirmed chunk before returning: after this, a crash of the process cannot lose
   * it. Throws JournalWriteError when the log cannot be written. Returns false when the writer
   * is closed: the chunk is not journaled (a resume sends it again).
   */
  confirm(chunk: number, etag: string): boolean {
    if (this.closing) return false;
    const uploadId = this.log?.uploadId ?? this.snapshot().uploadId;
    try {
      const log = this.openLog(uploadId);
      const line = Buffer.from(`${JSON.stringify({ chunk, etag })}\n`);
      writeSync(log.fd, line);
      log.bytes += line.length;
    } catch (error) {
      throw new JournalWriteError(
        `cannot write the upload journal ${this.store.logOf(uploadId)}: ${describeFsError(error)}`,
      );
    }
    this.batch ??= setTimeout(() => {
      this.batch = undefined;
      this.save().catch((error: unknown) => this.onBackgroundError(error));
    }, this.batchMs);
    return true;
  }

  private openLog(uploadId: string): { uploadId: string; fd: number; bytes: number } {
    if (!this.log) {
      mkdirSync(this.store.dir, { recursive: true, mode: 0o700 });
      const fd = openSync(this.store.logOf(uploadId), 'a', 0o600);
      this.log = { uploadId, fd, bytes: fstatSync(fd).size };
    }
    return this.log;
  }

  /** How much of the log the JSON written now holds (all of it: confirm() updates both). */
  private logOffset(uploadId: string): number {
    if (this.log) return this.log.bytes;
    try {
      return statSync(this.store.logOf(uploadId)).size;
    } catch {
      return 0;
    }
  }

  /** Writes the JSON (coalesced, see above); does nothing once the writer is closed. */
  save(): Promise<void> {
    if (this.closing) return Promise.resolve();
    return this.enqueueWrite();
  }

  private enqueueWrite(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.writing) {
      this.writing = this.writeNow();
      return this.writing;
    }
    const after = this.writing.catch(() => undefined);
    this.queued = after.then(() => {
      this.queued = undefined;
      this.writing = this.writeNow();
      return this.writing;
    });
    return this.queued;
  }

  private async writeNow(): Promise<void> {
    try {
      const record = this.snapshot();
      await this.store.write({ ...record, logOffset: this.logOffset(record.uploadId) });
    } finally {
      this.writing = undefined;
    }
  }

  /**
   * Waits for writes under way (errors are the callers' to see) and closes the log. A batched
   * rewrite not yet begun is dropped: the log holds its chunks (call save() for the JSON).
   */
  async idle(): Promise<void> {
    clearTimeout(this.batch);
    this.batch = undefined;
    await this.queued?.catch(() => undefined);
    await this.writing?.catch(() => undefined);
    if (this.log) {
      closeSync(this.log.fd);
      this.log = undefined;
    }
  }

  /**
   * The last write: waits for writes under way, then (with `flush`) writes the JSON once more,
   * and closes the log. From the moment it is called nothing else is written (see the class
   * comment). Rejects when the final write fails; a second call waits for the first.
   */
  close(options: { flush: boolean }): Promise<void> {
    if (this.closing) return this.closing;
    clearTimeout(this.batch);
    this.batch = undefined;
    this.closing = (async () => {
      await this.idle();
      if (options.flush) await this.enqueueWrite();
    })();
    return this.closing;
  }

  /** Writes again after close() (a paused upload resumed); waits for the close to end. */
  async reopen(): Promise<void> {
    await this.closing?.catch(() => undefined);
    this.closing = undefined;
  }
}
