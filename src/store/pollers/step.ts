/** What a poller step gets and gives back: writes are applied together in one store update. */
import type { NewEvent } from '../events.js';
import type { AppState, PollIntervals } from '../types.js';

/** The state being built by one poll; writers replace parts of it immutably. */
export interface Draft {
  state: AppState;
  events: NewEvent[];
}

export type Write = (draft: Draft) => void;

export interface PollContext {
  /** the store state when the poll started */
  state: AppState;
  now: number;
  signal: AbortSignal;
  /** `R`: everything is due now */
  force: boolean;
  intervals: PollIntervals;
  pageSize: number;
  /** entities kept per table; beyond it, those on no loaded page, not running and not open are dropped */
  maxEntities: number;
}

export interface PollStep {
  /**
   * Fetches what is due and pushes writes into `out` as results arrive, so data fetched
   * before a failure is kept. Rejects with the API's error.
   */
  poll(context: PollContext, out: Write[]): Promise<void>;
  /** epoch ms when this step next wants to poll */
  nextDueAt(state: AppState): number;
}
