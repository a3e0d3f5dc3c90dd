/**
 * The sampled walks over every loaded row (stuck threshold, stuck counts, finish times) give
 * back the same reference while what they compute reads the same, so a sampled reader renders
 * nothing for a store update that changed no duration or finish time; and a new value when it
 * changed.
 */
import { describe, expect, it } from 'vitest';
import { TwelveLabsClient } from '../../../src/api/client.js';
import type { Task } from '../../../src/api/types.js';
import { createAppStore } from '../../../src/store/create-store.js';
import { selectStuckRule, selectStuckSummary } from '../../../src/store/stuck.js';
import { finishedSeriesAt, selectFinishedSeries, selectFinishTimes } from '../../../src/store/throughput.js';
import type { AppStore } from '../../../src/store/types.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

function storeWith(): AppStore {
  return createAppStore({
    api: new TwelveLabsClient({ apiKey: 'tlk_unit', baseUrl: 'http://127.0.0.1:9/v1.3' }),
  });
}

function task(i: number, status: string, tookMs: number, extra: Partial<Task> = {}): Task {
  return {
    _id: (i + 1).toString(16).padStart(24, '0'),
    status,
    created_at: new Date(T0 - 60 * MINUTE + i * 1000).toISOString(),
    updated_at: new Date(T0 - 60 * MINUTE + i * 1000 + tookMs).toISOString(),
    ...extra,
  };
}

function load(store: AppStore, tasks: readonly Task[]): void {
  store.setState((state) => ({
    entities: { ...state.entities, tasks: Object.fromEntries(tasks.map((item) => [item._id, item])) },
  }));
}

function change(store: AppStore, next: Task): void {
  store.setState((state) => ({
    entities: { ...state.entities, tasks: { ...state.entities.tasks, [next._id]: next } },
  }));
}

describe('sampled walks keep their result while it reads the same', () => {
  it('stuck rule and counts: same reference after a running row changed, new after a finished one', () => {
    const store = storeWith();
    const tasks = Array.from({ length: 40 }, (_, i) =>
      i < 30 ? task(i, 'ready', (10 + i) * MINUTE) : task(i, 'indexing', 0),
    );
    load(store, tasks);
    const now = T0;
    const rule = selectStuckRule(store.getState(), 'tasks');
    const summary = selectStuckSummary(store.getState(), now);
    expect(rule.source).toBe('derived');
    // a running row's update_at moves: no duration changes
    change(store, { ...tasks[35]!, updated_at: new Date(T0 - MINUTE).toISOString() });
    expect(selectStuckRule(store.getState(), 'tasks')).toBe(rule);
    expect(selectStuckSummary(store.getState(), now)).toBe(summary);
    // the longest finished row took longer still: the p95 (the 29th of 30) stays, so does the rule
    change(store, { ...tasks[29]!, updated_at: new Date(T0).toISOString() });
    expect(selectStuckRule(store.getState(), 'tasks')).toBe(rule);
    // the shortest took longest: the p95 and the rule change
    change(store, { ...tasks[0]!, updated_at: new Date(T0).toISOString() });
    const next = selectStuckRule(store.getState(), 'tasks');
    expect(next).not.toBe(rule);
    expect(next.typicalMs).toBeGreaterThan(rule.typicalMs!);
  });

  it('finish times: same reference after a running row changed, new after a row finished', () => {
    const store = storeWith();
    const tasks = Array.from({ length: 20 }, (_, i) =>
      i < 10 ? task(i, 'ready', 5 * MINUTE) : task(i, 'indexing', 0),
    );
    load(store, tasks);
    const times = selectFinishTimes(store.getState());
    expect(times.indexing).toHaveLength(10);
    change(store, { ...tasks[15]!, updated_at: new Date(T0 - MINUTE).toISOString() });
    expect(selectFinishTimes(store.getState())).toBe(times);
    change(store, { ...tasks[15]!, status: 'ready', updated_at: new Date(T0 - MINUTE).toISOString() });
    const next = selectFinishTimes(store.getState());
    expect(next).not.toBe(times);
    expect(next.indexing).toHaveLength(11);
    expect(selectFinishedSeries(store.getState(), T0).counts.indexing).toBe(11);
  });

  it("the last hour's series: the same object while it reads the same, though the finish times changed", () => {
    const store = storeWith();
    const tasks = Array.from({ length: 6 }, (_, i) => task(i, 'ready', 5 * MINUTE));
    load(store, tasks);
    const series = finishedSeriesAt(selectFinishTimes(store.getState()), T0);
    expect(series.totalCount).toBe(6);
    // a row finished a day ago (outside the hour): new finish times, the same series
    change(store, { ...tasks[0]!, updated_at: new Date(T0 - 24 * 60 * MINUTE).toISOString() });
    const times = selectFinishTimes(store.getState());
    const moved = finishedSeriesAt(times, T0);
    expect(moved.totalCount).toBe(5);
    change(store, {
      ...tasks[0]!,
      created_at: new Date(T0 - 30 * 60 * MINUTE).toISOString(),
      updated_at: new Date(T0 - 25 * 60 * MINUTE).toISOString(),
    });
    expect(selectFinishTimes(store.getState())).not.toBe(times);
    expect(finishedSeriesAt(selectFinishTimes(store.getState()), T0)).toBe(moved);
    // another minute: the series of that minute
    expect(finishedSeriesAt(selectFinishTimes(store.getState()), T0 + 60 * MINUTE).totalCount).toBe(0);
  });

  it('finish times: a task and the indexed asset it mirrors count once, also with indexed assets loaded', () => {
    const store = storeWith();
    const mirrored = task(1, 'ready', MINUTE, { video_id: 'v-mirrored' });
    load(store, [mirrored, task(2, 'ready', MINUTE)]);
    store.setState((state) => ({
      entities: {
        ...state.entities,
        indexedAssets: {
          'v-mirrored': { _id: 'v-mirrored', status: 'ready', updated_at: mirrored.updated_at },
          'v-alone': { _id: 'v-alone', status: 'ready', updated_at: mirrored.updated_at },
        } as never,
      },
    }));
    expect(selectFinishTimes(store.getState()).indexing).toHaveLength(3);
  });
});
