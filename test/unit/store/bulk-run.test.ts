import { describe, expect, it } from 'vitest';
import type { RateLimitState } from '../../../src/api/api.js';
import { ApiError } from '../../../src/api/errors.js';
import { systemClock } from '../../../src/store/context.js';
import { RateGovernor, RESERVE_PACE_MS } from '../../../src/store/pollers/rate-governor.js';
import { progressLine } from '../../../src/store/triage/actions.js';
import { MAX_RATE_RETRIES, rateLimitWaitMs, runBulk } from '../../../src/store/triage/bulk-run.js';

const httpError = (status: number, method: string, retryAfterMs?: number) =>
  new ApiError({
    kind: 'http',
    code: status === 429 ? 'too_many_requests' : 'service_unavailable',
    message: String(status),
    retryable: true,
    status,
    method,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  });

describe('the reserve rule: bulk work leaves part of the budget to the pollers', () => {
  const now = 1_000_000;
  const reset = 1_010; // epoch seconds: 10 s from now
  const idle = { inFlight: 0 };

  it('keeps a fifth of the limit, at least 2, and nothing while the limit is unknown', () => {
    const governor = new RateGovernor();
    expect(governor.reserve({ limit: 100 })).toBe(20);
    expect(governor.reserve({ limit: 12 })).toBe(3);
    expect(governor.reserve({ limit: 5 })).toBe(2);
    expect(governor.reserve({})).toBe(0);
  });

  it('goes while the budget left after its requests in flight is above the reserve', () => {
    const governor = new RateGovernor();
    expect(governor.bulkWaitMs({ limit: 100, remaining: 21, reset }, now, idle)).toBe(0);
    expect(governor.bulkWaitMs({ limit: 100, remaining: 24, reset }, now, { inFlight: 3 })).toBe(0);
    // the pollers slow down from half the budget; bulk work does not stop there
    expect(governor.bulkWaitMs({ limit: 100, remaining: 30, reset }, now, idle)).toBe(0);
  });

  it('at the reserve waits for the window reset, a little after it, while the pollers still may go', () => {
    const governor = new RateGovernor();
    for (const [rate, load] of [
      [{ limit: 100, remaining: 20, reset }, idle],
      [{ limit: 100, remaining: 23, reset }, { inFlight: 3 }],
      [{ limit: 100, remaining: 5, reset }, idle],
    ] as const) {
      const wait = governor.bulkWaitMs(rate, now, load);
      expect(wait).toBeGreaterThanOrEqual(10_000);
      expect(wait).toBeLessThan(10_500);
      // the same headers do not hold the pollers back
      expect(governor.waitMs(rate, now)).toBe(0);
    }
  });

  it('does not wait on headers from a window that has reset since', () => {
    const governor = new RateGovernor();
    expect(governor.bulkWaitMs({ limit: 100, remaining: 3, reset: 999 }, now, idle)).toBe(0);
  });

  it('without a reset time goes one request at a time, RESERVE_PACE_MS apart', () => {
    const governor = new RateGovernor();
    const low: RateLimitState = { limit: 100, remaining: 10 };
    expect(governor.bulkWaitMs(low, now, idle)).toBe(0);
    expect(governor.bulkWaitMs(low, now, { inFlight: 1 })).toBe(RESERVE_PACE_MS);
    expect(governor.bulkWaitMs(low, now, { inFlight: 0, lastSentAt: now - 400 })).toBe(RESERVE_PACE_MS - 400);
    expect(governor.bulkWaitMs(low, now, { inFlight: 0, lastSentAt: now - 5_000 })).toBe(0);
  });

  it("a 429 (seen by a poller or by bulk work) holds both, as long as the server's wait", () => {
    const governor = new RateGovernor();
    governor.rateLimited(httpError(429, 'GET', 3_000), {}, now);
    const plenty = { limit: 100, remaining: 90, reset };
    expect(governor.bulkWaitMs(plenty, now, idle)).toBeGreaterThanOrEqual(3_000);
    expect(governor.waitMs(plenty, now)).toBeGreaterThanOrEqual(3_000);
    expect(governor.bulkWaitMs(plenty, now + 3_300, idle)).toBe(0);
  });
});

describe('which failures pause the set', () => {
  it('a 429 of any call, a 503 with Retry-After unless it was a create', () => {
    expect(rateLimitWaitMs(httpError(429, 'DELETE', 2_000))).toBe(2_000);
    expect(rateLimitWaitMs(httpError(429, 'POST'))).toBe(0);
    expect(rateLimitWaitMs(httpError(503, 'DELETE', 1_000))).toBe(1_000);
    expect(rateLimitWaitMs(httpError(503, 'GET', 1_000))).toBe(1_000);
    expect(rateLimitWaitMs(httpError(503, 'POST', 1_000))).toBeUndefined();
    expect(rateLimitWaitMs(httpError(503, 'DELETE'))).toBeUndefined();
    expect(rateLimitWaitMs(httpError(500, 'DELETE', 1_000))).toBeUndefined();
    expect(rateLimitWaitMs(new Error('no'))).toBeUndefined();
  });
});

describe('runBulk', () => {
  it('sends an item again after a 429, holding every worker for the wait, and gives up after 3', async () => {
    const governor = new RateGovernor();
    const sent: { item: string; at: number }[] = [];
    const refusedAt: number[] = [];
    const refusals = new Map<string, number>([
      ['once', 1],
      ['always', Number.POSITIVE_INFINITY],
    ]);
    const results = await runBulk({
      items: ['once', 'a', 'b', 'c', 'always'],
      concurrency: 2,
      governor,
      rate: () => ({}),
      clock: systemClock,
      signal: new AbortController().signal,
      work: async (item, call) => {
        expect(call.maxRetries).toBe(0);
        sent.push({ item, at: Date.now() });
        await new Promise((resolve) => setTimeout(resolve, 5));
        const left = refusals.get(item) ?? 0;
        if (left > 0) {
          refusals.set(item, left - 1);
          refusedAt.push(Date.now());
          throw httpError(429, 'DELETE', 30);
        }
        return item;
      },
    });
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
    ]);
    expect(sent.filter(({ item }) => item === 'always')).toHaveLength(1 + MAX_RATE_RETRIES);
    // after each refusal nothing was sent (by either worker) before the 30 ms asked (+ the margin)
    expect(refusedAt).toHaveLength(1 + 1 + MAX_RATE_RETRIES);
    for (const refusal of refusedAt) {
      expect(sent.filter(({ at }) => at > refusal + 1 && at < refusal + 30 + 250 - 5)).toEqual([]);
    }
  });

  it('a stop during a wait ends at once; nothing more is sent, the rest is skipped', async () => {
    const governor = new RateGovernor();
    const stop = new AbortController();
    const sent: string[] = [];
    const waits: number[] = [];
    const run = runBulk({
      items: ['a', 'b', 'c', 'd'],
      concurrency: 1,
      governor,
      rate: () => ({}),
      clock: systemClock,
      signal: stop.signal,
      onProgress: (progress) => {
        if (progress.waitingUntil !== undefined) waits.push(progress.waitingUntil);
      },
      work: async (item) => {
        sent.push(item);
        if (item === 'b') throw httpError(429, 'DELETE', 60_000);
        return item;
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stoppedAt = Date.now();
    stop.abort();
    const results = await run;
    expect(Date.now() - stoppedAt).toBeLessThan(100);
    expect(waits.length).toBeGreaterThan(0);
    expect(sent).toEqual(['a', 'b']);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'skipped', 'skipped', 'skipped']);
  });

  it('a wait longer than 60 s fails the item instead of holding the set that long', async () => {
    const results = await runBulk({
      items: ['a'],
      concurrency: 1,
      governor: new RateGovernor(),
      rate: () => ({}),
      clock: systemClock,
      signal: new AbortController().signal,
      work: async () => {
        throw httpError(429, 'DELETE', 61_000);
      },
    });
    expect(results[0]?.status).toBe('rejected');
  });
});

describe('progressLine', () => {
  const base = { total: 120, done: 40, failed: 0, stopping: false, waits: 0, serverWaits: 0 };
  it('counts, shows the wait with its countdown, and the stop', () => {
    expect(progressLine('deleting', 'assets', base, 0)).toBe(
      'deleting 120 assets: 40 of 120 done · Esc stops',
    );
    expect(progressLine('deleting', 'assets', { ...base, failed: 2, waitingUntil: 11_200 }, 0)).toBe(
      'deleting 120 assets: 40 of 120 done, 2 failed · waiting for rate limit, resumes in 12s · Esc stops',
    );
    expect(
      progressLine('deleting', 'assets', { ...base, waitingUntil: 1_500, waitingFor: 'server' }, 0),
    ).toBe('deleting 120 assets: 40 of 120 done · server unavailable (503), resumes in 2s · Esc stops');
    expect(progressLine('deleting', 'assets', { ...base, stopping: true }, 0)).toBe(
      'stopping deleting assets after the requests in flight… 40 of 120 done',
    );
  });
});
