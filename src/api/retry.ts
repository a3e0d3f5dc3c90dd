import { setTimeout as delay } from 'node:timers/promises';

export interface RetryOptions {
  /** Retries after the first attempt (0 disables retrying). */
  maxRetries: number;
  /** First backoff ceiling; doubles per retry. */
  baseDelayMs: number;
  /** Cap of the exponential backoff ceiling. */
  maxDelayMs: number;
  /** A server asking to wait longer than this is not retried: the error goes to the caller. */
  maxRetryAfterMs: number;
  /** Waits `ms` or rejects when `signal` aborts; injectable so tests need not sleep. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1). */
  random: () => number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxRetries: 2,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
  sleep: async (ms, signal) => {
    await delay(ms, undefined, signal ? { signal } : undefined);
  },
  random: Math.random,
};

/**
 * Full-jitter exponential backoff: uniform in [0, min(cap, base * 2^retry)], but never
 * shorter than what the server asked for. Undefined means: do not retry.
 */
export function retryDelayMs(options: RetryOptions, retry: number, retryAfterMs: number | undefined) {
  if (retryAfterMs !== undefined && retryAfterMs > options.maxRetryAfterMs) return undefined;
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  const jittered = Math.floor(options.random() * ceiling);
  return Math.max(jittered, retryAfterMs ?? 0);
}
