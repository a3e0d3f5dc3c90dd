import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TwelveLabsClient } from '../../../src/api/client.js';
import { ApiError, type ApiErrorKind } from '../../../src/api/errors.js';
import { type RawServer, startRawServer } from './raw-server.js';

/**
 * Hostile and malformed responses, each served by a raw node:http server. Every one must end
 * as a typed ApiError with a short, clean message, or as a correctly parsed value when valid.
 */
interface FuzzCase {
  name: string;
  /** What the server does; a string or Buffer is sent as a 200 (or `status`) JSON response. */
  serve: string | Buffer | ((response: ServerResponse) => void);
  status?: number;
  /** `object` calls getTask, `page` listIndexedAssets, `urls` requestPresignedUrls, `create` createUpload. */
  call?: 'object' | 'page' | 'urls' | 'create';
  expectKind?: ApiErrorKind;
  expectCode?: string;
  /** For valid bodies: checks the parsed value. */
  valid?: (value: unknown) => void;
}

const TASK = '{"_id":"6298d673f1090f1100476d4c","status":"ready"';
const PAGE_INFO = '"page_info":{"limit_per_page":10,"page":1,"total_page":1,"total_results":1}';
const ITEM = '{"_id":"6298d673f1090f1100476d4d","status":"ready"}';
const MiB = 1024 * 1024;
const URLS =
  '"upload_id":"u1","start_index":1,"count":1,"generated_at":"2026-01-01T00:00:00Z","expires_at":"2026-01-01T01:00:00Z"';
const CREATED =
  '"upload_id":"u1","asset_id":"a1","chunk_size":5242880,"total_chunks":1,"expires_at":"2026-01-02T00:00:00Z","upload_urls":[]';

const cases: FuzzCase[] = [
  { name: 'empty body', serve: '', expectCode: 'empty_body' },
  { name: 'whitespace only', serve: ' \n\t ', expectCode: 'empty_body' },
  { name: 'null', serve: 'null', expectCode: 'schema_mismatch' },
  { name: 'an array', serve: '[]', expectCode: 'schema_mismatch' },
  { name: 'a string', serve: '"ready"', expectCode: 'schema_mismatch' },
  { name: 'a number', serve: '42', expectCode: 'schema_mismatch' },
  { name: 'empty object', serve: '{}', expectCode: 'schema_mismatch' },
  { name: '_id is a number', serve: '{"_id":42,"status":"ready"}', expectCode: 'schema_mismatch' },
  { name: 'status is a number', serve: '{"_id":"a","status":3}', expectCode: 'schema_mismatch' },
  { name: 'status is null', serve: '{"_id":"a","status":null}', expectCode: 'schema_mismatch' },
  {
    name: 'status of 1 MB',
    serve: `{"_id":"a","status":"${'x'.repeat(MiB)}"}`,
    expectCode: 'schema_mismatch',
  },
  {
    name: 'escape sequence in status',
    serve: JSON.stringify({ _id: 'a', status: '\u001b]0;owned\u0007ready' }),
    expectCode: 'schema_mismatch',
  },
  {
    name: 'newline in _id',
    serve: JSON.stringify({ _id: 'a\nb', status: 'ready' }),
    expectCode: 'schema_mismatch',
  },
  { name: 'empty _id', serve: '{"_id":"","status":"ready"}', expectCode: 'schema_mismatch' },
  {
    name: 'created_at is a number',
    serve: `${TASK},"created_at":1700000000}`,
    expectCode: 'schema_mismatch',
  },
  {
    name: 'duration overflows to Infinity',
    serve: `${TASK},"system_metadata":{"duration":1e400}}`,
    expectCode: 'schema_mismatch',
  },
  {
    name: 'negative duration',
    serve: `${TASK},"system_metadata":{"duration":-5}}`,
    expectCode: 'schema_mismatch',
  },
  { name: 'truncated JSON', serve: '{"_id":"a","sta', expectCode: 'invalid_json' },
  { name: 'trailing garbage', serve: `${TASK}} and more`, expectCode: 'invalid_json' },
  { name: 'single quotes', serve: "{'_id':'a','status':'ready'}", expectCode: 'invalid_json' },
  {
    name: 'not UTF-8 at all',
    serve: Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0xc3, 0x28]),
    expectCode: 'invalid_utf8',
  },
  {
    name: 'invalid UTF-8 inside a string',
    serve: Buffer.concat([
      Buffer.from('{"_id":"a'),
      Buffer.from([0xc0, 0xaf]),
      Buffer.from('","status":"ready"}'),
    ]),
    expectCode: 'invalid_utf8',
  },
  {
    name: 'an HTML page on a 200',
    serve: '<html><body>Welcome to nginx</body></html>',
    expectCode: 'invalid_json',
  },
  {
    name: 'XML',
    serve: '<?xml version="1.0"?><Error><Code>AccessDenied</Code></Error>',
    expectCode: 'invalid_json',
  },
  {
    name: 'deeply nested array body',
    serve: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    expectKind: 'invalid_response',
  },
  { name: 'unterminated deep nesting', serve: '['.repeat(200_000), expectCode: 'invalid_json' },
  {
    name: '10 MB of valid JSON',
    serve: `${TASK},"pad":"${'p'.repeat(10 * MiB)}"}`,
    expectCode: 'response_too_large',
  },
  { name: '10 MB of garbage', serve: Buffer.alloc(10 * MiB, 0x00), expectCode: 'response_too_large' },
  {
    name: 'duplicate key, last one wrong',
    serve: '{"_id":"a","status":"ready","status":false}',
    expectCode: 'schema_mismatch',
  },
  {
    name: 'negative total_results',
    serve: `{"data":[${ITEM}],"page_info":{"limit_per_page":10,"page":1,"total_page":1,"total_results":-1}}`,
    call: 'page',
    expectCode: 'schema_mismatch',
  },
  {
    name: 'fractional page',
    serve: `{"data":[],"page_info":{"limit_per_page":10,"page":1.5,"total_page":1,"total_results":0}}`,
    call: 'page',
    expectCode: 'schema_mismatch',
  },
  {
    name: 'numbers as strings',
    serve: `{"data":[],"page_info":{"limit_per_page":"10","page":1,"total_page":1,"total_results":0}}`,
    call: 'page',
    expectCode: 'schema_mismatch',
  },
  {
    name: 'data is an object',
    serve: `{"data":{"0":${ITEM}},${PAGE_INFO}}`,
    call: 'page',
    expectCode: 'schema_mismatch',
  },
  { name: 'page_info missing', serve: `{"data":[${ITEM}]}`, call: 'page', expectCode: 'schema_mismatch' },
  {
    name: 'an item missing its status',
    serve: `{"data":[${ITEM},{"_id":"b"}],${PAGE_INFO}}`,
    call: 'page',
    expectCode: 'schema_mismatch',
  },
  {
    name: 'a presigned URL that is a local file',
    serve: `{${URLS},"upload_urls":[{"chunk_index":1,"url":"file:///etc/passwd","expires_at":"2026-01-01T01:00:00Z"}]}`,
    call: 'urls',
    expectCode: 'schema_mismatch',
  },
  {
    name: 'a presigned URL that is not a URL',
    serve: `{${URLS},"upload_urls":[{"chunk_index":1,"url":"chunk-1","expires_at":"2026-01-01T01:00:00Z"}]}`,
    call: 'urls',
    expectCode: 'schema_mismatch',
  },
  {
    name: 'an upload header with a line break (header injection)',
    serve: `{${CREATED},"upload_headers":{"Content-Type":"application/octet-stream\\r\\nX-Evil: 1"}}`,
    call: 'create',
    expectCode: 'schema_mismatch',
  },
  {
    name: 'an upload header name with a space',
    serve: `{${CREATED},"upload_headers":{"Content Type":"x"}}`,
    call: 'create',
    expectCode: 'schema_mismatch',
  },
  {
    name: 'a redirect',
    serve: (response) => {
      response.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' });
      response.end();
    },
    expectKind: 'http',
    expectCode: 'http_302',
  },
  {
    name: 'content-length longer than the body',
    serve: (response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write(`${TASK}}`);
      setTimeout(() => response.socket?.destroy(), 20);
    },
    expectKind: 'network',
  },
  {
    name: 'connection dropped mid-body',
    serve: (response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"_id":"a",');
      setTimeout(() => response.socket?.destroy(), 20);
    },
    expectKind: 'network',
  },
  {
    name: 'socket closed before any response',
    serve: (response) => {
      response.socket?.destroy();
    },
    expectKind: 'network',
  },
  {
    name: 'garbage instead of HTTP',
    serve: (response) => {
      response.socket?.end('SSH-2.0-OpenSSH_9.6\r\n\r\n');
    },
    expectKind: 'network',
  },
  {
    name: '10 MB error body with escape sequences',
    status: 500,
    serve: JSON.stringify({ code: 'boom', message: `\u001b[2J\u001b[31m${'x'.repeat(10 * MiB)}` }),
    expectKind: 'http',
    expectCode: 'http_500',
  },
  {
    name: 'error message full of control characters',
    status: 400,
    serve: JSON.stringify({
      code: 'bad\u001bcode',
      message: `line1\r\nline2\u0007\u2028${'é'.repeat(5000)}`,
    }),
    expectKind: 'http',
    expectCode: 'http_400',
  },
  {
    name: 'envelope with non-string fields',
    status: 404,
    serve: '{"error":{"code":{"nested":true},"message":["a"]}}',
    expectKind: 'http',
    expectCode: 'http_404',
  },
  // Valid, if odd, bodies are parsed.
  {
    name: 'slow drip of a valid body',
    serve: (response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const bytes = Buffer.from(`${TASK}}`);
      let sent = 0;
      const timer = setInterval(() => {
        response.write(bytes.subarray(sent, sent + 4));
        sent += 4;
        if (sent >= bytes.length) {
          clearInterval(timer);
          response.end();
        }
      }, 5);
    },
    valid: (value) => expect(value).toMatchObject({ status: 'ready' }),
  },
  {
    name: 'deep nesting inside an extra field',
    serve: `${TASK},"extra":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    valid: (value) => expect(Array.isArray((value as { extra: unknown }).extra)).toBe(true),
  },
  {
    name: '__proto__ key does not pollute',
    serve: `${TASK},"__proto__":{"polluted":true}}`,
    valid: () => expect(({} as { polluted?: boolean }).polluted).toBeUndefined(),
  },
  {
    name: 'unknown status and extra fields',
    serve: `{"_id":"a","status":"reticulating","new_field":{"x":[1,2]}}`,
    valid: (value) => expect(value).toMatchObject({ status: 'reticulating', new_field: { x: [1, 2] } }),
  },
  {
    name: 'a byte order mark is skipped',
    serve: `\uFEFF${TASK}}`,
    valid: (value) => expect(value).toMatchObject({ status: 'ready' }),
  },
  {
    name: 'valid presigned URLs keep their query',
    serve: `{${URLS},"upload_urls":[{"chunk_index":1,"url":"https://s3.example/b/k?X-Amz-Signature=1","expires_at":"2026-01-01T01:00:00Z"}]}`,
    call: 'urls',
    valid: (value) =>
      expect(value).toMatchObject({ upload_urls: [{ url: 'https://s3.example/b/k?X-Amz-Signature=1' }] }),
  },
  {
    name: 'data null is an empty page',
    serve: `{"data":null,${PAGE_INFO}}`,
    call: 'page',
    valid: (value) => expect((value as { data: unknown[] }).data).toEqual([]),
  },
  {
    name: 'escape sequences in free text are kept for the UI to sanitise',
    serve: `${TASK},"system_metadata":{"filename":"\\u001b[31mred.mp4"}}`,
    valid: (value) => expect(value).toMatchObject({ system_metadata: { filename: '\u001b[31mred.mp4' } }),
  },
];

let server: RawServer;
let client: TwelveLabsClient;

beforeAll(async () => {
  server = await startRawServer((request, response) => {
    const index = Number(/case-(\d+)/.exec(`${request.url} ${request.body}`)?.[1]);
    const fuzz = cases[index]!;
    if (typeof fuzz.serve === 'function') return fuzz.serve(response);
    response.writeHead(fuzz.status ?? 200, { 'content-type': 'application/json' });
    response.end(fuzz.serve);
  });
  client = new TwelveLabsClient({
    apiKey: 'tlk_fuzz0000000000000000',
    baseUrl: server.origin,
    retry: { maxRetries: 0 },
    timeouts: { totalMs: 5000 },
  });
});

afterAll(async () => {
  await client.close();
  await server.close();
});

describe('hostile responses', () => {
  test('there are at least 30 malformed cases', () => {
    expect(cases.filter((fuzz) => !fuzz.valid).length).toBeGreaterThanOrEqual(30);
  });

  test.each(cases.map((fuzz, index) => [fuzz.name, index] as const))('%s', async (_name, index) => {
    const fuzz = cases[index]!;
    const id = `case-${index}`;
    const calls = {
      object: () => client.getTask(id),
      page: () => client.listIndexedAssets(id),
      urls: () => client.requestPresignedUrls(id, 1, 1),
      create: () => client.createUpload({ filename: id, type: 'video', total_size: 1 }),
    };
    const call = calls[fuzz.call ?? 'object']();
    const outcome = await call.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    if (fuzz.valid) {
      expect(outcome).toHaveProperty('value');
      fuzz.valid((outcome as { value: unknown }).value);
      return;
    }
    const { error } = outcome as { error: unknown };
    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    if (fuzz.expectKind) expect(apiError.kind).toBe(fuzz.expectKind);
    if (fuzz.expectCode) expect(apiError.code).toBe(fuzz.expectCode);
    expect(apiError.message.length).toBeLessThanOrEqual(200);
    expect(apiError.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  });
});

/** Small seeded PRNG so a failing mutation can be replayed. */
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALID_PAGE = {
  data: [
    {
      _id: '6298d673f1090f1100476d4c',
      status: 'ready',
      created_at: '2026-01-01T00:00:00Z',
      system_metadata: { filename: 'a.mp4', duration: 12.5, width: 1280, height: 720 },
      error_reason: { code: 'x', message: 'y' },
    },
  ],
  page_info: { limit_per_page: 10, page: 1, total_page: 1, total_results: 1 },
};

const ODD_VALUES: unknown[] = [null, -1, 1.5, 1e308, '', '\u001b[2J', [], {}, true, 'x'.repeat(300)];

/** One random change to a valid body: a byte cut, a byte flipped, or a field replaced or removed. */
function mutate(random: () => number): Buffer {
  const body = structuredClone(VALID_PAGE) as Record<string, unknown>;
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const choice = random();
  if (choice < 0.2) {
    const text = Buffer.from(JSON.stringify(body));
    return text.subarray(0, Math.floor(random() * text.length));
  }
  if (choice < 0.35) {
    const text = Buffer.from(JSON.stringify(body));
    text[Math.floor(random() * text.length)] = Math.floor(random() * 256);
    return text;
  }
  const item = (body.data as Record<string, unknown>[])[0]!;
  const target = pick([
    body,
    body.page_info as Record<string, unknown>,
    item,
    item.system_metadata as Record<string, unknown>,
  ]);
  const key = pick(Object.keys(target));
  if (random() < 0.3) delete target[key];
  else target[key] = pick(ODD_VALUES);
  return Buffer.from(JSON.stringify(body));
}

describe('random mutations of a valid page', () => {
  test('300 mutations: each a parsed page or a typed ApiError, never anything else', async () => {
    const random = mulberry32(20261123);
    let next: Buffer = Buffer.alloc(0);
    const mutationServer = await startRawServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(next);
    });
    const mutationClient = new TwelveLabsClient({
      apiKey: 'tlk_fuzz0000000000000000',
      baseUrl: mutationServer.origin,
      retry: { maxRetries: 0 },
    });
    const tally = { parsed: 0, rejected: 0 };
    try {
      for (let i = 0; i < 300; i++) {
        next = mutate(random);
        const outcome = await mutationClient.listTasks().then(
          (page) => ({ page }),
          (error: unknown) => ({ error }),
        );
        if ('page' in outcome) {
          expect(Array.isArray(outcome.page.data)).toBe(true);
          for (const task of outcome.page.data) expect(typeof task.status).toBe('string');
          tally.parsed++;
        } else {
          expect(outcome.error, `mutation ${i}: ${next.toString('latin1')}`).toBeInstanceOf(ApiError);
          expect((outcome.error as ApiError).message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
          tally.rejected++;
        }
      }
    } finally {
      await mutationClient.close();
      await mutationServer.close();
    }
    // Both outcomes occur: harmless changes (an optional field dropped) parse, the rest are refused.
    expect(tally.parsed).toBeGreaterThan(10);
    expect(tally.rejected).toBeGreaterThan(100);
  });
});
