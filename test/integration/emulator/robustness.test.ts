import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { admin, call } from './call.js';

/** Hostile input never crashes or hangs the emulator: every answer is a 4xx in the route's error shape. */
let emu: TestEmulator;
let uploadId: string;
let indexId: string;

beforeAll(async () => {
  emu = await startTestEmulator({ seed: 'demo', chunkSize: 1024 });
  uploadId = (
    await call(emu, 'POST', '/assets/multipart-uploads', {
      body: { filename: 'a.mp4', type: 'video', total_size: 5000 },
    })
  ).body.upload_id;
  indexId = (await call(emu, 'GET', '/indexes?page_limit=1')).body.data[0]._id;
});
afterAll(async () => {
  await emu.close();
});

const HOSTILE_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  'x',
  '',
  '\u0000\u001b[31m',
  [],
  [null],
  {},
  { nested: { deeper: [1, { x: 'y' }] } },
  'a'.repeat(100_000),
];

const HOSTILE_BODIES: string[] = [
  '',
  'null',
  '[]',
  '"string"',
  '42',
  '{',
  '{"a":',
  '{"__proto__": {"polluted": true}}',
  '{"constructor": {"prototype": {"polluted": true}}}',
  '\u00ff\u00fe garbage',
  JSON.stringify({ completed_chunks: [{ chunk_index: 1e20, proof: [], proof_type: null, chunk_size: -5 }] }),
  JSON.stringify({ completed_chunks: Array.from({ length: 5000 }, (_, i) => ({ chunk_index: i })) }),
  JSON.stringify({ start: 1, count: 1e9 }),
  JSON.stringify({ video: { type: 'asset_id', asset_id: '../../etc/passwd' }, prompt: 'x' }),
  JSON.stringify({ input_type: 'video', model_name: 'marengo3.0', video: { media_source: null } }),
];

/** The fields each endpoint reads, each given every hostile value. */
const FIELDS: Record<string, string[]> = {
  create: ['filename', 'type', 'total_size', 'enable_hls', 'user_metadata'],
  report: ['completed_chunks'],
  presign: ['start', 'count'],
  indexes: ['index_name', 'models', 'addons'],
  indexedAssets: ['asset_id', 'user_metadata'],
  embed: ['input_type', 'model_name', 'video', 'audio'],
  analyze: ['video', 'prompt', 'temperature', 'custom_id'],
};

function bodiesFor(endpoint: string): string[] {
  const generated = (FIELDS[endpoint] ?? []).flatMap((field) =>
    HOSTILE_VALUES.map((value) => JSON.stringify({ [field]: value })),
  );
  return [...HOSTILE_BODIES, ...generated];
}

/** Runs `work` over `items`, `width` at a time. */
async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

describe('hostile bodies', () => {
  const endpoints = (): [string, string][] => [
    ['create', '/assets/multipart-uploads'],
    ['report', `/assets/multipart-uploads/${uploadId}`],
    ['presign', `/assets/multipart-uploads/${uploadId}/presigned-urls`],
    ['indexes', '/indexes'],
    ['indexedAssets', `/indexes/${indexId}/indexed-assets`],
    ['embed', '/embed-v2/tasks'],
    ['analyze', '/analyze/tasks'],
  ];

  test('every POST endpoint answers 4xx with an error body, never 5xx', async () => {
    const cases = endpoints().flatMap(([endpoint, path]) =>
      bodiesFor(endpoint).map((body) => ({ path, body })),
    );
    await inParallel(cases, 8, async ({ path, body }) => {
      const response = await call(emu, 'POST', path, {
        rawBody: body,
        headers: { 'content-type': 'application/json' },
      });
      const described = `${path} ${body.slice(0, 80)} -> ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`;
      expect(response.status, described).toBeGreaterThanOrEqual(400);
      expect(response.status, described).toBeLessThan(500);
      const code = response.body?.code ?? response.body?.error?.code;
      expect(code, described).toEqual(expect.any(String));
    });
    expect(cases.length).toBeGreaterThan(300);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('the admin API refuses hostile bodies the same way', async () => {
    for (const body of HOSTILE_VALUES) {
      const clock = await admin(emu, 'POST', '/clock', { advance_seconds: body });
      if (clock.status !== 200) expect(clock.status).toBe(400);
      const faults = await admin(emu, 'PUT', '/faults', { latency: body });
      expect([200, 400]).toContain(faults.status);
    }
    await admin(emu, 'PUT', '/faults', {});
    expect((await admin(emu, 'GET', '/health')).body).toEqual({ ok: true });
  });
});

describe('hostile paths and queries', () => {
  test.each(
    [
      '/tasks/%zz',
      '/tasks/..%2F..%2Fetc%2Fpasswd',
      `/tasks/${'a'.repeat(5000)}`,
      '/tasks?page=99999999999999999999',
      '/tasks?page_limit=1e3',
      '/tasks?status=',
      '/tasks?status[]=ready&status[]=nope',
      '/assets?asset_ids=%00',
      '/embed/tasks?started_at=2026-13-45T99:99:99Z',
      '/indexes/abc/indexed-assets',
      '/assets/multipart-uploads/../../_emulator/health',
    ].map((path) => [path.slice(0, 60), path]),
  )('%s is a clean 4xx or 200', async (_label, path) => {
    const response = await call(emu, 'GET', path);
    expect([200, 400, 404]).toContain(response.status);
  });

  test('a raw garbage request gets 400 and the server keeps serving', async () => {
    const url = new URL(emu.origin);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () =>
        socket.write('BLAH /\u0000 HTTP/9.9\r\n\r\n'),
      );
      let text = '';
      socket.on('data', (piece) => {
        text += piece.toString();
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await call(emu, 'GET', '/tasks?page_limit=1')).status).toBe(200);
  });

  test('a client that disappears mid-PUT leaves no partial chunk and the server serves on', async () => {
    const created = await call(emu, 'POST', '/assets/multipart-uploads', {
      body: { filename: 'b.mp4', type: 'video', total_size: 1024 },
    });
    const url = new URL(created.body.upload_urls[0].url);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(`PUT ${url.pathname}${url.search} HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\n\r\n`);
        socket.write(Buffer.alloc(100));
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
      socket.on('error', reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(emu.stats().requests['PUT /_storage/uploads/{upload_id}/chunks/{chunk_index}']).toMatchObject({
      499: 1,
    });
    const status = await call(emu, 'GET', `/assets/multipart-uploads/${created.body.upload_id}`);
    expect(status.body.uploaded_chunks[0].status).toBe('pending');
    const report = await call(emu, 'POST', `/assets/multipart-uploads/${created.body.upload_id}`, {
      body: { completed_chunks: [{ chunk_index: 1, proof: 'x', proof_type: 'etag', chunk_size: 100 }] },
    });
    expect(report.status).toBe(400);
    expect(report.body.message).toContain('has not been uploaded');
  });
});
