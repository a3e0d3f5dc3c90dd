import { clampRetryAfter, fullJitterDelay } from './pacing.js';
import type { UploadPolicy } from './policy.js';

/** The fields of an ApiError (src/api/errors.ts) the engine decides on. */
export interface ApiFailure {
  status?: number;
  code: string;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
}

export function apiFailure(error: unknown): ApiFailure {
  const fields = (error ?? {}) as Partial<Record<keyof ApiFailure, unknown>>;
  const message = error instanceof Error ? error.message : String(error);
  return {
    status: typeof fields.status === 'number' ? fields.status : undefined,
    code: typeof fields.code === 'string' ? fields.code : 'unknown',
    message: message.split('\n')[0] ?? 'unknown error',
    retryable: fields.retryable === true,
    retryAfterMs: typeof fields.retryAfterMs === 'number' ? fields.retryAfterMs : undefined,
  };
}

export function isThrottle(failure: ApiFailure): boolean {
  return failure.status === 429 || failure.status === 503;
}

/** The session is gone for good: 404 on an upload, or the API says it expired / is not active. */
export function isSessionGone(failure: ApiFailure): boolean {
  return (
    failure.status === 404 ||
    failure.code === 'upload_expired' ||
    failure.code === 'upload_not_active' ||
    /expired/i.test(failure.code)
  );
}

export class AbortedError extends Error {
  override name = 'AbortedError';
  constructor() {
    super('aborted');
  }
}

/** Resolves after `ms`, or rejects with AbortedError when the signal fires first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortedError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryOptions {
  policy: UploadPolicy;
  signal: AbortSignal;
  /** overrides policy.apiAttempts */
  attempts?: number;
  /** a server asking to wait longer than this gets its error thrown instead */
  maxRetryAfterMs?: number;
  /** a 429/503 was seen (for concurrency and counters) */
  onThrottle?(waitMs: number): void;
  /** an attempt failed and will be retried after `waitMs` */
  onRetry?(failure: ApiFailure, waitMs: number): void;
}

/**
 * Runs one API call with the engine's retry rules (the client itself does not retry uploads'
 * calls twice): retryable errors get full-jitter backoff, Retry-After is honoured, up to
 * policy.apiAttempts attempts; anything else is thrown at once.
 */
export async function withApiRetries<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    if (options.signal.aborted) throw new AbortedError();
    try {
      return await call();
    } catch (error) {
      if (options.signal.aborted) throw new AbortedError();
      const failure = apiFailure(error);
      if (!failure.retryable || attempt >= (options.attempts ?? options.policy.apiAttempts)) throw error;
      if (
        failure.retryAfterMs !== undefined &&
        failure.retryAfterMs > (options.maxRetryAfterMs ?? Infinity)
      ) {
        throw error;
      }
      let wait = fullJitterDelay(attempt, options.policy);
      if (failure.retryAfterMs !== undefined) {
        wait = Math.max(wait, clampRetryAfter(failure.retryAfterMs, options.policy));
      }
      if (isThrottle(failure)) options.onThrottle?.(wait);
      options.onRetry?.(failure, wait);
      await sleep(wait, options.signal);
    }
  }
}
