import { afterEach, describe, expect, it } from 'vitest';
import { TwelveLabsClient } from '../../../src/api/client.js';
import type { Task } from '../../../src/api/types.js';
import { selectSelectedId } from '../../../src/store/selectors.js';
import type { AppState } from '../../../src/store/types.js';
import { eventually, requestCount, type StoreRig, sleep, startRig, until } from './helpers.js';

let rig: StoreRig | undefined;

afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

function taskOfVideo(state: AppState, videoId: string): Task | undefined {
  return Object.values(state.entities.tasks).find((task) => task.video_id === videoId);
}

function eventMessages(state: AppState): string[] {
  return state.events.map((event) => event.message);
}

/** Creates an indexing task on the emulator the way tltop does: a ready asset sent to an index. */
async function createTask(current: StoreRig): Promise<string> {
  const assets = await current.api.listAssets({ page_limit: 50 });
  const asset = assets.data.find((item) => item.status === 'ready' && item.file_type?.startsWith('video'));
  const index = (await current.api.listIndexes()).data[0];
  if (!asset || !index) throw new Error('the demo seed has no ready video or no index');
  const indexed = await current.api.createIndexedAsset(index._id, { asset_id: asset._id });
  return indexed._id;
}

describe('store pollers against the emulator', () => {
  it('follows a task through every status, polls its open detail, then never requests it again', async () => {
    // a frozen emulator clock: statuses move only when the test advances it
    rig = await startRig({ seed: 'demo', speed: 0 }, { families: ['tasks'] });
    const { store, emulator } = rig;
    const videoId = await createTask(rig);

    const task = await until(store, (state) => taskOfVideo(state, videoId));
    expect(task.status).toBe('validating');

    const { actions } = store.getState();
    actions.switchView('indexing');
    actions.selectFirst();
    await until(store, (state) => selectSelectedId(state, 'tasks') === task._id);
    actions.openDetail();
    expect(store.getState().ui.detail).toEqual({ table: 'tasks', id: task._id });

    // the open detail is polled again and again while the task runs
    const detailRequestsAtStart = requestCount(emulator, 'GET /tasks/{task_id}');
    await eventually(() => requestCount(emulator, 'GET /tasks/{task_id}') >= detailRequestsAtStart + 3);
    const steps: [number, string][] = [
      [6, 'pending'],
      [5, 'queued'],
      [15, 'indexing'],
      [90, 'ready'],
    ];
    for (const [seconds, status] of steps) {
      emulator.advanceClock(seconds);
      await until(store, (state) => state.entities.tasks[task._id]?.status === status);
    }

    const short = task._id.slice(-8);
    const messages = eventMessages(store.getState());
    for (const transition of [
      'validating -> pending',
      'pending -> queued',
      'queued -> indexing',
      'indexing -> ready',
    ]) {
      expect(messages).toContain(`task ${short} ${transition}`);
    }

    // terminal now. Demo tasks that the clock jump finished are fetched once each (20 per poll);
    // once those are done: many more polls of the active list, no request for any single task
    let singlesBefore = -1;
    while (requestCount(emulator, 'GET /tasks/{task_id}') !== singlesBefore) {
      singlesBefore = requestCount(emulator, 'GET /tasks/{task_id}');
      await sleep(300);
    }
    const listsBefore = requestCount(emulator, 'GET /tasks');
    await eventually(() => requestCount(emulator, 'GET /tasks') >= listsBefore + 20);
    expect(requestCount(emulator, 'GET /tasks/{task_id}')).toBe(singlesBefore);
    expect(store.getState().ui.detail?.id).toBe(task._id);
  });

  it('follows embedding and analyze tasks too, and stops requesting them once they finish', async () => {
    rig = await startRig({ seed: 'demo', speed: 0 }, { families: ['embeddings', 'analyze'] });
    const { store, emulator } = rig;
    await until(
      store,
      (state) => state.collections.analyze.activeTotal !== undefined && state.collections.embedV1.activeTotal,
    );
    expect(store.getState().collections.analyze.activeTotal).toBeGreaterThan(0);

    emulator.advanceClock(3_600);
    await until(store, (state) => state.collections.analyze.activeTotal === 0, 10_000);
    await until(
      store,
      (state) => state.collections.embedV2.activeTotal === 0 && state.collections.embedV1.activeTotal === 0,
    );
    const messages = eventMessages(store.getState());
    expect(messages.some((message) => /^analysis \S+ \w+ -> (ready|failed)$/.test(message))).toBe(true);
    expect(messages.some((message) => /^embed task \S+ processing -> (ready|failed)$/.test(message))).toBe(
      true,
    );
    const stillActive = [
      ...Object.values(store.getState().entities.analyze),
      ...Object.values(store.getState().entities.embedV2),
    ].filter((task) => task.status !== 'ready' && task.status !== 'failed');
    expect(stillActive).toEqual([]);

    const singles = () =>
      requestCount(emulator, 'GET /analyze/tasks/{task_id}') +
      requestCount(emulator, 'GET /embed-v2/tasks/{task_id}') +
      requestCount(emulator, 'GET /embed/tasks/{task_id}/status');
    let settled = -1;
    while (singles() !== settled) {
      settled = singles();
      await sleep(300);
    }
    // each task that left the active set was fetched once for its final state…
    expect(requestCount(emulator, 'GET /analyze/tasks/{task_id}')).toBeGreaterThan(0);
    expect(requestCount(emulator, 'GET /embed-v2/tasks/{task_id}')).toBeGreaterThan(0);
    expect(requestCount(emulator, 'GET /embed/tasks/{task_id}/status')).toBeGreaterThan(0);
    // …and never again
    const lists = requestCount(emulator, 'GET /analyze/tasks');
    await eventually(() => requestCount(emulator, 'GET /analyze/tasks') >= lists + 15);
    expect(singles()).toBe(settled);
  });

  it('polls a hidden table slower, backs off while nothing changes, and speeds up when it is shown', async () => {
    rig = await startRig({ seed: 'demo', speed: 0 }, { families: ['tasks'] });
    const { store, emulator } = rig;
    await until(store, (state) => state.collections.tasks.activeTotal !== undefined);
    const lists = () => requestCount(emulator, 'GET /tasks');

    // each active poll is 2 list pages (74 running tasks in the demo), plus the window page
    // hidden (the uploads view is shown): 60 ms growing to 200 ms
    await sleep(400);
    let before = lists();
    await sleep(1_000);
    const hidden = lists() - before;

    // shown: 20 ms growing to 60 ms
    store.getState().actions.switchView('indexing');
    await sleep(400);
    before = lists();
    await sleep(1_000);
    const visible = lists() - before;

    expect(hidden).toBeLessThanOrEqual(20);
    expect(visible).toBeGreaterThanOrEqual(2 * hidden);
    // backed off: without it, one active poll per 20 ms would be ~100 list requests
    expect(visible).toBeLessThan(70);
  });

  it('makes no store notification when polls return unchanged data', async () => {
    rig = await startRig({ seed: 'demo', speed: 0 });
    const { store, emulator } = rig;
    await until(store, (state) =>
      Object.values(state.collections).every((collection) => collection.total !== undefined),
    );
    await sleep(300);

    let notifications = 0;
    const changed: string[] = [];
    const unsubscribe = store.subscribe((state, previous) => {
      notifications += 1;
      for (const key of ['entities', 'collections', 'connection', 'ui', 'events'] as const) {
        if (state[key] !== previous[key]) changed.push(key);
      }
    });
    const listsBefore = requestCount(emulator, 'GET /tasks');
    const total = () =>
      Object.values(emulator.stats().requests)
        .flatMap((byStatus) => Object.values(byStatus))
        .reduce((sum, count) => sum + count, 0);
    const requestsBefore = total();
    await eventually(() => requestCount(emulator, 'GET /tasks') >= listsBefore + 15);
    expect(total() - requestsBefore).toBeGreaterThan(40);
    expect(changed).toEqual([]);
    expect(notifications).toBe(0);

    // and the same polls do notify once something changes
    emulator.advanceClock(120);
    await until(store, () => notifications > 0);
    unsubscribe();
  });

  it('keeps the last good data through an outage, marks it stale, backs off and recovers', async () => {
    rig = await startRig({ seed: 'demo', speed: 0 }, { families: ['tasks'] });
    const { store, emulator } = rig;
    await until(store, (state) => state.collections.tasks.activeTotal !== undefined);
    await sleep(100);
    const tasksBefore = store.getState().entities.tasks;

    emulator.setFaults({ 'api-5xx': 1 });
    const failedBefore =
      requestCount(emulator, 'GET /tasks', 500) + requestCount(emulator, 'GET /tasks', 503);
    await until(store, (state) => state.connection.families.tasks.stale);
    await sleep(1_000);
    const state = store.getState();
    expect(state.entities.tasks).toBe(tasksBefore);
    expect(state.connection.health).toBe('down');
    expect(state.connection.families.tasks.lastSuccessAt).toBeTypeOf('number');
    expect(state.events.some((event) => event.level === 'error' && event.message.startsWith('tasks:'))).toBe(
      true,
    );
    // polling every 20 ms would make ~50 requests in that second; backoff (20 ms doubling to 200 ms) makes ~10
    const failed =
      requestCount(emulator, 'GET /tasks', 500) + requestCount(emulator, 'GET /tasks', 503) - failedBefore;
    expect(failed).toBeGreaterThan(2);
    expect(failed).toBeLessThan(20);

    emulator.setFaults({});
    await until(store, (current) => !current.connection.families.tasks.stale);
    expect(store.getState().connection.health).toBe('ok');
    expect(eventMessages(store.getState()).some((message) => message.startsWith('tasks: recovered'))).toBe(
      true,
    );
    // fresh data flows again
    emulator.advanceClock(600);
    await until(store, (current) => current.entities.tasks !== tasksBefore);
  });

  it('slows down as the rate-limit budget runs out, without hitting it', async () => {
    rig = await startRig({ seed: 'demo', speed: 1 }, { families: ['tasks'] });
    const { store, emulator } = rig;
    await until(store, (state) => state.collections.tasks.activeTotal !== undefined);

    emulator.setFaults('rate-limit=10/s');
    const okBefore = requestCount(emulator, 'GET /tasks', 200);
    await sleep(3_000);
    // polling every 20 ms would be ~150 requests; the budget is 10 per second
    const ok = requestCount(emulator, 'GET /tasks', 200) - okBefore;
    expect(requestCount(emulator, 'GET /tasks', 429)).toBe(0);
    expect(ok).toBeGreaterThan(3);
    expect(ok).toBeLessThanOrEqual(40);
    expect(store.getState().connection.rateLimit.limit).toBe(10);
  });

  it('waits out a burst of 429s caused by another client on the same key, then goes on', async () => {
    rig = await startRig({ seed: 'demo', speed: 1 }, { families: ['tasks'] });
    const { store, emulator } = rig;
    await until(store, (state) => state.collections.tasks.activeTotal !== undefined);

    // another program using the same key drains the budget as soon as each window opens
    const other = new TwelveLabsClient({
      apiKey: emulator.apiKey,
      baseUrl: emulator.baseUrl,
      retry: { maxRetries: 0 },
    });
    let draining = true;
    const drain = (async () => {
      while (draining) await other.listIndexes().catch(() => sleep(2));
    })();
    let waitedForReset = false;
    const unsubscribe = store.subscribe((state) => {
      if (state.connection.rateLimitedUntil !== undefined) waitedForReset = true;
    });
    emulator.setFaults('rate-limit=5/s');
    try {
      await sleep(3_000);
      // a poller ignoring 429 would get ~100 of them at this pace; waiting for each reset gives ~1 per window
      const limited = requestCount(emulator, 'GET /tasks', 429);
      expect(limited).toBeGreaterThan(0);
      expect(limited).toBeLessThanOrEqual(5);
      const state = store.getState();
      // the header showed the wait (the store may have won a slot since)
      expect(waitedForReset).toBe(true);
      expect(eventMessages(state).some((message) => message.includes('waiting for the rate limit'))).toBe(
        true,
      );
    } finally {
      unsubscribe();
      draining = false;
      await drain;
      await other.close();
    }
    await until(store, (state) => !state.connection.families.tasks.stale, 5_000);
  });
});
