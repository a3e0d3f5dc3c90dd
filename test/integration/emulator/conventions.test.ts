import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { admin, call, expectClassicError, expectEnvelopeError } from './call.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator({ seed: 'demo' });
});
afterAll(async () => {
  await emu.close();
});

const LISTS = [
  '/assets',
  '/assets/multipart-uploads',
  '/tasks',
  '/indexes',
  '/embed/tasks',
  '/embed-v2/tasks',
  '/analyze/tasks',
];

describe('auth', () => {
  test.each([
    ['no key', null],
    ['an empty key', ''],
  ])('%s gets 401 api_key_invalid in the route family shape', async (_name, key) => {
    expectClassicError(await call(emu, 'GET', '/tasks', { key }), 401, 'api_key_invalid');
    expectEnvelopeError(
      await call(emu, 'GET', '/embed-v2/tasks/0123456789abcdef01234567', { key }),
      401,
      'api_key_invalid',
    );
  });

  test('any non-empty key works unless --api-key restricts it', async () => {
    expect((await call(emu, 'GET', '/tasks', { key: 'anything' })).status).toBe(200);
    const strict = await startTestEmulator({ apiKey: 'tlk_only_this_one' });
    try {
      expect((await call(strict, 'GET', '/tasks')).status).toBe(200);
      expectClassicError(await call(strict, 'GET', '/tasks', { key: 'tlk_another' }), 401, 'api_key_invalid');
      expect((await admin(strict, 'GET', '/health')).body).toEqual({ ok: true });
    } finally {
      await strict.close();
    }
  });

  test('the admin API needs no key', async () => {
    expect(await admin(emu, 'GET', '/health')).toEqual({ status: 200, body: { ok: true } });
  });
});

describe('pagination', () => {
  test.each(LISTS)(
    '%s: page_info, a page past the end is 200 with an empty list, limits enforced',
    async (path) => {
      const first = await call(emu, 'GET', `${path}?page_limit=3`);
      expect(first.status).toBe(200);
      const info = first.body.page_info;
      expect(info.limit_per_page).toBe(3);
      expect(info.page).toBe(1);
      expect(info.total_page).toBe(Math.ceil(info.total_results / 3));
      expect(first.body.data.length).toBe(Math.min(3, info.total_results));

      const past = await call(emu, 'GET', `${path}?page=${info.total_page + 1}&page_limit=3`);
      expect(past.status).toBe(200);
      expect(past.body.data).toEqual([]);
      expect(past.body.page_info.total_results).toBe(info.total_results);

      for (const bad of [
        'page_limit=0',
        'page_limit=51',
        'page_limit=ten',
        'page=0',
        'page=-1',
        'page=1.5',
      ]) {
        const response = await call(emu, 'GET', `${path}?${bad}`);
        expect(response.status, bad).toBe(400);
        expect(JSON.stringify(response.body)).toContain('parameter_invalid');
      }
      expect((await call(emu, 'GET', `${path}?page_limit=50`)).status).toBe(200);
    },
  );

  test('pages do not overlap and cover the whole collection', async () => {
    const seen = new Set<string>();
    let total = 0;
    for (let page = 1; ; page += 1) {
      const response = await call(emu, 'GET', `/tasks?page=${page}&page_limit=50`);
      if (response.body.data.length === 0) break;
      total = response.body.page_info.total_results;
      for (const task of response.body.data) seen.add(task._id);
    }
    expect(total).toBeGreaterThan(200);
    expect(seen.size).toBe(total);
  });
});

describe('errors and bad input', () => {
  test('unknown endpoint 404, wrong method 405 with Allow', async () => {
    const missing = await call(emu, 'GET', '/no-such-thing');
    expect(missing.status).toBe(404);
    const wrongMethod = await call(emu, 'DELETE', '/assets/multipart-uploads');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toContain('POST');
    const outside = await fetch(`${emu.origin}/v2/tasks`);
    expect(outside.status).toBe(404);
  });

  test('malformed JSON, a non-object body, and an oversize body', async () => {
    expectClassicError(
      await call(emu, 'POST', '/assets/multipart-uploads', {
        rawBody: '{"filename": ',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'parameter_invalid',
    );
    expectClassicError(
      await call(emu, 'POST', '/assets/multipart-uploads', { body: [1, 2] }),
      400,
      'parameter_invalid',
    );
    expectEnvelopeError(
      await call(emu, 'POST', '/analyze/tasks', { rawBody: 'not json' }),
      400,
      'parameter_invalid',
    );
    const huge = Buffer.alloc(2 * 1024 * 1024, 'a');
    const oversize = await call(emu, 'POST', '/assets/multipart-uploads', { rawBody: huge });
    expectClassicError(oversize, 413, 'request_too_large');
    expect((await admin(emu, 'GET', '/health')).status).toBe(200);
  });

  test('a request line the HTTP parser rejects gets 400, and the server keeps serving', async () => {
    const url = new URL(emu.origin);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({
        host: url.hostname,
        port: url.port,
        path: '/v1.3/tasks',
        headers: { 'x-api-key': 'k', 'content-length': 'abc' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
    expect((await call(emu, 'GET', '/tasks')).status).toBe(200);
  });

  test('bad query values: unknown status filter, bad sort, bad dates', async () => {
    expectClassicError(await call(emu, 'GET', '/tasks?status=done'), 400, 'parameter_invalid');
    expectClassicError(await call(emu, 'GET', '/tasks?sort_option=sideways'), 400, 'parameter_invalid');
    expectClassicError(await call(emu, 'GET', '/tasks?sort_by=name'), 400, 'parameter_invalid');
    expectClassicError(await call(emu, 'GET', '/tasks?created_at=yesterday'), 400, 'parameter_invalid');
    expectClassicError(await call(emu, 'GET', '/embed/tasks?status=done'), 400, 'parameter_invalid');
    expectClassicError(await call(emu, 'GET', '/assets?asset_types=pdf'), 400, 'parameter_invalid');
    expectClassicError(await call(emu, 'GET', '/tasks?index_id=nope'), 400, 'parameter_invalid');
    expectClassicError(await call(emu, 'GET', '/tasks?width=wide'), 400, 'parameter_invalid');
    expectClassicError(await call(emu, 'GET', '/analyze/tasks?asset_id=nope'), 400, 'parameter_invalid');
  });

  test('every response says the API version', async () => {
    expect((await call(emu, 'GET', '/indexes')).headers.get('x-api-version')).toBe('1.3');
  });
});

describe('rate limit', () => {
  test('X-Ratelimit-* headers, 429 + Retry-After past the budget, reset after the window', async () => {
    const limited = await startTestEmulator({ faults: 'rate-limit=3/min' });
    try {
      const first = await call(limited, 'GET', '/tasks');
      expect(first.headers.get('x-ratelimit-limit')).toBe('3');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('2');
      expect(first.headers.get('x-ratelimit-used')).toBe('1');
      const reset = Number(first.headers.get('x-ratelimit-reset'));
      expect(reset * 1000).toBeGreaterThan(Date.parse(limited.emulator.now()));
      await call(limited, 'GET', '/tasks');
      await call(limited, 'GET', '/indexes');
      const over = await call(limited, 'GET', '/tasks');
      expectClassicError(over, 429, 'too_many_requests');
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
      expectEnvelopeError(
        await call(limited, 'GET', '/analyze/tasks/0123456789abcdef01234567'),
        429,
        'too_many_requests',
      );
      expect((await admin(limited, 'GET', '/health')).status).toBe(200);
      limited.advanceClock(61);
      expect((await call(limited, 'GET', '/tasks')).status).toBe(200);
      // keys have separate budgets
      expect((await call(limited, 'GET', '/tasks', { key: 'tlk_other' })).status).toBe(200);
      limited.setFaults('');
      const unlimited = await call(limited, 'GET', '/tasks');
      expect(unlimited.headers.get('x-ratelimit-limit')).toBeNull();
    } finally {
      await limited.close();
    }
  });
});
