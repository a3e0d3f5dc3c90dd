/**
 * Runs a bulk set like a good batch tool: a few requests at a time, each one only when the
 * rate governor the pollers share allows it (a 429 block, a spent budget, the pollers' reserve);
 * a 429 (or a 503 with Retry-After) blocks every worker and every poller for the server's wait
 * and the item is sent again, a bounded number of times; a stop lets the requests in flight
 * finish and sends nothing more.
 */
import type { CallOptions, RateLimitState } from '../../api/api.js';
import { isApiError } from '../../api/errors.js';
import { DEFAULT_RETRY, retryDelayMs } from '../../api/retry.js';
import { sleepOn } from '../context.js';
import type { RateGovernor } from '../pollers/rate-governor.js';
import type { Clock } from '../types.js';

/** Times one item is sent again after a 429 / 503 with Retry-After. */
export const MAX_RATE_RETRIES = 3;
/** A server asking to wait longer than this for one item fails the item instead. */
export const MAX_RATE_WAIT_MS = 60_000;
/** Times a GET of an item is sent again after a transient failure (the client's own default). */
const MAX_TRANSIENT_RETRIES = DEFAULT_RETRY.maxRetries;

export type BulkOutcome<R> =
  | { status: 'fulfilled'; value: R }
  | { status: 'rejected'; reason: unknown }
  /** stopped before it was sent (or before it was sent again) */
  | { status: 'skipped' };

export interface BulkProgress {
  total: number;
  done: number;
  failed: number;
  /** epoch ms the set waits until for the rate limit; absent while it runs */
  waitingUntil?: number;
  /** what the current (or last) wait is for: the rate limit, or a 503's Retry-After */
  waitingFor?: 'rate limit' | 'server';
  /** a stop was asked for; the requests in flight are finishing */
  stopping: boolean;
  /** times the set has waited for the rate limit so far */
  waits: number;
  /** times it has waited for a 503's Retry-After (the server unavailable) */
  serverWaits: number;
}

export interface BulkRunOptions<T, R> {
  items: readonly T[];
  concurrency: number;
  /** one item's work; every API call in it must pass `call` (no client retries: this runner owns them) */
  work: (item: T, call: CallOptions) => Promise<R>;
  /** the governor the pollers share; absent for work that makes no API calls */
  governor?: RateGovernor;
  rate: () => RateLimitState;
  clock: Clock;
  /** aborting it stops the set after the requests in flight */
  signal: AbortSignal;
  onProgress?: (progress: BulkProgress) => void;
}

/** The server's wait when the error asks for one the whole set should respect, else undefined. */
export function rateLimitWaitMs(error: unknown): number | undefined {
  if (!isApiError(error)) return undefined;
  if (error.status === 429) return error.retryAfterMs ?? 0;
  // a 503 that says when to come back; a POST is not sent twice (it may have created something)
  if (error.status === 503 && error.retryAfterMs !== undefined && error.method !== 'POST')
    return error.retryAfterMs;
  return undefined;
}

/** What the client would have retried on a safe call: a transient failure of a GET. */
function transient(error: unknown): boolean {
  return isApiError(error) && error.retryable && error.method === 'GET' && error.kind !== 'timeout';
}

class Stopped extends Error {}

export async function runBulk<T, R>(options: BulkRunOptions<T, R>): Promise<BulkOutcome<R>[]> {
  const { items, clock, signal, governor } = options;
  const results: BulkOutcome<R>[] = items.map(() => ({ status: 'skipped' }));
  const progress: BulkProgress = {
    total: items.length,
    done: 0,
    failed: 0,
    stopping: signal.aborted,
    waits: 0,
    serverWaits: 0,
  };
  let next = 0;
  let inFlight = 0;
  let lastSentAt: number | undefined;
  /** until when the block a 503 asked for lasts (a wait that ends then is for the server) */
  let unavailableUntil = 0;
  const report = (): void => options.onProgress?.({ ...progress });
  const call: CallOptions = { maxRetries: 0 };

  /** Sleeps `ms` on the clock; rejects with Stopped when the set is stopped meanwhile. */
  const sleep = (ms: number): Promise<void> =>
    sleepOn(clock, ms, signal).catch(() => {
      throw new Stopped();
    });

  /** Waits until the governor lets bulk work send (the whole set shows one wait). */
  const gate = async (): Promise<void> => {
    if (!governor) return;
    for (;;) {
      if (signal.aborted) throw new Stopped();
      const now = clock.now();
      const wait = governor.bulkWaitMs(options.rate(), now, { inFlight, lastSentAt });
      if (wait <= 0) break;
      const until = now + wait;
      if (progress.waitingUntil === undefined || until > progress.waitingUntil) {
        const waitingFor = unavailableUntil >= until ? 'server' : 'rate limit';
        if (progress.waitingUntil === undefined) {
          if (waitingFor === 'server') progress.serverWaits += 1;
          else progress.waits += 1;
        }
        progress.waitingUntil = until;
        progress.waitingFor = waitingFor;
        report();
      }
      await sleep(wait);
    }
    if (progress.waitingUntil !== undefined) {
      progress.waitingUntil = undefined;
      report();
    }
  };

  const send = async (item: T): Promise<R> => {
    inFlight += 1;
    lastSentAt = clock.now();
    try {
      return await options.work(item, call);
    } finally {
      inFlight -= 1;
    }
  };

  /** One item to its end: sent again after a rate-limit wait or a transient GET failure. */
  const runItem = async (item: T): Promise<BulkOutcome<R>> => {
    let rateRetries = 0;
    let transientRetries = 0;
    for (;;) {
      try {
        return { status: 'fulfilled', value: await send(item) };
      } catch (error) {
        const serverWait = rateLimitWaitMs(error);
        if (serverWait !== undefined && governor && isApiError(error)) {
          if (rateRetries >= MAX_RATE_RETRIES || serverWait > MAX_RATE_WAIT_MS)
            return { status: 'rejected', reason: error };
          rateRetries += 1;
          // every worker and every poller waits now, not just this item
          const until = governor.rateLimited(error, options.rate(), clock.now());
          if (error.status === 503) unavailableUntil = until;
        } else if (transient(error) && transientRetries < MAX_TRANSIENT_RETRIES) {
          const backoff = retryDelayMs(
            { ...DEFAULT_RETRY, random: clock.random },
            transientRetries,
            undefined,
          );
          transientRetries += 1;
          try {
            await sleep(backoff ?? DEFAULT_RETRY.baseDelayMs);
          } catch {
            return { status: 'skipped' };
          }
        } else return { status: 'rejected', reason: error };
        try {
          await gate();
        } catch {
          return { status: 'skipped' };
        }
      }
    }
  };

  const worker = async (): Promise<void> => {
    while (next < items.length && !signal.aborted) {
      try {
        await gate();
      } catch {
        return;
      }
      if (next >= items.length) return;
      const index = next++;
      const outcome = await runItem(items[index]!);
      results[index] = outcome;
      if (outcome.status === 'fulfilled') progress.done += 1;
      else if (outcome.status === 'rejected') progress.failed += 1;
      report();
    }
  };

  const onAbort = (): void => {
    progress.stopping = true;
    progress.waitingUntil = undefined;
    report();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, items.length) }, worker));
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return results;
}
