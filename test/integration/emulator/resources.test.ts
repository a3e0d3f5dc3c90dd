import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { call, expectClassicError, expectEnvelopeError, ID, ISO, listAll } from './call.js';
import { specOperation } from './openapi.js';

let emu: TestEmulator;
const UNKNOWN = '0123456789abcdef01234567';

beforeAll(async () => {
  emu = await startTestEmulator({ seed: 'demo', chunkSize: 1024 });
});
afterAll(async () => {
  await emu.close();
});

async function readyAsset(): Promise<string> {
  const assets = await listAll(emu, '/assets?asset_types=video');
  return assets.find((asset) => asset.status === 'ready')._id;
}

describe('every endpoint of DESIGN.md §3 is in the OpenAPI export and served', () => {
  const id = UNKNOWN;
  test.each([
    ['POST', '/assets/multipart-uploads'],
    ['GET', '/assets/multipart-uploads'],
    ['GET', `/assets/multipart-uploads/${id}`],
    ['POST', `/assets/multipart-uploads/${id}`],
    ['POST', `/assets/multipart-uploads/${id}/presigned-urls`],
    ['GET', '/assets'],
    ['GET', `/assets/${id}`],
    ['DELETE', `/assets/${id}`],
    ['GET', '/tasks'],
    ['GET', `/tasks/${id}`],
    ['DELETE', `/tasks/${id}`],
    ['GET', '/indexes'],
    ['POST', '/indexes'],
    ['GET', `/indexes/${id}`],
    ['POST', `/indexes/${id}/indexed-assets`],
    ['GET', `/indexes/${id}/indexed-assets`],
    ['GET', `/indexes/${id}/indexed-assets/${id}`],
    ['DELETE', `/indexes/${id}/indexed-assets/${id}`],
    ['GET', '/embed/tasks'],
    ['GET', `/embed/tasks/${id}/status`],
    ['GET', `/embed/tasks/${id}`],
    ['POST', '/embed-v2/tasks'],
    ['GET', '/embed-v2/tasks'],
    ['GET', `/embed-v2/tasks/${id}`],
    ['POST', '/analyze/tasks'],
    ['GET', '/analyze/tasks'],
    ['GET', `/analyze/tasks/${id}`],
    ['DELETE', `/analyze/tasks/${id}`],
  ])('%s %s', async (method, path) => {
    expect(specOperation(method, path)).toBe(true);
    const response = await call(emu, method, path, method === 'POST' ? { body: {} } : {});
    expect([200, 201, 202, 204, 400, 404]).toContain(response.status);
    if (response.status === 404) expect(JSON.stringify(response.body)).not.toContain('No such endpoint');
  });
});

describe('assets', () => {
  test('list newest first with filters; retrieve; statuses of the demo account', async () => {
    const assets = await listAll(emu, '/assets');
    expect(assets.length).toBeGreaterThan(50);
    const created = assets.map((asset) => Date.parse(asset.created_at));
    expect(created).toEqual([...created].sort((a, b) => b - a));
    const statuses = new Set(assets.map((asset) => asset.status));
    expect(statuses).toEqual(new Set(['ready', 'failed', 'processing']));
    const failed = assets.find((asset) => asset.status === 'failed');
    expect(failed.error.message).toEqual(expect.any(String));
    const ready = assets.find((asset) => asset.status === 'ready' && asset.file_type.startsWith('video/'));
    expect(ready.duration).toBeGreaterThan(0);
    expect(ready.size).toBeGreaterThan(0);

    const audio = await listAll(emu, '/assets?asset_types=audio');
    expect(audio.length).toBeGreaterThan(0);
    expect(audio.every((asset) => asset.file_type.startsWith('audio/'))).toBe(true);
    const both = await listAll(emu, `/assets?asset_ids=${assets[0]._id}&asset_ids=${assets[1]._id}`);
    expect(both.map((asset) => asset._id)).toEqual([assets[0]._id, assets[1]._id]);
    const byName = await listAll(
      emu,
      `/assets?filename=${encodeURIComponent(assets[2].filename.toUpperCase())}`,
    );
    expect(byName.map((asset) => asset._id)).toContain(assets[2]._id);

    const one = await call(emu, 'GET', `/assets/${assets[0]._id}`);
    expect(one.body).toEqual(assets[0]);
    expectClassicError(await call(emu, 'GET', `/assets/${UNKNOWN}`), 404, 'resource_not_exist');
    expectClassicError(await call(emu, 'GET', '/assets/xyz'), 400, 'parameter_invalid');
  });
});

describe('tasks', () => {
  test('hundreds of tasks across every status, with error_reason on failures', async () => {
    const tasks = await listAll(emu, '/tasks');
    expect(tasks.length).toBeGreaterThanOrEqual(300);
    const statuses = new Set(tasks.map((task) => task.status));
    for (const status of ['uploading', 'validating', 'pending', 'queued', 'indexing', 'ready', 'failed']) {
      expect(statuses, status).toContain(status);
    }
    for (const task of tasks) {
      expect(task._id).toMatch(ID);
      expect(task.created_at).toMatch(ISO);
      expect(task.updated_at).toMatch(ISO);
    }
    const failed = tasks.filter((task) => task.status === 'failed');
    expect(failed.every((task) => typeof task.error_reason?.code === 'string')).toBe(true);
    expect(new Set(failed.map((task) => task.error_reason.code)).size).toBeGreaterThan(2);
  });

  test('repeated status filter, index_id, sort_by and sort_option', async () => {
    const running = await listAll(emu, '/tasks?status=queued&status=indexing');
    expect(running.length).toBeGreaterThan(0);
    expect(new Set(running.map((task) => task.status))).toEqual(new Set(['queued', 'indexing']));
    const indexes = (await call(emu, 'GET', '/indexes')).body.data;
    const inIndex = await listAll(emu, `/tasks?index_id=${indexes[0]._id}`);
    expect(inIndex.length).toBeGreaterThan(0);
    expect(inIndex.every((task) => task.index_id === indexes[0]._id)).toBe(true);
    const sample = inIndex[0];
    const sized = await listAll(
      emu,
      `/tasks?width=${sample.system_metadata.width}&height=${sample.system_metadata.height}`,
    );
    expect(sized.map((task) => task._id)).toContain(sample._id);
    expect(sized.every((task) => task.system_metadata.width === sample.system_metadata.width)).toBe(true);
    const ascending = await listAll(emu, '/tasks?sort_by=updated_at&sort_option=asc');
    const times = ascending.map((task) => Date.parse(task.updated_at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  test('retrieve; delete only terminal tasks (204), running ones 400 task_cannot_be_deleted', async () => {
    const [ready] = await listAll(emu, '/tasks?status=ready');
    const detail = await call(emu, 'GET', `/tasks/${ready._id}`);
    expect(detail.body._id).toBe(ready._id);
    const [indexing] = await listAll(emu, '/tasks?status=indexing');
    expectClassicError(await call(emu, 'DELETE', `/tasks/${indexing._id}`), 400, 'task_cannot_be_deleted');
    const deleted = await call(emu, 'DELETE', `/tasks/${ready._id}`);
    expect(deleted.status).toBe(204);
    expectClassicError(await call(emu, 'GET', `/tasks/${ready._id}`), 404, 'resource_not_exist');
    expectClassicError(await call(emu, 'DELETE', `/tasks/${ready._id}`), 404, 'resource_not_exist');
  });
});

describe('indexes and indexed assets', () => {
  test('indexes list and retrieve', async () => {
    const indexes = await listAll(emu, '/indexes');
    expect(indexes.length).toBeGreaterThanOrEqual(3);
    expect(indexes.some((index) => index.video_count > 0)).toBe(true);
    const one = await call(emu, 'GET', `/indexes/${indexes[0]._id}`);
    expect(one.body.index_name).toBe(indexes[0].index_name);
    expect((await listAll(emu, '/indexes?model_family=pegasus')).length).toBeLessThan(indexes.length);
    expectClassicError(await call(emu, 'GET', `/indexes/${UNKNOWN}`), 404, 'resource_not_exist');
  });

  test('create an index: 201 {_id}; duplicate names and bad models are 400', async () => {
    const models = [{ model_name: 'marengo3.0', model_options: ['visual'] }];
    const created = await call(emu, 'POST', '/indexes', { body: { index_name: 'fresh-index', models } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ _id: expect.stringMatching(ID) });
    expect((await call(emu, 'GET', `/indexes/${created.body._id}`)).body).toMatchObject({
      index_name: 'fresh-index',
      video_count: 0,
      models,
    });
    expectClassicError(
      await call(emu, 'POST', '/indexes', { body: { index_name: 'fresh-index', models } }),
      400,
      'index_name_already_exists',
    );
    expectClassicError(
      await call(emu, 'POST', '/indexes', { body: { index_name: 'x' } }),
      400,
      'parameter_not_provided',
    );
    expectClassicError(
      await call(emu, 'POST', '/indexes', {
        body: { index_name: 'y', models: [{ model_name: 'gpt', model_options: ['visual'] }] },
      }),
      400,
      'parameter_invalid',
    );
    expectClassicError(
      await call(emu, 'POST', '/indexes', {
        body: { index_name: 'z', models: [{ model_name: 'marengo3.0', model_options: ['smell'] }] },
      }),
      400,
      'parameter_invalid',
    );
  });

  test('create needs a ready asset: 202 + Location, then list and retrieve; a mirroring task appears', async () => {
    const [index] = await listAll(emu, '/indexes');
    const assetId = await readyAsset();
    const created = await call(emu, 'POST', `/indexes/${index._id}/indexed-assets`, {
      body: { asset_id: assetId },
    });
    expect(created.status).toBe(202);
    expect(created.body).toEqual({ _id: expect.stringMatching(ID), asset_id: assetId });
    expect(created.headers.get('location')).toBe(`/indexes/${index._id}/indexed-assets/${created.body._id}`);
    const detail = await call(emu, 'GET', `/indexes/${index._id}/indexed-assets/${created.body._id}`);
    expect(detail.body).toMatchObject({ _id: created.body._id, asset_id: assetId, status: 'pending' });
    const listed = await listAll(emu, `/indexes/${index._id}/indexed-assets?status=pending`);
    expect(listed.map((item) => item._id)).toContain(created.body._id);
    const tasks = await listAll(emu, `/tasks?index_id=${index._id}&status=validating`);
    expect(tasks.map((task) => task.video_id)).toContain(created.body._id);

    const processing = (
      await call(emu, 'POST', '/assets/multipart-uploads', {
        body: { filename: 'x.mp4', type: 'video', total_size: 10 },
      })
    ).body.asset_id;
    expectClassicError(
      await call(emu, 'POST', `/indexes/${index._id}/indexed-assets`, { body: { asset_id: processing } }),
      400,
      'parameter_invalid',
    );
    expectClassicError(
      await call(emu, 'POST', `/indexes/${index._id}/indexed-assets`, { body: {} }),
      400,
      'parameter_not_provided',
    );
    expectClassicError(
      await call(emu, 'POST', `/indexes/${index._id}/indexed-assets`, { body: { asset_id: UNKNOWN } }),
      404,
      'resource_not_exist',
    );
    expectClassicError(
      await call(emu, 'POST', `/indexes/${UNKNOWN}/indexed-assets`, { body: { asset_id: assetId } }),
      404,
      'resource_not_exist',
    );
    expectClassicError(
      await call(emu, 'GET', `/indexes/${index._id}/indexed-assets/${UNKNOWN}`),
      404,
      'resource_not_exist',
    );
  });

  test('DELETE /assets: 204 then 404; 409 asset_in_use while an indexed asset uses it, unless force=true', async () => {
    const [index] = await listAll(emu, '/indexes');
    const assetId = await readyAsset();
    await call(emu, 'POST', `/indexes/${index._id}/indexed-assets`, { body: { asset_id: assetId } });
    expectClassicError(await call(emu, 'DELETE', `/assets/${assetId}`), 409, 'asset_in_use');
    expect((await call(emu, 'DELETE', `/assets/${assetId}?force=true`)).status).toBe(204);
    expectClassicError(await call(emu, 'GET', `/assets/${assetId}`), 404, 'resource_not_exist');
    const failed = (await listAll(emu, '/assets')).find((asset) => asset.status === 'failed');
    expect((await call(emu, 'DELETE', `/assets/${failed._id}`)).status).toBe(204);
    expectClassicError(await call(emu, 'DELETE', `/assets/${failed._id}`), 404, 'resource_not_exist');
  });

  test('delete: 204, then 404 for it, and its mirroring task is gone too', async () => {
    const [index] = await listAll(emu, '/indexes');
    const assetId = await readyAsset();
    const created = await call(emu, 'POST', `/indexes/${index._id}/indexed-assets`, {
      body: { asset_id: assetId },
    });
    const path = `/indexes/${index._id}/indexed-assets/${created.body._id}`;
    const deleted = await call(emu, 'DELETE', path);
    expect(deleted.status).toBe(204);
    expectClassicError(await call(emu, 'GET', path), 404, 'resource_not_exist');
    expectClassicError(await call(emu, 'DELETE', path), 404, 'resource_not_exist');
    const tasks = await listAll(emu, `/tasks?index_id=${index._id}`);
    expect(tasks.map((task) => task.video_id)).not.toContain(created.body._id);
  });
});

describe('embeddings', () => {
  test('v1: list (status filter, time window), status, retrieve with segments', async () => {
    const tasks = await listAll(emu, '/embed/tasks');
    expect(new Set(tasks.map((task) => task.status))).toEqual(new Set(['processing', 'ready', 'failed']));
    const ready = await listAll(emu, '/embed/tasks?status=ready');
    expect(ready.every((task) => task.status === 'ready')).toBe(true);
    const status = await call(emu, 'GET', `/embed/tasks/${ready[0]._id}/status`);
    expect(status.body).toMatchObject({ _id: ready[0]._id, status: 'ready', model_name: 'marengo3.0' });
    const detail = await call(emu, 'GET', `/embed/tasks/${ready[0]._id}?embedding_option=audio`);
    const segments = detail.body.video_embedding.segments;
    expect(segments.length).toBeGreaterThan(0);
    expect(
      segments.every((segment: { embedding_option: string }) => segment.embedding_option === 'audio'),
    ).toBe(true);
    expect(segments[0].float).toHaveLength(512);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect(await listAll(emu, `/embed/tasks?started_at=${future}`)).toEqual([]);
    expectClassicError(await call(emu, 'GET', `/embed/tasks/${UNKNOWN}/status`), 404, 'resource_not_exist');
  });

  test('v2: create 202 + Location; list items in the MediaEmbeddingTask shape; retrieve with data or error; envelope 404', async () => {
    const assetId = await readyAsset();
    const created = await call(emu, 'POST', '/embed-v2/tasks', {
      body: { input_type: 'video', model_name: 'marengo3.0', video: { media_source: { asset_id: assetId } } },
    });
    expect(created.status).toBe(202);
    expect(created.body).toEqual({ _id: expect.stringMatching(ID), status: 'processing', data: null });
    expect(created.headers.get('location')).toBe(`${emu.baseUrl}/embed-v2/tasks/${created.body._id}`);
    const detail = await call(emu, 'GET', `/embed-v2/tasks/${created.body._id}`);
    expect(detail.body).toMatchObject({
      status: 'processing',
      data: null,
      metadata: { input_type: 'video' },
    });
    const tasks = await listAll(emu, '/embed-v2/tasks');
    const listed = tasks.find((task) => task._id === created.body._id);
    expect(listed).toMatchObject({
      model_name: 'marengo3.0',
      status: 'processing',
      video_embedding: { metadata: expect.any(Object) },
    });
    expect(tasks.some((task) => task.audio_embedding?.metadata.audio_embedding_options)).toBe(true);
    const failedId = tasks.find((task) => task.status === 'failed')._id;
    const failed = (await call(emu, 'GET', `/embed-v2/tasks/${failedId}`)).body;
    expect(failed).toMatchObject({ status: 'failed', data: null, error: { message: expect.any(String) } });
    const readyId = tasks.find((task) => task.status === 'ready')._id;
    const ready = (await call(emu, 'GET', `/embed-v2/tasks/${readyId}`)).body;
    expect(ready.data[0].embedding).toHaveLength(512);
    expectClassicError(await call(emu, 'GET', '/embed-v2/tasks?status=done'), 400, 'parameter_invalid');
    expectEnvelopeError(await call(emu, 'GET', `/embed-v2/tasks/${UNKNOWN}`), 404, 'not_found');
    expectEnvelopeError(
      await call(emu, 'POST', '/embed-v2/tasks', { body: { input_type: 'video' } }),
      400,
      'parameter_not_provided',
    );
    expectEnvelopeError(
      await call(emu, 'POST', '/embed-v2/tasks', {
        body: {
          input_type: 'video',
          model_name: 'marengo3.0',
          video: { media_source: { url: 'https://a/b.mp4', asset_id: assetId } },
        },
      }),
      400,
      'parameter_invalid',
    );
  });
});

describe('analyze tasks', () => {
  test('create 202; custom_id always present; list truncates the prompt; retrieve shows it whole', async () => {
    const assetId = await readyAsset();
    const prompt = 'Summarize this video in exactly three sentences for a newsletter.';
    const created = await call(emu, 'POST', '/analyze/tasks', {
      body: { video: { type: 'asset_id', asset_id: assetId }, prompt },
    });
    expect(created.status).toBe(202);
    expect(created.body).toEqual({ task_id: expect.stringMatching(ID), status: 'queued' });
    const detail = await call(emu, 'GET', `/analyze/tasks/${created.body.task_id}`);
    expect(detail.body).toMatchObject({ custom_id: null, status: 'queued', request_params: { prompt } });
    expect('custom_id' in detail.body).toBe(true);
    const listed = (await listAll(emu, '/analyze/tasks')).find(
      (task) => task.task_id === created.body.task_id,
    );
    expect(listed.request_params.prompt).toBe(prompt.slice(0, 30));
    expectEnvelopeError(
      await call(emu, 'DELETE', `/analyze/tasks/${created.body.task_id}`),
      409,
      'task_in_progress',
    );

    const custom = await call(emu, 'POST', '/analyze/tasks', {
      body: { video: { type: 'url', url: 'https://media.example.com/a.mp4' }, prompt, custom_id: 'job-1' },
    });
    expect((await call(emu, 'GET', `/analyze/tasks/${custom.body.task_id}`)).body.custom_id).toBe('job-1');
  });

  test('ready tasks have result + usage, failed ones error, some webhooks; filters; delete terminal', async () => {
    const tasks = await listAll(emu, '/analyze/tasks');
    expect(new Set(tasks.map((task) => task.status))).toEqual(
      new Set(['queued', 'pending', 'processing', 'ready', 'failed']),
    );
    const ready = tasks.find((task) => task.status === 'ready' && task.result.finish_reason === 'stop');
    expect(ready.result).toMatchObject({
      generation_id: expect.any(String),
      data: expect.any(String),
      usage: { output_tokens: expect.any(Number) },
    });
    expect(ready.completed_at).toMatch(ISO);
    expect(tasks.find((task) => task.status === 'failed').error.message).toEqual(expect.any(String));
    expect(tasks.some((task) => task.webhooks?.some((hook: { delivered: boolean }) => !hook.delivered))).toBe(
      true,
    );
    expect((await listAll(emu, '/analyze/tasks?status=ready')).every((task) => task.status === 'ready')).toBe(
      true,
    );
    expectClassicError(await call(emu, 'GET', '/analyze/tasks?status=done'), 400, 'parameter_invalid');

    expect((await call(emu, 'DELETE', `/analyze/tasks/${ready.task_id}`)).status).toBe(204);
    expectEnvelopeError(await call(emu, 'GET', `/analyze/tasks/${ready.task_id}`), 404, 'not_found');
    expectEnvelopeError(await call(emu, 'DELETE', `/analyze/tasks/${ready.task_id}`), 404, 'not_found');
  });

  test('bad create bodies get envelope 400s', async () => {
    expectEnvelopeError(
      await call(emu, 'POST', '/analyze/tasks', { body: { prompt: 'x' } }),
      400,
      'parameter_not_provided',
    );
    expectEnvelopeError(
      await call(emu, 'POST', '/analyze/tasks', { body: { video: { type: 'dvd' }, prompt: 'x' } }),
      400,
      'parameter_invalid',
    );
    expectEnvelopeError(
      await call(emu, 'POST', '/analyze/tasks', {
        body: { video: { type: 'url', url: 'https://a/b.mp4' }, prompt: 'x', temperature: 3 },
      }),
      400,
      'parameter_invalid',
    );
    expectEnvelopeError(
      await call(emu, 'POST', '/analyze/tasks', {
        body: { video: { type: 'asset_id', asset_id: UNKNOWN }, prompt: 'x' },
      }),
      404,
      'resource_not_exist',
    );
  });
});
