import { appendFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { JournalStore } from '../../../src/upload/journal.js';
import { CHUNK_STATE_CHAR, type UploadSnapshot } from '../../../src/upload/types.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import {
  chunkPuts,
  FAST_POLICY,
  type Harness,
  openManager,
  randomFile,
  removeDir,
  sha256File,
  tempDir,
  waitForEvent,
} from './helpers.js';

const KiB = 1024;
const CHUNK = 64 * KiB;

let emulator: TestEmulator | undefined;
let harness: Harness | undefined;
let dir: string | undefined;

afterEach(async () => {
  await harness?.close();
  await emulator?.close();
  await removeDir(dir);
  harness = undefined;
  emulator = undefined;
  dir = undefined;
});

async function setUp(
  options: Parameters<typeof startTestEmulator>[0] = {},
  policy = FAST_POLICY,
  timeouts?: Parameters<typeof openManager>[3],
) {
  emulator = await startTestEmulator({ chunkSize: CHUNK, ...options });
  dir = await tempDir();
  harness = openManager(emulator, join(dir, 'state'), policy, timeouts);
  return { emulator, dir, harness };
}

describe('upload engine against the emulator', () => {
  it('assembles the exact bytes under chunk failures, API 5xx and short-lived URLs', async () => {
    // 10 attempts a chunk: at 6, one of the 47 chunks failing every attempt happened about once in 330 runs
    const { emulator, dir, harness } = await setUp(
      { faults: 'put-fail=0.2,api-5xx=0.05,url-ttl=1s' },
      { ...FAST_POLICY, chunkAttempts: 10 },
    );
    // sizes: one chunk, a partial last chunk, many chunks
    const files = [
      await randomFile(dir, 'one.mp4', 10 * KiB),
      await randomFile(dir, 'partial.mp4', 5 * CHUNK + 123),
      await randomFile(dir, 'many.mp4', 40 * CHUNK),
    ];
    const ids = await Promise.all(
      files.map((path) => harness.manager.start({ path, type: 'video', concurrency: 4, followAsset: false })),
    );
    const snapshots = await Promise.all(ids.map((id) => harness.manager.settled(id)));
    for (const [position, snapshot] of snapshots.entries()) {
      expect(snapshot.phase, snapshot.lastError).toBe('done');
      expect(snapshot.bytesConfirmed).toBe(snapshot.size);
      expect(snapshot.chunks).toBe(CHUNK_STATE_CHAR.confirmed.repeat(snapshot.totalChunks));
      const digest = await emulator.digest(snapshot.assetId!);
      expect(digest).toEqual({ size: snapshot.size, sha256: await sha256File(files[position]!) });
    }
    // the faults were real: some PUTs failed and were retried
    expect(chunkPuts(emulator, '500')).toBeGreaterThan(0);
    expect(snapshots.reduce((sum, snapshot) => sum + snapshot.counters.retries, 0)).toBeGreaterThan(0);
    // nothing left in the journal directory
    expect(await new JournalStore(join(dir, 'state')).list()).toEqual({ records: [], problems: [] });
  });

  it('renews presigned URLs the storage refuses as expired (403), without failing a chunk', async () => {
    const { emulator, dir, harness } = await setUp({ faults: 'put-rate=4MiB/s' });
    const path = await randomFile(dir, 'slow.mp4', 48 * CHUNK);
    const id = await harness.manager.start({ path, type: 'video', concurrency: 2, followAsset: false });
    await waitForEvent(harness, (event) => event.type === 'started');
    await new Promise((resolve) => setTimeout(resolve, 150));
    // every URL handed out so far is now an hour past its expiry
    emulator.advanceClock(2 * 3600);
    const snapshot = await harness.manager.settled(id);
    expect(snapshot.phase, snapshot.lastError).toBe('done');
    expect(snapshot.failedChunks).toEqual([]);
    expect(chunkPuts(emulator, '403')).toBeGreaterThan(0);
    expect(snapshot.counters.urlRefreshes).toBeGreaterThan(0);
    expect((await emulator.digest(snapshot.assetId!)).sha256).toBe(await sha256File(path));
  });

  it('follows the asset to ready and the indexed asset to ready', async () => {
    const { emulator, dir, harness } = await setUp({ seed: 'demo', speed: 200 });
    const indexes = await harness.client.listIndexes({ page_limit: 1 });
    const indexId = indexes.data[0]!._id;
    const path = await randomFile(dir, 'clip.mp4', 3 * CHUNK);
    const id = await harness.manager.start({ path, type: 'video', indexId });
    const snapshot = await harness.manager.settled(id);
    expect(snapshot.phase, snapshot.lastError).toBe('done');
    expect(snapshot.assetStatus).toBe('ready');
    expect(snapshot.indexedAssetStatus).toBe('ready');
    const indexed = await harness.client.getIndexedAsset(indexId, snapshot.indexedAssetId!);
    expect(indexed.asset_id).toBe(snapshot.assetId);
    expect(harness.events.map((event) => event.type)).toEqual([
      'started',
      'uploaded',
      'ready',
      'indexed',
      'done',
    ]);
    expect((await emulator.digest(snapshot.assetId!)).sha256).toBe(await sha256File(path));
  });

  it('marks chunks failed after their attempts, goes on with the rest, and retry() finishes them', async () => {
    const { emulator, dir, harness } = await setUp(
      { faults: 'put-fail=1' },
      { ...FAST_POLICY, chunkAttempts: 2 },
    );
    const path = await randomFile(dir, 'flaky.mp4', 6 * CHUNK);
    const id = await harness.manager.start({ path, type: 'video', concurrency: 2, followAsset: false });
    const blocked = await waitForEvent(harness, (event) => event.type === 'blocked' && event.id === id);
    const stuck = (blocked as { snapshot: UploadSnapshot }).snapshot;
    expect(stuck.phase).toBe('uploading');
    expect(stuck.failedChunks).toHaveLength(6);
    expect(stuck.failedChunks[0]).toMatchObject({
      index: 1,
      attempts: 2,
      error: expect.stringContaining('HTTP 500'),
    });
    expect(harness.events.filter((event) => event.type === 'chunk_failed')).toHaveLength(6);
    // the journal is still there: the upload is resumable
    expect((await new JournalStore(join(dir, 'state')).list()).records).toHaveLength(1);

    emulator.setFaults('');
    await harness.manager.retry(id);
    const snapshot = await harness.manager.settled(id);
    expect(snapshot.phase, snapshot.lastError).toBe('done');
    expect((await emulator.digest(snapshot.assetId!)).sha256).toBe(await sha256File(path));
  });

  it('pauses (journal kept, nothing in flight) and resumes to the same bytes', async () => {
    const { emulator, dir, harness } = await setUp({ faults: 'put-rate=2MiB/s' });
    const path = await randomFile(dir, 'pause.mp4', 40 * CHUNK);
    const id = await harness.manager.start({ path, type: 'video', concurrency: 2, followAsset: false });
    await waitForEvent(harness, (event) => event.type === 'started');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await harness.manager.pause(id);
    const paused = harness.manager.get(id)!;
    expect(paused.phase).toBe('paused');
    expect(paused.inFlight).toEqual([]);
    expect(paused.bytesConfirmed).toBeGreaterThan(0);
    expect(paused.bytesConfirmed).toBeLessThan(paused.size);
    const journal = await new JournalStore(join(dir, 'state')).read(paused.uploadId!);
    expect(Object.keys(journal!.etags).length * CHUNK).toBe(paused.bytesConfirmed);

    await harness.manager.resume(id);
    const snapshot = await harness.manager.settled(id);
    expect(snapshot.phase, snapshot.lastError).toBe('done');
    expect((await emulator.digest(snapshot.assetId!)).sha256).toBe(await sha256File(path));
  });

  it('cancel stops the upload and removes its journal', async () => {
    const { dir, harness } = await setUp({ faults: 'put-rate=1MiB/s' });
    const path = await randomFile(dir, 'cancel.mp4', 40 * CHUNK);
    const id = await harness.manager.start({ path, type: 'video', concurrency: 2 });
    await waitForEvent(harness, (event) => event.type === 'started');
    await harness.manager.cancel(id);
    expect(harness.manager.get(id)!.phase).toBe('cancelled');
    expect(await readdir(join(dir, 'state', 'uploads'))).toEqual([]);
  });

  it('retry() after a cancel starts a new session for the same file under the same id', async () => {
    const { emulator, dir, harness } = await setUp({ faults: 'put-rate=1MiB/s' });
    const path = await randomFile(dir, 'again.mp4', 20 * CHUNK);
    const id = await harness.manager.start({ path, type: 'video', concurrency: 2, followAsset: false });
    await waitForEvent(harness, (event) => event.type === 'started');
    await harness.manager.cancel(id);
    const cancelled = harness.manager.get(id)!;
    emulator.setFaults('');
    await harness.manager.retry(id);
    const snapshot = await harness.manager.settled(id);
    expect(snapshot.phase, snapshot.lastError).toBe('done');
    expect(snapshot.uploadId).not.toBe(cancelled.uploadId);
    expect((await emulator.digest(snapshot.assetId!)).sha256).toBe(await sha256File(path));
    harness.manager.dismiss(id);
    expect(harness.manager.list()).toEqual([]);
  });

  it('abandons the session when the file changes during the upload', async () => {
    const { dir, harness } = await setUp({ faults: 'put-rate=1MiB/s' });
    const path = await randomFile(dir, 'grows.mp4', 40 * CHUNK);
    const id = await harness.manager.start({ path, type: 'video', concurrency: 2 });
    await waitForEvent(harness, (event) => event.type === 'started');
    await appendFile(path, 'more bytes');
    const snapshot = await harness.manager.settled(id);
    expect(snapshot.phase).toBe('failed');
    expect(snapshot.lastError).toMatch(
      /grows\.mp4 changed during the upload \(size changed .*upload the file again/,
    );
    expect(await readdir(join(dir, 'state', 'uploads'))).toEqual([]);
  });

  it('resumes a journaled upload in a new manager, sending only the missing chunks', async () => {
    const { emulator, dir, harness: first } = await setUp({ faults: 'put-rate=2MiB/s' });
    const path = await randomFile(dir, 'resume.mp4', 32 * CHUNK);
    const id = await first.manager.start({ path, type: 'video', concurrency: 2, followAsset: false });
    await waitForEvent(first, (event) => event.type === 'started');
    await new Promise((resolve) => setTimeout(resolve, 400));
    await first.close();
    const before = chunkPuts(emulator);
    const uploadId = first.manager.get(id)!.uploadId!;
    const confirmed = first.manager.get(id)!.bytesConfirmed / CHUNK;
    expect(confirmed).toBeGreaterThan(0);

    emulator.setFaults('');
    const second = openManager(emulator, join(dir, 'state'));
    harness = second;
    const listed = await second.manager.listJournaled();
    expect(listed).toMatchObject([{ uploadId, filePath: path, totalChunks: 32 }]);
    expect(await second.manager.resumeJournaled()).toEqual([uploadId]);
    const snapshot = await second.manager.settled(uploadId);
    expect(snapshot.phase, snapshot.lastError).toBe('done');
    expect(snapshot.notice).toMatch(/^resumed: \d+\/32 chunks confirmed on server/);
    expect(chunkPuts(emulator) - before).toBe(32 - confirmed);
    expect((await emulator.digest(snapshot.assetId!)).sha256).toBe(await sha256File(path));
  });

  it('refuses to resume a file that changed since, and reports an expired session clearly', async () => {
    const { emulator, dir, harness: first } = await setUp({ faults: 'put-rate=1MiB/s' });
    const changed = await randomFile(dir, 'changed.mp4', 20 * CHUNK);
    const expiring = await randomFile(dir, 'expiring.mp4', 20 * CHUNK);
    for (const path of [changed, expiring]) {
      await first.manager.start({ path, type: 'video', concurrency: 1 });
    }
    await waitForEvent(first, (event) => event.type === 'started' && event.snapshot.filePath === changed);
    await waitForEvent(first, (event) => event.type === 'started' && event.snapshot.filePath === expiring);
    await first.close();
    const uploads = (await new JournalStore(join(dir, 'state')).list()).records;
    expect(uploads).toHaveLength(2);
    await appendFile(changed, 'x');
    emulator.advanceClock(25 * 3600);

    const second = openManager(emulator, join(dir, 'state'));
    harness = second;
    const changedId = uploads.find((record) => record.file.path === changed)!.uploadId;
    const expiringId = uploads.find((record) => record.file.path === expiring)!.uploadId;
    // one call for both: the changed file is refused, the other one still resumes
    await expect(second.manager.resumeJournaled()).rejects.toThrow(
      /changed\.mp4: size changed .* refusing to resume it \(journal removed\), upload the file again$/,
    );
    expect(second.manager.list().map((upload) => upload.uploadId)).toEqual([expiringId]);
    expect(changedId).not.toBe(expiringId);
    const snapshot = await second.manager.settled(expiringId);
    expect(snapshot.phase).toBe('expired');
    expect(snapshot.lastError).toBe(
      `upload session ${expiringId} expired (sessions last 24 h); start the upload again`,
    );
    expect(await readdir(join(dir, 'state', 'uploads'))).toEqual([]);
  });

  it('writes journals atomically with mode 0600 in a 0700 directory', async () => {
    const { dir, harness } = await setUp({ faults: 'put-rate=4MiB/s' });
    const path = await randomFile(dir, 'modes.mp4', 40 * CHUNK);
    const id = await harness.manager.start({ path, type: 'video', concurrency: 2, followAsset: false });
    await waitForEvent(harness, (event) => event.type === 'started');
    const store = new JournalStore(join(dir, 'state'));
    const uploadId = harness.manager.get(id)!.uploadId!;
    const uploadsDir = join(dir, 'state', 'uploads');
    // read the journal over and over while it is rewritten: never torn, never missing
    const seen = new Set<number>();
    while (harness.manager.get(id)!.phase !== 'done') {
      const record = await store.read(uploadId);
      if (!record) break; // removed once done
      seen.add(Object.keys(record.etags).length);
      const mode = await stat(store.pathOf(uploadId)).then(
        (info) => info.mode & 0o777,
        () => undefined, // removed since the read: the upload finished
      );
      if (mode !== undefined) expect(mode).toBe(0o600);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(seen.size).toBeGreaterThan(3);
    expect((await stat(uploadsDir)).mode & 0o777).toBe(0o700);
    await harness.manager.settled(id);
    // no temp files left behind
    expect(await readdir(uploadsDir)).toEqual([]);
  });
});

describe('failure policy', () => {
  // No tail duplicates here: the timers, not a second PUT, must rescue the stalled chunks.
  // The stall fault also holds API calls, and creating a session gets 3 attempts by default:
  // 0.2^3 failed about one run in 125, so the create gets as many attempts as the other calls,
  // and a chunk 10 (at 6, one of 32 chunks stalling every time happened about once in 500 runs).
  const SHORT_TIMERS = {
    ...FAST_POLICY,
    sendStallMs: 300,
    responseTimeoutMs: 600,
    tailSlowFactor: 1e9,
    createAttempts: 8,
    chunkAttempts: 10,
  };
  const SHORT_API_TIMEOUTS = { connectMs: 1000, headersMs: 600, bodyMs: 600, totalMs: 1500 };

  it('retries a PUT whose body the storage stops reading (send stall timer)', async () => {
    // tailSlowFactor 1e9 puts the straggler check days away: a delay Node cannot hold would fire
    // after 1 ms and pump in a loop
    const overflows: string[] = [];
    const onWarning = (warning: Error) => {
      if (warning.name === 'TimeoutOverflowWarning') overflows.push(warning.message);
    };
    process.on('warning', onWarning);
    onTestFinished(() => {
      process.off('warning', onWarning);
    });
    const { emulator, dir, harness } = await setUp({}, SHORT_TIMERS, SHORT_API_TIMEOUTS);
    const path = await randomFile(dir, 'stall.mp4', 48 * CHUNK);
    emulator.setFaults('stall=0.2,stall-phase=request,stall-time=3s');
    const id = await harness.manager.start({ path, type: 'video', concurrency: 4, followAsset: false });
    const snapshot = await harness.manager.settled(id);
    expect(snapshot.phase, snapshot.lastError).toBe('done');
    expect(overflows).toEqual([]);
    expect(snapshot.counters.retries).toBeGreaterThan(0);
    expect((await emulator.digest(snapshot.assetId!)).sha256).toBe(await sha256File(path));
  });

  it('retries a PUT that is never answered after its body was read (response timer)', async () => {
    const { emulator, dir, harness } = await setUp({}, SHORT_TIMERS, SHORT_API_TIMEOUTS);
    const path = await randomFile(dir, 'silent.mp4', 48 * CHUNK);
    emulator.setFaults('stall=0.2,stall-phase=response,stall-time=3s');
    const id = await harness.manager.start({ path, type: 'video', concurrency: 4, followAsset: false });
    const snapshot = await harness.manager.settled(id);
    expect(snapshot.phase, snapshot.lastError).toBe('done');
    expect(snapshot.counters.retries).toBeGreaterThan(0);
    expect((await emulator.digest(snapshot.assetId!)).sha256).toBe(await sha256File(path));
  });

  it('waits out a 503 outage (Retry-After, lower concurrency) without failing a chunk', async () => {
    const { emulator, dir, harness } = await setUp({ faults: 'put-rate=4MiB/s' });
    const path = await randomFile(dir, 'outage.mp4', 32 * CHUNK);
    const id = await harness.manager.start({ path, type: 'video', concurrency: 4, followAsset: false });
    await waitForEvent(harness, (event) => event.type === 'started');
    emulator.setFaults('put-rate=4MiB/s,outage=1s');
    const snapshot = await harness.manager.settled(id);
    expect(snapshot.phase, snapshot.lastError).toBe('done');
    expect(snapshot.failedChunks).toEqual([]);
    expect(snapshot.counters.throttles).toBeGreaterThan(0);
    expect(chunkPuts(emulator, '503')).toBeGreaterThan(0);
    expect((await emulator.digest(snapshot.assetId!)).sha256).toBe(await sha256File(path));
  });

  it('sends a second PUT for a straggler at the end; the first ETag wins and the bytes are right', async () => {
    const { emulator, dir, harness } = await setUp({ faults: 'slow-chunks=0.3@32KiB/s' });
    // which chunks the emulator slows is random, and a run whose stragglers all finish mid-way
    // has no tail to duplicate: every run must be byte-exact, and one of a few must duplicate
    let tailDuplicates = 0;
    for (let attempt = 1; attempt <= 5 && tailDuplicates === 0; attempt++) {
      const path = await randomFile(dir, `tail-${attempt}.mp4`, 24 * CHUNK);
      const id = await harness.manager.start({ path, type: 'video', concurrency: 4, followAsset: false });
      const snapshot = await harness.manager.settled(id);
      expect(snapshot.phase, snapshot.lastError).toBe('done');
      expect((await emulator.digest(snapshot.assetId!)).sha256).toBe(await sha256File(path));
      tailDuplicates = snapshot.counters.tailDuplicates;
    }
    expect(tailDuplicates).toBeGreaterThan(0);
  }, 90_000);
});

describe('snapshots', () => {
  it('are published at most ten times a second while bytes move', async () => {
    const { dir, harness } = await setUp({ faults: 'put-rate=4MiB/s' });
    const path = await randomFile(dir, 'rate.mp4', 48 * CHUNK);
    const times: number[] = [];
    const unsubscribe = harness.manager.subscribe(() => times.push(Date.now()));
    const id = await harness.manager.start({ path, type: 'video', concurrency: 2, followAsset: false });
    await harness.manager.settled(id);
    unsubscribe();
    expect(times.length).toBeGreaterThan(2);
    const gaps = times.slice(1).map((time, position) => time - times[position]!);
    // timers may fire a millisecond early; never two publications within one window
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(95);
  });
});
