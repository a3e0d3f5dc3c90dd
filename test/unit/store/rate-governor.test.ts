import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/api/errors.js';
import { RateGovernor } from '../../../src/store/pollers/rate-governor.js';

const tooMany = (retryAfterMs?: number) =>
  new ApiError({
    kind: 'http',
    code: 'too_many_requests',
    message: '429',
    retryable: true,
    status: 429,
    retryAfterMs,
  });

describe('RateGovernor', () => {
  it('slows polling down as the budget runs out', () => {
    const governor = new RateGovernor();
    expect(governor.slowdown({})).toBe(1);
    expect(governor.slowdown({ limit: 100, remaining: 80 })).toBe(1);
    expect(governor.slowdown({ limit: 100, remaining: 40 })).toBe(2);
    expect(governor.slowdown({ limit: 100, remaining: 20 })).toBe(4);
    expect(governor.slowdown({ limit: 100, remaining: 5 })).toBe(8);
  });

  it('waits for the window reset once the budget is spent, a little after it', () => {
    const governor = new RateGovernor();
    const now = 1_000_000;
    expect(governor.waitMs({ limit: 10, remaining: 1, reset: 1_005 }, now)).toBe(0);
    const wait = governor.waitMs({ limit: 10, remaining: 0, reset: 1_005 }, now);
    expect(wait).toBeGreaterThan(5_000);
    expect(wait).toBeLessThan(6_000);
  });

  it('after a 429 waits Retry-After for every poller, capped against skewed clocks', () => {
    const governor = new RateGovernor();
    const now = 5_000_000;
    governor.rateLimited(tooMany(12_000), {}, now);
    expect(governor.waitMs({}, now + 1_000)).toBeGreaterThanOrEqual(11_000);
    expect(governor.waitMs({}, now + 13_000)).toBe(0);

    const skewed = new RateGovernor();
    skewed.rateLimited(tooMany(), { limit: 10, remaining: 0, reset: 9_999_999_999 }, now);
    expect(skewed.until() - now).toBeLessThanOrEqual(120_000);
  });
});
