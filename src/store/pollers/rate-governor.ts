/**
 * One rate-limit policy shared by every poller: polls slow down as the budget runs out,
 * and a 429 stops all polling until Retry-After (or the window reset) has passed.
 */
import type { RateLimitState } from '../../api/api.js';
import type { ApiError } from '../../api/errors.js';

/** Never wait longer than this on one 429 or window reset (guards against skewed server clocks). */
const MAX_WAIT_MS = 120_000;
const DEFAULT_429_WAIT_MS = 10_000;
/** Reset times come in whole seconds from another clock: go a little after, not a little before. */
const RESET_MARGIN_MS = 250;

export class RateGovernor {
  private blockedUntil = 0;

  /** Multiplier for poll intervals given the latest X-Ratelimit-* headers. */
  slowdown(rate: RateLimitState): number {
    if (rate.limit === undefined || rate.remaining === undefined || rate.limit <= 0) return 1;
    const left = rate.remaining / rate.limit;
    if (left > 0.5) return 1;
    if (left > 0.25) return 2;
    if (left > 0.1) return 4;
    return 8;
  }

  /** How long every poller must still wait before its next request (ms, 0 = go). */
  waitMs(rate: RateLimitState, now: number): number {
    let wait = Math.max(0, this.blockedUntil - now);
    if (rate.remaining !== undefined && rate.remaining <= 0 && rate.reset !== undefined) {
      wait = Math.max(wait, Math.min(MAX_WAIT_MS, rate.reset * 1000 + RESET_MARGIN_MS - now));
    }
    return wait;
  }

  /** Records a 429; returns the epoch ms until which polling waits. */
  rateLimited(error: ApiError, rate: RateLimitState, now: number): number {
    let wait = error.retryAfterMs;
    if (wait === undefined && rate.reset !== undefined) wait = rate.reset * 1000 - now;
    if (wait === undefined || !(wait > 0)) wait = DEFAULT_429_WAIT_MS;
    wait += RESET_MARGIN_MS;
    this.blockedUntil = Math.max(this.blockedUntil, now + Math.min(MAX_WAIT_MS, wait));
    return this.blockedUntil;
  }

  until(): number {
    return this.blockedUntil;
  }
}
