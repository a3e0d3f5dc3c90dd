import type { UploadPolicy } from './policy.js';

/** Full-jitter backoff: random in [0, min(cap, base x 2^(attempt-1))]. */
export function fullJitterDelay(attempt: number, policy: UploadPolicy, random = Math.random): number {
  const ceiling = Math.min(policy.backoffCapMs, policy.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Retry-After in seconds or as an HTTP date, in ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function clampRetryAfter(ms: number, policy: UploadPolicy): number {
  return Math.min(policy.retryAfterMaxMs, Math.max(policy.retryAfterMinMs, ms));
}

/**
 * Additive-increase / multiplicative-decrease concurrency: halved on a throttle (at most once
 * per pause window), raised by one after a quiet period.
 */
export class ConcurrencyLimit {
  current: number;
  pausedUntil = 0;
  private lastThrottleAt = Number.NEGATIVE_INFINITY;
  private lastRaiseAt = 0;

  constructor(
    readonly max: number,
    private readonly recoverMs: number,
  ) {
    this.current = max;
  }

  throttled(now: number, waitMs: number): void {
    if (now >= this.pausedUntil) this.current = Math.max(1, Math.floor(this.current / 2));
    this.pausedUntil = Math.max(this.pausedUntil, now + waitMs);
    this.lastThrottleAt = now;
  }

  /** Called on every tick; returns true when the limit went up. */
  recover(now: number): boolean {
    if (this.current >= this.max) return false;
    const since = Math.max(this.lastThrottleAt, this.lastRaiseAt);
    if (now - since < this.recoverMs) return false;
    this.current += 1;
    this.lastRaiseAt = now;
    return true;
  }

  /** ms until the next raise is due, or undefined when at max. */
  nextRaiseIn(now: number): number | undefined {
    if (this.current >= this.max) return undefined;
    return Math.max(0, Math.max(this.lastThrottleAt, this.lastRaiseAt) + this.recoverMs - now);
  }
}

/**
 * Opens when failures pile up with nothing confirmed for a while (the link is down, not one
 * chunk): dispatch stops and one probe goes out now and then; its failures cost no attempts.
 */
export class CircuitBreaker {
  private failuresSinceProgress = 0;
  private lastProgressAt: number;
  openSince: number | undefined;
  nextProbeAt = 0;

  constructor(
    private readonly policy: UploadPolicy,
    now: number,
  ) {
    this.lastProgressAt = now;
  }

  get open(): boolean {
    return this.openSince !== undefined;
  }

  progress(now: number): void {
    this.failuresSinceProgress = 0;
    this.lastProgressAt = now;
    this.openSince = undefined;
  }

  /** Records a network/server failure; returns true when this opened the breaker. */
  failure(now: number, concurrency: number, random = Math.random): boolean {
    this.failuresSinceProgress += 1;
    if (this.open) {
      this.scheduleProbe(now, random);
      return false;
    }
    const quiet = now - this.lastProgressAt >= this.policy.breakerQuietMs;
    if (this.failuresSinceProgress >= 2 * concurrency && quiet) {
      this.openSince = now;
      this.scheduleProbe(now, random);
      return true;
    }
    return false;
  }

  /** Nothing was confirmed anywhere since `since` (epoch ms). */
  quietSince(since: number | undefined): boolean {
    return since !== undefined && this.lastProgressAt <= since;
  }

  forceOpen(now: number, random = Math.random): void {
    this.openSince ??= now;
    this.scheduleProbe(now, random);
  }

  private scheduleProbe(now: number, random: () => number): void {
    const long = this.openSince !== undefined && now - this.openSince > 10 * 60_000;
    const base = long ? 2 * this.policy.breakerProbeMs : this.policy.breakerProbeMs;
    this.nextProbeAt = now + base * (0.75 + 0.5 * random());
  }
}
