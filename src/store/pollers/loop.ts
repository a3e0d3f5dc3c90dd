/**
 * A single-flight polling loop: the next run is scheduled with `setTimeout` only after
 * the current one has finished, with jitter, so runs never overlap.
 */
import type { Clock } from '../types.js';

/** One run; resolves with the delay wanted before the next run (ms). Must not reject. */
export type PollRun = (signal: AbortSignal) => Promise<number>;

export class PollLoop {
  private timer: unknown;
  private running: Promise<void> | undefined;
  private controller: AbortController | undefined;
  private runAgain = false;
  private paused = false;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly run: PollRun,
    private readonly jitter: number,
  ) {}

  start(): void {
    this.schedule(0);
  }

  /**
   * Runs as soon as possible: now when idle, right after the current run otherwise.
   * `evenIfPaused` runs once while paused (`R` refreshes a paused dashboard).
   */
  poke(evenIfPaused = false): void {
    if (this.stopped || (this.paused && !evenIfPaused)) return;
    if (this.running) {
      this.runAgain = true;
      return;
    }
    this.schedule(0, evenIfPaused);
  }

  /** Stops scheduling (a run in flight finishes); resume() polls at once. */
  pause(): void {
    this.paused = true;
    this.clearTimer();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.poke();
  }

  /** Clears the timer, aborts the run in flight and waits for it to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    this.controller?.abort();
    await this.running;
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delay: number, evenIfPaused = false): void {
    this.clearTimer();
    if (this.stopped || (this.paused && !evenIfPaused)) return;
    const spread = delay * this.jitter * (2 * this.clock.random() - 1);
    const wait = Math.max(0, Math.round(delay + spread));
    this.timer = this.clock.setTimeout(() => this.fire(evenIfPaused), wait);
  }

  private fire(evenIfPaused: boolean): void {
    this.timer = undefined;
    if (this.running || this.stopped || (this.paused && !evenIfPaused)) return;
    this.runAgain = false;
    this.controller = new AbortController();
    const signal = this.controller.signal;
    this.running = this.run(signal)
      .catch(() => 60_000)
      .then((delay) => {
        this.running = undefined;
        this.schedule(this.runAgain ? 0 : delay);
      });
  }
}
