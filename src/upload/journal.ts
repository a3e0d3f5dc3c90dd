import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import envPaths from 'env-paths';
import { z } from 'zod';
import { describeFsError, errnoCode, JournalWriteError } from './errors.js';
import type { FileIdentity } from './file-identity.js';

/** What survives a crash: enough to resume without re-sending confirmed chunks. */
export interface JournalRecord {
  version: 1;
  uploadId: string;
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
}

const recordSchema = z.object({
  version: z.literal(1),
  uploadId: z.string().regex(/^[\w-]{1,128}$/),
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
});

/** `$TLTOP_STATE_DIR`, else the XDG state dir ($XDG_STATE_HOME/tltop; env-paths calls it `log`). */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.TLTOP_STATE_DIR?.trim();
  if (override) return override;
  if (process.platform !== 'linux') return envPaths('tltop', { suffix: '' }).data;
  const xdg = env.XDG_STATE_HOME?.trim();
  return xdg ? join(xdg, 'tltop') : envPaths('tltop', { suffix: '' }).log;
}

const SUFFIX = '.json';

/**
 * One JSON file per upload in `<stateDir>/uploads`, replaced atomically (temp file, fsync,
 * rename), mode 0600 in a 0700 directory. The directory is fsynced when a journal is first
 * created; after that a power cut can at worst bring back the previous, complete version.
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
    const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify(record));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
      if (!this.created.has(record.uploadId)) {
        await this.syncDir();
        this.created.add(record.uploadId);
      }
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
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
    return parseRecord(text, uploadId);
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

  /** Removes the journal and any temp file a crash mid-write left beside it. */
  async remove(uploadId: string): Promise<void> {
    this.created.delete(uploadId);
    await rm(this.fileOf(uploadId), { force: true });
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

/**
 * Coalesces journal writes for one upload: save() resolves once a write that began after the
 * call has reached the disk, so a burst of confirmations costs one or two writes.
 */
export class JournalWriter {
  private writing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(
    private readonly store: JournalStore,
    private readonly snapshot: () => JournalRecord,
  ) {}

  save(): Promise<void> {
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
      await this.store.write(this.snapshot());
    } finally {
      this.writing = undefined;
    }
  }

  /** Waits for writes under way (errors are the callers' to see). */
  async idle(): Promise<void> {
    await this.queued?.catch(() => undefined);
    await this.writing?.catch(() => undefined);
  }
}
