/**
 * Stuck and slow work: an item still running (any non-terminal status) for much longer than
 * this account's finished items took is flagged, "◔ slow 40m" and then "⚠ stuck 2h".
 *
 * The threshold, per table (THE RULE, documented in the README):
 * - `stuck_after` from the profile or `--stuck-after` when given;
 * - else, with at least MIN_SAMPLES finished (ready) items loaded: FACTOR x the 95th percentile
 *   of their durations (created_at -> updated_at, or completed_at for analyses), never less
 *   than FLOOR_MS;
 * - else FALLBACK_MS.
 * An item is slow from half the threshold on and stuck from the threshold on, measured from its
 * created_at. Everything here is computed from the loaded entities, memoized, and never written
 * to the store by the pollers.
 */
import { isTerminal } from '../api/types.js';
import { memoLast, memoSame, sameNumbers, valuesOf } from './memo.js';
import { createdAtOf, statusOf } from './tables.js';
import type { AppState, EntityOf } from './types.js';

/** Tables whose items are flagged. Uploads have their own speed, ETA and stall handling. */
export const STUCK_TABLES = ['tasks', 'indexedAssets', 'embedV2', 'embedV1', 'analyze', 'assets'] as const;
export type StuckTable = (typeof STUCK_TABLES)[number];

export const STUCK_PERCENTILE = 0.95;
export const STUCK_FACTOR = 3;
export const STUCK_FLOOR_MS = 15 * 60_000;
export const STUCK_MIN_SAMPLES = 5;
export const STUCK_FALLBACK_MS = 60 * 60_000;

export interface StuckRule {
  stuckAfterMs: number;
  slowAfterMs: number;
  /** profile: configured; derived: percentile x factor; floor: derived but raised to the floor; fallback: too few finished items */
  source: 'profile' | 'derived' | 'floor' | 'fallback';
  /** finished items the rule was derived from */
  samples: number;
  /** the 95th percentile of their durations */
  typicalMs?: number;
}

export function isStuckTable(table: string): table is StuckTable {
  return (STUCK_TABLES as readonly string[]).includes(table);
}

/** Nearest-rank percentile of ascending values (p in 0..1). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** The k-th smallest value (0-based) by quickselect on a copy: O(n), the input is not reordered. */
function kthSmallest(values: readonly number[], k: number): number {
  const a = Float64Array.from(values);
  let left = 0;
  let right = a.length - 1;
  while (left < right) {
    const pivot = a[(left + right) >> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i += 1;
      while (a[j]! > pivot) j -= 1;
      if (i <= j) {
        const swap = a[i]!;
        a[i] = a[j]!;
        a[j] = swap;
        i += 1;
        j -= 1;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k]!;
}

/** The threshold from finished durations (any order), or the configured one. */
export function deriveStuckRule(durationsMs: readonly number[], configuredMs?: number): StuckRule {
  const samples = durationsMs.length;
  // the nearest-rank percentile (as percentile() takes it), without sorting every sample
  const rank = Math.min(samples, Math.max(1, Math.ceil(STUCK_PERCENTILE * samples)));
  const typicalMs = samples > 0 ? kthSmallest(durationsMs, rank - 1) : undefined;
  const make = (stuckAfterMs: number, source: StuckRule['source']): StuckRule => ({
    stuckAfterMs,
    slowAfterMs: stuckAfterMs / 2,
    source,
    samples,
    ...(typicalMs !== undefined && { typicalMs }),
  });
  if (configuredMs !== undefined && configuredMs > 0) return make(configuredMs, 'profile');
  if (samples < STUCK_MIN_SAMPLES || typicalMs === undefined) return make(STUCK_FALLBACK_MS, 'fallback');
  const derived = typicalMs * STUCK_FACTOR;
  return derived >= STUCK_FLOOR_MS ? make(derived, 'derived') : make(STUCK_FLOOR_MS, 'floor');
}

function timeOf(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) ? at : undefined;
}

/** How long a ready item took, from creation to its last update (analyses: completion). */
export function finishedDurationMs<T extends StuckTable>(table: T, entity: EntityOf[T]): number | undefined {
  if (statusOf(table, entity) !== 'ready' || table === 'assets') return undefined;
  const fields = entity as { updated_at?: string; completed_at?: string };
  const end = timeOf(table === 'analyze' ? fields.completed_at : fields.updated_at);
  const start = timeOf(createdAtOf(table, entity));
  if (end === undefined || start === undefined || end < start) return undefined;
  return end - start;
}

/** created_at in ms per entity object (unchanged entities keep their identity across polls). */
const createdCache = new WeakMap<object, number | null>();

function cachedCreated(table: StuckTable, entity: object): number | null {
  let created = createdCache.get(entity);
  if (created === undefined) {
    created = timeOf(createdAtOf(table, entity as EntityOf[typeof table])) ?? null;
    createdCache.set(entity, created);
  }
  return created;
}

export type StuckLevel = 'slow' | 'stuck';

export interface StuckFlag {
  level: StuckLevel;
  /** since created_at */
  ageMs: number;
}

/** The flag of one item at `now` (server clock), undefined when it is finished or on time. */
export function stuckFlag<T extends StuckTable>(
  table: T,
  entity: EntityOf[T],
  rule: StuckRule,
  now: number,
): StuckFlag | undefined {
  if (isTerminal(statusOf(table, entity))) return undefined;
  const created = cachedCreated(table, entity as object);
  if (created === null) return undefined;
  const ageMs = now - created;
  if (ageMs >= rule.stuckAfterMs) return { level: 'stuck', ageMs };
  if (ageMs >= rule.slowAfterMs) return { level: 'slow', ageMs };
  return undefined;
}

/** "45s", "40m", "2h", "3d": an age that fits a narrow column. */
export function shortAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/** A symbol and a word (never colour alone): "⚠ stuck 2h", "◔ slow 40m". */
export function formatStuckFlag(flag: StuckFlag): string {
  return flag.level === 'stuck' ? `⚠ stuck ${shortAge(flag.ageMs)}` : `◔ slow ${shortAge(flag.ageMs)}`;
}

/** How the rule came about, for the overview and the detail pane. */
export function describeRule(rule: StuckRule): string {
  const after = shortAge(rule.stuckAfterMs);
  switch (rule.source) {
    case 'profile':
      return `${after} (stuck_after)`;
    case 'derived':
      return `${after} (${STUCK_FACTOR}× p95 ${shortAge(rule.typicalMs ?? 0)} of ${rule.samples} done)`;
    case 'floor':
      return `${after} (floor; p95 ${shortAge(rule.typicalMs ?? 0)} of ${rule.samples} done)`;
    default:
      return `${after} (default; ${rule.samples} done loaded)`;
  }
}

// ---- selectors -------------------------------------------------------------------

type EntityMap = Readonly<Record<string, unknown>>;

// Per entity object (unchanged entities keep their identity across polls), so a store update
// that changed one row of 10,000 parses one row's timestamps, not 10,000.
const durationCache = new WeakMap<object, number | null>();

function cachedDuration(table: StuckTable, entity: object): number | null {
  let duration = durationCache.get(entity);
  if (duration === undefined) {
    duration = finishedDurationMs(table, entity as EntityOf[typeof table]) ?? null;
    durationCache.set(entity, duration);
  }
  return duration;
}

function durationsOf(table: StuckTable, entities: EntityMap): number[] {
  const durations: number[] = [];
  // the values enumerated once per map object (the finish times walk the same tasks)
  for (const entity of valuesOf(entities)) {
    const duration = cachedDuration(table, entity as object);
    if (duration !== null) durations.push(duration);
  }
  return durations;
}

function sameRule(a: StuckRule, b: StuckRule): boolean {
  return (
    a.stuckAfterMs === b.stuckAfterMs &&
    a.slowAfterMs === b.slowAfterMs &&
    a.source === b.source &&
    a.samples === b.samples &&
    a.typicalMs === b.typicalMs
  );
}

function perTable<V>(make: (table: StuckTable) => V): Record<StuckTable, V> {
  return Object.fromEntries(STUCK_TABLES.map((table) => [table, make(table)])) as Record<StuckTable, V>;
}

// each gives back its previous result while it reads the same (a row changed that is not
// finished, or changed nothing a duration reads), so the rule after it is not derived again and a
// sampled reader sees the same reference and renders nothing
const durationMemos = perTable((table) =>
  memoSame((entities: EntityMap): readonly number[] => durationsOf(table, entities), sameNumbers),
);
const ruleMemos = perTable(() => memoSame(deriveStuckRule, sameRule));

/** The threshold of a table (stable reference while its finished items and the setting are unchanged). */
export function selectStuckRule(state: AppState, table: StuckTable): StuckRule {
  const durations = durationMemos[table](state.entities[table]);
  return ruleMemos[table](durations, state.monitor.stuckAfterMs);
}

export interface StuckCounts {
  stuck: number;
  slow: number;
}

export type StuckSummary = Readonly<Record<StuckTable, StuckCounts>>;

function countFlags(table: StuckTable, entities: EntityMap, rule: StuckRule, minute: number): StuckCounts {
  const counts = { stuck: 0, slow: 0 };
  const now = minute * 60_000;
  for (const entity of valuesOf(entities)) {
    const flag = stuckFlag(table, entity as EntityOf[typeof table], rule, now);
    if (flag) counts[flag.level] += 1;
  }
  return counts;
}

const countMemos = perTable(() => memoSame(countFlags, (a, b) => a.stuck === b.stuck && a.slow === b.slow));
const summaryMemo = memoLast(
  (...counts: StuckCounts[]): StuckSummary =>
    Object.fromEntries(STUCK_TABLES.map((table, i) => [table, counts[i]!])) as Record<
      StuckTable,
      StuckCounts
    >,
);

/** Slow and stuck counts per table at `now`, recomputed at most once a minute of `now`. */
export function selectStuckSummary(state: AppState, now: number): StuckSummary {
  const minute = Math.floor(now / 60_000);
  const counts = STUCK_TABLES.map((table) =>
    countMemos[table](table, state.entities[table], selectStuckRule(state, table), minute),
  );
  return summaryMemo(...counts);
}

// ---- the setting --------------------------------------------------------------------

const DURATION_UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
export const MIN_STUCK_AFTER_MS = 10_000;
export const MAX_STUCK_AFTER_MS = 30 * 86_400_000;

/** "30m", "2h", "90s", "1d" -> ms; throws an Error with one line on anything else. */
export function parseStuckAfter(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([smhd])$/.exec(text.trim().toLowerCase());
  const ms = match ? Number(match[1]) * DURATION_UNITS[match[2]!]! : Number.NaN;
  if (!(ms >= MIN_STUCK_AFTER_MS && ms <= MAX_STUCK_AFTER_MS)) {
    throw new Error(`expected a duration from 10s to 30d like 30m, 2h or 1d, got "${text}"`);
  }
  return ms;
}
