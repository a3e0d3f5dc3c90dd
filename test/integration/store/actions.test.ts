import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TwelveLabsClient } from '../../../src/api/client.js';
import { isApiError } from '../../../src/api/errors.js';
import { createAppStore } from '../../../src/store/create-store.js';
import { startPollers } from '../../../src/store/pollers/index.js';
import { selectSelectedId, selectTableView } from '../../../src/store/selectors.js';
import type { AppStore, Pollers } from '../../../src/store/types.js';
import { createUploadApi, createUploadManager } from '../../../src/upload/manager.js';
import type { UploadManager } from '../../../src/upload/types.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import {
  eventually,
  FAST_INTERVALS,
  requestCount,
  type StoreRig,
  sleep,
  startRig,
  until,
} from './helpers.js';

let rig: StoreRig | undefined;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await rig?.close();
  rig = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Moves the selection down the loaded rows until the selected row satisfies `check`. */
function selectRow(store: AppStore, table: 'tasks' | 'assets', check: (status: string) => boolean): string {
  const { actions } = store.getState();
  actions.selectFirst();
  for (let i = 0; i < 500; i++) {
    const state = store.getState();
    const id = selectSelectedId(state, table);
    const entity = id === undefined ? undefined : state.entities[table][id];
    if (id && entity && check(entity.status)) return id;
    actions.moveSelection(1);
  }
  throw new Error(`no matching row in ${table}`);
}

describe('store actions against the emulator', () => {
  it('fetches the pages around the selection as it moves, not the whole collection', async () => {
    rig = await startRig({ seed: 'demo', speed: 0 }, { families: ['tasks'] });
    const { store, emulator } = rig;
    const { actions } = store.getState();
    actions.switchView('indexing');
    actions.setPageRows(20);
    const view = await until(
      store,
      (state) => state.collections.tasks.total !== undefined && selectTableView(state, 'tasks'),
    );
    expect(view.total).toBeGreaterThan(300);
    expect(Object.keys(store.getState().collections.tasks.pages)).toEqual(['1']);

    actions.selectLast();
    const last = view.total - 1;
    const id = await until(store, (state) => selectTableView(state, 'tasks').ids[last]);
    const lastTask = await rig.api.listTasks({ page: Math.ceil(view.total / 50), page_limit: 50 });
    expect(id).toBe(lastTask.data.at(-1)!._id);
    const pages = Object.keys(store.getState().collections.tasks.pages).map(Number);
    // the first page, and the last one or two around the selection; nothing in between
    expect(pages.length).toBeLessThanOrEqual(3);
    expect(pages).toContain(Math.ceil(view.total / 50));
    expect(requestCount(emulator, 'GET /tasks/{task_id}')).toBe(0);
  });

  it('keeps memory flat: beyond the cap, rows scrolled away from are dropped, shown and running ones kept', async () => {
    rig = await startRig({ seed: 'demo', speed: 0 }, { families: ['tasks'], maxEntities: 60 });
    const { store } = rig;
    const { actions } = store.getState();
    actions.switchView('indexing');
    actions.setPageRows(20);
    const total = await until(store, (state) => state.collections.tasks.total);
    actions.selectLast();
    await until(store, (state) => selectTableView(state, 'tasks').ids[total - 1]);
    actions.selectFirst();
    // page 1 comes back into view; the last pages' rows fall out of it
    await until(store, (state) => Object.keys(state.collections.tasks.pages).join() === '1');
    await until(store, (state) => {
      const entities = state.entities.tasks;
      const shown = state.collections.tasks.pages[1]!;
      const running = Object.values(entities).filter(
        (task) => task.status !== 'ready' && task.status !== 'failed',
      );
      return (
        shown.every((id) => entities[id] !== undefined) &&
        Object.keys(entities).length <= new Set([...shown, ...running.map((task) => task._id)]).size
      );
    });
  });

  it('orders by status over the whole collection with one status-filtered query per status', async () => {
    rig = await startRig({ seed: 'demo', speed: 0 }, { families: ['tasks'] });
    const { store, api } = rig;
    const { actions } = store.getState();
    actions.switchView('indexing');
    actions.setPageRows(20);
    while (selectTableView(store.getState(), 'tasks').sort.key !== 'status') actions.cycleSort();

    const failed = (await api.listTasks({ status: ['failed'], page_limit: 1 })).page_info.total_results;
    const all = (await api.listTasks({ page_limit: 1 })).page_info.total_results;
    expect(failed).toBeGreaterThan(0);
    const view = await until(store, (state) => {
      const current = selectTableView(state, 'tasks');
      return current.total === all && current.ids[0] !== undefined && current;
    });
    const statusAt = (index: number) => store.getState().entities.tasks[view.ids[index]!]?.status;
    expect(statusAt(0)).toBe('failed');
    expect(statusAt(failed - 1)).toBe('failed');
    expect(statusAt(failed)).not.toBe('failed');

    actions.selectLast();
    await until(store, (state) => selectTableView(state, 'tasks').ids[all - 1]);
    const last = selectTableView(store.getState(), 'tasks');
    expect(store.getState().entities.tasks[last.ids[all - 1]!]?.status).toBe('ready');
    // the rows in between were never fetched
    expect(last.ids.filter((id) => id === undefined).length).toBeGreaterThan(100);
  });

  it('the detail of a session started elsewhere shows the server chunk counts, polled while active', async () => {
    rig = await startRig({ seed: 'demo', speed: 0 }, { families: ['uploads'] });
    const { store, emulator } = rig;
    const { actions } = store.getState();
    const route = 'GET /assets/multipart-uploads/{upload_id}';
    await until(store, (state) => Object.keys(state.entities.uploads).length > 1);

    const activeId = await until(
      store,
      (state) => Object.values(state.entities.uploads).find((row) => row.session?.status === 'active')?.id,
    );
    const rows = selectTableView(store.getState(), 'uploads').ids;
    actions.moveSelection(rows.indexOf(activeId));
    actions.openDetail();
    const remote = await until(store, (state) => state.entities.uploads[activeId]?.remote);
    expect(remote.totalSize).toBe(store.getState().entities.uploads[activeId]!.session!.total_size);
    expect(remote.chunksCompleted + remote.chunksFailed + remote.chunksPending).toBe(
      store.getState().entities.uploads[activeId]!.session!.total_chunks,
    );
    const polled = requestCount(emulator, route);
    await eventually(() => requestCount(emulator, route) >= polled + 3);

    // a finished session: fetched once, then left alone
    const doneId = Object.values(store.getState().entities.uploads).find(
      (row) => row.session && row.session.status !== 'active',
    )?.id as string;
    expect(doneId).toBeDefined();
    actions.back();
    actions.selectFirst();
    actions.moveSelection(selectTableView(store.getState(), 'uploads').ids.indexOf(doneId));
    actions.openDetail();
    await until(store, (state) => state.entities.uploads[doneId]?.remote);
    await sleep(100);
    const once = requestCount(emulator, route);
    await sleep(300);
    expect(requestCount(emulator, route)).toBe(once);
  });

  it('p stops all requests, R refreshes once even while paused, p again resumes', async () => {
    rig = await startRig({ seed: 'demo', speed: 0 }, { families: ['tasks'] });
    const { store, emulator } = rig;
    await until(store, (state) => state.collections.tasks.activeTotal !== undefined);
    const total = () =>
      Object.values(emulator.stats().requests)
        .flatMap((byStatus) => Object.values(byStatus))
        .reduce((sum, count) => sum + count, 0);
    const { actions } = store.getState();

    actions.togglePolling();
    await sleep(50);
    const paused = total();
    await sleep(300);
    expect(total()).toBe(paused);

    actions.refreshNow();
    await eventually(() => total() > paused);
    // the one refresh ends (its requests stop), and nothing follows it
    let refreshed = -1;
    while (total() !== refreshed) {
      refreshed = total();
      await sleep(400);
    }
    await sleep(300);
    expect(total()).toBe(refreshed);

    actions.togglePolling();
    await eventually(() => total() > refreshed + 10);
  });

  it('d deletes the selected ready task after confirmation; a running one fails with one line', async () => {
    rig = await startRig({ seed: 'demo', speed: 0 }, { families: ['tasks'] });
    const { store, api } = rig;
    const { actions } = store.getState();
    actions.switchView('indexing');
    // oldest first: finished tasks
    actions.cycleSort();
    await until(store, (state) => selectTableView(state, 'tasks').ids[0]);

    const readyId = selectRow(store, 'tasks', (status) => status === 'ready');
    actions.deleteSelected();
    expect(store.getState().ui.overlay).toMatchObject({
      kind: 'confirm',
      purpose: { action: 'delete', id: readyId },
    });
    await actions.confirmYes();
    expect(store.getState().entities.tasks[readyId]).toBeUndefined();
    expect(selectTableView(store.getState(), 'tasks').ids).not.toContain(readyId);
    expect(store.getState().ui.status).toMatchObject({ level: 'info' });
    const gone = await api.getTask(readyId).catch((error: unknown) => error);
    expect(isApiError(gone) && gone.status).toBe(404);

    // newest first: running tasks
    while (store.getState().ui.sort.tasks !== 0) actions.cycleSort();
    await until(store, (state) => selectTableView(state, 'tasks').ids[0]);
    const runningId = selectRow(store, 'tasks', (status) => status === 'indexing' || status === 'queued');
    actions.deleteSelected();
    // the API has no cancel and deletes only finished tasks: said at once, nothing asked or sent
    expect(store.getState().ui.overlay.kind).toBe('none');
    const status = store.getState().ui.status;
    expect(status?.level).toBe('warn');
    expect(status?.text).toMatch(/^indexing tasks cannot be cancelled; delete it once it is ready or failed/);
    expect(status?.text).not.toContain('\n');
    expect(store.getState().entities.tasks[runningId]).toBeDefined();
  });

  it('i sends the selected ready asset to an index chosen by name, with completion', async () => {
    rig = await startRig({ seed: 'demo', speed: 0 }, { families: ['assets', 'indexes'] });
    const { store } = rig;
    const { actions } = store.getState();
    actions.switchView('assets');
    await until(
      store,
      (state) => state.collections.assets.total && Object.keys(state.entities.indexes).length > 0,
    );
    const assetId = selectRow(store, 'assets', (status) => status === 'ready');
    const index = Object.values(store.getState().entities.indexes)[1]!;

    actions.openIndexPrompt();
    const overlay = store.getState().ui.overlay;
    if (overlay.kind === 'prompt') for (const _ of overlay.value) actions.promptBackspace();
    actions.promptInput(index.index_name.slice(0, index.index_name.length - 2));
    await actions.promptComplete();
    const completed = store.getState().ui.overlay;
    expect(completed.kind === 'prompt' && completed.value.startsWith(index.index_name.slice(0, -2))).toBe(
      true,
    );
    if (completed.kind === 'prompt' && completed.value !== index.index_name) {
      for (const _ of completed.value) actions.promptBackspace();
      actions.promptInput(index.index_name);
    }
    await actions.promptSubmit();
    expect(store.getState().ui.overlay.kind).toBe('none');
    expect(store.getState().ui.indexId).toBe(index._id);

    actions.switchView('indexing');
    actions.cycleTable();
    await until(store, (state) =>
      Object.values(state.entities.indexedAssets).some(
        (item) => item.asset_id === assetId && item.index_id === index._id,
      ),
    );

    // an unknown index is refused in the prompt, which stays open with the reason
    actions.switchView('assets');
    actions.openIndexPrompt();
    actions.promptInput('no-such-index');
    await actions.promptSubmit();
    expect(store.getState().ui.overlay).toMatchObject({
      kind: 'prompt',
      error: expect.stringContaining('no index named'),
    });
  });

  it('opens the indexed assets of a default index given by name (a profile setting)', async () => {
    rig = await startRig({ seed: 'demo', speed: 0 }, { families: ['indexes'] });
    const { store, api } = rig;
    const wanted = (await api.listIndexes()).data[1]!;
    store.getState().actions.selectIndex(wanted.index_name);
    await until(store, (state) => state.ui.indexId === wanted._id);
    await until(store, (state) =>
      Object.values(state.entities.indexedAssets).some((item) => item.index_id === wanted._id),
    );
    expect(
      Object.values(store.getState().entities.indexedAssets).every((item) => item.index_id === wanted._id),
    ).toBe(true);
  });

  it('n uploads a file through the engine; its snapshots and events join the uploads table', async () => {
    const emulator: TestEmulator = await startTestEmulator({ seed: 'empty', chunkSize: 1024 * 1024 });
    const dir = await mkdtemp(path.join(tmpdir(), 'tltop-store-'));
    cleanups.push(() => emulator.close());
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'clip-for-store.mp4');
    await writeFile(file, Buffer.alloc(3 * 1024 * 1024 + 123, 7));

    const api = new TwelveLabsClient({
      apiKey: emulator.apiKey,
      baseUrl: emulator.baseUrl,
      retry: { maxRetries: 0 },
    });
    const uploads: UploadManager = createUploadManager({
      api: createUploadApi({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl }),
      stateDir: path.join(dir, 'state'),
    });
    const store = createAppStore({ api, uploads });
    const pollers: Pollers = startPollers(store, { families: ['uploads'], intervals: FAST_INTERVALS });
    cleanups.push(async () => {
      await pollers.stop();
      await uploads.shutdown();
      await api.close();
    });

    const { actions } = store.getState();
    actions.openUploadPrompt();
    actions.promptInput(path.join(dir, 'clip-for'));
    await actions.promptComplete();
    const overlay = store.getState().ui.overlay;
    // a unique file is completed with a space after it, ready for type= / index=
    expect(overlay.kind === 'prompt' && overlay.value).toBe(`${file} `);
    await actions.promptSubmit();
    expect(store.getState().ui.overlay.kind).toBe('none');

    const row = await until(store, (state) =>
      Object.values(state.entities.uploads).find(
        (item) => item.local?.uploadId && item.id === item.local.uploadId,
      ),
    );
    await until(store, (state) => state.entities.uploads[row.id]?.local?.phase === 'waiting_asset', 10_000);
    emulator.advanceClock(60);
    await until(store, (state) => state.entities.uploads[row.id]?.local?.phase === 'done', 10_000);

    const state = store.getState();
    expect(Object.keys(state.entities.uploads)).toEqual([row.id]);
    expect(state.entities.uploads[row.id]!.local!.chunks).toBe('####');
    const messages = state.events.map((event) => event.message);
    expect(messages.some((message) => message.includes('started: clip-for-store.mp4'))).toBe(true);
    expect(messages.some((message) => message.endsWith(' done'))).toBe(true);
  });

  it('a chunk whose attempts run out is logged; r retries it and the upload completes', async () => {
    const emulator: TestEmulator = await startTestEmulator({ seed: 'empty', chunkSize: 1024 * 1024 });
    const dir = await mkdtemp(path.join(tmpdir(), 'tltop-store-'));
    cleanups.push(() => emulator.close());
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'flaky.mp4');
    await writeFile(file, Buffer.alloc(2 * 1024 * 1024, 3));

    const api = new TwelveLabsClient({
      apiKey: emulator.apiKey,
      baseUrl: emulator.baseUrl,
      retry: { maxRetries: 0 },
    });
    const uploads = createUploadManager({
      api: createUploadApi({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl }),
      stateDir: path.join(dir, 'state'),
      policy: { chunkAttempts: 2, backoffBaseMs: 5, backoffCapMs: 20 },
    });
    const store = createAppStore({ api, uploads });
    const pollers = startPollers(store, { families: ['uploads'], intervals: FAST_INTERVALS });
    cleanups.push(async () => {
      await pollers.stop();
      await uploads.shutdown();
      await api.close();
    });

    emulator.setFaults({ 'put-fail': 1 });
    const { actions } = store.getState();
    actions.openUploadPrompt();
    actions.promptInput(file);
    await actions.promptSubmit();
    await until(
      store,
      (state) => state.events.some((event) => / chunk \d+ failed: /.test(event.message)),
      15_000,
    );
    const failedEvent = store.getState().events.find((event) => event.message.includes(' chunk '))!;
    expect(failedEvent.level).toBe('error');
    expect(failedEvent.message).toMatch(/^upload [0-9a-f]{8} chunk \d+ failed: \S/);
    expect(failedEvent.message).not.toMatch(/https?:\/\//);

    emulator.setFaults({});
    await until(store, (state) =>
      Object.values(state.entities.uploads).some((row) => row.local?.failedChunks.length),
    );
    actions.switchView('uploads');
    actions.selectFirst();
    await actions.retrySelected();
    await until(
      store,
      (state) => Object.values(state.entities.uploads).some((row) => row.local?.phase === 'waiting_asset'),
      15_000,
    );
  });
});
