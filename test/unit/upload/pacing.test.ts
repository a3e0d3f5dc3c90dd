import { describe, expect, it } from 'vitest';
import {
  CircuitBreaker,
  ConcurrencyLimit,
  clampRetryAfter,
  fullJitterDelay,
  parseRetryAfter,
} from '../../../src/upload/pacing.js';
import { DEFAULT_POLICY } from '../../../src/upload/policy.js';

describe('fullJitterDelay', () => {
  it('spans [0, base x 2^(attempt-1)] and stops growing at the cap', () => {
    expect(fullJitterDelay(1, DEFAULT_POLICY, () => 0)).toBe(0);
    expect(fullJitterDelay(1, DEFAULT_POLICY, () => 0.999)).toBe(999);
    expect(fullJitterDelay(3, DEFAULT_POLICY, () => 0.5)).toBe(2000);
    expect(fullJitterDelay(30, DEFAULT_POLICY, () => 0.999)).toBe(59_940);
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, and ignores garbage', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(['1.5'], now)).toBe(1500);
    expect(parseRetryAfter('Mon, 23 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('is clamped to 1 s .. 5 min', () => {
    expect(clampRetryAfter(10, DEFAULT_POLICY)).toBe(1000);
    expect(clampRetryAfter(3_600_000, DEFAULT_POLICY)).toBe(300_000);
  });
});

describe('ConcurrencyLimit', () => {
  it('halves on a throttle once per pause window, then climbs back one step per quiet period', () => {
    const limit = new ConcurrencyLimit(8, 30_000);
    limit.throttled(1000, 7000);
    expect(limit.current).toBe(4);
    expect(limit.pausedUntil).toBe(8000);
    limit.throttled(2000, 7000); // same burst: no second halving
    expect(limit.current).toBe(4);
    expect(limit.recover(20_000)).toBe(false);
    expect(limit.recover(32_000)).toBe(true);
    expect(limit.current).toBe(5);
    expect(limit.nextRaiseIn(32_000)).toBe(30_000);
    for (let now = 62_000; limit.current < 8; now += 30_000) limit.recover(now);
    expect(limit.current).toBe(8);
    expect(limit.nextRaiseIn(500_000)).toBeUndefined();
  });

  it('never goes below one', () => {
    const limit = new ConcurrencyLimit(2, 30_000);
    limit.throttled(0, 10);
    limit.throttled(20, 10);
    limit.throttled(40, 10);
    expect(limit.current).toBe(1);
  });
});

describe('CircuitBreaker', () => {
  const policy = { ...DEFAULT_POLICY, breakerQuietMs: 120_000, breakerProbeMs: 30_000 };

  it('stays closed while failures come with progress, opens after 2 x concurrency failures and a quiet spell', () => {
    const breaker = new CircuitBreaker(policy, 0);
    for (let index = 0; index < 20; index++) expect(breaker.failure(1000 + index, 4)).toBe(false);
    breaker.progress(5000);
    for (let index = 0; index < 7; index++) breaker.failure(130_000 + index, 4);
    expect(breaker.open).toBe(false);
    expect(breaker.failure(130_100, 4, () => 0.5)).toBe(true);
    expect(breaker.open).toBe(true);
    expect(breaker.nextProbeAt).toBe(130_100 + 30_000);
    breaker.progress(200_000);
    expect(breaker.open).toBe(false);
  });

  it('probes less often after ten minutes open', () => {
    const breaker = new CircuitBreaker(policy, 0);
    breaker.forceOpen(0, () => 0.5);
    breaker.failure(11 * 60_000, 4, () => 0.5);
    expect(breaker.nextProbeAt).toBe(11 * 60_000 + 60_000);
  });

  it('knows whether anything was confirmed since a moment', () => {
    const breaker = new CircuitBreaker(policy, 0);
    breaker.progress(100);
    expect(breaker.quietSince(150)).toBe(true);
    expect(breaker.quietSince(50)).toBe(false);
    expect(breaker.quietSince(undefined)).toBe(false);
  });
});
