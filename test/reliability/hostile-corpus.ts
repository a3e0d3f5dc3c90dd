/**
 * Hostile answers a broken or malicious server could send, served by a raw node:http server
 * on 127.0.0.1 to every request. Each case either sends a status, headers and body, or
 * scripts the socket itself (slow drip, cut connection).
 */
import type { ServerResponse } from 'node:http';

export interface HostileCase {
  name: string;
  respond(response: ServerResponse): void | Promise<void>;
}

const ESC = '\u001b';
const EVIL = `${ESC}[2J${ESC}[31mEVIL${ESC}]0;pwned${ESC}\\\u0007\u009b31m\r`;
const MiB = 1024 ** 2;

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return (response: ServerResponse) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

const PAGE_INFO = { limit_per_page: 50, page: 1, total_page: 1, total_results: 1 };

function item(overrides: Record<string, unknown> = {}) {
  return {
    _id: '6298d673f1090f1100476d4c',
    status: 'ready',
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    filename: 'clip.mp4',
    index_name: 'index',
    system_metadata: { filename: 'clip.mp4', duration: 10 },
    ...overrides,
  };
}

const page = (items: unknown[], pageInfo: Record<string, unknown> = PAGE_INFO) => ({
  data: items,
  page_info: pageInfo,
});

export const HOSTILE_CASES: HostileCase[] = [
  { name: 'data is a string', respond: json(200, { data: 'nope', page_info: PAGE_INFO }) },
  { name: 'data items are numbers', respond: json(200, page([1, 2, 3])) },
  { name: '_id is a number', respond: json(200, page([item({ _id: 12345 })])) },
  { name: 'status is an object', respond: json(200, page([item({ status: { evil: true } })])) },
  { name: 'page_info missing', respond: json(200, { data: [item()] }) },
  { name: 'data missing', respond: json(200, { page_info: PAGE_INFO }) },
  {
    name: 'negative counts',
    respond: json(
      200,
      page([item()], { limit_per_page: -50, page: -1, total_page: -3, total_results: -100 }),
    ),
  },
  {
    name: 'absurd total_results',
    respond: json(200, page([item()], { ...PAGE_INFO, total_results: 1e300 })),
  },
  {
    name: 'escape sequences in filenames',
    respond: json(
      200,
      page([
        item({
          filename: `${EVIL}.mp4`,
          index_name: EVIL,
          system_metadata: { filename: `${EVIL}.mp4`, duration: 5 },
        }),
      ]),
    ),
  },
  { name: 'escape sequences in status', respond: json(200, page([item({ status: `${EVIL}ready` })])) },
  {
    name: 'escape sequences in an error message',
    respond: json(400, { code: 'parameter_invalid', message: `bad ${EVIL} input` }),
  },
  {
    name: 'escape sequences in error_reason',
    respond: json(200, page([item({ status: 'failed', error_reason: { message: EVIL, code: EVIL } })])),
  },
  {
    name: 'huge strings (1 MiB filename)',
    respond: json(
      200,
      page([item({ filename: 'x'.repeat(MiB), system_metadata: { filename: 'y'.repeat(MiB) } })]),
    ),
  },
  {
    name: '10 MB JSON body',
    respond: json(
      200,
      page(
        Array.from({ length: 40_000 }, (_, i) =>
          item({ _id: i.toString(16).padStart(24, '0'), filename: 'z'.repeat(200) }),
        ),
      ),
    ),
  },
  { name: '10 MB of garbage', respond: json(200, '\u0000\u001b['.repeat(5 * MiB)) },
  { name: 'body is null', respond: json(200, 'null') },
  { name: 'body is an array', respond: json(200, '[]') },
  {
    name: 'body is HTML',
    respond: (response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(`<html><body>${EVIL}</body></html>`);
    },
  },
  { name: 'empty 200', respond: json(200, '') },
  { name: 'truncated JSON', respond: json(200, '{"data":[{"_id":') },
  { name: 'deeply nested JSON', respond: json(200, `${'['.repeat(100_000)}${']'.repeat(100_000)}`) },
  {
    name: 'invalid dates',
    respond: json(200, page([item({ created_at: 'not a date', updated_at: '99999-99-99T99:99:99Z' })])),
  },
  {
    name: 'far-future dates and infinite numbers',
    respond: json(
      200,
      page([
        item({
          created_at: '+275760-09-13T00:00:00.000Z',
          system_metadata: { filename: 'f', duration: 1e308 },
        }),
      ]),
    ),
  },
  {
    name: '__proto__ keys',
    respond: json(
      200,
      `{"__proto__":{"polluted":true},"data":[{"__proto__":{"status":"x"},"_id":"6298d673f1090f1100476d4c","status":"ready","created_at":"2026-01-01T00:00:00Z"}],"page_info":${JSON.stringify(PAGE_INFO)}}`,
    ),
  },
  {
    name: 'unknown status with control characters',
    respond: json(200, page([item({ status: `exploded\u0007\u0008\u007f` })])),
  },
  { name: '500 with an escape-laden body', respond: json(500, { message: EVIL, code: EVIL }) },
  {
    name: '503 HTML page',
    respond: (response) => {
      response.writeHead(503, { 'content-type': 'text/html', 'retry-after': '1' });
      response.end(`<h1>${EVIL} down</h1>`);
    },
  },
  { name: '401 with escapes', respond: json(401, { code: 'api_key_invalid', message: `key ${EVIL}` }) },
  {
    name: '429 with a huge Retry-After',
    respond: json(429, { code: 'too_many_requests', message: 'slow down' }, { 'retry-after': '999999999' }),
  },
  {
    name: '429 with a garbage Retry-After',
    respond: json(
      429,
      { code: 'too_many_requests', message: 'slow' },
      { 'retry-after': `${EVIL}`.replace(/[\r\n\u0000-\u001f\u007f-\u009f]/g, '?') },
    ),
  },
  {
    name: 'rate-limit headers negative and garbage',
    respond: json(200, page([item()]), {
      'x-ratelimit-limit': '-5',
      'x-ratelimit-remaining': 'lots',
      'x-ratelimit-reset': '-1e9',
    }),
  },
  {
    name: 'status 204 with a body',
    respond: (response) => {
      response.writeHead(204);
      response.end();
    },
  },
  {
    name: 'status 599',
    respond: (response) => {
      response.writeHead(599, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: EVIL }));
    },
  },
  {
    name: 'connection cut mid-body',
    respond: (response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
      response.write('{"data":[');
      setTimeout(() => response.destroy(), 20);
    },
  },
  {
    name: 'slow-drip body',
    respond: async (response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const text = JSON.stringify(page([item({ filename: `drip${EVIL}.mp4` })]));
      for (const char of text.slice(0, 60)) {
        if (response.destroyed) return;
        response.write(char);
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
      response.end(text.slice(60));
    },
  },
  {
    name: 'duplicate ids',
    respond: json(200, page([item(), item(), item()], { ...PAGE_INFO, total_results: 3 })),
  },
];
