import { createHash } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TwelveLabsClient } from '../../../src/api/client.js';
import { ApiError } from '../../../src/api/errors.js';
import { paginate } from '../../../src/api/paginate.js';
import type { CompletedChunk } from '../../../src/api/types.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';

let emulator: TestEmulator;
let client: TwelveLabsClient;

beforeAll(async () => {
  emulator = await startTestEmulator({ seed: 'demo' });
  // The origin without /v1.3: the client adds the version itself.
  client = new TwelveLabsClient({ apiKey: emulator.apiKey, baseUrl: emulator.origin });
});

afterAll(async () => {
  await client.close();
  await emulator.close();
});

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('multipart uploads', () => {
  test('create, upload every chunk, report, status, presigned URLs, list, asset', async () => {
    const bytes = Buffer.alloc(12 * 1024 * 1024 + 123, 7);
    const created = await client.createUpload({
      filename: 'clip.mp4',
      type: 'video',
      total_size: bytes.length,
      user_metadata: { team: 'ops', take: 3 },
    });
    expect(client.baseUrl).toBe(emulator.baseUrl);
    expect(created.total_chunks).toBe(Math.ceil(bytes.length / created.chunk_size));
    expect(created.upload_headers).toBeTypeOf('object');

    const incomplete = await client.listIncompleteUploads({ page_limit: 50 });
    expect(incomplete.data.map((upload) => upload.upload_id)).toContain(created.upload_id);

    const urls = await client.requestPresignedUrls(created.upload_id, 1, created.total_chunks);
    expect(urls.upload_urls).toHaveLength(created.total_chunks);
    expect(urls.start_index).toBe(1);

    const completed: CompletedChunk[] = [];
    for (const { chunk_index, url } of urls.upload_urls) {
      const chunk = bytes.subarray((chunk_index - 1) * created.chunk_size, chunk_index * created.chunk_size);
      const put = await request(url, { method: 'PUT', body: chunk, headers: created.upload_headers });
      await put.body.dump();
      expect(put.statusCode).toBe(200);
      const proof = String(put.headers.etag).replaceAll('"', '');
      completed.push({ chunk_index, proof, proof_type: 'etag', chunk_size: chunk.length });
    }

    const first = await client.reportChunks(created.upload_id, completed.slice(0, 1));
    expect(first).toMatchObject({ processed_chunks: 1, duplicate_chunks: 0, total_completed: 1 });
    expect(first.url).toBeUndefined();

    const status = await client.getUploadStatus(created.upload_id, { page: 1, page_limit: 50 });
    expect(status).toMatchObject({ upload_id: created.upload_id, status: 'active', chunks_completed: 1 });

    const last = await client.reportChunks(created.upload_id, completed);
    expect(last).toMatchObject({ duplicate_chunks: 1, total_completed: created.total_chunks });
    expect(last.url).toBeTypeOf('string');

    const chunks = [];
    for await (const chunk of paginate(
      (page) => client.getUploadStatus(created.upload_id, { ...page, page_limit: 2 }),
      { items: (page) => page.uploaded_chunks },
    )) {
      chunks.push(chunk);
    }
    expect(chunks.map((chunk) => chunk.status)).toEqual(completed.map(() => 'completed'));

    const asset = await client.getAsset(created.asset_id);
    expect(asset._id).toBe(created.asset_id);
    expect(asset.user_metadata).toEqual({ team: 'ops', take: 3 });
    expect(await emulator.digest(created.asset_id)).toEqual({
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  });

  test('an unknown upload is a typed 404', async () => {
    const error = await rejection(client.getUploadStatus('0123456789abcdef01234567'));
    expect(error).toMatchObject({ kind: 'http', status: 404, retryable: false });
    expect(error.message).toMatch(/^404 /);
  });
});

describe('assets', () => {
  test('list with filters, page by page and as one stream', async () => {
    const page = await client.listAssets({ page: 1, page_limit: 3, asset_types: ['video'] });
    expect(page.data.length).toBeLessThanOrEqual(3);
    expect(page.page_info.limit_per_page).toBe(3);
    const all = [];
    for await (const asset of paginate((query) => client.listAssets({ ...query, asset_types: ['video'] }))) {
      all.push(asset);
    }
    expect(all.length).toBe(page.page_info.total_results);
    expect(new Set(all.map((asset) => asset._id)).size).toBe(all.length);
    const one = await client.getAsset(all[0]!._id);
    expect(one._id).toBe(all[0]!._id);
  });
});

describe('assets delete', () => {
  test('a failed asset is deleted; one an indexed asset uses is a typed 409 until forced', async () => {
    const assets = await client.listAssets({ page_limit: 50 });
    const failed = assets.data.find((asset) => asset.status === 'failed')!;
    await client.deleteAsset(failed._id);
    expect(await rejection(client.getAsset(failed._id))).toMatchObject({ kind: 'http', status: 404 });

    const ready = assets.data.find(
      (asset) => asset.status === 'ready' && asset.file_type?.startsWith('video'),
    )!;
    const [index] = (await client.listIndexes()).data;
    await client.createIndexedAsset(index!._id, { asset_id: ready._id });
    expect(await rejection(client.deleteAsset(ready._id))).toMatchObject({
      status: 409,
      code: 'asset_in_use',
    });
    await client.deleteAsset(ready._id, { force: true });
    expect(await rejection(client.getAsset(ready._id))).toMatchObject({ status: 404 });
  });
});

describe('video indexing', () => {
  test('tasks: list with status filters and sort, retrieve, delete', async () => {
    const ready = await client.listTasks({ status: ['ready'], sort_by: 'updated_at', sort_option: 'desc' });
    expect(ready.data.length).toBeGreaterThan(0);
    expect(ready.data.every((task) => task.status === 'ready')).toBe(true);
    const task = await client.getTask(ready.data[0]!._id);
    expect(task._id).toBe(ready.data[0]!._id);
    await client.deleteTask(task._id);
    const gone = await rejection(client.getTask(task._id));
    expect(gone.kind).toBe('http');
  });

  test('indexes and indexed assets: list, retrieve, create', async () => {
    const indexes = await client.listIndexes({ page_limit: 50 });
    const index = await client.getIndex(indexes.data[0]!._id);
    expect(index.index_name).toBe(indexes.data[0]!.index_name);

    const readyAssets = await client.listAssets({ page_limit: 50, asset_types: ['video'] });
    const asset = readyAssets.data.find((candidate) => candidate.status === 'ready')!;
    const created = await client.createIndexedAsset(index._id, { asset_id: asset._id });
    expect(created._id).toBeTypeOf('string');

    const listed = await client.listIndexedAssets(index._id, { page_limit: 50, sort_by: 'created_at' });
    expect(listed.data.map((item) => item._id)).toContain(created._id);
    const retrieved = await client.getIndexedAsset(index._id, created._id);
    expect(retrieved._id).toBe(created._id);

    await client.deleteIndexedAsset(index._id, created._id);
    const gone = await rejection(client.getIndexedAsset(index._id, created._id));
    expect(gone).toMatchObject({ kind: 'http', status: 404 });
  });
});

describe('embeddings', () => {
  test('v1 tasks: list, status, retrieve', async () => {
    const list = await client.listEmbedTasks({ page_limit: 10 });
    const id = list.data[0]!._id;
    expect((await client.getEmbedTaskStatus(id))._id).toBe(id);
    expect((await client.getEmbedTask(id))._id).toBe(id);
  });

  test('v2 tasks: list, retrieve; a missing one is an envelope 404', async () => {
    const list = await client.listEmbedV2Tasks();
    const task = await client.getEmbedV2Task(list.data[0]!._id);
    expect(task._id).toBe(list.data[0]!._id);
    expect(task.data === null || Array.isArray(task.data)).toBe(true);
    const missing = await rejection(client.getEmbedV2Task('0123456789abcdef01234567'));
    expect(missing).toMatchObject({ kind: 'http', status: 404 });
    expect(missing.code).not.toBe('http_404');
  });
});

describe('analyze', () => {
  test('list, retrieve, delete a finished task', async () => {
    const list = await client.listAnalyzeTasks({ page_limit: 50 });
    expect(list.data.length).toBeGreaterThan(0);
    const finished = list.data.find((task) => task.status === 'ready' || task.status === 'failed')!;
    const task = await client.getAnalyzeTask(finished.task_id);
    expect(task.task_id).toBe(finished.task_id);
    if (task.status === 'ready') expect(task.result?.usage.output_tokens).toBeTypeOf('number');
    await client.deleteAnalyzeTask(task.task_id);
    const gone = await rejection(client.getAnalyzeTask(task.task_id));
    expect(gone).toMatchObject({ kind: 'http', status: 404 });
  });

  test('create with a URL and a prompt: the new task has them', async () => {
    const created = await client.createAnalyzeTask({
      video: { type: 'url', url: 'https://example.com/clip.mp4' },
      prompt: 'List the people on screen.',
      temperature: 0.3,
      max_tokens: 512,
      custom_id: 'retry-of-job-7',
    });
    const task = await client.getAnalyzeTask(created.task_id);
    expect(task).toMatchObject({
      custom_id: 'retry-of-job-7',
      video_source: { type: 'url', url: 'https://example.com/clip.mp4' },
      request_params: { prompt: 'List the people on screen.', temperature: 0.3, max_tokens: 512 },
    });
  });
});

describe('embed v2 create', () => {
  test('a video URL task with options and scopes', async () => {
    const created = await client.createEmbedV2Task({
      input_type: 'video',
      model_name: 'marengo3.0',
      video: { media_source: { url: 'https://example.com/clip.mp4' }, embedding_option: ['visual'] },
    });
    const task = await client.getEmbedV2Task(created._id);
    expect(task.metadata).toMatchObject({
      input_type: 'video',
      input_url: 'https://example.com/clip.mp4',
      embedding_options: ['visual'],
    });
  });
});

describe('connection stats', () => {
  test('report latency and the rate-limit headers, and notify listeners', async () => {
    emulator.setFaults({ 'rate-limit': '1000/min' });
    const seen: number[] = [];
    const unsubscribe = client.onStats((stats) => seen.push(stats.rateLimit.remaining ?? -1));
    try {
      await client.listIndexes();
      await client.listIndexes();
    } finally {
      unsubscribe();
      emulator.setFaults({});
    }
    const stats = client.stats();
    expect(stats.lastLatencyMs).toBeGreaterThanOrEqual(0);
    expect(stats.rateLimit.limit).toBe(1000);
    expect(seen).toHaveLength(2);
    expect(seen[0]! - seen[1]!).toBe(1);
    expect(client.stats()).toBe(stats);
  });
});
