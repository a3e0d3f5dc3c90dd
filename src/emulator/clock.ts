/**
 * The emulator's clock: real time scaled by `speed`, plus whatever the admin API
 * advanced it by. Every time-based behaviour (state machines, URL and session
 * expiry, rate-limit windows) reads this clock, never Date.now() directly.
 */
/** Ten years: far enough for any test, small enough to keep every timestamp valid. */
export const MAX_ADVANCE_SECONDS = 10 * 365 * 86_400;

export class EmulatorClock {
  private readonly realStart = Date.now();
  private offsetMs = 0;

  constructor(
    private readonly speed = 1,
    private readonly startMs = Date.now(),
  ) {}

  /** Milliseconds since the epoch, emulator time. */
  now(): number {
    return this.startMs + (Date.now() - this.realStart) * this.speed + this.offsetMs;
  }

  /** Moves the clock forward by 0..MAX_ADVANCE_SECONDS; the clock never goes back. */
  advance(seconds: number): number {
    if (!(seconds >= 0 && seconds <= MAX_ADVANCE_SECONDS)) {
      throw new RangeError(`advance_seconds must be between 0 and ${MAX_ADVANCE_SECONDS}`);
    }
    this.offsetMs += seconds * 1000;
    return this.now();
  }
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
