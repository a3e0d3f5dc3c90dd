import type { AssetType } from '../api/types.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** Largest file per asset type the multipart API accepts (API v1.3: video/audio 10 GB, images 32 MB). */
export const MAX_FILE_SIZE: Record<AssetType, number> = { video: 10 * GiB, audio: 10 * GiB, image: 32 * MiB };

export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 16;

/** Every number the engine's retry, timeout and pacing rules use (uploads.md §4.5, §4.11). */
export interface UploadPolicy {
  /** failed network/server/corrupt attempts before a chunk is `failed` */
  chunkAttempts: number;
  /** wrong or missing ETags before a chunk is `failed` (integrity) */
  corruptAttempts: number;
  /** URL refreshes after 403 before a chunk is `failed` (auth) */
  urlRefreshes: number;
  /** throttles in a row on one chunk after which they count as attempts */
  throttleStreakLimit: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  retryAfterMinMs: number;
  retryAfterMaxMs: number;
  /** no bytes taken by the socket for this long while sending: retry */
  sendStallMs: number;
  /** no response this long after the whole body was handed over: retry */
  responseTimeoutMs: number;
  connectTimeoutMs: number;
  /** a URL is renewed when it expires within max(this, 3 x p95 chunk time), capped at half its life */
  urlRefreshMarginMs: number;
  /** most URLs asked for in one call (the API allows 50) */
  urlBatchMax: number;
  /** report after this many confirmed chunks ... */
  reportBatch: number;
  /** ... or this long after the first unreported one */
  reportFlushMs: number;
  /** attempts per API call (URLs, report, status, asset) */
  apiAttempts: number;
  /** attempts to create a session: nothing is at stake yet, so a dead host fails fast */
  createAttempts: number;
  /** longest Retry-After waited for before a session exists (longer: fail now, say why) */
  createMaxRetryAfterMs: number;
  /** after this long without a throttle, concurrency goes up by one */
  concurrencyRecoverMs: number;
  /** breaker opens after 2 x concurrency failures and no confirmed chunk for this long */
  breakerQuietMs: number;
  /** while open, one probe attempt this often (jittered) */
  breakerProbeMs: number;
  /** a chunk in flight this many times longer than the median is duplicated when workers idle */
  tailSlowFactor: number;
  /** asset / indexed-asset polling: first interval, growing to the max */
  followIntervalMs: number;
  followMaxIntervalMs: number;
  /** how long a pause or shutdown waits for pending reports */
  flushBudgetMs: number;
}

export const DEFAULT_POLICY: UploadPolicy = {
  chunkAttempts: 6,
  corruptAttempts: 3,
  urlRefreshes: 3,
  throttleStreakLimit: 10,
  backoffBaseMs: 1000,
  backoffCapMs: 60_000,
  retryAfterMinMs: 1000,
  retryAfterMaxMs: 300_000,
  sendStallMs: 60_000,
  responseTimeoutMs: 120_000,
  connectTimeoutMs: 10_000,
  urlRefreshMarginMs: 300_000,
  urlBatchMax: 50,
  reportBatch: 10,
  reportFlushMs: 1000,
  apiAttempts: 8,
  createAttempts: 3,
  createMaxRetryAfterMs: 30_000,
  concurrencyRecoverMs: 30_000,
  breakerQuietMs: 120_000,
  breakerProbeMs: 30_000,
  tailSlowFactor: 2,
  followIntervalMs: 1000,
  followMaxIntervalMs: 5000,
  flushBudgetMs: 5000,
};
