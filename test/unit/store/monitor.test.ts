import { afterEach, describe, expect, it } from 'vitest';
import { TwelveLabsClient } from '../../../src/api/client.js';
import { explainText, withErrorHelp } from '../../../src/api/error-help.js';
import type { Task } from '../../../src/api/types.js';
import { withMonitorLines } from '../../../src/components/details/monitor-lines.js';
import { regroup, sparkline } from '../../../src/components/Sparkline.js';
import { createAppStore } from '../../../src/store/create-store.js';
import {
  deriveStuckRule,
  formatStuckFlag,
  parseStuckAfter,
  percentile,
  STUCK_FALLBACK_MS,
  STUCK_FLOOR_MS,
  selectStuckRule,
  selectStuckSummary,
  stuckFlag,
} from '../../../src/store/stuck.js';
import {
  SAMPLE_MS,
  selectFinishedSeries,
  selectUploadSeries,
  startThroughputRecorder,
} from '../../../src/store/throughput.js';
import type { AppStore, Clock, UploadRow } from '../../../src/store/types.js';
import { selectUsage } from '../../../src/store/usage.js';
import type { UploadSnapshot } from '../../../src/upload/types.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

function storeWith(stuckAfterMs?: number): AppStore {
  return createAppStore({
    api: new TwelveLabsClient({ apiKey: 'tlk_unit', baseUrl: 'http://127.0.0.1:9/v1.3' }),
    stuckAfterMs,
  });
}

let n = 0;
function task(status: string, createdAt: number, tookMs = 0, extra: Partial<Task> = {}): Task {
  n += 1;
  return {
    _id: n.toString(16).padStart(24, '0'),
    status,
    created_at: new Date(createdAt).toISOString(),
    updated_at: new Date(createdAt + tookMs).toISOString(),
    ...extra,
  };
}

function setTasks(store: AppStore, tasks: readonly Task[]): void {
  store.setState((state) => ({
    entities: { ...state.entities, tasks: Object.fromEntries(tasks.map((item) => [item._id, item])) },
  }));
}

describe('the stuck threshold rule', () => {
  it('takes the nearest-rank percentile', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBe(10);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)).toBe(5);
    expect(percentile([], 0.95)).toBe(0);
  });

  it('is 3x the p95 of finished durations, slow from half of it', () => {
    const durations = Array.from({ length: 20 }, (_, i) => (i + 1) * MINUTE); // p95 = 19 min
    const rule = deriveStuckRule(durations);
    expect(rule).toMatchObject({ source: 'derived', samples: 20, typicalMs: 19 * MINUTE });
    expect(rule.stuckAfterMs).toBe(57 * MINUTE);
    expect(rule.slowAfterMs).toBe(28.5 * MINUTE);
  });

  it('never goes below the floor, falls back with fewer than five finished items, and a setting wins', () => {
    expect(deriveStuckRule([MINUTE, MINUTE, MINUTE, MINUTE, MINUTE])).toMatchObject({
      source: 'floor',
      stuckAfterMs: STUCK_FLOOR_MS,
    });
    expect(deriveStuckRule([MINUTE, MINUTE])).toMatchObject({
      source: 'fallback',
      stuckAfterMs: STUCK_FALLBACK_MS,
    });
    expect(deriveStuckRule([MINUTE, MINUTE], 30 * MINUTE)).toMatchObject({
      source: 'profile',
      stuckAfterMs: 30 * MINUTE,
      slowAfterMs: 15 * MINUTE,
    });
  });

  it('flags running items by age with a symbol and a word; finished ones never', () => {
    const rule = deriveStuckRule([], 60 * MINUTE);
    const running = task('indexing', T0);
    expect(stuckFlag('tasks', running, rule, T0 + 29 * MINUTE)).toBeUndefined();
    const slow = stuckFlag('tasks', running, rule, T0 + 40 * MINUTE)!;
    expect(formatStuckFlag(slow)).toBe('◔ slow 40m');
    const stuck = stuckFlag('tasks', running, rule, T0 + 125 * MINUTE)!;
    expect(formatStuckFlag(stuck)).toBe('⚠ stuck 2h');
    expect(stuckFlag('tasks', task('ready', T0), rule, T0 + 5 * 60 * MINUTE)).toBeUndefined();
    expect(stuckFlag('tasks', task('failed', T0), rule, T0 + 5 * 60 * MINUTE)).toBeUndefined();
  });

  it('parses stuck_after durations and refuses others in one line', () => {
    expect(parseStuckAfter('30m')).toBe(30 * MINUTE);
    expect(parseStuckAfter('2h')).toBe(120 * MINUTE);
    expect(parseStuckAfter('1.5h')).toBe(90 * MINUTE);
    expect(() => parseStuckAfter('soon')).toThrow('expected a duration');
    expect(() => parseStuckAfter('5s')).toThrow('10s to 30d');
    expect(() => parseStuckAfter('90')).toThrow('like 30m');
  });

  it('is derived per table from the loaded data, memoized, and follows the setting', () => {
    const store = storeWith();
    const done = Array.from({ length: 10 }, (_, i) =>
      task('ready', T0 - 3 * 60 * MINUTE, (i + 1) * 2 * MINUTE),
    );
    const stuck = task('queued', T0 - 70 * MINUTE);
    const fresh = task('indexing', T0 - 2 * MINUTE);
    setTasks(store, [...done, stuck, fresh]);
    const rule = selectStuckRule(store.getState(), 'tasks');
    expect(rule).toMatchObject({ source: 'derived', stuckAfterMs: 60 * MINUTE });
    // entity writes elsewhere do not recompute it
    store.setState((state) => ({ entities: { ...state.entities, assets: {} } }));
    expect(selectStuckRule(store.getState(), 'tasks')).toBe(rule);
    expect(selectStuckSummary(store.getState(), T0).tasks).toEqual({ stuck: 1, slow: 0 });
    // a table with too few finished items uses the fallback
    expect(selectStuckRule(store.getState(), 'analyze').source).toBe('fallback');

    store.getState().actions.setStuckAfter(MINUTE);
    expect(selectStuckRule(store.getState(), 'tasks')).toMatchObject({
      source: 'profile',
      stuckAfterMs: MINUTE,
    });
    expect(selectStuckSummary(store.getState(), T0).tasks).toEqual({ stuck: 2, slow: 0 });
  });

  it('takes the setting from the store deps', () => {
    const store = storeWith(45 * MINUTE);
    expect(selectStuckRule(store.getState(), 'embedV2')).toMatchObject({
      source: 'profile',
      stuckAfterMs: 45 * MINUTE,
    });
  });
});

describe('throughput', () => {
  it('counts work finished per minute over the last hour; an indexed asset and its mirror task once', () => {
    const store = storeWith();
    const now = T0;
    const recent = task('ready', now - 10 * MINUTE, 5 * MINUTE, { video_id: 'f'.repeat(24) }); // done 5 min ago
    const old = task('ready', now - 3 * 60 * MINUTE, MINUTE); // done long ago
    const failed = task('failed', now - 30 * MINUTE, 20 * MINUTE); // done 10 min ago
    const running = task('indexing', now - 5 * MINUTE);
    setTasks(store, [recent, old, failed, running]);
    store.setState((state) => ({
      entities: {
        ...state.entities,
        indexedAssets: {
          ['f'.repeat(24)]: {
            _id: 'f'.repeat(24),
            status: 'ready',
            created_at: recent.created_at,
            updated_at: recent.updated_at,
          },
        },
      },
    }));
    const series = selectFinishedSeries(store.getState(), now);
    expect(series.counts.indexing).toBe(2);
    expect(series.totalCount).toBe(2);
    expect(series.total).toHaveLength(60);
    expect(series.total[54]).toBe(1); // the minute 5 minutes ago
    expect(selectFinishedSeries(store.getState(), now + 10_000)).toBe(series); // same minute: same object
  });

  it('draws sparklines with the newest values on the right', () => {
    expect(sparkline([0, 1, 2, 4, 8])).toBe('▁▂▃▅█');
    expect(sparkline([0, 0, 0])).toBe('▁▁▁');
    expect(regroup([1, 1, 1, 1, 1, 1], 3)).toEqual([2, 2, 2]);
    expect(regroup([1, 2, 3, 4, 5], 2)).toEqual([3, 12]);
    expect(regroup([2, 4, 6, 8], 2, true)).toEqual([3, 7]);
  });

  describe('the upload speed recorder', () => {
    let stop: (() => void) | undefined;
    afterEach(() => {
      stop?.();
      stop = undefined;
    });

    function fakeClock() {
      let time = T0;
      const timers: { at: number; run: () => void }[] = [];
      const clock: Clock = {
        now: () => time,
        setTimeout: (run, ms) => {
          const timer = { at: time + ms, run };
          timers.push(timer);
          return timer;
        },
        clearTimeout: (handle) => {
          const index = timers.indexOf(handle as (typeof timers)[number]);
          if (index >= 0) timers.splice(index, 1);
        },
        random: () => 0.5,
      };
      const advance = (ms: number) => {
        time += ms;
        for (const timer of timers.filter((t) => t.at <= time)) {
          timers.splice(timers.indexOf(timer), 1);
          timer.run();
        }
      };
      return { clock, advance, pending: () => timers.length };
    }

    function setSpeed(store: AppStore, speed: number, phase: UploadSnapshot['phase'] = 'uploading') {
      const local = { id: 'l1', phase, speed } as unknown as UploadSnapshot;
      const row: UploadRow = { id: 'u1', local };
      store.setState((state) => ({ entities: { ...state.entities, uploads: { u1: row } } }));
    }

    it('records at most one sample per interval and only changes; the last change is written when the interval is up', () => {
      const store = storeWith();
      const { clock, advance, pending } = fakeClock();
      stop = startThroughputRecorder(store, clock);
      const samples = () => store.getState().monitor.uploadSamples;
      setSpeed(store, 1_000_000);
      expect(samples()).toEqual([{ at: T0, uploadBytesPerSecond: 1_000_000 }]);
      advance(1000);
      setSpeed(store, 2_000_000);
      setSpeed(store, 3_000_000);
      expect(samples()).toHaveLength(1);
      expect(pending()).toBe(1);
      advance(SAMPLE_MS);
      expect(samples().map((sample) => sample.uploadBytesPerSecond)).toEqual([1_000_000, 3_000_000]);
      // the same value again (speeds are kept to two significant digits) writes nothing
      const before = samples();
      advance(10 * SAMPLE_MS);
      setSpeed(store, 3_000_000 + 100);
      expect(samples()).toBe(before);
      // a finished upload drops the speed to 0
      setSpeed(store, 0, 'done');
      expect(samples().at(-1)?.uploadBytesPerSecond).toBe(0);
      const series = selectUploadSeries(store.getState(), clock.now());
      expect(series.peak).toBe(3_000_000);
      expect(series.current).toBe(0);
      expect(series.perMinute.some((value) => value > 0)).toBe(true);
    });
  });
});

describe('usage', () => {
  it('adds the indexes totals and the queued video minutes of loaded data, each video once', () => {
    const store = storeWith();
    const queued = task('queued', T0, 0, { system_metadata: { duration: 600 }, video_id: 'e'.repeat(24) });
    setTasks(store, [queued, task('ready', T0, MINUTE, { system_metadata: { duration: 6000 } })]);
    store.setState((state) => ({
      entities: {
        ...state.entities,
        indexes: {
          a: { _id: 'a', index_name: 'a', total_duration: 3000 },
          b: { _id: 'b', index_name: 'b', total_duration: 600 },
        },
        indexedAssets: {
          ['e'.repeat(24)]: { _id: 'e'.repeat(24), status: 'queued', system_metadata: { duration: 600 } },
          ['d'.repeat(24)]: { _id: 'd'.repeat(24), status: 'pending', system_metadata: { duration: 120 } },
        },
      },
    }));
    expect(selectUsage(store.getState())).toMatchObject({
      indexedMinutes: 60,
      indexCount: 2,
      queuedMinutes: 12,
      queuedItems: 2,
    });
  });
});

describe('error help', () => {
  it('explains a 429 and a usage-limit error in words with what to do, keeping what failed in front', () => {
    expect(withErrorHelp('429 too_many_requests: You have exceeded the rate limit; retry in 12s')).toBe(
      'Rate limit reached: too many requests for this key in the current window (429 too_many_requests) — ' +
        'tltop pauses polling until the window resets and then goes on; other clients on the same key share ' +
        'the budget, so stop them or ask TwelveLabs for a higher limit · You have exceeded the rate limit; retry in 12s',
    );
    const credit = withErrorHelp('index failed: 400 usage_limit_exceeded: Not enough free credit.');
    expect(credit).toMatch(
      /^index failed: the account has used up its credit \(usage limit reached\) \(400 usage_limit_exceeded\) — add credit or upgrade the plan.* · Not enough free credit\.$/,
    );
    expect(withErrorHelp('tasks: 429 http_429')).toMatch(
      /^tasks: rate limit reached.*\(429 http_429\) — tltop pauses polling/,
    );
    expect(explainText('503 http_503')).toContain('retries by itself');
    expect(withErrorHelp('something else broke')).toBe('something else broke');
  });
});

describe('the detail pane', () => {
  it('adds the flag after the status and what to do after an explained error', () => {
    const rule = deriveStuckRule([], 30 * MINUTE);
    const item = task('queued', T0);
    const lines = withMonitorLines(
      [
        { label: 'id', value: item._id },
        { label: 'status', value: '○ queued' },
        {
          label: 'error',
          value: '✗ usage_limit_exceeded: Not enough free credit. Please upgrade your plan.',
        },
        { label: 'file', value: 'a.mp4' },
      ],
      'tasks',
      item,
      rule,
      T0 + 95 * MINUTE,
      200,
    );
    expect(lines.map((line) => line.label)).toEqual([
      'id',
      'status',
      'flag',
      'error',
      'what happened',
      'what to do',
      'file',
    ]);
    expect(lines[2]!.value).toBe('⚠ stuck: running for 1h 35m; stuck after 30m (stuck_after)');
    expect(lines[5]!.value).toContain('add credit or upgrade the plan');
  });
});
