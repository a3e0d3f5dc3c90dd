import { describe, expect, test } from 'vitest';
import { normalizeApiBaseUrl } from '../../../src/api/base-url.js';
import { httpError, parseErrorBody } from '../../../src/api/http-error.js';
import { clampPageQuery, toSearchParams } from '../../../src/api/query.js';
import { readRateLimit, readRetryAfterMs } from '../../../src/api/rate-limit.js';
import { DEFAULT_RETRY, retryDelayMs } from '../../../src/api/retry.js';

describe('parseErrorBody', () => {
  test('reads the classic shape', () => {
    const body =
      '{"code":"parameter_invalid","message":"The index_id parameter is invalid.","docs_url":"https://d"}';
    expect(parseErrorBody(body)).toEqual({
      code: 'parameter_invalid',
      message: 'The index_id parameter is invalid.',
    });
  });

  test('reads the envelope shape', () => {
    const body = '{"error":{"code":"not_found","message":"Task not found","details":{"id":"x"}}}';
    expect(parseErrorBody(body)).toEqual({ code: 'not_found', message: 'Task not found' });
  });

  test('reads the search shape with an integer code', () => {
    expect(parseErrorBody('{"error_code":104,"message":"bad"}')).toEqual({ code: '104', message: 'bad' });
  });

  test('recognises HTML and yields nothing from empty or broken bodies', () => {
    expect(parseErrorBody('<!DOCTYPE html><html><title>502</title></html>')).toEqual({ html: true });
    expect(parseErrorBody('')).toEqual({});
    expect(parseErrorBody('{"code":"x",')).toEqual({});
    expect(parseErrorBody('[1,2]')).toEqual({});
  });
});

describe('httpError', () => {
  const base = { method: 'GET', path: '/v1.3/tasks', secrets: ['tlk_secretsecretsecret'], now: 1_000_000 };

  test('builds a one-line message from the server text', () => {
    const error = httpError({
      ...base,
      status: 404,
      headers: { 'x-request-id': 'req-1' },
      bodyText: '{"code":"resource_not_exist","message":"Resource\\nwith id x\\u001b[2J does not exist"}',
    });
    expect(error).toMatchObject({ kind: 'http', status: 404, code: 'resource_not_exist', retryable: false });
    expect(error.message).toBe('404 resource_not_exist: Resource with id x does not exist');
    expect(error.requestId).toBe('req-1');
  });

  test('an empty 429 takes its wait from X-Ratelimit-Reset', () => {
    const error = httpError({ ...base, status: 429, headers: { 'x-ratelimit-reset': '1003' }, bodyText: '' });
    expect(error).toMatchObject({ code: 'http_429', retryable: true, retryAfterMs: 3000 });
    expect(error.message).toBe('429 Too Many Requests; retry in 3s');
  });

  test('a code that is the key itself is not used', () => {
    const error = httpError({
      ...base,
      status: 400,
      headers: {},
      bodyText: '{"code":"tlk_secretsecretsecret"}',
    });
    expect(error.code).toBe('http_400');
  });
});

describe('rate-limit headers', () => {
  test('reads X-Ratelimit-* and ignores garbage', () => {
    const headers = {
      'x-ratelimit-limit': '120',
      'x-ratelimit-remaining': '7',
      'x-ratelimit-used': 'lots',
      'x-ratelimit-reset': '1700000000',
    };
    expect(readRateLimit(headers)).toEqual({ limit: 120, remaining: 7, reset: 1_700_000_000 });
    expect(readRateLimit({})).toBeUndefined();
  });

  test('Retry-After in seconds, as a date, as retry-after-ms', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(readRetryAfterMs({ 'retry-after': '2' }, 503, now)).toBe(2000);
    expect(readRetryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, 503, now)).toBe(5000);
    expect(readRetryAfterMs({ 'retry-after-ms': '150' }, 429, now)).toBe(150);
    expect(readRetryAfterMs({ 'retry-after': '-1' }, 429, now)).toBeUndefined();
  });

  test("points in time count from the response's Date, not a skewed local clock", () => {
    const skewedNow = Date.parse('2030-06-01T00:00:00Z');
    const date = 'Thu, 01 Jan 2026 00:00:00 GMT';
    const reset = String(Date.parse('2026-01-01T00:00:05Z') / 1000);
    expect(readRetryAfterMs({ date, 'x-ratelimit-reset': reset }, 429, skewedNow)).toBe(5000);
    expect(readRetryAfterMs({ date, 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }, 503, skewedNow)).toBe(
      7000,
    );
    expect(readRetryAfterMs({ date: 'garbage', 'x-ratelimit-reset': '1005' }, 429, 1_000_000)).toBe(5000);
  });

  test('X-Ratelimit-Reset counts only for a 429', () => {
    const headers = { 'x-ratelimit-reset': '1010' };
    expect(readRetryAfterMs(headers, 429, 1_000_000)).toBe(10_000);
    expect(readRetryAfterMs(headers, 503, 1_000_000)).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  test('full jitter within an exponentially growing, capped ceiling', () => {
    const options = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.999999 };
    expect([0, 1, 2, 3, 4, 10].map((retry) => retryDelayMs(options, retry, undefined))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(retryDelayMs({ ...options, random: () => 0 }, 3, undefined)).toBe(0);
  });

  test('never shorter than Retry-After, and no retry when the server asks for too long', () => {
    const options = { ...DEFAULT_RETRY, random: () => 0, maxRetryAfterMs: 5000 };
    expect(retryDelayMs(options, 0, 2500)).toBe(2500);
    expect(retryDelayMs(options, 0, 5001)).toBeUndefined();
  });
});

describe('base URL and query', () => {
  test('adds /v1.3 when missing, keeps it when present', () => {
    expect(normalizeApiBaseUrl('https://api.twelvelabs.io').href).toBe('https://api.twelvelabs.io/v1.3');
    expect(normalizeApiBaseUrl('https://api.twelvelabs.io/v1.3/').href).toBe(
      'https://api.twelvelabs.io/v1.3',
    );
    expect(normalizeApiBaseUrl('http://127.0.0.1:9/proxy/').href).toBe('http://127.0.0.1:9/proxy/v1.3');
  });

  test('refuses non-http URLs and credentials without echoing them', () => {
    expect(() => normalizeApiBaseUrl('ftp://x')).toThrow(/http/);
    expect(() => normalizeApiBaseUrl('https://user:tlk_pw@host')).toThrow(/credentials/);
    expect(() => normalizeApiBaseUrl('https://user:tlk_pw@host')).not.toThrow(/tlk_pw/);
  });

  test('arrays become repeated keys; page_limit stays within 1..50', () => {
    expect(toSearchParams({ status: ['ready', 'failed'], page: 2, filename: undefined }).toString()).toBe(
      'status=ready&status=failed&page=2',
    );
    expect(clampPageQuery({ page: 0, page_limit: 500 })).toEqual({ page: 1, page_limit: 50 });
    expect(clampPageQuery({ page_limit: -3 })).toEqual({ page_limit: 1 });
  });
});
