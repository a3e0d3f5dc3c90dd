import { TwelveLabs } from 'twelvelabs-js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { call, listAll } from './call.js';

/** Every item of the demo account, listed and retrieved, conforms to the OpenAPI export. */
let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator({ seed: 'demo' });
});
afterAll(async () => {
  await emu.close();
});

describe('the demo seed', () => {
  test('every item retrieves with a schema-valid body, at start and after the running ones finish', async () => {
    const expectOk = async (path: string) => expect((await call(emu, 'GET', path)).status, path).toBe(200);
    for (const round of [0, 1]) {
      const paths: string[] = [];
      for (const task of await listAll(emu, '/tasks')) paths.push(`/tasks/${task._id}`);
      for (const asset of await listAll(emu, '/assets')) paths.push(`/assets/${asset._id}`);
      for (const session of await listAll(emu, '/assets/multipart-uploads')) {
        paths.push(`/assets/multipart-uploads/${session.upload_id}?page_limit=50`);
      }
      for (const index of await listAll(emu, '/indexes')) {
        for (const item of await listAll(emu, `/indexes/${index._id}/indexed-assets`)) {
          paths.push(`/indexes/${index._id}/indexed-assets/${item._id}`);
        }
      }
      for (const task of await listAll(emu, '/embed/tasks'))
        paths.push(`/embed/tasks/${task._id}/status`, `/embed/tasks/${task._id}`);
      for (const task of await listAll(emu, '/embed-v2/tasks')) paths.push(`/embed-v2/tasks/${task._id}`);
      for (const task of await listAll(emu, '/analyze/tasks')) paths.push(`/analyze/tasks/${task.task_id}`);
      expect(paths.length).toBeGreaterThan(500);
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < paths.length) await expectOk(paths[next++]!);
        }),
      );
      if (round === 0) emu.advanceClock(3600);
    }
  });

  test('upload sessions: active (with failed chunks), failed and expired, each listing every chunk', async () => {
    const sessions = await listAll(emu, '/assets/multipart-uploads');
    expect(sessions.map((session) => session.status).sort()).toEqual([
      'active',
      'active',
      'expired',
      'expired',
      'failed',
    ]);
    const active = sessions.find((session) => session.status === 'active');
    const status = (await call(emu, 'GET', `/assets/multipart-uploads/${active.upload_id}?page_limit=50`))
      .body;
    expect(status.page_info.total_results).toBe(active.total_chunks);
    expect(status.chunks_completed + status.chunks_failed + status.chunks_pending).toBe(active.total_chunks);
  });

  test('an active seeded session takes more chunks like any other', async () => {
    const sessions = await listAll(emu, '/assets/multipart-uploads');
    const active = sessions.find((session) => session.status === 'active');
    const status = (await call(emu, 'GET', `/assets/multipart-uploads/${active.upload_id}?page_limit=50`))
      .body;
    const pending = status.uploaded_chunks.find((chunk: { status: string }) => chunk.status !== 'completed');
    const presigned = await call(
      emu,
      'POST',
      `/assets/multipart-uploads/${active.upload_id}/presigned-urls`,
      {
        body: { start: pending.index, count: 1 },
      },
    );
    const bytes = Buffer.alloc(active.chunk_size, 1);
    const put = await fetch(presigned.body.upload_urls[0].url, { method: 'PUT', body: bytes });
    expect(put.status).toBe(200);
    const reported = await call(emu, 'POST', `/assets/multipart-uploads/${active.upload_id}`, {
      body: {
        completed_chunks: [
          {
            chunk_index: pending.index,
            proof: put.headers.get('etag'),
            proof_type: 'etag',
            chunk_size: bytes.length,
          },
        ],
      },
    });
    expect(reported.body).toMatchObject({
      processed_chunks: 1,
      total_completed: status.chunks_completed + 1,
    });
  });

  test('the official SDK parses every kind of demo item (its date parsing is strict)', async () => {
    const previous = process.env.TWELVELABS_BASE_URL;
    process.env.TWELVELABS_BASE_URL = emu.baseUrl;
    const client = new TwelveLabs({ apiKey: emu.apiKey });
    if (previous === undefined) delete process.env.TWELVELABS_BASE_URL;
    else process.env.TWELVELABS_BASE_URL = previous;

    let count = 0;
    for await (const asset of await client.assets.list({ pageLimit: 50 })) {
      await client.assets.retrieve(asset.id!);
      count += 1;
    }
    for await (const session of await client.multipartUpload.listIncompleteUploads({ pageLimit: 50 })) {
      for await (const _chunk of await client.multipartUpload.getStatus(session.uploadId, { pageLimit: 50 }))
        count += 1;
    }
    // The SDK has no pager for analyze tasks: walk the pages by hand.
    for (let page = 1; ; page += 1) {
      const tasks = (await client.analyzeAsync.tasks.list({ page, pageLimit: 50 })).data ?? [];
      if (tasks.length === 0) break;
      for (const task of tasks) {
        await client.analyzeAsync.tasks.retrieve(task.taskId);
        count += 1;
      }
    }
    for await (const task of await client.embed.v2.tasks.list({ pageLimit: 50 })) {
      await client.embed.v2.tasks.retrieve(task.id!);
      count += 1;
    }
    for await (const task of await client.embed.tasks.list({ pageLimit: 50 })) {
      await client.embed.tasks.retrieve(task.id!);
      count += 1;
    }
    expect(count).toBeGreaterThan(200);
  });
});
