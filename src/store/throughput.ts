/**
 * Throughput over the last hour:
 * - work finished per minute, per family, from the finish times of the loaded items
 *   (updated_at of a ready/failed item, completed_at of an analysis), on the server's clock;
 * - upload speed (all local uploads together), sampled from the upload engine's snapshots into a
 *   bounded ring buffer in the store: at most one sample per SAMPLE_MS, and only when the
 *   (rounded) value changed, so an idle dashboard writes nothing.
 */
import { isTerminal } from '../api/types.js';
import { TERMINAL_PHASES } from '../upload/types.js';
import { memoLast, memoSame, sameNumbers, valuesOf } from './memo.js';
import type { AppState, AppStore, Clock, ThroughputSample, UploadRow } from './types.js';

export const WINDOW_MS = 3_600_000;
export const BUCKET_MS = 60_000;
export const BUCKETS = WINDOW_MS / BUCKET_MS;
/** upload speed is recorded at most this often */
export const SAMPLE_MS = 5_000;
export const MAX_SAMPLES = WINDOW_MS / SAMPLE_MS;

export const THROUGHPUT_FAMILIES = ['indexing', 'embeddings', 'analyses'] as const;
export type ThroughputFamily = (typeof THROUGHPUT_FAMILIES)[number];

export interface FinishedSeries {
  /** items finished per minute, oldest first (BUCKETS values; the last is the current minute) */
  perMinute: Readonly<Record<ThroughputFamily, readonly number[]>>;
  total: readonly number[];
  /** items finished in the last hour, i.e. per hour */
  counts: Readonly<Record<ThroughputFamily, number>>;
  totalCount: number;
}

function finishedAt(item: {
  status: string;
  updated_at?: string;
  completed_at?: string;
}): number | undefined {
  if (!isTerminal(item.status)) return undefined;
  const text = item.completed_at ?? item.updated_at;
  const at = text ? Date.parse(text) : Number.NaN;
  return Number.isFinite(at) ? at : undefined;
}

type Finishing = { status: string; updated_at?: string; completed_at?: string };

/** Finish times per entity object: an update that changed one row of 10,000 parses one row. */
const finishedCache = new WeakMap<object, number | null>();

function cachedFinishedAt(item: Finishing): number | null {
  let at = finishedCache.get(item);
  if (at === undefined) {
    at = finishedAt(item) ?? null;
    finishedCache.set(item, at);
  }
  return at;
}
type Maps = Readonly<Record<string, Finishing>>;

/** Finish times (ms, server clock) of the loaded finished items, per family. */
export type FinishTimes = Readonly<Record<ThroughputFamily, readonly number[]>>;

function computeFinishTimes(
  tasks: Readonly<Record<string, Finishing & { video_id?: string }>>,
  indexedAssets: Maps,
  embedV1: Maps,
  embedV2: Maps,
  analyze: Maps,
): FinishTimes {
  const times: Record<ThroughputFamily, number[]> = { indexing: [], embeddings: [], analyses: [] };
  const add = (family: ThroughputFamily, item: Finishing): boolean => {
    const at = cachedFinishedAt(item);
    if (at !== null) times[family].push(at);
    return at !== null;
  };
  // an indexed asset and the task that mirrors it (its video_id) are one piece of work; the set
  // of mirrored ids is only built when there are indexed assets to check against it
  // (the values of each map are enumerated once per map object: the stuck threshold walks the same)
  const mirrored = hasKeys(indexedAssets) ? new Set<string>() : undefined;
  for (const task of valuesOf(tasks)) {
    if (add('indexing', task) && mirrored && task.video_id) mirrored.add(task.video_id);
  }
  for (const id in indexedAssets) if (!mirrored?.has(id)) add('indexing', indexedAssets[id]!);
  for (const item of valuesOf(embedV1)) add('embeddings', item);
  for (const item of valuesOf(embedV2)) add('embeddings', item);
  for (const item of valuesOf(analyze)) add('analyses', item);
  return times;
}

function hasKeys(map: object): boolean {
  for (const _ in map) return true;
  return false;
}

/**
 * The previous finish times while every family's are the same (a row changed that is not
 * finished, or changed nothing a finish time reads): a sampled reader sees the same reference
 * and renders nothing.
 */
const finishTimesMemo = memoSame(computeFinishTimes, (a, b) =>
  THROUGHPUT_FAMILIES.every((family) => sameNumbers(a[family], b[family])),
);

/** The loaded finish times (walks every loaded row: sample it, do not call it on every update). */
export function selectFinishTimes(state: AppState): FinishTimes {
  const { tasks, indexedAssets, embedV1, embedV2, analyze } = state.entities;
  return finishTimesMemo(tasks, indexedAssets, embedV1, embedV2, analyze);
}

function computeSeries(times: FinishTimes, minute: number): FinishedSeries {
  const end = (minute + 1) * BUCKET_MS;
  const start = end - WINDOW_MS;
  const series = (): number[] => new Array<number>(BUCKETS).fill(0);
  const perMinute: Record<ThroughputFamily, number[]> = {
    indexing: series(),
    embeddings: series(),
    analyses: series(),
  };
  for (const family of THROUGHPUT_FAMILIES) {
    for (const at of times[family]) {
      if (at >= start && at < end) perMinute[family][Math.floor((at - start) / BUCKET_MS)]! += 1;
    }
  }
  const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
  const total = series().map((_, i) => THROUGHPUT_FAMILIES.reduce((acc, f) => acc + perMinute[f][i]!, 0));
  return {
    perMinute,
    total,
    counts: {
      indexing: sum(perMinute.indexing),
      embeddings: sum(perMinute.embeddings),
      analyses: sum(perMinute.analyses),
    },
    totalCount: sum(total),
  };
}

function sameSeries(a: FinishedSeries, b: FinishedSeries): boolean {
  return (
    a.totalCount === b.totalCount &&
    sameNumbers(a.total, b.total) &&
    THROUGHPUT_FAMILIES.every((family) => sameNumbers(a.perMinute[family], b.perMinute[family]))
  );
}

/** computeSeries, giving back the last series while it reads the same (no render). */
const seriesMemo = memoSame(computeSeries, sameSeries);

/**
 * Work finished per minute over the hour before `now` (server clock): cheap, so it can follow
 * the clock at render time while the finish times are sampled.
 */
export function finishedSeriesAt(times: FinishTimes, now: number): FinishedSeries {
  return seriesMemo(times, Math.floor(now / BUCKET_MS));
}

export function selectFinishedSeries(state: AppState, now: number): FinishedSeries {
  return finishedSeriesAt(selectFinishTimes(state), now);
}

// ---- upload speed ---------------------------------------------------------------

/**
 * Bytes per second of every running local upload together, to two significant digits: what a
 * rate shows, and steady enough that jitter writes no sample and draws no header.
 */
export function totalUploadSpeed(uploads: Readonly<Record<string, UploadRow>>): number {
  let total = 0;
  for (const row of Object.values(uploads)) {
    const local = row.local;
    if (local && !TERMINAL_PHASES.has(local.phase) && local.phase !== 'paused') total += local.speed;
  }
  if (total <= 0) return 0;
  const step = 10 ** Math.max(0, Math.floor(Math.log10(total)) - 1);
  return Math.round(total / step) * step;
}

/** The samples with one more, keeping the last hour and at most MAX_SAMPLES. */
export function appendSample(
  samples: readonly ThroughputSample[],
  sample: ThroughputSample,
): readonly ThroughputSample[] {
  const kept = samples.filter((old) => old.at > sample.at - WINDOW_MS);
  kept.push(sample);
  return kept.length > MAX_SAMPLES ? kept.slice(kept.length - MAX_SAMPLES) : kept;
}

export interface UploadSeries {
  /** average bytes per second in each minute, oldest first */
  perMinute: readonly number[];
  current: number;
  peak: number;
}

/**
 * Samples hold a value until the next one (they are written only on change), so each minute's
 * value is the time-weighted average of that step function; before the first sample it is 0.
 */
function computeUploadSeries(
  samples: readonly ThroughputSample[],
  minute: number,
  now: number,
): UploadSeries {
  const end = (minute + 1) * BUCKET_MS;
  const start = end - WINDOW_MS;
  const perMinute = new Array<number>(BUCKETS).fill(0);
  samples.forEach((sample, i) => {
    const from = Math.max(start, sample.at);
    const to = Math.min(now, end, samples[i + 1]?.at ?? now);
    for (let t = from; t < to; ) {
      const bucket = Math.floor((t - start) / BUCKET_MS);
      const bucketEnd = start + (bucket + 1) * BUCKET_MS;
      const until = Math.min(to, bucketEnd);
      perMinute[bucket]! += (sample.uploadBytesPerSecond * (until - t)) / BUCKET_MS;
      t = until;
    }
  });
  const current = samples.at(-1)?.uploadBytesPerSecond ?? 0;
  const peak = samples.reduce((max, sample) => Math.max(max, sample.uploadBytesPerSecond), 0);
  return { perMinute, current, peak };
}

const uploadMemo = memoLast((samples: readonly ThroughputSample[], minute: number) =>
  computeUploadSeries(samples, minute, (minute + 1) * BUCKET_MS),
);

const liveMemo = memoLast(
  (series: UploadSeries, live: number): UploadSeries =>
    live === series.current ? series : { ...series, current: live, peak: Math.max(series.peak, live) },
);

/**
 * Upload speed per minute over the hour before `now` (this machine's clock), with `current` the
 * speed of the running uploads now (the samples trail it by up to SAMPLE_MS): the header, the
 * overview and the Uploads caption show the same figure.
 */
export function selectUploadSeries(state: AppState, now: number): UploadSeries {
  const series = uploadMemo(state.monitor.uploadSamples, Math.floor(now / BUCKET_MS));
  return liveMemo(series, totalUploadSpeed(state.entities.uploads));
}

/**
 * Records the upload speed into `monitor.uploadSamples` as the upload engine's snapshots
 * arrive: at most one sample per SAMPLE_MS (a later change is written when that time is up),
 * nothing while the value stays the same. Returns the function that stops it.
 */
export function startThroughputRecorder(store: AppStore, clock: Clock): () => void {
  let timer: unknown;
  const record = (): void => {
    timer = undefined;
    const state = store.getState();
    const value = totalUploadSpeed(state.entities.uploads);
    const samples = state.monitor.uploadSamples;
    const last = samples.at(-1);
    if (last ? last.uploadBytesPerSecond === value : value === 0) return;
    const now = clock.now();
    const wait = last ? last.at + SAMPLE_MS - now : 0;
    if (wait > 0) {
      timer = clock.setTimeout(record, wait);
      return;
    }
    const next = appendSample(samples, { at: now, uploadBytesPerSecond: value });
    store.setState((current) => ({ monitor: { ...current.monitor, uploadSamples: next } }));
  };
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.entities.uploads !== previous.entities.uploads && timer === undefined) record();
  });
  return () => {
    unsubscribe();
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
  };
}
