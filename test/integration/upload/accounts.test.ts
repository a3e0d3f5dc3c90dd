import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TwelveLabsClient } from '../../../src/api/client.js';
import { type JournalAccount, JournalStore, journalAccount } from '../../../src/upload/journal.js';
import { createUploadManager, type Uploads } from '../../../src/upload/manager.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { FAST_POLICY, randomFile, removeDir, sha256File, tempDir } from './helpers.js';

/** Journals belong to the account (base URL + key) that started them: others leave them alone. */

const CHUNK = 64 * 1024;

let emulator: TestEmulator | undefined;
let dir: string | undefined;
const opened: { manager: Uploads; client: TwelveLabsClient }[] = [];

afterEach(async () => {
  for (const { manager, client } of opened.splice(0)) {
    await manager.shutdown();
    await client.close();
  }
  await emulator?.close();
  await removeDir(dir);
  emulator = undefined;
  dir = undefined;
});

/** A manager speaking to the emulator that calls itself `account` (the key it uses is the emulator's). */
function managerAs(account: JournalAccount | undefined): Uploads {
  const client = new TwelveLabsClient({
    apiKey: emulator!.apiKey,
    baseUrl: emulator!.baseUrl,
    retry: { maxRetries: 0 },
  });
  const manager = createUploadManager({
    api: client,
    stateDir: join(dir!, 'state'),
    policy: FAST_POLICY,
    account,
  });
  opened.push({ manager, client });
  return manager;
}

/** Starts an upload as `manager` and pauses it with some chunks journaled; returns its upload id. */
async function pausedUpload(manager: Uploads, name: string): Promise<{ uploadId: string; path: string }> {
  const path = await randomFile(dir!, name, 24 * CHUNK);
  const id = await manager.start({ path, type: 'video', concurrency: 2, followAsset: false });
  const deadline = Date.now() + 10_000;
  while ((manager.get(id)?.bytesConfirmed ?? 0) < 2 * CHUNK && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 10));
  await manager.pause(id);
  return { uploadId: manager.get(id)!.uploadId!, path };
}

async function setUp() {
  emulator = await startTestEmulator({ chunkSize: CHUNK, faults: 'put-rate=2MiB/s' });
  dir = await tempDir('tltop-accounts-');
  const mine = journalAccount({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl, profile: 'alpha' });
  const theirs = journalAccount({
    apiKey: 'tlk_someone_else_0000000000',
    baseUrl: emulator.baseUrl,
    profile: 'beta',
  });
  return { mine, theirs, store: new JournalStore(join(dir, 'state')) };
}

describe('journal accounts', () => {
  it('a journal records base URL, key fingerprint and profile (never the key), and stays 0600', async () => {
    const { mine, store } = await setUp();
    const { uploadId } = await pausedUpload(managerAs(mine), 'a.mp4');
    const record = await store.read(uploadId);
    expect(record!.account).toEqual({ ...mine, baseUrl: emulator!.baseUrl.replace(/\/$/, '') });
    const text = await readFile(store.pathOf(uploadId), 'utf8');
    expect(text).not.toContain(emulator!.apiKey);
    const { stat } = await import('node:fs/promises');
    expect((await stat(store.pathOf(uploadId))).mode & 0o777).toBe(0o600);
    expect((await stat(store.logOf(uploadId))).mode & 0o777).toBe(0o600);
  });

  it('another account neither lists nor resumes it; naming it is refused with its profile and host', async () => {
    const { mine, theirs, store } = await setUp();
    const { uploadId } = await pausedUpload(managerAs(theirs), 'theirs.mp4');
    const before = await readFile(store.pathOf(uploadId), 'utf8');
    const manager = managerAs(mine);
    expect(await manager.listJournaled()).toEqual([]);
    expect(await manager.listJournaled({ allAccounts: true })).toEqual([
      expect.objectContaining({
        uploadId,
        owner: 'other',
        account: `profile "beta" (${new URL(emulator!.baseUrl).host})`,
      }),
    ]);
    expect(await manager.resumeJournaled()).toEqual([]);
    await expect(manager.resumeJournaled([uploadId])).rejects.toThrow(
      `upload ${uploadId} belongs to profile "beta" (${new URL(emulator!.baseUrl).host}), another account (other key or base URL); resume it with that profile`,
    );
    expect(manager.list()).toEqual([]);
    expect(await readFile(store.pathOf(uploadId), 'utf8')).toBe(before);
    // the same key and URL under another profile name is the same account
    const renamed = managerAs({ ...theirs, profile: 'beta-too' });
    expect(await renamed.resumeJournaled()).toEqual([uploadId]);
  });

  it('a journal written before accounts were recorded is resumed and claimed by the account whose server knows it', async () => {
    const { mine, store } = await setUp();
    const { uploadId, path } = await pausedUpload(managerAs(undefined), 'legacy.mp4');
    const legacy = (await store.read(uploadId))!;
    expect(legacy.account).toBeUndefined();

    const manager = managerAs(mine);
    expect(await manager.listJournaled()).toEqual([
      expect.objectContaining({ uploadId, owner: 'unclaimed' }),
    ]);
    expect(await manager.resumeJournaled()).toEqual([uploadId]);
    // claimed as soon as the server answered for the session
    const deadline = Date.now() + 10_000;
    while (!(await store.read(uploadId))?.account && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await store.read(uploadId))?.account?.keyFingerprint).toBe(mine.keyFingerprint);
    emulator!.setFaults('');
    const snapshot = await manager.settled(uploadId);
    expect(snapshot.phase, snapshot.lastError).toBe('done');
    expect((await emulator!.digest(snapshot.assetId!)).sha256).toBe(await sha256File(path));
  });

  it("an unclaimed journal whose session this account's server does not know is kept, not deleted", async () => {
    const { mine, store } = await setUp();
    const { uploadId } = await pausedUpload(managerAs(undefined), 'elsewhere.mp4');
    // the same journal under an upload id this server never issued (as another account's would be)
    const record = (await store.read(uploadId))!;
    const foreign = { ...record, uploadId: '0123456789abcdef01234567' };
    await store.write(foreign);
    await writeFile(store.logOf(foreign.uploadId), '', { mode: 0o600 });
    await store.remove(uploadId);

    const manager = managerAs(mine);
    expect(await manager.resumeJournaled()).toEqual([foreign.uploadId]);
    const snapshot = await manager.settled(foreign.uploadId);
    expect(snapshot.phase, snapshot.lastError).toBe('failed');
    expect(snapshot.lastError).toMatch(/not known to this account; .* kept for the account it belongs to/);
    expect(await store.read(foreign.uploadId)).toMatchObject({ uploadId: foreign.uploadId });
    expect((await store.read(foreign.uploadId))!.account).toBeUndefined();
  });
});
