import { afterEach, describe, expect, it } from 'vitest';
import { eventually, requestCount, type StoreRig, sleep, startRig, until } from './helpers.js';

/** The Failures view's poller against the emulator's demo account, with its clock stopped. */
let rig: StoreRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('failures poller', () => {
  it('lists failures with the status=failed filters, writes nothing while nothing changes, and asks each embed v2 reason once', async () => {
    rig = await startRig({ seed: 'demo', speed: 0 }, { families: ['indexes', 'failures'] });
    const { store, emulator } = rig;
    store.getState().actions.switchView('failures');
    await until(store, (state) =>
      Object.values(state.failures.items).some((item) => item.family === 'indexedAssets'),
    );
    const failedV2 = (await rig.api.listEmbedV2Tasks({ status: 'failed', page_limit: 50 })).page_info
      .total_results;
    expect(failedV2).toBeGreaterThan(0);
    const families = new Set(Object.values(store.getState().failures.items).map((item) => item.family));
    expect([...families].sort()).toEqual([
      'analyze',
      'assets',
      'embedV1',
      'embedV2',
      'indexedAssets',
      'tasks',
    ]);
    const failedTasks = (await rig.api.listTasks({ status: ['failed'], page_limit: 1 })).page_info
      .total_results;
    const tasks = Object.values(store.getState().failures.items).filter((item) => item.family === 'tasks');
    expect(tasks).toHaveLength(Math.min(100, failedTasks));
    expect(store.getState().failures.totals.tasks).toBe(failedTasks);

    const failures = store.getState().failures;
    let writes = 0;
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.failures !== previous.failures) writes += 1;
    });
    const polls = requestCount(emulator, 'GET /analyze/tasks');
    await eventually(() => requestCount(emulator, 'GET /analyze/tasks') >= polls + 5);
    unsubscribe();
    expect(writes).toBe(0);
    expect(store.getState().failures).toBe(failures);
    // failed items never change: each embed v2 task was retrieved once for its reason
    expect(requestCount(emulator, 'GET /embed-v2/tasks/{task_id}')).toBe(failedV2);
  });

  it('polls slower while the view is hidden', async () => {
    rig = await startRig({ seed: 'demo', speed: 0 }, { families: ['failures'] });
    const { store, emulator } = rig;
    await until(store, (state) => state.failures.loaded);
    const count = async (): Promise<number> => {
      const before = requestCount(emulator, 'GET /analyze/tasks');
      await sleep(1_200);
      return requestCount(emulator, 'GET /analyze/tasks') - before;
    };
    const hidden = await count();
    store.getState().actions.switchView('failures');
    const visible = await count();
    expect(visible).toBeGreaterThan(2 * Math.max(1, hidden));
  });

  it('drops an item the server no longer lists as failed', async () => {
    rig = await startRig({ seed: 'demo', speed: 0 }, { families: ['failures'] });
    const { store } = rig;
    await until(store, (state) => state.failures.loaded);
    const item = Object.values(store.getState().failures.items).find(
      (candidate) => candidate.family === 'analyze',
    )!;
    await rig.api.deleteAnalyzeTask(item.id);
    store.getState().actions.refreshNow();
    await until(store, (state) => state.failures.items[item.key] === undefined);
  });
});
