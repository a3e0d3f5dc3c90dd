import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { call } from './call.js';

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function start(options: Parameters<typeof startTestEmulator>[0] = {}) {
  emu = await startTestEmulator({ chunkSize: 1024, ...options });
  return emu;
}

async function uploadSmallFile(target: TestEmulator): Promise<string> {
  const data = randomBytes(1500);
  const created = (
    await call(target, 'POST', '/assets/multipart-uploads', {
      body: { filename: 'walk.mp4', type: 'video', total_size: data.length },
    })
  ).body;
  const completed = [];
  for (const url of created.upload_urls) {
    const bytes = data.subarray((url.chunk_index - 1) * 1024, url.chunk_index * 1024);
    await fetch(url.url, { method: 'PUT', body: bytes });
    completed.push({
      chunk_index: url.chunk_index,
      proof: createHash('md5').update(bytes).digest('hex'),
      proof_type: 'etag',
      chunk_size: bytes.length,
    });
  }
  await call(target, 'POST', `/assets/multipart-uploads/${created.upload_id}`, {
    body: { completed_chunks: completed },
  });
  return created.asset_id;
}

/** Advances the clock step by step and records the status seen after each step. */
async function walk(
  target: TestEmulator,
  path: string,
  stepSeconds: number,
  steps: number,
  field = 'status',
) {
  const seen: string[] = [];
  for (let i = 0; i <= steps; i += 1) {
    const body = (await call(target, 'GET', path)).body;
    if (seen.at(-1) !== body[field]) seen.push(body[field]);
    target.advanceClock(stepSeconds);
  }
  return seen;
}

describe('state machines on the emulator clock', () => {
  test('asset: processing while uploading and for a while after, then ready', async () => {
    const target = await start();
    const assetId = await uploadSmallFile(target);
    target.advanceClock(19);
    expect((await call(target, 'GET', `/assets/${assetId}`)).body.status).toBe('processing');
    target.advanceClock(2);
    const ready = (await call(target, 'GET', `/assets/${assetId}`)).body;
    expect(ready.status).toBe('ready');
    expect(ready.technical_metadata.file_size_bytes).toBe(1500);
  });

  test('indexed asset pending -> queued -> indexing -> ready; its task validating -> ... -> ready; the index counts it', async () => {
    const target = await start();
    const assetId = await uploadSmallFile(target);
    target.advanceClock(30);
    const createdIndex = await call(target, 'POST', '/indexes', {
      body: {
        index_name: 'walk',
        models: [{ model_name: 'marengo3.0', model_options: ['visual', 'audio'] }],
      },
    });
    expect(createdIndex.status).toBe(201);
    const index = (await call(target, 'GET', `/indexes/${createdIndex.body._id}`)).body;
    expect(index.video_count).toBe(0);
    const created = (
      await call(target, 'POST', `/indexes/${index._id}/indexed-assets`, { body: { asset_id: assetId } })
    ).body;
    const task = (await call(target, 'GET', `/tasks?index_id=${index._id}&status=validating`)).body.data.find(
      (item: { video_id: string }) => item.video_id === created._id,
    );
    const itemPath = `/indexes/${index._id}/indexed-assets/${created._id}`;
    const before = (await call(target, 'GET', itemPath)).body;
    expect(before.indexed_at).toBeUndefined();

    const taskSeen: string[] = [];
    const itemSeen: string[] = [];
    for (let second = 0; second <= 130; second += 2.5) {
      const item = (await call(target, 'GET', itemPath)).body.status;
      const taskStatus = (await call(target, 'GET', `/tasks/${task._id}`)).body.status;
      if (itemSeen.at(-1) !== item) itemSeen.push(item);
      if (taskSeen.at(-1) !== taskStatus) taskSeen.push(taskStatus);
      target.advanceClock(2.5);
    }
    expect(itemSeen).toEqual(['pending', 'queued', 'indexing', 'ready']);
    expect(taskSeen).toEqual(['validating', 'pending', 'queued', 'indexing', 'ready']);
    const after = (await call(target, 'GET', itemPath)).body;
    expect(Date.parse(after.indexed_at)).toBeGreaterThan(Date.parse(before.created_at));
    expect(after.updated_at).toBe(after.indexed_at);
    const counted = (await call(target, 'GET', `/indexes/${index._id}`)).body;
    expect(counted.video_count).toBe(index.video_count + 1);
  });

  test('embed v2 processing -> ready with data; analyze queued -> pending -> processing -> ready with a result', async () => {
    const target = await start();
    const assetId = await uploadSmallFile(target);
    target.advanceClock(30);
    const embed = (
      await call(target, 'POST', '/embed-v2/tasks', {
        body: {
          input_type: 'audio',
          model_name: 'marengo3.0',
          audio: { media_source: { asset_id: assetId } },
        },
      })
    ).body;
    expect(await walk(target, `/embed-v2/tasks/${embed._id}`, 10, 8)).toEqual(['processing', 'ready']);
    const embedded = (await call(target, 'GET', `/embed-v2/tasks/${embed._id}`)).body;
    expect(embedded.data.length).toBeGreaterThan(0);
    expect(embedded.data[0].embedding_option).toBe('audio');

    const analysis = (
      await call(target, 'POST', '/analyze/tasks', {
        body: { video: { type: 'asset_id', asset_id: assetId }, prompt: 'Describe it.', custom_id: 'walk' },
      })
    ).body;
    expect(await walk(target, `/analyze/tasks/${analysis.task_id}`, 2.5, 40)).toEqual([
      'queued',
      'pending',
      'processing',
      'ready',
    ]);
    const analyzed = (await call(target, 'GET', `/analyze/tasks/${analysis.task_id}`)).body;
    expect(analyzed.result.finish_reason).toBe('stop');
    expect(Date.parse(analyzed.completed_at)).toBeGreaterThan(Date.parse(analyzed.created_at));
    expect((await call(target, 'DELETE', `/analyze/tasks/${analysis.task_id}`)).status).toBe(204);
  });

  test('demo: running items are caught running, keep running for minutes, and all finish', async () => {
    const target = await start({ seed: 'demo' });
    const running = async () => {
      const tasks = (
        await call(
          target,
          'GET',
          '/tasks?status=validating&status=pending&status=queued&status=indexing&status=uploading&page_limit=50',
        )
      ).body.page_info.total_results;
      const analyses = (await call(target, 'GET', '/analyze/tasks?status=processing')).body.page_info
        .total_results;
      const embeds = (await call(target, 'GET', '/embed-v2/tasks?status=processing')).body.page_info
        .total_results;
      return { tasks, analyses, embeds };
    };
    const atStart = await running();
    expect(atStart.tasks).toBeGreaterThan(20);
    expect(atStart.analyses + atStart.embeds).toBeGreaterThan(5);
    target.advanceClock(30);
    const soon = await running();
    expect(soon.tasks).toBeGreaterThan(10);
    target.advanceClock(30 * 60);
    expect(await running()).toEqual({ tasks: 0, analyses: 0, embeds: 0 });
  });

  test('demo with activity: new work keeps arriving on the clock, and a big jump makes only the last 30 minutes', async () => {
    const target = await start({ seed: 'demo', activity: true });
    const total = async (path: string) =>
      (await call(target, 'GET', `${path}?page_limit=1`)).body.page_info.total_results;
    const tasks = await total('/tasks');
    const analyses = await total('/analyze/tasks');
    target.advanceClock(10 * 60);
    expect(await total('/tasks')).toBe(tasks + 15);
    expect(await total('/analyze/tasks')).toBe(analyses + 5);
    const fresh = (await call(target, 'GET', '/tasks?page_limit=1')).body.data[0];
    expect(['validating', 'pending', 'queued', 'indexing']).toContain(fresh.status);
    target.advanceClock(365 * 86_400);
    expect(await total('/tasks')).toBe(tasks + 15 + 45);
  });

  test('--speed runs the clock faster than real time', async () => {
    const target = await start({ speed: 3600 });
    const before = Date.parse(target.emulator.now());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(Date.parse(target.emulator.now()) - before).toBeGreaterThanOrEqual(50 * 3600);
  });

  test('the admin clock endpoint advances the same clock', async () => {
    const target = await start();
    const before = Date.parse(target.emulator.now());
    const response = await fetch(`${target.origin}/_emulator/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance_seconds: 3600 }),
    });
    const body = (await response.json()) as { now: string };
    expect(Date.parse(body.now) - before).toBeGreaterThanOrEqual(3_600_000);
    expect(Date.parse(body.now) - before).toBeLessThan(3_700_000);
  });
});
