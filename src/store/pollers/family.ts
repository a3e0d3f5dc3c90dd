/**
 * One poller per resource family: runs its steps in one single-flight loop, applies
 * everything a poll fetched in one store update, and turns failures into stale data,
 * an events-log line and a capped backoff. Nothing is thrown out of a poll.
 */
import { isApiError } from '../../api/errors.js';
import type { StoreContext } from '../context.js';
import { errorLine } from '../events.js';
import type { AppState, FamilyHealth, PollFamily, PollIntervals } from '../types.js';
import { watchNotices } from '../watch.js';
import type { ConnectionTracker, PollOutcome } from './connection.js';
import { PollLoop } from './loop.js';
import type { RateGovernor } from './rate-governor.js';
import type { Draft, PollStep, Write } from './step.js';

export interface FamilySettings {
  intervals: PollIntervals;
  pageSize: number;
  maxEntities: number;
}

function outcomeOf(error: unknown): PollOutcome {
  if (!isApiError(error)) return 'failed';
  if (error.kind === 'network' || error.kind === 'timeout') return 'unreachable';
  return error.status !== undefined && error.status >= 500 ? 'unreachable' : 'failed';
}

export class FamilyPoller {
  readonly loop: PollLoop;
  private failures = 0;
  private lastOkAt: number | undefined;
  private forced = false;

  constructor(
    readonly family: PollFamily,
    private readonly steps: readonly PollStep[],
    private readonly context: StoreContext,
    private readonly settings: FamilySettings,
    private readonly governor: RateGovernor,
    private readonly connection: ConnectionTracker,
  ) {
    this.loop = new PollLoop(context.clock, (signal) => this.run(signal), settings.intervals.jitter);
  }

  /** `R`: the next poll fetches everything, not only what is due, even while polling is paused. */
  refresh(): void {
    this.forced = true;
    this.loop.poke(true);
  }

  private async run(signal: AbortSignal): Promise<number> {
    const { clock, store, api } = this.context;
    const { intervals, pageSize, maxEntities } = this.settings;
    const now = clock.now();
    const wait = this.governor.waitMs(api.stats().rateLimit, now);
    if (wait > 0) return wait;
    const force = this.forced;
    this.forced = false;
    const state = store.getState();
    const out: Write[] = [];
    let failure: unknown;
    try {
      for (const step of this.steps)
        await step.poll({ state, now, signal, force, intervals, pageSize, maxEntities }, out);
    } catch (error) {
      failure = error;
    }
    if (signal.aborted) return 0;
    const doneAt = clock.now();
    if (failure !== undefined && isApiError(failure) && failure.status === 429) {
      this.governor.rateLimited(failure, api.stats().rateLimit, doneAt);
    }
    if (failure !== undefined) {
      this.failures += 1;
      const backoff = Math.min(intervals.errorMax, intervals.errorBase * 2 ** (this.failures - 1));
      const delay = Math.max(backoff, this.governor.waitMs(api.stats().rateLimit, clock.now()));
      this.apply(out, failure, doneAt, doneAt + delay);
      return delay;
    }
    this.apply(out, failure, doneAt);
    this.failures = 0;
    this.lastOkAt = doneAt;
    return this.nextDelay(store.getState(), doneAt);
  }

  private nextDelay(state: AppState, now: number): number {
    const due = Math.min(...this.steps.map((step) => step.nextDueAt(state)));
    const slowdown = this.governor.slowdown(this.context.api.stats().rateLimit);
    const delay = Math.max(0, Math.min(due - now, this.settings.intervals.activeHiddenMax));
    return delay * slowdown;
  }

  private apply(writes: readonly Write[], failure: unknown, now: number, nextTryAt?: number): void {
    const { store, withEvents } = this.context;
    const before = store.getState();
    const draft: Draft = { state: before, events: [] };
    for (const write of writes) write(draft);
    this.updateHealth(draft, failure, now);
    this.connection.observe(draft, {
      family: this.family,
      now,
      outcome: failure === undefined ? 'ok' : outcomeOf(failure),
      error: failure === undefined ? undefined : errorLine(failure),
      rateLimitedUntil: this.governor.until() > now ? this.governor.until() : undefined,
      ...(isApiError(failure) && { failure: { kind: failure.kind, status: failure.status } }),
      nextTryAt,
    });
    const notifyWatchers = watchNotices(this.context, before, draft.state, draft.events);
    if (draft.state === before && draft.events.length === 0) return;
    const { entities, collections, connection, ui, failures } = draft.state;
    store.setState({
      entities,
      collections,
      connection,
      ui,
      failures,
      events: withEvents(before.events, draft.events),
    });
    notifyWatchers();
  }

  private updateHealth(draft: Draft, failure: unknown, now: number): void {
    const current = draft.state.connection.families[this.family];
    let next: FamilyHealth = current;
    if (failure !== undefined) {
      const lastError = errorLine(failure);
      if (!current.stale || current.lastError !== lastError) {
        next = { stale: true, lastSuccessAt: this.lastOkAt ?? current.lastSuccessAt, lastError };
        const waiting = isApiError(failure) && failure.status === 429 ? ' (waiting for the rate limit)' : '';
        draft.events.push({
          source: 'poll',
          message: `${this.family}: ${lastError}${waiting}`,
          level: 'error',
        });
      }
    } else if (current.stale) {
      const since =
        current.lastSuccessAt === undefined
          ? ''
          : ` after ${Math.round((now - current.lastSuccessAt) / 1000)}s`;
      next = { stale: false, lastSuccessAt: now };
      draft.events.push({ source: 'poll', message: `${this.family}: recovered${since}` });
    }
    if (next === current) return;
    const connection = draft.state.connection;
    draft.state = {
      ...draft.state,
      connection: { ...connection, families: { ...connection.families, [this.family]: next } },
    };
  }
}
