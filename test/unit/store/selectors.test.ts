import { describe, expect, it } from 'vitest';
import {
  selectSelectedId,
  selectStatusCounts,
  selectTableView,
  selectUploadProgress,
} from '../../../src/store/selectors.js';
import { serverParams } from '../../../src/store/tables.js';
import type { CollectionGroup } from '../../../src/store/types.js';
import { loadTasks, offlineStore, task } from './fixtures.js';

describe('table selectors', () => {
  it('places loaded server pages at their offsets, leaving unloaded rows undefined', () => {
    const store = offlineStore();
    loadTasks(store, 120);
    store.setState((state) => {
      const { 2: _dropped, ...pages } = state.collections.tasks.pages;
      return { collections: { ...state.collections, tasks: { ...state.collections.tasks, pages } } };
    });
    const view = selectTableView(store.getState(), 'tasks');
    expect(view.total).toBe(120);
    expect(view.ids[0]).toBe(task(120)._id);
    expect(view.ids[49]).toBe(task(71)._id);
    expect(view.ids[50]).toBeUndefined();
    expect(view.ids[100]).toBe(task(20)._id);
    expect(view.partial).toBe(false);
  });

  it('returns the same rows while only entities change, and new rows when pages change', () => {
    const store = offlineStore();
    loadTasks(store, 10_000, (i) => (i % 500 === 0 ? 'indexing' : 'ready'));
    const first = selectTableView(store.getState(), 'tasks');
    const someId = first.ids[0]!;
    store.setState((state) => ({
      entities: {
        ...state.entities,
        tasks: { ...state.entities.tasks, [someId]: { ...state.entities.tasks[someId]!, status: 'failed' } },
      },
      connection: { ...state.connection, lastLatencyMs: 10 },
    }));
    expect(selectTableView(store.getState(), 'tasks')).toBe(first);

    store.setState((state) => ({
      collections: { ...state.collections, tasks: { ...state.collections.tasks, total: 10_001 } },
    }));
    const second = selectTableView(store.getState(), 'tasks');
    expect(second).not.toBe(first);
    expect(second.total).toBe(10_001);
  });

  it('sorts loaded rows locally where the server cannot, recomputing only when entities change', () => {
    const store = offlineStore();
    const { actions } = store.getState();
    actions.switchView('assets');
    // newest, oldest (loaded), status (loaded)
    actions.cycleSort();
    actions.cycleSort();
    const statusOf = (i: number) => (i % 1000 === 0 ? 'processing' : i % 700 === 0 ? 'failed' : 'ready');
    const assets = Array.from({ length: 10_000 }, (_, i) => ({
      ...task(10_000 - i),
      status: statusOf(10_000 - i),
    }));
    store.setState((state) => ({
      entities: { ...state.entities, assets: Object.fromEntries(assets.map((asset) => [asset._id, asset])) },
      collections: {
        ...state.collections,
        assets: {
          queryKey: serverParams(state.ui, 'assets').key,
          pageSize: 50,
          pages: Object.fromEntries(
            Array.from({ length: 200 }, (_, p) => [
              p + 1,
              assets.slice(p * 50, p * 50 + 50).map((a) => a._id),
            ]),
          ),
          total: 10_000,
        },
      },
    }));
    const view = selectTableView(store.getState(), 'assets');
    expect(view.sort.label).toBe('status (loaded)');
    expect(view.partial).toBe(false);
    const statuses = view.ids.slice(0, 30).map((id) => store.getState().entities.assets[id!]!.status);
    // 13 failed (multiples of 700 but not of 1000), 10 processing (multiples of 1000), then ready
    expect(statuses.slice(0, 13).every((status) => status === 'failed')).toBe(true);
    expect(statuses.slice(13, 23).every((status) => status === 'processing')).toBe(true);
    expect(statuses[23]).toBe('ready');

    actions.moveSelection(5);
    expect(selectTableView(store.getState(), 'assets')).toBe(view);
    expect(selectSelectedId(store.getState(), 'assets')).toBe(view.ids[5]);
  });

  it('orders by status over the whole collection, one server query per status, failed first', () => {
    const store = offlineStore();
    const { actions } = store.getState();
    actions.switchView('indexing');
    while (selectTableView(store.getState(), 'tasks').sort.key !== 'status') actions.cycleSort();
    const groups = store.getState().collections.tasks.groups!;
    expect(groups.map((group) => group.status)).toEqual([
      'failed',
      'indexing',
      'queued',
      'pending',
      'validating',
      'uploading',
      'ready',
    ]);
    const totals: Record<string, number> = { failed: 3, indexing: 60, ready: 9_000 };
    store.setState((state) => ({
      collections: {
        ...state.collections,
        tasks: {
          ...state.collections.tasks,
          groups: groups.map((group): CollectionGroup => {
            const total = totals[group.status] ?? 0;
            const first = Array.from({ length: Math.min(50, total) }, (_, i) => `${group.status}-${i}`);
            return { ...group, total, pages: total ? { 1: first } : {} };
          }),
        },
      },
    }));
    const view = selectTableView(store.getState(), 'tasks');
    expect(view.total).toBe(9_063);
    expect(view.ids.slice(0, 4)).toEqual(['failed-0', 'failed-1', 'failed-2', 'indexing-0']);
    expect(view.ids[52]).toBe('indexing-49');
    // the second page of indexing tasks is not loaded yet
    expect(view.ids[53]).toBeUndefined();
    expect(view.ids[63]).toBe('ready-0');
  });

  it('filters locally where the server cannot, and marks the rows partial', () => {
    const store = offlineStore();
    store.setState((state) => ({
      entities: {
        ...state.entities,
        analyze: {
          a1: {
            task_id: 'a1',
            custom_id: 'warehouse-cam',
            status: 'ready',
            created_at: '2026-01-01T00:00:00Z',
          },
          a2: {
            task_id: 'a2',
            custom_id: 'keynote',
            status: 'processing',
            created_at: '2026-01-02T00:00:00Z',
          },
        },
      },
      collections: {
        ...state.collections,
        analyze: {
          queryKey: serverParams(state.ui, 'analyze').key,
          pageSize: 50,
          pages: { 1: ['a2', 'a1'] },
          total: 80,
        },
      },
    }));
    store.getState().actions.switchView('analyses');
    store.getState().actions.setFilter('WAREHOUSE');
    const view = selectTableView(store.getState(), 'analyze');
    expect(view.ids).toEqual(['a1']);
    expect(view.partial).toBe(true);
  });

  it('counts statuses once per entity map', () => {
    const store = offlineStore();
    loadTasks(store, 1000, (i) => (i <= 20 ? 'indexing' : 'ready'));
    const counts = selectStatusCounts(store.getState(), 'tasks');
    expect(counts).toEqual({ indexing: 20, ready: 980 });
    store.getState().actions.moveSelection(3);
    expect(selectStatusCounts(store.getState(), 'tasks')).toBe(counts);
  });

  it('lists events newest first and filters them', () => {
    const store = offlineStore();
    const { actions } = store.getState();
    actions.logEvent('task', 'task 64f8… queued -> indexing');
    actions.logEvent('upload', 'upload 507f… chunk 12 failed: 403 expired', 'error');
    actions.switchView('events');
    const view = selectTableView(store.getState(), 'events');
    expect(view.ids).toEqual(['2', '1']);
    actions.setFilter('chunk');
    expect(selectTableView(store.getState(), 'events').ids).toEqual(['2']);
  });

  it('summarises upload progress from the engine snapshot, once per snapshot', () => {
    const store = offlineStore();
    store.setState((state) => ({
      entities: {
        ...state.entities,
        uploads: {
          u1: {
            id: 'u1',
            local: {
              id: 'u1',
              uploadId: 'u1',
              filePath: '/tmp/a.mp4',
              fileName: 'a.mp4',
              type: 'video',
              size: 400,
              chunkSize: 100,
              totalChunks: 4,
              phase: 'uploading',
              chunks: '##>!',
              inFlight: [{ index: 3, bytesSent: 50, attempt: 1 }],
              failedChunks: [{ index: 4, error: '403 expired', attempts: 5 }],
              bytesSent: 250,
              bytesConfirmed: 200,
              speed: 10,
              etaSeconds: 15,
              concurrency: 4,
              maxConcurrency: 4,
              offline: false,
              stalled: false,
              counters: { retries: 4, throttles: 0, urlRefreshes: 1, tailDuplicates: 0 },
              startedAt: 0,
              updatedAt: 0,
            },
          },
        },
      },
    }));
    const progress = selectUploadProgress(store.getState(), 'u1');
    expect(progress).toMatchObject({
      sent: 0.625,
      confirmed: 0.5,
      chunksConfirmed: 2,
      chunksFailed: 1,
      running: true,
    });
    expect(selectUploadProgress(store.getState(), 'u1')).toBe(progress);
  });
});
