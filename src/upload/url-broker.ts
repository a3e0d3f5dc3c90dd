import type { PresignedUrl, PresignedUrlsResponse } from '../api/types.js';

interface CachedUrl {
  url: string;
  /** local clock (ms) the URL stops working, corrected for the server's clock */
  expiresAt: number;
  lifetimeMs: number;
}

export interface UrlBrokerDeps {
  totalChunks: number;
  /** one API call for chunks start..start+count-1 (count <= 50) */
  fetch(start: number, count: number): Promise<PresignedUrlsResponse>;
  now(): number;
  /** how many URLs to ask for at once (just ahead of the workers) */
  batchSize(): number;
  /** min refresh margin, raised to 3 x p95 chunk time, capped at half a URL's life */
  marginMs(): number;
  /** a batch after the first was requested */
  onRefresh(): void;
}

/**
 * Presigned URLs, fetched lazily in small batches just ahead of the workers, one request per
 * range at a time, renewed before they expire or after a 403. URLs are never persisted.
 */
export class UrlBroker {
  private readonly cache = new Map<number, CachedUrl>();
  private readonly inflight = new Map<number, { count: number; done: Promise<void> }>();
  /** chunks that have held a URL: fetching one again is a refresh */
  private readonly issued = new Set<number>();

  constructor(private readonly deps: UrlBrokerDeps) {}

  /** Adds URLs from a create-session answer; the server's now = session expiry - 24 h. */
  seed(urls: readonly PresignedUrl[], serverNow: number | undefined): void {
    this.store(urls, serverNow);
  }

  private store(urls: readonly PresignedUrl[], serverNow: number | undefined): void {
    const receivedAt = this.deps.now();
    for (const entry of urls) {
      const serverExpiry = Date.parse(entry.expires_at);
      if (Number.isNaN(serverExpiry)) continue;
      const lifetime =
        serverNow !== undefined && serverExpiry > serverNow
          ? serverExpiry - serverNow
          : serverExpiry - receivedAt;
      this.issued.add(entry.chunk_index);
      this.cache.set(entry.chunk_index, {
        url: entry.url,
        expiresAt: receivedAt + lifetime,
        lifetimeMs: Math.max(0, lifetime),
      });
    }
  }

  private freshUrl(index: number): string | undefined {
    const cached = this.cache.get(index);
    if (!cached) return undefined;
    const margin = Math.min(this.deps.marginMs(), cached.lifetimeMs / 2);
    if (cached.expiresAt - this.deps.now() <= margin) return undefined;
    return cached.url;
  }

  /** A URL for the chunk valid for a while yet, fetching a batch from `index` on when needed. */
  async get(index: number): Promise<string> {
    for (let round = 0; round < 3; round += 1) {
      const url = this.freshUrl(index);
      if (url) return url;
      await this.fetchCovering(index);
    }
    const url = this.freshUrl(index) ?? this.cache.get(index)?.url;
    if (!url) throw new Error(`the server sent no URL for chunk ${index}`);
    return url;
  }

  /** Starts fetching the next batch in the background when `index` has no fresh URL yet. */
  prefetch(index: number): void {
    if (index > this.deps.totalChunks || this.freshUrl(index)) return;
    this.fetchCovering(index).catch(() => undefined);
  }

  /** Forgets a chunk's URL: refused (403), or no longer needed. */
  invalidate(index: number): void {
    this.cache.delete(index);
  }

  /** Earliest local expiry of the URLs held, for display. */
  earliestExpiry(): number | undefined {
    let earliest: number | undefined;
    for (const cached of this.cache.values()) {
      if (earliest === undefined || cached.expiresAt < earliest) earliest = cached.expiresAt;
    }
    return earliest;
  }

  private fetchCovering(index: number): Promise<void> {
    for (const [start, pending] of this.inflight) {
      if (index >= start && index < start + pending.count) return pending.done;
    }
    const count = Math.max(1, Math.min(50, this.deps.batchSize(), this.deps.totalChunks - index + 1));
    if (this.issued.has(index)) this.deps.onRefresh();
    const done = this.deps
      .fetch(index, count)
      .then((answer) => {
        const serverNow = Date.parse(answer.generated_at);
        this.store(answer.upload_urls, Number.isNaN(serverNow) ? undefined : serverNow);
      })
      .finally(() => this.inflight.delete(index));
    this.inflight.set(index, { count, done });
    return done;
  }
}
