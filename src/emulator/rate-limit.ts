import type { Faults } from './faults.js';

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
  retryAfterSeconds?: number;
}

/**
 * A fixed-window request budget per API key on the emulator clock, announced with
 * the `X-Ratelimit-*` headers (NOTES.md §1.8). Without a configured budget every
 * request is allowed and no headers are sent.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; used: number }>();

  take(key: string, budget: Faults['rateLimit'], now: number): RateDecision {
    if (!budget) return { allowed: true, headers: {} };
    const windowStart = Math.floor(now / budget.windowMs) * budget.windowMs;
    let window = this.windows.get(key);
    if (!window || window.start !== windowStart) {
      window = { start: windowStart, used: 0 };
      this.windows.set(key, window);
    }
    const allowed = window.used < budget.limit;
    if (allowed) window.used += 1;
    const reset = windowStart + budget.windowMs;
    const headers = {
      'X-Ratelimit-Limit': String(budget.limit),
      'X-Ratelimit-Remaining': String(budget.limit - window.used),
      'X-Ratelimit-Used': String(window.used),
      'X-Ratelimit-Reset': String(Math.ceil(reset / 1000)),
    };
    if (allowed) return { allowed, headers };
    return { allowed, headers, retryAfterSeconds: Math.max(1, Math.ceil((reset - now) / 1000)) };
  }
}
