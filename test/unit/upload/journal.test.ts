import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JournalWriteError } from '../../../src/upload/errors.js';
import {
  defaultStateDir,
  describeAccount,
  type JournalRecord,
  JournalStore,
  JournalWriter,
  journalAccount,
  journalOwner,
  keyFingerprint,
} from '../../../src/upload/journal.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tltop-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function record(uploadId: string, etags: Record<string, string> = {}): JournalRecord {
  return {
    version: 1,
    uploadId,
    assetId: 'asset1',
    type: 'video',
    followAsset: true,
    file: { path: '/videos/a.mp4', size: 10, mtimeMs: 1.5, ino: 7, fingerprint: 'f'.repeat(64) },
    chunkSize: 5,
    totalChunks: 2,
    sessionExpiresAt: '2026-11-24T12:00:00Z',
    uploadHeaders: { 'Content-Type': 'application/octet-stream' },
    createdAt: '2026-11-23T12:00:00Z',
    updatedAt: '2026-11-23T12:00:01Z',
    etags,
    sessionCompleted: false,
  };
}

describe('JournalStore', () => {
  it('round-trips a record with mode 0600 in a 0700 directory, leaving no temp files', async () => {
    const store = new JournalStore(dir);
    await store.write(record('u1', { 1: 'abc' }));
    await store.write(record('u1', { 1: 'abc', 2: 'def' }));
    expect(await store.read('u1')).toEqual(record('u1', { 1: 'abc', 2: 'def' }));
    expect(await readdir(store.dir)).toEqual(['u1.json']);
    expect((await stat(store.pathOf('u1'))).mode & 0o777).toBe(0o600);
    expect((await stat(store.dir)).mode & 0o777).toBe(0o700);
    // a crash in the middle of a write leaves its temp file; removing the journal clears it too
    await writeFile(join(store.dir, 'u1.json.0a1b2c3d4e5f.tmp'), '{"version":');
    await writeFile(join(store.dir, 'u2.json.0a1b2c3d4e5f.tmp'), '{"version":');
    expect((await store.list()).records.map((item) => item.uploadId)).toEqual(['u1']);
    await store.remove('u1');
    expect(await store.read('u1')).toBeUndefined();
    expect(await readdir(store.dir)).toEqual(['u2.json.0a1b2c3d4e5f.tmp']);
  });

  it('lists good journals and reports bad ones without throwing or deleting them', async () => {
    const store = new JournalStore(dir);
    await store.write(record('good'));
    await writeFile(join(store.dir, 'torn.json'), '{"version":1,"uploadId":"to');
    await writeFile(join(store.dir, 'other.json'), JSON.stringify({ hello: 'world' }));
    await writeFile(join(store.dir, 'moved.json'), JSON.stringify(record('elsewhere')));
    const { records, problems } = await store.list();
    expect(records.map((item) => item.uploadId)).toEqual(['good']);
    expect(problems).toEqual([
      `${join(store.dir, 'moved.json')}: upload id does not match the file name`,
      expect.stringMatching(/other\.json: not an upload journal/),
      `${join(store.dir, 'torn.json')}: not valid JSON`,
    ]);
    expect((await readdir(store.dir)).sort()).toEqual(['good.json', 'moved.json', 'other.json', 'torn.json']);
  });

  it('says clearly when the directory cannot be written, and keeps the previous copy', async () => {
    const blocker = join(dir, 'file');
    await writeFile(blocker, 'x');
    const broken = new JournalStore(join(blocker, 'state'));
    await expect(broken.ensureWritable()).rejects.toThrow(
      new JournalWriteError(
        `cannot write the upload journal in ${join(blocker, 'state', 'uploads')}: a parent is not a directory (ENOTDIR)`,
      ),
    );
  });

  it('lives in $TLTOP_STATE_DIR, else the XDG state dir', () => {
    expect(defaultStateDir({ TLTOP_STATE_DIR: '/srv/state' })).toBe('/srv/state');
    if (process.platform === 'linux') {
      expect(defaultStateDir({ XDG_STATE_HOME: '/home/u/.state' })).toBe('/home/u/.state/tltop');
    }
  });
});

// long enough that the file reads a test does between two confirms never outlast it on a loaded machine
const BATCH_MS = 250;

/** Lets the batched background write begin, then waits for it. */
async function afterBatch(writer: JournalWriter): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, BATCH_MS * 2));
  await writer.idle();
}

class CountingStore extends JournalStore {
  writes = 0;
  override async write(value: JournalRecord): Promise<void> {
    this.writes += 1;
    await super.write(value);
  }
}

describe('JournalWriter', () => {
  it('coalesces a burst of saves into at most two writes, each holding every change made before it', async () => {
    const store = new JournalStore(dir);
    const etags: Record<string, string> = {};
    let writes = 0;
    const writer = new JournalWriter(store, () => {
      writes += 1;
      return record('burst', { ...etags });
    });
    const saves: Promise<void>[] = [];
    for (let index = 1; index <= 20; index++) {
      etags[index] = `etag${index}`;
      saves.push(writer.save());
    }
    await Promise.all(saves);
    expect(writes).toBeLessThanOrEqual(2);
    expect(Object.keys((await store.read('burst'))!.etags)).toHaveLength(20);
  });

  it('confirm() puts the chunk in the log before it returns; the JSON follows in one batched write', async () => {
    const store = new CountingStore(dir);
    const etags: Record<string, string> = {};
    const writer = new JournalWriter(
      store,
      () => record('fast', { ...etags }),
      () => {},
      BATCH_MS,
    );
    await writer.save();
    etags[0] = '"e0"';
    writer.confirm(0, '"e0"');
    // what a process killed right now leaves: the JSON may be old, the log has the chunk
    const log = await readFile(store.logOf('fast'), 'utf8');
    expect(log).toBe('{"chunk":0,"etag":"\\"e0\\""}\n');
    expect((await store.read('fast'))!.etags).toEqual({ 0: '"e0"' });
    expect((await stat(store.logOf('fast'))).mode & 0o777).toBe(0o600);
    etags[1] = '"e1"';
    writer.confirm(1, '"e1"');
    expect(store.writes).toBe(1);
    await afterBatch(writer);
    expect(store.writes).toBe(2);
    const written = JSON.parse(await readFile(store.pathOf('fast'), 'utf8')) as JournalRecord;
    expect(written.etags).toEqual({ 0: '"e0"', 1: '"e1"' });
    expect(written.logOffset).toBe((await stat(store.logOf('fast'))).size);
    await store.remove('fast');
    expect(await readdir(store.dir)).toEqual([]);
  });

  it('applies only log lines newer than the JSON, and skips a torn last line', async () => {
    const store = new JournalStore(dir);
    const etags: Record<string, string> = {};
    const writer = new JournalWriter(
      store,
      () => record('merge', { ...etags }),
      () => {},
      BATCH_MS,
    );
    etags[0] = 'a';
    writer.confirm(0, 'a');
    await afterBatch(writer);
    // the server failed chunk 0 afterwards: the next JSON drops it, and the old log line stays dropped
    delete etags[0];
    await writer.save();
    expect((await store.read('merge'))!.etags).toEqual({});
    await appendFile(
      store.logOf('merge'),
      '{"chunk":1,"etag":"b"}\n{"chunk":9,"etag":"out of range"}\n{"chu',
    );
    expect((await store.read('merge'))!.etags).toEqual({ 1: 'b' });
  });

  it('hands a failed background write to its callback, and throws when the log cannot be written', async () => {
    const store = new JournalStore(dir);
    const errors: unknown[] = [];
    const writer = new JournalWriter(
      store,
      () => record('bg'),
      (error) => errors.push(error),
      BATCH_MS,
    );
    // the JSON cannot replace a directory; the log beside it is fine
    await mkdir(store.pathOf('bg'), { recursive: true });
    writer.confirm(0, 'a');
    await afterBatch(writer);
    expect(errors).toEqual([expect.any(JournalWriteError)]);
    expect(await readFile(store.logOf('bg'), 'utf8')).toBe('{"chunk":0,"etag":"a"}\n');

    const blocker = join(dir, 'file');
    await writeFile(blocker, 'x');
    const broken = new JournalWriter(new JournalStore(join(blocker, 'state')), () => record('broken'));
    expect(() => broken.confirm(0, 'a')).toThrow(JournalWriteError);
    await broken.idle();
  });
});

describe('JournalWriter.close', () => {
  it('writes the JSON once more, then nothing: a late confirm() or save() cannot recreate the journal', async () => {
    const store = new CountingStore(dir);
    const etags: Record<string, string> = {};
    const writer = new JournalWriter(
      store,
      () => record('late', { ...etags }),
      () => {},
      BATCH_MS,
    );
    etags[0] = 'a';
    writer.confirm(0, 'a');
    await writer.close({ flush: true });
    expect(writer.closed).toBe(true);
    expect(store.writes).toBe(1);
    expect((await store.read('late'))!.etags).toEqual({ 0: 'a' });
    // the pause has settled and its owner removes the files: a PUT completing now writes nothing
    await store.remove('late');
    etags[1] = 'b';
    expect(writer.confirm(1, 'b')).toBe(false);
    await writer.save();
    await new Promise((resolve) => setTimeout(resolve, BATCH_MS * 2));
    expect(await readdir(store.dir)).toEqual([]);
    expect(store.writes).toBe(1);
    // a resume reopens it
    await writer.reopen();
    expect(writer.confirm(1, 'b')).toBe(true);
    await writer.close({ flush: false });
    expect(await readFile(store.logOf('late'), 'utf8')).toBe('{"chunk":1,"etag":"b"}\n');
    expect(store.writes).toBe(1);
  });

  it('a confirm() made while close() waits for a write under way is dropped, not written after it', async () => {
    const store = new JournalStore(dir);
    const writer = new JournalWriter(
      store,
      () => record('race'),
      () => {},
      BATCH_MS,
    );
    const saving = writer.save();
    const closing = writer.close({ flush: true });
    expect(writer.confirm(0, 'a')).toBe(false);
    await Promise.all([saving, closing]);
    await expect(stat(store.logOf('race'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('journal accounts', () => {
  const key = 'tlk_0123456789abcdefghijklmnopqrstuv';

  it('fingerprints the key with 12 hex digits of its SHA-256, never the key itself', () => {
    const account = journalAccount({
      apiKey: key,
      baseUrl: 'https://api.example.com/v1.3/',
      profile: 'prod',
    });
    expect(account).toEqual({
      baseUrl: 'https://api.example.com/v1.3',
      keyFingerprint: keyFingerprint(key),
      profile: 'prod',
    });
    expect(account.keyFingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(JSON.stringify(account)).not.toContain(key.slice(4, 12));
    expect(keyFingerprint(`${key}x`)).not.toBe(account.keyFingerprint);
    expect(describeAccount(account)).toBe('profile "prod" (api.example.com)');
  });

  it('owns journals of the same base URL and key whatever the profile; others are other accounts', () => {
    const current = journalAccount({ apiKey: key, baseUrl: 'https://api.example.com/v1.3', profile: 'a' });
    const renamed = { ...current, profile: 'b' };
    expect(journalOwner({ account: renamed }, current)).toBe('own');
    expect(journalOwner({ account: { ...current, keyFingerprint: keyFingerprint('other') } }, current)).toBe(
      'other',
    );
    expect(journalOwner({ account: { ...current, baseUrl: 'http://127.0.0.1:9/v1.3' } }, current)).toBe(
      'other',
    );
    expect(journalOwner({}, current)).toBe('unclaimed');
    expect(journalOwner({ account: renamed }, undefined)).toBe('own');
  });

  it('round-trips the account; a journal without one still reads', async () => {
    const store = new JournalStore(dir);
    const account = journalAccount({ apiKey: key, baseUrl: 'https://api.example.com/v1.3', profile: 'p' });
    await store.write({ ...record('mine'), account });
    await store.write(record('legacy'));
    expect((await store.read('mine'))!.account).toEqual(account);
    expect((await store.read('legacy'))!.account).toBeUndefined();
    expect(await readFile(store.pathOf('mine'), 'utf8')).not.toContain(key);
  });
});
