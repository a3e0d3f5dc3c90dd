import { getEventListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, test } from 'vitest';
import { TwelveLabsClient, type TwelveLabsClientOptions } from '../../../src/api/client.js';
import { ApiError } from '../../../src/api/errors.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { type RawServer, reply, startRawServer, taskPage } from './raw-server.js';

const MARKER_KEY = 'tlk_MARKERkey0123456789SECRET';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

/** A client whose retry waits are recorded instead of slept. */
function makeClient(baseUrl: string, options: Partial<TwelveLabsClientOptions> = {}) {
  const sleeps: number[] = [];
  const client = new TwelveLabsClient({
    apiKey: MARKER_KEY,
    baseUrl,
    ...options,
    retry: {
      random: () => 0.5,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...options.retry,
    },
  });
  cleanup.push(() => client.close());
  return { client, sleeps };
}

async function server(handler: Parameters<typeof startRawServer>[0]): Promise<RawServer> {
  const raw = await startRawServer(handler);
  cleanup.push(() => raw.close());
  return raw;
}

async function emulator(): Promise<TestEmulator> {
  const running = await startTestEmulator({ seed: 'demo', apiKey: MARKER_KEY });
  cleanup.push(() => running.close());
  return running;
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const outcome = await promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(ApiError);
  return outcome as ApiError;
}

function expectNoSecret(error: ApiError) {
  for (const text of [
    error.message,
    error.stack ?? '',
    JSON.stringify(error),
    String(error),
    inspect(error),
  ]) {
    expect(text).not.toContain(MARKER_KEY);
    expect(text).not.toContain('MARKERkey0123456789');
    expect(text).not.toMatch(/X-Amz-Signature/i);
  }
}

describe('requests', () => {
  test('send x-api-key, the tltop User-Agent, repeated array filters; reuse keep-alive sockets', async () => {
    const raw = await server((_request, response) => reply(response, 200, taskPage()));
    const { client } = makeClient(`${raw.origin}/v1.3/`);
    for (let i = 0; i < 10; i++) await client.listTasks({ status: ['ready', 'failed'], page_limit: 99 });
    const [first] = raw.requests;
    expect(first!.headers['x-api-key']).toBe(MARKER_KEY);
    expect(first!.headers['user-agent']).toMatch(/^tltop\/\d+\.\d+\.\d+/);
    expect(first!.url).toBe('/v1.3/tasks?status=ready&status=failed&page_limit=50');
    // The pool may open a second socket while the first is being released, never one per call.
    expect(raw.connections()).toBeLessThanOrEqual(2);
  });

  test('HTTP_PROXY routes the calls through the proxy; NO_PROXY exempts a host', async () => {
    const proxy = await server((_request, response) => reply(response, 200, taskPage()));
    const { client } = makeClient('http://api.example.invalid', { env: { HTTP_PROXY: proxy.origin } });
    await client.listTasks();
    expect(proxy.requests[0]!.url).toBe('http://api.example.invalid/v1.3/tasks');
    expect(proxy.requests[0]!.headers['x-api-key']).toBe(MARKER_KEY);

    const direct = await server((_request, response) => reply(response, 200, taskPage()));
    const bypass = makeClient(direct.origin, { env: { HTTP_PROXY: proxy.origin, NO_PROXY: '127.0.0.1' } });
    await bypass.client.listTasks();
    expect(direct.requests).toHaveLength(1);
    expect(proxy.requests).toHaveLength(1);
  });

  test('every body is consumed or destroyed: 30 oversized bodies do not exhaust the pool of 8', async () => {
    const big = JSON.stringify({ code: 'boom', message: 'x'.repeat(1024 * 1024) });
    const raw = await server((_request, response, index) =>
      index < 30 ? reply(response, [200, 404, 500][index % 3]!, big) : reply(response, 200, taskPage()),
    );
    const { client } = makeClient(raw.origin, {
      retry: { maxRetries: 0 },
      timeouts: { headersMs: 2000 },
      maxResponseBytes: 1024,
    });
    const outcomes = await Promise.all(Array.from({ length: 30 }, () => failure(client.listTasks())));
    expect(new Set(outcomes.map((error) => error.code))).toEqual(
      new Set(['response_too_large', 'http_404', 'http_500']),
    );
    expect((await client.listTasks()).data).toHaveLength(1);
  });

  test('path parameters are encoded, so an id cannot leave its path segment', async () => {
    const raw = await server((_request, response) => reply(response, 200, taskPage().data[0]));
    const { client } = makeClient(raw.origin);
    await client.getTask('../indexes?x=1');
    expect(raw.requests[0]!.url).toBe('/v1.3/tasks/..%2Findexes%3Fx%3D1');
    for (const id of ['', '.', '..']) {
      const error = await failure(client.getTask(id));
      expect(error).toMatchObject({ kind: 'invalid_request', code: 'invalid_id', retryable: false });
    }
    expect(raw.requests).toHaveLength(1);
  });
});

describe('stats', () => {
  test('a 2xx that fails validation counts as an error; a throwing listener changes nothing', async () => {
    const raw = await server((_request, response, index) =>
      reply(response, 200, index === 0 ? taskPage() : { data: 'nope' }, {
        'x-ratelimit-remaining': String(9 - index),
      }),
    );
    const { client } = makeClient(raw.origin, { now: () => 1000 + raw.requests.length });
    client.onStats(() => {
      throw new Error('listener bug');
    });
    await client.listTasks();
    expect(client.stats()).toMatchObject({ lastSuccessAt: 1001, rateLimit: { remaining: 9 } });
    expect(await failure(client.listTasks())).toMatchObject({ kind: 'invalid_response' });
    expect(client.stats()).toMatchObject({
      lastSuccessAt: 1001,
      lastErrorAt: 1002,
      rateLimit: { remaining: 8 },
    });
  });

  test('a call after close is a typed error and not retried', async () => {
    const raw = await server((_request, response) => reply(response, 200, taskPage()));
    const { client, sleeps } = makeClient(raw.origin);
    await client.listTasks();
    await client.close();
    const error = await failure(client.listTasks());
    expect(error).toMatchObject({ kind: 'invalid_request', code: 'client_closed', retryable: false });
    expect(sleeps).toEqual([]);
  });

  test('a request undici refuses to send is a typed error and not retried', async () => {
    const raw = await server((_request, response) => reply(response, 200, taskPage()));
    const { client, sleeps } = makeClient(raw.origin, { userAgent: 'tltop\r\nx-injected: 1' });
    expect(await failure(client.listTasks())).toMatchObject({
      kind: 'invalid_request',
      code: 'request_invalid',
      retryable: false,
    });
    expect(raw.requests).toHaveLength(0);
    expect(sleeps).toEqual([]);
  });
});

describe('retries', () => {
  test('a 5xx then success: the GET is retried after a jittered backoff', async () => {
    const raw = await server((_request, response, index) =>
      index === 0
        ? reply(response, 503, { code: 'unavailable', message: 'try later' })
        : reply(response, 200, taskPage()),
    );
    const { client, sleeps } = makeClient(raw.origin, { retry: { baseDelayMs: 100 } });
    const page = await client.listTasks();
    expect(page.data[0]!.status).toBe('ready');
    expect(raw.requests).toHaveLength(2);
    expect(sleeps).toEqual([50]);
  });

  test('a caller with its own retry loop turns the client retries off per call', async () => {
    const raw = await server((_request, response) => reply(response, 503, ''));
    const { client, sleeps } = makeClient(raw.origin);
    const error = await failure(client.reportChunks('u1', [], { maxRetries: 0 }));
    expect(error).toMatchObject({ kind: 'http', status: 503, retryable: true });
    expect(raw.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  test('the emulator failing every request: retried twice, then a retryable http error', async () => {
    const running = await emulator();
    running.setFaults({ 'api-5xx': 1 });
    const { client, sleeps } = makeClient(running.baseUrl);
    const error = await failure(client.listTasks());
    expect(error).toMatchObject({ kind: 'http', retryable: true });
    expect(error.status).toBeGreaterThanOrEqual(500);
    expect(sleeps).toHaveLength(2);
    running.setFaults({});
    expect((await client.listTasks()).data.length).toBeGreaterThan(0);
  });

  test('a 429 with Retry-After from the emulator is honoured, then the call succeeds', async () => {
    const running = await emulator();
    running.setFaults({ 'rate-limit': '2/min' });
    const sleeps: number[] = [];
    const { client } = makeClient(running.baseUrl, {
      retry: {
        maxRetryAfterMs: 60_000,
        random: () => 0,
        sleep: async (ms) => {
          sleeps.push(ms);
          running.advanceClock(ms / 1000);
        },
      },
    });
    await client.listIndexes();
    await client.listIndexes();
    const page = await client.listIndexes();
    expect(page.data.length).toBeGreaterThan(0);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(1000);
    expect(client.stats().rateLimit).toMatchObject({ limit: 2 });
  });

  test("an empty 429 body: the wait comes from X-Ratelimit-Reset, counted from the server's Date", async () => {
    const serverNow = 1_800_000_000_000;
    const raw = await server((_request, response, index) =>
      index === 0
        ? reply(response, 429, '', {
            date: new Date(serverNow).toUTCString(),
            'x-ratelimit-reset': String(serverNow / 1000 + 4),
            'x-ratelimit-remaining': '0',
          })
        : reply(response, 200, taskPage()),
    );
    // The local clock is a day off: the wait still is what the server meant.
    const { client, sleeps } = makeClient(raw.origin, { now: () => serverNow + 86_400_000 });
    await client.listTasks();
    expect(sleeps).toEqual([4000]);
  });

  test('a wait longer than the cap is not slept: the caller gets retryAfterMs', async () => {
    const raw = await server((_request, response) => reply(response, 429, '', { 'retry-after': '120' }));
    const { client, sleeps } = makeClient(raw.origin);
    const error = await failure(client.listTasks());
    expect(error).toMatchObject({ kind: 'http', status: 429, code: 'http_429', retryAfterMs: 120_000 });
    expect(error.message).toBe('429 Too Many Requests; retry in 120s');
    expect(sleeps).toEqual([]);
    expect(raw.requests).toHaveLength(1);
  });

  test('a create is not retried on a 5xx, but is on a 429 (the server refused it unseen)', async () => {
    const upload = {
      upload_id: 'u1',
      asset_id: 'a1',
      upload_urls: [],
      upload_headers: {},
      chunk_size: 5242880,
      total_chunks: 1,
      expires_at: '2026-01-02T00:00:00Z',
    };
    const failing = await server((_request, response) => reply(response, 502, '<html>bad gateway</html>'));
    const { client } = makeClient(failing.origin);
    const body = { filename: 'a.mp4', type: 'video' as const, total_size: 10 };
    expect(await failure(client.createUpload(body))).toMatchObject({
      kind: 'http',
      status: 502,
      retryable: true,
    });
    expect(failing.requests).toHaveLength(1);

    const limited = await server((_request, response, index) =>
      index === 0 ? reply(response, 429, '', { 'retry-after': '1' }) : reply(response, 201, upload),
    );
    const second = makeClient(limited.origin);
    expect((await second.client.createUpload(body)).upload_id).toBe('u1');
    expect(second.sleeps).toEqual([1000]);
  });

  test('a self-signed TLS certificate: a network error, not retried', async () => {
    const fixtures = new URL('./fixtures/', import.meta.url);
    const tls = createHttpsServer({
      key: readFileSync(new URL('self-signed.key', fixtures)),
      cert: readFileSync(new URL('self-signed.crt', fixtures)),
    });
    tls.on('request', (_request, response) => reply(response, 200, taskPage()));
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    cleanup.push(
      () =>
        new Promise<void>((resolve) => {
          tls.close(() => resolve());
          tls.closeAllConnections();
        }),
    );
    const { port } = tls.address() as AddressInfo;
    const { client, sleeps } = makeClient(`https://127.0.0.1:${port}`);
    const error = await failure(client.listTasks());
    expect(error).toMatchObject({ kind: 'network', code: 'tls_failed', retryable: false });
    expect(error.message).toBe(`127.0.0.1:${port} sent a self-signed certificate`);
    expect(sleeps).toEqual([]);
  });

  test('connection refused: retried, then a network error', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const { client, sleeps } = makeClient(`http://127.0.0.1:${port}`);
    const error = await failure(client.getTask('x'));
    expect(error).toMatchObject({ kind: 'network', code: 'connection_refused', retryable: true });
    expect(error.message).toBe(`connection refused by 127.0.0.1:${port}`);
    expect(sleeps).toHaveLength(2);
    expect(client.stats().lastErrorAt).toBeTypeOf('number');
  });
});

describe('timeouts and aborts', () => {
  test('no response headers in time: a headers timeout', async () => {
    const raw = await server(() => undefined);
    const { client } = makeClient(raw.origin, { timeouts: { headersMs: 150 }, retry: { maxRetries: 0 } });
    const error = await failure(client.listTasks());
    expect(error).toMatchObject({ kind: 'timeout', code: 'headers_timeout', retryable: true });
  });

  test('an emulator that stalls: a timeout at once (no retry), then recovery', async () => {
    const running = await emulator();
    running.setFaults({ stall: 1, 'stall-time': '10s' });
    const { client, sleeps } = makeClient(running.baseUrl, { timeouts: { headersMs: 100 } });
    const error = await failure(client.listAssets());
    expect(error).toMatchObject({ kind: 'timeout', code: 'headers_timeout', retryable: true });
    expect(error.message).toBe(`${new URL(running.origin).host} sent no response in time`);
    expect(sleeps).toEqual([]);
    running.setFaults({});
    expect((await client.listAssets()).data.length).toBeGreaterThan(0);
  });

  test('a body dripping slowly forever: the whole-attempt deadline ends it', async () => {
    const timers: NodeJS.Timeout[] = [];
    const raw = await server((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"data":[');
      timers.push(setInterval(() => response.write(' '), 20));
    });
    cleanup.push(async () => timers.forEach(clearInterval));
    const { client } = makeClient(raw.origin, {
      timeouts: { totalMs: 300, bodyMs: 100 },
      retry: { maxRetries: 0 },
    });
    const error = await failure(client.listTasks());
    expect(error).toMatchObject({ kind: 'timeout', code: 'request_timeout' });
  });

  test('a body that stops: the body timeout', async () => {
    const raw = await server((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"data":[');
    });
    const { client } = makeClient(raw.origin, { timeouts: { bodyMs: 150 }, retry: { maxRetries: 0 } });
    expect(await failure(client.listTasks())).toMatchObject({ kind: 'timeout', code: 'body_timeout' });
  });

  test('a long-lived caller signal keeps no listeners between calls', async () => {
    const raw = await server((_request, response) => reply(response, 200, taskPage()));
    const { client } = makeClient(raw.origin);
    const view = new AbortController();
    for (let i = 0; i < 50; i++) await client.listTasks(undefined, { signal: view.signal });
    expect(getEventListeners(view.signal, 'abort')).toHaveLength(0);
  });

  test("the caller's signal aborts a request in flight and a retry wait", async () => {
    const raw = await server(() => undefined);
    const { client } = makeClient(raw.origin);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(client.listTasks(undefined, { signal: controller.signal }));
    expect(error).toMatchObject({ kind: 'abort', code: 'aborted', retryable: false });

    const failing = await server((_request, response) => reply(response, 500, ''));
    const waiting = new TwelveLabsClient({
      apiKey: MARKER_KEY,
      baseUrl: failing.origin,
      retry: { baseDelayMs: 60_000, maxDelayMs: 60_000, random: () => 1 },
    });
    cleanup.push(() => waiting.close());
    const second = new AbortController();
    setTimeout(() => second.abort(), 50);
    expect(await failure(waiting.listTasks(undefined, { signal: second.signal }))).toMatchObject({
      kind: 'abort',
    });
    expect(failing.requests).toHaveLength(1);
  });
});

describe('bad responses', () => {
  test('an embedding retrieve may be tens of MiB; other answers stop at 8 MiB', async () => {
    const vectors = Array.from({ length: 900 }, () => ({
      embedding: Array.from({ length: 1024 }, () => 0.123456789),
    }));
    const body = JSON.stringify({ _id: 'e1', status: 'ready', data: vectors });
    expect(body.length).toBeGreaterThan(10 * 1024 * 1024);
    const raw = await server((_request, response) => reply(response, 200, body));
    const { client } = makeClient(raw.origin);
    expect((await client.getEmbedV2Task('e1')).data).toHaveLength(900);
    expect(await failure(client.getTask('e1'))).toMatchObject({ code: 'response_too_large' });
  });

  test('malformed JSON', async () => {
    const raw = await server((_request, response) => reply(response, 200, '{"data":[{"_id":'));
    const { client } = makeClient(raw.origin);
    const error = await failure(client.listTasks());
    expect(error).toMatchObject({ kind: 'invalid_response', code: 'invalid_json', retryable: false });
    expect(error.message).toBe('invalid response from GET /v1.3/tasks: malformed or truncated JSON');
  });

  test('a body that breaks the schema names the field', async () => {
    const page = taskPage();
    const raw = await server((_request, response) =>
      reply(response, 200, { ...page, data: [page.data[0], { _id: 'b', status: 7 }] }),
    );
    const { client } = makeClient(raw.origin);
    const error = await failure(client.listTasks());
    expect(error).toMatchObject({ kind: 'invalid_response', code: 'schema_mismatch' });
    expect(error.message).toBe(
      'invalid response from GET /v1.3/tasks: data[1].status: expected string, received number',
    );
  });

  test('a missing required field is named too', async () => {
    const raw = await server((_request, response) => reply(response, 200, { status: 'ready' }));
    const { client } = makeClient(raw.origin);
    expect((await failure(client.getTask('t'))).message).toBe(
      'invalid response from GET /v1.3/tasks/t: _id: missing',
    );
  });

  test('extra fields and unknown statuses pass through', async () => {
    const task = { _id: 't1', status: 'transcoding', brand_new: { nested: [1] }, created_at: null };
    const raw = await server((_request, response) => reply(response, 200, task));
    const { client } = makeClient(raw.origin);
    const parsed = await client.getTask('t1');
    expect(parsed).toMatchObject({ _id: 't1', status: 'transcoding', brand_new: { nested: [1] } });
    expect(parsed.created_at).toBeUndefined();
  });

  test('an HTML page: from a gateway as an error, or instead of JSON on a 200', async () => {
    const html = '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>';
    const raw = await server((_request, response, index) =>
      reply(response, index === 0 ? 502 : 200, html, { 'content-type': 'text/html' }),
    );
    const { client } = makeClient(raw.origin, { retry: { maxRetries: 0 } });
    const gateway = await failure(client.listTasks());
    expect(gateway).toMatchObject({ kind: 'http', status: 502, code: 'http_502', retryable: true });
    expect(gateway.message).toMatch(/^502 Bad Gateway \(an HTML page/);
    const ok = await failure(client.listTasks());
    expect(ok).toMatchObject({ kind: 'invalid_response', code: 'invalid_json' });
    expect(ok.message).toContain('HTML');
  });

  test('both error shapes give code and message', async () => {
    const raw = await server((_request, response, index) =>
      index === 0
        ? reply(response, 400, {
            code: 'parameter_invalid',
            message: 'The page_limit parameter is invalid.',
            docs_url: 'https://docs.twelvelabs.io/v1.3/api-reference/error-codes',
          })
        : reply(response, 404, {
            error: { code: 'not_found', message: 'Analyze task not found.', details: {} },
          }),
    );
    const { client } = makeClient(raw.origin);
    const classic = await failure(client.listTasks());
    expect(classic).toMatchObject({ status: 400, code: 'parameter_invalid', retryable: false });
    expect(classic.message).toBe('400 parameter_invalid: The page_limit parameter is invalid.');
    const envelope = await failure(client.getAnalyzeTask('x'));
    expect(envelope).toMatchObject({ status: 404, code: 'not_found' });
    expect(envelope.message).toBe('404 not_found: Analyze task not found.');
  });

  test('a 204 or an empty 200 completes a delete', async () => {
    const raw = await server((_request, response, index) => {
      response.writeHead(index === 0 ? 204 : 200);
      response.end();
    });
    const { client } = makeClient(raw.origin);
    await expect(client.deleteTask('t')).resolves.toBeUndefined();
    await expect(client.deleteAnalyzeTask('t')).resolves.toBeUndefined();
    expect(raw.requests.map((request) => request.method)).toEqual(['DELETE', 'DELETE']);
  });
});

describe('secrets', () => {
  test('the key never appears in any error, whatever the server echoes', async () => {
    const signed = 'https://s3.example/bucket/part?X-Amz-Signature=deadbeef';
    const bodies: [number, string][] = [
      [401, JSON.stringify({ code: 'api_key_invalid', message: `Key ${MARKER_KEY} is invalid` })],
      [400, JSON.stringify({ code: MARKER_KEY, message: `use ${signed}` })],
      [
        404,
        JSON.stringify({ error: { code: 'x', message: `tlk_MARKER\u001b[0mkey0123456789SECRET ${signed}` } }),
      ],
      [500, `<html>${MARKER_KEY}</html>`],
      [200, `{"_id": "${MARKER_KEY}", "status": 3}`],
      [200, `{"data": "${MARKER_KEY}`],
    ];
    const raw = await server((_request, response, index) => {
      const [status, body] = bodies[index % bodies.length]!;
      reply(response, status, body, { 'x-request-id': MARKER_KEY });
    });
    const { client } = makeClient(raw.origin, { retry: { maxRetries: 0 } });
    const errors: ApiError[] = [];
    for (let i = 0; i < bodies.length; i++) errors.push(await failure(client.getTask('t')));
    const unreachable = makeClient('http://127.0.0.1:1', { retry: { maxRetries: 0 } });
    errors.push(await failure(unreachable.client.getTask('t')));
    expect(errors.map((error) => error.kind)).toEqual([
      'http',
      'http',
      'http',
      'http',
      'invalid_response',
      'invalid_response',
      'network',
    ]);
    for (const error of errors) expectNoSecret(error);
    expect(errors[0]!.message).toBe('401 api_key_invalid: Key tlk_…CRET is invalid');
    expect(errors[2]!.message).toBe('404 x: tlk_…CRET https://s3.example/bucket/part?…');
  });

  test('printing the client does not show the key', () => {
    const { client } = makeClient('http://127.0.0.1:1');
    expect(inspect(client, { depth: 5, showHidden: true })).not.toContain(MARKER_KEY);
    expect(Object.values(client)).not.toContain(MARKER_KEY);
  });

  test('a bad key or base URL is refused without being echoed', () => {
    expect(() => new TwelveLabsClient({ apiKey: `${MARKER_KEY}\n`, baseUrl: 'http://127.0.0.1:1' })).toThrow(
      /^the API key is empty/,
    );
    expect(
      () => new TwelveLabsClient({ apiKey: MARKER_KEY, baseUrl: `http://u:${MARKER_KEY}@127.0.0.1:1` }),
    ).toThrow(/credentials/);
  });
});
