import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TwelveLabs } from 'twelvelabs-js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';

/** The official SDK, unchanged, pointed at the emulator the documented way (TWELVELABS_BASE_URL). */
const CHUNK = 64 * 1024;
let emu: TestEmulator;
let client: TwelveLabs;
let dir: string;

beforeAll(async () => {
  emu = await startTestEmulator({ seed: 'demo', chunkSize: CHUNK });
  const previous = process.env.TWELVELABS_BASE_URL;
  process.env.TWELVELABS_BASE_URL = emu.baseUrl;
  try {
    client = new TwelveLabs({ apiKey: emu.apiKey });
  } finally {
    if (previous === undefined) delete process.env.TWELVELABS_BASE_URL;
    else process.env.TWELVELABS_BASE_URL = previous;
  }
  dir = mkdtempSync(join(tmpdir(), 'tltop-sdk-test-'));
});
afterAll(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('twelvelabs-js against the emulator', () => {
  test('multipartUpload.uploadFile of a multi-chunk file: every byte arrives', async () => {
    const data = randomBytes(CHUNK * 23 + 1234);
    const path = join(dir, 'sdk-upload.mp4');
    writeFileSync(path, data);
    const progress: number[] = [];
    const result = await client.multipartUpload.uploadFile(path, {
      progressCallback: (update) => progress.push(update.completedChunks),
    });
    expect(result.assetId).toMatch(/^[0-9a-f]{24}$/);
    expect(result.assetUrl).toContain(emu.origin);
    expect(progress.at(-1)).toBe(24);
    expect(await emu.digest(result.assetId)).toEqual({
      size: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
    });
    const presignCalls = emu.stats().requests['POST /assets/multipart-uploads/{upload_id}/presigned-urls'];
    expect(presignCalls).toEqual({ 200: 2 });
    emu.advanceClock(60);
    const asset = await client.assets.retrieve(result.assetId);
    expect(asset.status).toBe('ready');
  });

  test('the low-level multipart calls and waitForUploadCompletion', async () => {
    const data = randomBytes(CHUNK * 12);
    const created = await client.multipartUpload.create({
      filename: 'manual.mp4',
      type: 'video',
      totalSize: data.length,
    });
    expect(created.uploadUrls).toHaveLength(10);
    expect(created.expiresAt).toBeInstanceOf(Date);
    const more = await client.multipartUpload.getAdditionalPresignedUrls(created.uploadId!, {
      start: 11,
      count: 2,
    });
    const urls = [...created.uploadUrls!, ...more.uploadUrls!];
    const completedChunks = [];
    for (const url of urls) {
      const bytes = data.subarray((url.chunkIndex! - 1) * CHUNK, url.chunkIndex! * CHUNK);
      const response = await fetch(url.url!, { method: 'PUT', body: bytes });
      const proof = response.headers.get('etag')!.replaceAll('"', '');
      completedChunks.push({
        chunkIndex: url.chunkIndex!,
        proof,
        proofType: 'etag' as const,
        chunkSize: bytes.length,
      });
    }
    const first = await client.multipartUpload.reportChunkBatch(created.uploadId!, {
      completedChunks: completedChunks.slice(0, 6),
    });
    expect(first.url).toBeUndefined();
    const seen: number[] = [];
    const waiting = client.multipartUpload.waitForUploadCompletion(created.uploadId!, {
      sleepInterval: 0.01,
      callback: (status) => {
        seen.push(status.completedChunks);
      },
    });
    const last = await client.multipartUpload.reportChunkBatch(created.uploadId!, {
      completedChunks: completedChunks.slice(6),
    });
    expect(last.url).toContain(emu.origin);
    expect((await waiting).status).toBe('completed');
    expect(seen.at(-1)).toBe(12);
  });

  test('tasks.waitForDone follows a running task to its end as the clock advances', async () => {
    const running = await client.tasks.list({ status: ['indexing'], pageLimit: 1 });
    const task = running.data[0]!;
    const seen: string[] = [];
    const done = await client.tasks.waitForDone(task.id!, {
      sleepInterval: 0.01,
      callback: (update) => {
        seen.push(update.status!);
        emu.advanceClock(120);
      },
    });
    expect(['ready', 'failed']).toContain(done.status);
    expect(seen[0]).toBe('indexing');
    expect(seen.at(-1)).toBe(done.status);
  });

  test('list pagers walk every page and stop at the empty one', async () => {
    const ids = new Set<string>();
    const pager = await client.tasks.list({ pageLimit: 50 });
    for await (const task of pager) ids.add(task.id!);
    const raw = await fetch(`${emu.baseUrl}/tasks?page_limit=1`, { headers: { 'x-api-key': emu.apiKey } });
    const total = ((await raw.json()) as { page_info: { total_results: number } }).page_info.total_results;
    expect(ids.size).toBe(total);
    expect(ids.size).toBeGreaterThan(200);

    let assets = 0;
    for await (const _asset of await client.assets.list({ pageLimit: 25 })) assets += 1;
    expect(assets).toBeGreaterThan(50);

    let indexes = 0;
    for await (const _index of await client.indexes.list({ pageLimit: 2 })) indexes += 1;
    expect(indexes).toBe(4);

    let sessions = 0;
    for await (const _session of await client.multipartUpload.listIncompleteUploads({ pageLimit: 2 }))
      sessions += 1;
    expect(sessions).toBe(5);
  });

  test('analyzeAsync.tasks.retrieve and embed.tasks.status', async () => {
    const analyses = await client.analyzeAsync.tasks.list({ status: 'ready', pageLimit: 5 });
    const analysis = await client.analyzeAsync.tasks.retrieve(analyses.data![0]!.taskId);
    expect(analysis.status).toBe('ready');
    expect(analysis.result?.data).toEqual(expect.any(String));
    expect(analysis.createdAt).toBeInstanceOf(Date);

    const embeds = await client.embed.tasks.list({ status: 'ready', pageLimit: 5 });
    const first = embeds.data[0]!;
    const status = await client.embed.tasks.status(first.id!);
    expect(status.status).toBe('ready');
    const v2 = await client.embed.v2.tasks.list({ pageLimit: 5 });
    expect(v2.data.length).toBe(5);
  });
});
