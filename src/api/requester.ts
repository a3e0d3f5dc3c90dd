import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import type { ConnectionStats, RateLimitState } from './api.js';
import { decodeJson, invalidResponse, type RequestContext } from './decode.js';
import { ApiError } from './errors.js';
import { httpError } from './http-error.js';
import { toSearchParams } from './query.js';
import { readRateLimit } from './rate-limit.js';
import { type RetryOptions, retryDelayMs } from './retry.js';
import { NOT_SENT_CODES, type RawResponse, send, type Timeouts } from './transport.js';

export type Query = Parameters<typeof toSearchParams>[0];

/** One API call as the endpoints describe it. */
export interface CallSpec<T> {
  method: 'GET' | 'POST' | 'DELETE';
  /** Relative to the base URL, ids already percent-encoded: `/tasks/abc`. */
  path: string;
  query?: Query;
  body?: unknown;
  /** Absent for calls whose success has no body worth reading (deletes). */
  schema?: z.ZodType<T>;
  /** Safe to send twice: retried on connection errors, 408, 429 and 5xx. */
  idempotent: boolean;
  signal?: AbortSignal | undefined;
  maxRetries?: number | undefined;
  /** Overrides the client's response size limit (embedding retrieves carry every vector). */
  maxResponseBytes?: number;
}

export interface RequesterOptions {
  apiKey: string;
  base: URL;
  userAgent: string;
  timeouts: Timeouts;
  retry: RetryOptions;
  dispatcher: Dispatcher;
  maxResponseBytes: number;
  now: () => number;
}

const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Anything but an ApiError (a programming error before sending) still rejects as one. */
function asApiError(error: unknown, context: RequestContext): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError({
    kind: 'invalid_request',
    code: 'request_failed',
    message: 'the request could not be sent',
    retryable: false,
    ...context,
  });
}

/**
 * An id that would change the path's meaning once in the URL: empty (`/tasks/` is the list),
 * or `.` / `..`, which URLs resolve (ids are percent-encoded, so no other spelling gets here).
 */
function unusableSegment(path: string): string | undefined {
  return path
    .split('/')
    .slice(1)
    .find((segment) => /^\.{0,2}$/.test(segment));
}

/**
 * Sends calls with the key, validates what comes back, retries where safe (the only retry
 * layer) and keeps the connection stats.
 */
export class Requester {
  // A #private field: util.inspect and JSON.stringify never show it.
  readonly #apiKey: string;
  private readonly options: Omit<RequesterOptions, 'apiKey'>;
  private currentStats: ConnectionStats = { rateLimit: {} };
  private readonly listeners = new Set<(stats: ConnectionStats) => void>();

  constructor({ apiKey, ...options }: RequesterOptions) {
    this.#apiKey = apiKey;
    this.options = options;
  }

  stats(): ConnectionStats {
    return this.currentStats;
  }

  onStats(listener: (stats: ConnectionStats) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async call<T>(spec: CallSpec<T>): Promise<T> {
    const context = { method: spec.method, path: `${this.options.base.pathname}${spec.path}` };
    const badSegment = unusableSegment(spec.path);
    if (badSegment !== undefined) {
      throw new ApiError({
        kind: 'invalid_request',
        code: 'invalid_id',
        message: `invalid id "${badSegment}" in ${context.method} ${context.path}`,
        retryable: false,
        ...context,
      });
    }
    const { retry: policy } = this.options;
    const maxRetries = spec.maxRetries ?? policy.maxRetries;
    for (let retry = 0; ; retry++) {
      try {
        return await this.attempt(spec, context);
      } catch (error) {
        const apiError = asApiError(error, context);
        const notSent = NOT_SENT_CODES.has(apiError.code);
        const retryAllowed = spec.idempotent || apiError.status === 429 || notSent;
        // A response timeout already cost seconds: report it now, the poller's backoff takes over.
        const timedOut = apiError.kind === 'timeout' && !notSent;
        if (!apiError.retryable || !retryAllowed || timedOut || retry >= maxRetries) throw apiError;
        const wait = retryDelayMs(policy, retry, apiError.retryAfterMs);
        if (wait === undefined) throw apiError;
        try {
          await policy.sleep(wait, spec.signal);
        } catch {
          throw new ApiError({
            kind: 'abort',
            code: 'aborted',
            message: 'request cancelled',
            retryable: false,
            ...context,
          });
        }
      }
    }
  }

  private async attempt<T>(spec: CallSpec<T>, context: RequestContext): Promise<T> {
    const url = new URL(context.path, this.options.base.origin);
    url.search = toSearchParams(spec.query).toString();
    const headers: Record<string, string> = {
      'x-api-key': this.#apiKey,
      'user-agent': this.options.userAgent,
      accept: 'application/json',
    };
    if (spec.body !== undefined) headers['content-type'] = 'application/json';

    const started = performance.now();
    let latencyMs: number | undefined;
    let rateLimit: RateLimitState | undefined;
    let ok = false;
    try {
      const response = await send(
        {
          method: spec.method,
          url,
          headers,
          ...(spec.body !== undefined && { body: JSON.stringify(spec.body) }),
        },
        {
          dispatcher: this.options.dispatcher,
          timeouts: this.options.timeouts,
          signal: spec.signal,
          maxBodyBytes: spec.maxResponseBytes ?? this.options.maxResponseBytes,
          maxErrorBodyBytes: MAX_ERROR_BODY_BYTES,
        },
      );
      latencyMs = performance.now() - started;
      rateLimit = readRateLimit(response.headers);
      const value = this.interpret(response, spec, context);
      ok = true;
      return value;
    } finally {
      this.record({ latencyMs: latencyMs ?? performance.now() - started, ok, rateLimit });
    }
  }

  /** A successful response parsed by its schema, or the ApiError the response amounts to. */
  private interpret<T>(response: RawResponse, spec: CallSpec<T>, context: RequestContext): T {
    const secrets = [this.#apiKey];
    if (response.status < 200 || response.status >= 300) {
      throw httpError({
        ...context,
        status: response.status,
        headers: response.headers,
        bodyText: new TextDecoder().decode(response.body),
        secrets,
        now: this.options.now(),
      });
    }
    if (!spec.schema) return undefined as T;
    if (response.truncated) {
      const limit = spec.maxResponseBytes ?? this.options.maxResponseBytes;
      throw invalidResponse(context, 'response_too_large', `response larger than ${limit} bytes`, secrets);
    }
    return decodeJson(response.body, spec.schema, context, secrets);
  }

  /** Latency of the last attempt, when it last succeeded or failed, the latest rate-limit headers. */
  private record(outcome: { latencyMs: number; ok: boolean; rateLimit: RateLimitState | undefined }): void {
    const at = this.options.now();
    this.currentStats = {
      ...this.currentStats,
      lastLatencyMs: Math.round(outcome.latencyMs),
      ...(outcome.ok ? { lastSuccessAt: at } : { lastErrorAt: at }),
      ...(outcome.rateLimit && { rateLimit: outcome.rateLimit }),
    };
    for (const listener of this.listeners) {
      try {
        listener(this.currentStats);
      } catch {
        // A failing listener is its owner's bug; it must not turn a call into a non-ApiError.
      }
    }
  }
}
