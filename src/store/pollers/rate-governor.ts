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
/** Bulk work leaves this share of the window's budget (at least MIN_RESERVE requests) to the pollers. */
export const BULK_RESERVE_FRACTION = 0.2;
export const MIN_RESERVE = 2;
/** Down to the reserve with no reset time known: bulk work sends one request at a time, this far apart. */
export const RESERVE_PACE_MS = 1_000;

/** What bulk work tells the governor about itself when it asks whether it may send. */
export interface BulkLoad {
  /** its requests sent and not answered yet (they will each spend one of the budget) */
  inFlight: number;
  /** when it last sent one (epoch ms) */
  lastSentAt?: number;
}

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

  /** Requests of the window bulk work leaves to the pollers (0 while the limit is unknown). */
  reserve(rate: RateLimitState): number {
    if (rate.limit === undefined || rate.limit <= 0) return 0;
    return Math.max(MIN_RESERVE, Math.ceil(rate.limit * BULK_RESERVE_FRACTION));
  }

  /**
   * How long bulk work must wait before its next request (ms, 0 = go): whatever waitMs says
   * (a 429, a spent budget), and, while the budget left after its own requests in flight is down
   * to the reserve, until the window resets. Without a reset time it goes on one at a time,
   * RESERVE_PACE_MS apart. Headers from before a reset that has passed no longer count.
   */
  bulkWaitMs(rate: RateLimitState, now: number, load: BulkLoad): number {
    const wait = this.waitMs(rate, now);
    if (rate.remaining === undefined || rate.limit === undefined) return wait;
    if (rate.remaining - load.inFlight > this.reserve(rate)) return wait;
    if (rate.reset !== undefined) {
      const resetAt = rate.reset * 1000 + RESET_MARGIN_MS;
      if (resetAt <= now) return wait;
      return Math.max(wait, Math.min(MAX_WAIT_MS, resetAt - now));
    }
    if (load.inFlight > 0) return Math.max(wait, RESERVE_PACE_MS);
    const paced = load.lastSentAt === undefined ? 0 : load.lastSentAt + RESERVE_PACE_MS - now;
    return Math.max(wait, paced);
  }
}

const shared = new WeakMap<object, RateGovernor>();

/**
 * The one governor of an API client: the pollers and bulk work share its 429 block and its
 * reading of the budget, so a 429 seen by either stops both.
 */
export function governorOf(api: object): RateGovernor {
  let governor = shared.get(api);
  if (!governor) {
    governor = new RateGovernor();
    shared.set(api, governor);
  }
  return governor;
}
