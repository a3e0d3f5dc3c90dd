/**
 * The connection slice, kept coarse on purpose: it is written only when what the header shows
 * from it changes (health, the error, the latency as shown, the rate-limit budget, a 429 wait),
 * so polls that change nothing cause no store notification and an idle dashboard no frame.
 * Raw timings stay in the client (api.stats()); the slice keeps them in their shown form.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ConnectionStats, RateLimitState, TwelveLabsApi } from '../../api/api.js';
import type { ApiErrorKind } from '../../api/errors.js';
import type { ConnectionProblem, ConnectionProblemKind, ConnectionState, Health } from '../types.js';
import type { Draft } from './step.js';

/** Below this the API is answering normally: the header says "<1 s" whatever the noise. */
export const SLOW_LATENCY_MS = 1000;

/** Latency in the steps the header shows it: under a second is one step, above in half seconds. */
export function shownLatency(ms: number | undefined): number | undefined {
  if (ms === undefined) return undefined;
  if (ms < SLOW_LATENCY_MS) return 0;
  if (ms < 10_000) return Math.round(ms / 500) * 500;
  return Math.round(ms / 5000) * 5000;
}

/** 0..10: tenths of the rate-limit budget left (11 = unknown). */
function rateBucket(rate: RateLimitState): number {
  if (rate.limit === undefined || rate.remaining === undefined || rate.limit <= 0) return 11;
  return Math.ceil((10 * rate.remaining) / rate.limit);
}

export type PollOutcome = 'ok' | 'failed' | 'unreachable';

export interface Observation {
  family: string;
  now: number;
  outcome: PollOutcome;
  /** one sanitised line when the poll failed */
  error?: string;
  rateLimitedUntil?: number;
  /** what the failure was, when it was an ApiError */
  failure?: { kind: ApiErrorKind; status?: number };
  /** when this family polls again after its failure */
  nextTryAt?: number;
}

/** What a failed poll says about the connection as a whole. */
function problemKind(failure: Observation['failure'], everSucceeded: boolean): ConnectionProblemKind {
  if (failure?.status === 401 || (failure?.status === 403 && !everSucceeded)) return 'auth';
  if (failure?.kind === 'network' || failure?.kind === 'timeout') return 'unreachable';
  if (failure?.status !== undefined && failure.status >= 500) return 'unreachable';
  return 'failing';
}

export class ConnectionTracker {
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private readonly outcomes = new Map<string, PollOutcome>();
  private readonly nextTries = new Map<string, number>();
  /** the last refused key: its message, and the client's last success when it was refused */
  private refusal: { message: string; successAt: number | undefined } | undefined;

  constructor(
    private readonly api: TwelveLabsApi,
    private readonly heartbeatMs: number,
  ) {}

  observe(draft: Draft, observation: Observation): void {
    const current = draft.state.connection;
    const stats = this.api.stats();
    const failed = observation.error !== undefined;
    this.outcomes.set(observation.family, observation.outcome);
    const coarse: ConnectionState = {
      ...current,
      health: this.health(),
      lastError: failed ? observation.error : current.lastError,
      lastErrorAt: failed && observation.error !== current.lastError ? observation.now : current.lastErrorAt,
      rateLimitedUntil: observation.rateLimitedUntil,
    };
    const problem = this.problem(observation, stats, current.problem);
    if (problem) coarse.problem = problem;
    else delete coarse.problem;
    // the slice keeps the latency in its shown form
    const latency = shownLatency(stats.lastLatencyMs);
    // the last success is shown only while something fails ("ok 3m ago") or before the first answer
    const successShown = coarse.health !== 'ok' || current.lastSuccessAt === undefined;
    const significant =
      !isDeepStrictEqual(coarse.problem, current.problem) ||
      coarse.health !== current.health ||
      coarse.lastError !== current.lastError ||
      coarse.rateLimitedUntil !== current.rateLimitedUntil ||
      rateBucket(stats.rateLimit) !== rateBucket(current.rateLimit) ||
      latency !== current.lastLatencyMs ||
      (current.lastSuccessAt === undefined && stats.lastSuccessAt !== undefined);
    // the figures shown exactly (rate left, the last success while failing) follow at the heartbeat
    const drifted =
      !isDeepStrictEqual(stats.rateLimit, current.rateLimit) ||
      (successShown && stats.lastSuccessAt !== current.lastSuccessAt);
    if (!significant && (!drifted || observation.now - this.lastWriteAt < this.heartbeatMs)) return;
    const next: ConnectionState = {
      ...coarse,
      lastLatencyMs: latency,
      lastSuccessAt:
        coarse.health === 'ok' && current.lastSuccessAt !== undefined && !significant
          ? current.lastSuccessAt
          : (stats.lastSuccessAt ?? current.lastSuccessAt),
      rateLimit: isDeepStrictEqual(stats.rateLimit, current.rateLimit)
        ? current.rateLimit
        : { ...stats.rateLimit },
    };
    if (next.lastLatencyMs === undefined) delete next.lastLatencyMs;
    if (next.lastSuccessAt === undefined) delete next.lastSuccessAt;
    this.lastWriteAt = observation.now;
    if (isDeepStrictEqual(next, current)) return;
    draft.state = { ...draft.state, connection: next };
  }

  /**
   * The full-screen problem, if any: a refused key until a request succeeds again (also mid-session),
   * or any failure while no request has ever succeeded. An outage after a success is not one: the
   * dashboard keeps its stale data.
   */
  private problem(
    observation: Observation,
    stats: ConnectionStats,
    shown: ConnectionProblem | undefined,
  ): ConnectionProblem | undefined {
    const failed = observation.error !== undefined;
    if (failed && observation.nextTryAt !== undefined)
      this.nextTries.set(observation.family, observation.nextTryAt);
    else this.nextTries.delete(observation.family);
    const everSucceeded = stats.lastSuccessAt !== undefined;
    const kind = failed ? problemKind(observation.failure, everSucceeded) : undefined;
    if (kind === 'auth') this.refusal = { message: observation.error!, successAt: stats.lastSuccessAt };
    else if (this.refusal && this.refusal.successAt !== stats.lastSuccessAt) this.refusal = undefined;
    const nextTryAt = this.nextTries.size > 0 ? Math.min(...this.nextTries.values()) : undefined;
    const at = nextTryAt === undefined ? {} : { nextTryAt };
    if (this.refusal) return { kind: 'auth', message: this.refusal.message, ...at };
    if (everSucceeded) return undefined;
    // a 429 is the account's budget, not the connection: the header shows it while polling waits
    if (kind && observation.failure?.status !== 429) return { kind, message: observation.error!, ...at };
    // a poll with nothing to fetch changes nothing while no answer has come yet
    return shown;
  }

  private health(): Health {
    const outcomes = [...this.outcomes.values()];
    if (outcomes.every((outcome) => outcome === 'ok')) return 'ok';
    if (outcomes.every((outcome) => outcome === 'unreachable')) return 'down';
    return 'degraded';
  }
}
