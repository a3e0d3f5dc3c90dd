/**
 * A resource's state machine as a schedule of statuses on the emulator clock.
 * The status is read lazily at "now", so advancing the clock moves every
 * resource at once and no timers are needed.
 */
export interface Step<S extends string> {
  status: S;
  at: number;
}

export class Timeline<S extends string> {
  constructor(private steps: Step<S>[]) {}

  static of<S extends string>(start: number, first: S, ...rest: [S, number][]): Timeline<S> {
    const steps: Step<S>[] = [{ status: first, at: start }];
    let at = start;
    for (const [status, afterMs] of rest) {
      at += afterMs;
      steps.push({ status, at });
    }
    return new Timeline(steps);
  }

  private current(now: number): Step<S> {
    let current = this.steps[0]!;
    for (const step of this.steps) {
      if (step.at <= now) current = step;
    }
    return current;
  }

  status(now: number): S {
    return this.current(now).status;
  }

  /** When the current status was entered (the resource's `updated_at`). */
  changedAt(now: number): number {
    return this.current(now).at;
  }

  /** Replaces everything from `at` on with new steps (used when an upload completes). */
  continueWith(at: number, ...rest: [S, number][]): void {
    this.steps = this.steps.filter((step) => step.at < at);
    let time = at;
    for (const [status, afterMs] of rest) {
      time += afterMs;
      this.steps.push({ status, at: time });
    }
  }
}
