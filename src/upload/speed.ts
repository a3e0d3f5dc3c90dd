const HALF_LIFE_MS = 2000;
const MIN_SAMPLE_MS = 100;

/** Bytes per second as a time-based exponential moving average (2 s half-life). */
export class SpeedMeter {
  private last: { at: number; bytes: number } | undefined;
  value = 0;

  /** `bytes` is a running total that only grows (every byte handed to the socket). */
  sample(now: number, bytes: number): void {
    if (!this.last) {
      this.last = { at: now, bytes };
      return;
    }
    const elapsed = now - this.last.at;
    if (elapsed < MIN_SAMPLE_MS) return;
    const instant = (Math.max(0, bytes - this.last.bytes) * 1000) / elapsed;
    const weight = 1 - 2 ** (-elapsed / HALF_LIFE_MS);
    this.value += weight * (instant - this.value);
    this.last = { at: now, bytes };
  }

  reset(): void {
    this.last = undefined;
    this.value = 0;
  }
}

/** Median of recent chunk durations, for spotting stragglers and sizing URL margins. */
export class DurationWindow {
  private readonly values: number[] = [];

  constructor(private readonly size = 32) {}

  add(ms: number): void {
    this.values.push(ms);
    if (this.values.length > this.size) this.values.shift();
  }

  get count(): number {
    return this.values.length;
  }

  quantile(q: number): number | undefined {
    if (this.values.length === 0) return undefined;
    const sorted = [...this.values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  }
}
