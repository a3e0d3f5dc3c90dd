import { afterEach, describe, expect, test } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { admin, call, expectClassicError, expectEnvelopeError } from './call.js';

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

// biome-ignore lint/suspicious/noExplicitAny: list items were validated against the schema by call()
async function firstPage(target: TestEmulator, path: string): Promise<any[]> {
  const response = await call(target, 'GET', path);
  expect(response.status).toBe(200);
  return response.body.data;
}

async function readyVideo(target: TestEmulator): Promise<string> {
  const assets = await firstPage(target, '/assets?asset_types=video&page_limit=50');
  return assets.find((asset) => asset.status === 'ready')._id;
}

async function indexAsset(target: TestEmulator, indexId: string, assetId: string) {
  return call(target, 'POST', `/indexes/${indexId}/indexed-assets`, { body: { asset_id: assetId } });
}

describe('hold: a backed-up queue', () => {
  test('held work stays queued long after normal work finished; work created without the fault is not held', async () => {
    emu = await startTestEmulator({ seed: 'demo' });
    const [index] = await firstPage(emu, '/indexes');
    const asset = await readyVideo(emu);
    emu.setFaults('hold=1@6h');
    const held = await indexAsset(emu, index._id, asset);
    expect(held.status).toBe(202);
    expect((await admin(emu, 'GET', '/faults')).body.hold).toBe('1@6h');
    emu.setFaults('');
    const normal = await indexAsset(emu, index._id, asset);
    emu.advanceClock(30 * 60);
    const path = (id: string) => `/indexes/${index._id}/indexed-assets/${id}`;
    expect((await call(emu, 'GET', path(normal.body._id))).body.status).toBe('ready');
    expect((await call(emu, 'GET', path(held.body._id))).body.status).toBe('queued');
    // the task that mirrors the held indexed asset is held with it
    const tasks = await firstPage(emu, `/tasks?index_id=${index._id}&status=queued`);
    expect(tasks.map((task) => task.video_id)).toContain(held.body._id);
    emu.advanceClock(6 * 3600);
    expect((await call(emu, 'GET', path(held.body._id))).body.status).toBe('ready');
  });

  test('analyses and embeddings are held too', async () => {
    emu = await startTestEmulator({ seed: 'demo', faults: 'hold=1@2h' });
    const asset = await readyVideo(emu);
    const analysis = await call(emu, 'POST', '/analyze/tasks', {
      body: { video: { type: 'asset_id', asset_id: asset }, prompt: 'Summarize.' },
    });
    expect(analysis.status).toBe(202);
    const embedding = await call(emu, 'POST', '/embed-v2/tasks', {
      body: { input_type: 'video', model_name: 'marengo3.0', video: { media_source: { asset_id: asset } } },
    });
    expect(embedding.status).toBe(202);
    emu.advanceClock(60 * 60);
    const detail = await call(emu, 'GET', `/analyze/tasks/${analysis.body.task_id}`);
    expect(detail.body.status).toBe('queued');
    expect((await call(emu, 'GET', `/embed-v2/tasks/${embedding.body._id}`)).body.status).toBe('processing');
    emu.advanceClock(2 * 3600);
    expect((await call(emu, 'GET', `/embed-v2/tasks/${embedding.body._id}`)).body.status).toBe('ready');
  });
});

describe('usage-limit: no credit left', () => {
  test('usage-limit=0 refuses new indexing (classic) and analysis (envelope) with usage_limit_exceeded; reads still work', async () => {
    emu = await startTestEmulator({ seed: 'demo', faults: 'usage-limit=0' });
    const [index] = await firstPage(emu, '/indexes');
    const asset = await readyVideo(emu);
    const refused = await indexAsset(emu, index._id, asset);
    expectClassicError(refused, 400, 'usage_limit_exceeded');
    expect(refused.body.message).toContain('Not enough free credit');
    expectEnvelopeError(
      await call(emu, 'POST', '/analyze/tasks', {
        body: { video: { type: 'asset_id', asset_id: asset }, prompt: 'Summarize.' },
      }),
      400,
      'usage_limit_exceeded',
    );
    expect((await call(emu, 'GET', '/tasks')).status).toBe(200);
    emu.setFaults('usage-limit=off');
    expect((await indexAsset(emu, index._id, asset)).status).toBe(202);
  });

  test('a credit in minutes is spent by indexed and queued video: refused once reached', async () => {
    emu = await startTestEmulator({ seed: 'empty' });
    const [index] = await firstPage(emu, '/indexes');
    expect(index).toBeUndefined();
    // an empty account has spent nothing: any positive credit lets the first call through to validation
    emu.setFaults('usage-limit=1');
    const created = await call(emu, 'POST', '/indexes', {
      body: { index_name: 'credit', models: [{ model_name: 'marengo3.0', model_options: ['visual'] }] },
    });
    expect(created.status).toBe(201);
    const unknownAsset = 'a'.repeat(24);
    expectClassicError(await indexAsset(emu, created.body._id, unknownAsset), 404, 'resource_not_exist');
    emu.setFaults('usage-limit=0');
    expectClassicError(await indexAsset(emu, created.body._id, unknownAsset), 400, 'usage_limit_exceeded');
  });
});
