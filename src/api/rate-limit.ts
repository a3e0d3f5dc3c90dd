import type { IncomingHttpHeaders } from 'node:http';
import type { RateLimitState } from './api.js';

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function nonNegativeNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(text)) return undefined;
  return Number(text);
}

/** The `X-Ratelimit-*` headers of a response, or undefined when it carries none. */
export function readRateLimit(headers: IncomingHttpHeaders): RateLimitState | undefined {
  const state: RateLimitState = {};
  const limit = nonNegativeNumber(header(headers, 'x-ratelimit-limit'));
  const remaining = nonNegativeNumber(header(headers, 'x-ratelimit-remaining'));
  const used = nonNegativeNumber(header(headers, 'x-ratelimit-used'));
  const reset = nonNegativeNumber(header(headers, 'x-ratelimit-reset'));
  if (limit !== undefined) state.limit = limit;
  if (remaining !== undefined) state.remaining = remaining;
  if (used !== undefined) state.used = used;
  if (reset !== undefined) state.reset = reset;
  return Object.keys(state).length ? state : undefined;
}

/**
 * How long the server asks us to wait, from `retry-after-ms`, `Retry-After` (seconds or an
 * HTTP date) or, for a 429 without them, `X-Ratelimit-Reset` (epoch seconds). Points in time
 * are measured from the response's own `Date` when it has one, so a skewed local clock cannot
 * stretch or cancel the wait; `now` is the fallback.
 */
export function readRetryAfterMs(
  headers: IncomingHttpHeaders,
  status: number,
  localNow: number,
): number | undefined {
  const serverDate = Date.parse(header(headers, 'date') ?? '');
  const now = Number.isNaN(serverDate) ? localNow : serverDate;
  const milliseconds = nonNegativeNumber(header(headers, 'retry-after-ms'));
  if (milliseconds !== undefined) return Math.round(milliseconds);

  const retryAfter = header(headers, 'retry-after')?.trim();
  if (retryAfter) {
    const seconds = nonNegativeNumber(retryAfter);
    if (seconds !== undefined) return Math.round(seconds * 1000);
    const date = /[a-z]/i.test(retryAfter) ? Date.parse(retryAfter) : Number.NaN;
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }

  if (status === 429) {
    const reset = nonNegativeNumber(header(headers, 'x-ratelimit-reset'));
    if (reset !== undefined) return Math.max(0, Math.round(reset * 1000 - now));
  }
  return undefined;
}

export function readRequestId(headers: IncomingHttpHeaders): string | undefined {
  const id = header(headers, 'x-request-id') ?? header(headers, 'x-amzn-requestid');
  return id && /^[\w.:-]{1,128}$/.test(id) ? id : undefined;
}
