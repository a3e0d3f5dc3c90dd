import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { describeFaults, parseFaultObject, parseFaultSpec } from '../../../src/emulator/faults.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { admin, call, expectClassicError, expectEnvelopeError } from './call.js';

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function start(faults?: string) {
  emu = await startTestEmulator({ chunkSize: 64 * 1024, faults });
  return emu;
}

async function firstUrl(target: TestEmulator, size = 64 * 1024) {
  const created = await call(target, 'POST', '/assets/multipart-uploads', {
    body: { filename: 'f.mp4', type: 'video', total_size: size },
  });
  return created.body as { upload_id: string; upload_urls: { url: string }[] };
}

describe('the --faults grammar', () => {
  test('every key parses and describes itself in the same grammar', () => {
    const spec =
      'put-fail=0.2,api-5xx=0.05,latency=20ms,stall=0.01,stall-time=5s,stall-phase=response,outage=2m,url-ttl=30s,rate-limit=120/min,put-rate=25MiB/s,slow-chunks=0.05@5MiB/s,random-seed=7,hold=0.25@6h,usage-limit=600';
    const faults = parseFaultSpec(spec);
    expect(faults).toEqual({
      putFail: 0.2,
      api5xx: 0.05,
      latencyMs: 20,
      stall: 0.01,
      stallMs: 5000,
      stallPhase: 'response',
      outageMs: 120_000,
      urlTtlMs: 30_000,
      rateLimit: { limit: 120, windowMs: 60_000 },
      putRateBytesPerSecond: 25 * 1024 * 1024,
      slowChunks: { rate: 0.05, bytesPerSecond: 5 * 1024 * 1024 },
      randomSeed: 7,
      hold: { rate: 0.25, ms: 6 * 3_600_000 },
      usageLimitMinutes: 600,
    });
    const described = describeFaults(faults);
    expect(described).toEqual({
      'put-fail': 0.2,
      'api-5xx': 0.05,
      latency: '20ms',
      stall: 0.01,
      'stall-time': '5s',
      'stall-phase': 'response',
      outage: '120s',
      'url-ttl': '30s',
      'rate-limit': '120/min',
      'put-rate': '25MiB/s',
      'slow-chunks': '0.05@5MiB/s',
      'random-seed': 7,
      hold: '0.25@6h',
      'usage-limit': 600,
    });
    expect(parseFaultObject(described)).toEqual(faults);
    expect(parseFaultSpec('')).toEqual(parseFaultSpec(' , '));
    expect(parseFaultSpec('latency=1.5s,rate-limit=10/s,put-rate=500KB/s').latencyMs).toBe(1500);
  });

  test.each([
    ['put-fail=1.5', 'put-fail'],
    ['api-5xx=-0.1', 'api-5xx'],
    ['latency=fast', 'latency'],
    ['rate-limit=120', 'rate-limit'],
    ['put-rate=25MiB', 'put-rate'],
    ['slow-chunks=0.05', 'slow-chunks'],
    ['url-ttl=0s', 'url-ttl'],
    ['stall-phase=later', 'stall-phase'],
    ['random-seed=-1', 'random-seed'],
    ['hold=0.1', 'hold'],
    ['hold=2@6h', 'hold'],
    ['usage-limit=lots', 'usage-limit'],
    ['explode=1', 'unknown fault'],
    ['put-fail', 'key=value'],
  ])('%s is refused with one line naming the problem', (spec, words) => {
    expect(() => parseFaultSpec(spec)).toThrow(words);
  });
});

describe('admin faults API', () => {
  test('GET and PUT with the --faults keys; a bad PUT is 400 and changes nothing', async () => {
    const target = await start('latency=5ms');
    expect((await admin(target, 'GET', '/faults')).body).toMatchObject({ latency: '5ms', 'put-fail': 0 });
    const put = await admin(target, 'PUT', '/faults', {
      'put-fail': 0.5,
      'rate-limit': '100/min',
      latency: 0,
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ 'put-fail': 0.5, 'rate-limit': '100/min', latency: '0ms' });
    const bad = await admin(target, 'PUT', '/faults', { 'put-fail': 7 });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('parameter_invalid');
    expect((await admin(target, 'GET', '/faults')).body['put-fail']).toBe(0.5);
    expect((await admin(target, 'PUT', '/faults', 'api-5xx=0.1')).body['api-5xx']).toBe(0.1);
    expect((await admin(target, 'PUT', '/faults', {})).body['api-5xx']).toBe(0);
  });
});

describe('injected faults', () => {
  test('put-fail=1: chunk PUTs get 500 after the body is read, and nothing is stored', async () => {
    const target = await start('put-fail=1');
    const upload = await firstUrl(target);
    const response = await fetch(upload.upload_urls[0]!.url, { method: 'PUT', body: randomBytes(64 * 1024) });
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('InternalError');
    expect(response.headers.get('etag')).toBeNull();
    expect(target.stats().bytes_received).toBe(64 * 1024);
    const status = await call(target, 'GET', `/assets/multipart-uploads/${upload.upload_id}`);
    expect(status.body.uploaded_chunks[0].status).toBe('pending');
  });

  test('random-seed: the same seed and request order give the same faults', async () => {
    const outcomes = async () => {
      const target = await start('put-fail=0.5,random-seed=42');
      const upload = await firstUrl(target, 64 * 1024 * 10);
      const statuses = [];
      for (const url of upload.upload_urls) {
        statuses.push((await fetch(url.url, { method: 'PUT', body: randomBytes(16) })).status);
      }
      await target.close();
      emu = undefined;
      return statuses.join(',');
    };
    const first = await outcomes();
    expect(first).toContain('500');
    expect(first).toContain('200');
    expect(await outcomes()).toBe(first);
  });

  test('api-5xx=1: API calls get 500/503 in their family shape; storage and admin are spared', async () => {
    const target = await start('api-5xx=1');
    const classic = await call(target, 'GET', '/tasks');
    expect([500, 503]).toContain(classic.status);
    expect(classic.body.code).toEqual(expect.any(String));
    const envelope = await call(target, 'GET', `/embed-v2/tasks/${'0'.repeat(24)}`);
    expect([500, 503]).toContain(envelope.status);
    expect(envelope.body.error.code).toEqual(expect.any(String));
    expect((await admin(target, 'GET', '/health')).status).toBe(200);
    target.setFaults('');
    const upload = await firstUrl(target);
    target.setFaults('api-5xx=1');
    expect((await fetch(upload.upload_urls[0]!.url, { method: 'PUT', body: randomBytes(10) })).status).toBe(
      200,
    );
  });

  test('latency delays API and storage responses but not admin', async () => {
    const target = await start('latency=150ms');
    const started = performance.now();
    expect((await call(target, 'GET', '/indexes')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  test('stall=1: the request gets no answer, and the connection is dropped after stall-time', async () => {
    const target = await start('stall=1,stall-time=200ms');
    const outcome = await fetch(`${target.baseUrl}/tasks`, { headers: { 'x-api-key': 'k' } }).then(
      (response) => `status ${response.status}`,
      (error: Error) => `failed: ${error.message}`,
    );
    expect(outcome).toMatch(/^failed/);
    expect((await admin(target, 'GET', '/health')).status).toBe(200);
  });

  test('stall-phase=response: a chunk PUT body is read in full, then no answer comes', async () => {
    const target = await start();
    const upload = await firstUrl(target);
    target.setFaults('stall=1,stall-time=200ms,stall-phase=response');
    const outcome = await fetch(upload.upload_urls[0]!.url, {
      method: 'PUT',
      body: randomBytes(64 * 1024),
    }).then(
      (response) => `status ${response.status}`,
      (error: Error) => `failed: ${error.message}`,
    );
    expect(outcome).toMatch(/^failed/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(target.stats().requests['PUT /_storage/uploads/{upload_id}/chunks/{chunk_index}']).toEqual({
      499: 1,
    });
  });

  test('outage: 503 + Retry-After on API and storage for that long of emulator clock, then back', async () => {
    const target = await start();
    const upload = await firstUrl(target);
    target.setFaults('outage=60s');
    const down = await call(target, 'GET', '/tasks');
    expectClassicError(down, 503, 'service_unavailable');
    expect(Number(down.headers.get('retry-after'))).toBeGreaterThan(55);
    expectEnvelopeError(
      await call(target, 'GET', '/analyze/tasks/0123456789abcdef01234567'),
      503,
      'service_unavailable',
    );
    expect((await fetch(upload.upload_urls[0]!.url, { method: 'PUT', body: randomBytes(10) })).status).toBe(
      503,
    );
    expect((await admin(target, 'GET', '/health')).status).toBe(200);
    target.advanceClock(30);
    expect((await call(target, 'GET', '/tasks')).status).toBe(503);
    target.advanceClock(31);
    expect((await call(target, 'GET', '/tasks')).status).toBe(200);
    expect((await fetch(upload.upload_urls[0]!.url, { method: 'PUT', body: randomBytes(10) })).status).toBe(
      200,
    );
  });

  test('close() does not wait for stalled requests', async () => {
    const target = await start('stall=1,stall-time=60s');
    const pending = fetch(`${target.baseUrl}/tasks`, { headers: { 'x-api-key': 'k' } }).catch(
      () => 'dropped',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await target.close();
    emu = undefined;
    expect(await pending).toBe('dropped');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  test('put-rate caps each chunk PUT; slow-chunks slows a fraction further', async () => {
    const target = await start('put-rate=256KiB/s');
    const upload = await firstUrl(target, 128 * 1024);
    let started = performance.now();
    expect(
      (await fetch(upload.upload_urls[0]!.url, { method: 'PUT', body: randomBytes(64 * 1024) })).status,
    ).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);

    target.setFaults('slow-chunks=1@128KiB/s');
    started = performance.now();
    expect(
      (await fetch(upload.upload_urls[1]!.url, { method: 'PUT', body: randomBytes(32 * 1024) })).status,
    ).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
  });
});

describe('stats', () => {
  test('request counts by route and status, bytes received', async () => {
    const target = await start();
    await call(target, 'GET', '/tasks');
    await call(target, 'GET', '/tasks');
    await call(target, 'GET', '/tasks', { key: null });
    await call(target, 'GET', `/tasks/${'f'.repeat(24)}`);
    await call(target, 'GET', '/nope');
    const upload = await firstUrl(target);
    await fetch(upload.upload_urls[0]!.url, { method: 'PUT', body: randomBytes(1000) });
    const stats = (await admin(target, 'GET', '/stats')).body;
    expect(stats.requests['GET /tasks']).toEqual({ 200: 2, 401: 1 });
    expect(stats.requests['GET /tasks/{task_id}']).toEqual({ 404: 1 });
    expect(stats.requests['GET (unmatched)']).toEqual({ 404: 1 });
    expect(stats.requests['POST /assets/multipart-uploads']).toEqual({ 201: 1 });
    expect(stats.requests['PUT /_storage/uploads/{upload_id}/chunks/{chunk_index}']).toEqual({ 200: 1 });
    expect(stats.bytes_received).toBe(1000);
    expect(target.stats().requests['GET /_emulator/stats']).toEqual({ 200: 1 });
  });

  test('digest of an unknown asset is 404; of an asset without a finished upload 409', async () => {
    const target = await start();
    expect((await admin(target, 'GET', `/assets/${'a'.repeat(24)}/digest`)).status).toBe(404);
    const created = await call(target, 'POST', '/assets/multipart-uploads', {
      body: { filename: 'f.mp4', type: 'video', total_size: 10 },
    });
    expect((await admin(target, 'GET', `/assets/${created.body.asset_id}/digest`)).status).toBe(409);
    expectClassicError(await call(target, 'GET', '/tasks?page_limit=51'), 400, 'parameter_invalid');
    expectEnvelopeError(await call(target, 'GET', `/analyze/tasks/${'a'.repeat(24)}`), 404, 'not_found');
  });
});
