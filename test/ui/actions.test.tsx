import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { isApiError } from '../../src/api/errors.js';
import type { EmulatorOptions } from '../../src/emulator/server.js';
import { ANALYZE_RUNNING, explainDeleteError } from '../../src/store/actions/deletable.js';
import { selectSelectedId } from '../../src/store/selectors.js';
import type { ResourceTableId } from '../../src/store/types.js';
import { bodyRows, selectedRow, statusBar } from './frame.js';
import { caption, type Dashboard, KEY, startDashboard } from './harness.js';
import { FAST_UPLOAD_POLICY, uploadFixture } from './upload-fixture.js';

/**
 * Every operator action against the emulator, one table: each row presses the real keys, then
 * proves the action three ways: the status bar says what happened, the Events view has a line
 * for it, and the emulator holds the effect (or, for a refusal, does not).
 */
const CHUNK = 1024;

const fixture = uploadFixture('tltop-ui-actions-');

async function start(emulator: EmulatorOptions, clipboard?: (text: string) => void): Promise<Dashboard> {
  fixture.dashboard = await startDashboard({
    columns: 120,
    rows: 30,
    emulator: { chunkSize: CHUNK, ...emulator },
    clipboard,
    uploads: fixture.engine(FAST_UPLOAD_POLICY),
  });
  return fixture.dashboard;
}

/** Successful chunk PUTs the emulator stored. */
function chunksStored(d: Dashboard): number {
  const requests = d.emulator.stats().requests;
  return Object.entries(requests)
    .filter(([route]) => route.startsWith('PUT ') && route.includes('/chunks/'))
    .reduce((sum, [, byStatus]) => sum + (byStatus['200'] ?? 0), 0);
}

/** Moves the selection down to the first row of the view whose text matches (sorted by status first if asked). */
async function selectRow(d: Dashboard, view: string, pattern: RegExp, byStatus = false): Promise<void> {
  await d.press(view);
  await d.waitFor((f) => / of \d+/.test(caption(f)), 'the table');
  for (let presses = 0; byStatus && !caption(d.frame()).includes('sort status') && presses < 5; presses++) {
    await d.press('s');
  }
  if (byStatus) await d.waitFor((f) => caption(f).includes('sort status'), 'sorted by status');
  await d.waitFor(
    (f) => / of \d+/.test(caption(f)) && bodyRows(f).some((row) => pattern.test(row)),
    `${pattern}`,
  );
  const at = bodyRows(d.frame()).findIndex((row) => pattern.test(row));
  await d.press(...Array<string>(at).fill('j'));
  await d.waitFor((f) => pattern.test(selectedRow(f)), 'selected');
}

function selectedId(d: Dashboard, table: ResourceTableId): string {
  const id = selectSelectedId(d.store.getState(), table);
  if (!id) throw new Error(`nothing selected in ${table}`);
  return id;
}

/** The upload the engine runs (the only one in these tests). */
function upload(d: Dashboard) {
  const row = Object.values(d.store.getState().entities.uploads).find((candidate) => candidate.local);
  if (!row?.local) throw new Error('no upload running');
  return row.local;
}

async function startUpload(d: Dashboard, path: string): Promise<void> {
  await d.press('n');
  await d.waitFor((f) => f.includes('File to upload'), 'upload prompt');
  await d.type(path);
  await d.press(KEY.enter);
  await d.waitFor((f) => !f.includes('File to upload'), 'prompt closed');
}

async function expectPutsStop(d: Dashboard): Promise<void> {
  // a PUT already on the wire may still land; after that, nothing more arrives
  await new Promise((resolve) => setTimeout(resolve, 600));
  const settled = chunksStored(d);
  await new Promise((resolve) => setTimeout(resolve, 800));
  expect(chunksStored(d)).toBe(settled);
}

interface Case {
  name: string;
  emulator: EmulatorOptions;
  /** presses the keys; returns what the server check needs */
  act(d: Dashboard, copied: string[]): Promise<Record<string, string>>;
  status: RegExp;
  /** typed into the Events view's filter, then a row must match `event` */
  eventFilter: string;
  event: RegExp;
  server(d: Dashboard, found: Record<string, string>, copied: string[]): Promise<void>;
}

const CASES: Case[] = [
  {
    name: 'n starts an upload with its type and index (Tab completes all three), indexed once ready',
    emulator: { seed: 'demo' },
    async act(d) {
      fixture.file('field recording.raw', 8 * CHUNK);
      const index = (await d.api.listIndexes({ page_limit: 50 })).data.find(
        (i) => i.index_name === 'support-calls',
      );
      if (!index) throw new Error('the demo seed has no index support-calls');
      await d.press('n');
      await d.waitFor((f) => f.includes('File to upload'), 'upload prompt');
      await d.type(`${join(fixture.dir, 'field\\ rec')}`);
      await d.press(KEY.tab);
      await d.waitFor((f) => f.includes('field\\ recording.raw'), 'path completed, space escaped');
      await d.type('type=au');
      await d.press(KEY.tab);
      await d.waitFor((f) => f.includes('recording.raw type=audio'), 'type completed');
      await d.type('index=supp');
      await d.press(KEY.tab);
      await d.waitFor((f) => f.includes('type=audio index=support-calls'), 'index completed');
      await d.press(KEY.enter);
      await d.waitFor((f) => !f.includes('File to upload'), 'prompt closed');
      return { indexId: index._id };
    },
    status: /upload field recording\.raw started; indexed into support-calls once ready/,
    eventFilter: 'recording',
    event: /started: field recording\.raw/,
    async server(d, { indexId }) {
      // the clock jumps only once the session is complete: hours of jumps while chunks were
      // still going would expire the session (24 h) under a slow machine
      await vi.waitFor(() => expect(['waiting_asset', 'indexing', 'done']).toContain(upload(d).phase), {
        timeout: 30_000,
        interval: 100,
      });
      await vi.waitFor(
        async () => {
          d.emulator.advanceClock(3600);
          const assetId = upload(d).assetId;
          expect(assetId).toBeDefined();
          const indexed = await d.api.listIndexedAssets(indexId!, { filename: 'field recording.raw' });
          expect(indexed.data.map((item) => item.asset_id ?? item._id)).toContain(assetId);
          expect((await d.api.getAsset(assetId!)).file_type).toMatch(/^audio\//);
        },
        { timeout: 30_000, interval: 200 },
      );
    },
  },
  {
    name: 'r sends the failed chunks again once the storage is back',
    emulator: { seed: 'empty', faults: 'put-fail=1' },
    async act(d) {
      await startUpload(d, fixture.file('flaky.mp4', 12 * CHUNK));
      await d.press(KEY.enter);
      await d.waitFor((f) => f.includes('✗ failed 12'), 'every chunk failed', 30_000);
      expect(chunksStored(d)).toBe(0);
      d.emulator.setFaults({});
      await d.press('r');
      return {};
    },
    status: /upload \S+: retrying failed chunks/,
    eventFilter: 'retrying',
    event: /retrying failed chunks/,
    async server(d) {
      await vi.waitFor(() => expect(chunksStored(d)).toBe(12), { timeout: 30_000 });
    },
  },
  {
    name: 'x pauses (no more chunks arrive), x again resumes (they do)',
    emulator: { seed: 'empty', faults: 'put-rate=4KiB/s' },
    async act(d) {
      await startUpload(d, fixture.file('long-take.mov', 400 * CHUNK));
      await d.waitFor((f) => f.includes('uploading'), 'uploading');
      await d.press('x');
      await d.waitFor((f) => /upload \S+ paused \(x resumes\)/.test(statusBar(f)), 'paused status');
      await expectPutsStop(d);
      const before = chunksStored(d);
      await d.press('x');
      return { before: String(before) };
    },
    status: /upload \S+ resumed/,
    eventFilter: 'paused',
    event: /upload \S+ paused \(x resumes\)/,
    async server(d, { before }) {
      await vi.waitFor(() => expect(chunksStored(d)).toBeGreaterThan(Number(before) + 2), {
        timeout: 10_000,
      });
    },
  },
  {
    name: 'X cancels after asking: no more chunks, the session never completes',
    emulator: { seed: 'empty', faults: 'put-rate=4KiB/s' },
    async act(d) {
      await startUpload(d, fixture.file('wrong-file.mov', 400 * CHUNK));
      await d.waitFor((f) => f.includes('uploading'), 'uploading');
      await d.press('X');
      await d.waitFor((f) => /Cancel upload \S+\?/.test(f), 'the question');
      // the id asked about is the one the table's ID column shows (the server's upload id)
      const question = await d.waitFor((f) => /Cancel upload \S+\?/.test(f), 'the question');
      expect(question).toContain(`Cancel upload ${upload(d).uploadId!.slice(-8)}?`);
      await d.press('y');
      return {};
    },
    status: /upload \S+ cancelled/,
    eventFilter: 'cancelled',
    event: /upload \S+ cancelled/,
    async server(d) {
      await expectPutsStop(d);
      const uploadId = upload(d).uploadId!;
      expect((await d.api.getUploadStatus(uploadId)).status).not.toBe('completed');
      expect(chunksStored(d)).toBeLessThan(400);
    },
  },
  {
    name: 'i indexes a ready asset into the index typed',
    emulator: { seed: 'demo' },
    async act(d) {
      await selectRow(d, '2', /✓ ready/);
      const assetId = selectedId(d, 'assets');
      const index = (await d.api.listIndexes({ page_limit: 50 })).data[0]!;
      await d.press('i');
      await d.waitFor((f) => f.includes('Index into'), 'index prompt');
      await d.press(...Array<string>(40).fill(KEY.backspace));
      await d.type(index.index_name);
      await d.press(KEY.enter);
      return { assetId, indexId: index._id };
    },
    status: /indexing \S+ as \S+/,
    eventFilter: 'sent to index',
    event: /sent to index/,
    async server(d, { assetId, indexId }) {
      const items = await d.api.listIndexedAssets(indexId!, { page_limit: 50, sort_by: 'created_at' });
      expect(items.data.some((item) => item.asset_id === assetId)).toBe(true);
    },
  },
  {
    name: 'd deletes a finished indexing task after asking',
    emulator: { seed: 'demo' },
    async act(d) {
      await selectRow(d, '3', /✓ ready|✗ failed/, true);
      const taskId = selectedId(d, 'tasks');
      await d.press('d');
      await d.waitFor((f) => /Delete \S+\? This cannot be undone\./.test(f), 'the question');
      await d.press('y');
      return { taskId };
    },
    status: /deleted \S+/,
    eventFilter: 'deleted',
    event: /deleted/,
    async server(d, { taskId }) {
      const error = await d.api.getTask(taskId!).catch((caught: unknown) => caught);
      expect(isApiError(error) && error.status).toBe(404);
    },
  },
  {
    name: 'd deletes a finished analyze task after asking',
    emulator: { seed: 'demo' },
    async act(d) {
      await selectRow(d, '5', /✓ ready|✗ failed/);
      const taskId = selectedId(d, 'analyze');
      await d.press('d');
      await d.waitFor((f) => /Delete \S+\? This cannot be undone\./.test(f), 'the question');
      await d.press('y');
      return { taskId };
    },
    status: /deleted \S+/,
    eventFilter: 'deleted',
    event: /deleted/,
    async server(d, { taskId }) {
      const error = await d.api.getAnalyzeTask(taskId!).catch((caught: unknown) => caught);
      expect(isApiError(error) && error.status).toBe(404);
    },
  },
  {
    name: 'd on a running analyze task says what the API allows and sends nothing',
    emulator: { seed: 'demo' },
    async act(d) {
      await selectRow(d, '5', /[●○] (processing|pending|queued)/);
      const taskId = selectedId(d, 'analyze');
      await d.press('d');
      return { taskId };
    },
    status: /analyze tasks cannot be cancelled \(the API has none\); delete it once it is finished/,
    eventFilter: 'not deleted',
    event: /not deleted: analyze tasks cannot be cancelled/,
    async server(d, { taskId }) {
      expect((await d.api.getAnalyzeTask(taskId!)).task_id).toBe(taskId);
      expect(d.emulator.stats().requests['DELETE /analyze/tasks/{task_id}']).toBeUndefined();
      expect(d.frame()).not.toContain('cannot be undone');
    },
  },
  {
    name: "y copies the selected asset's full id",
    emulator: { seed: 'demo' },
    async act(d) {
      await selectRow(d, '2', /✓ ready/);
      await d.press('y');
      return { assetId: selectedId(d, 'assets') };
    },
    status: /copied [0-9a-f]{24}/,
    eventFilter: 'copied',
    event: /copied id/,
    async server(d, { assetId }, copied) {
      expect(copied).toEqual([assetId]);
      expect((await d.api.getAsset(copied[0]!))._id).toBe(assetId);
    },
  },
];

describe('every action against the emulator', { timeout: 90_000 }, () => {
  it.each(CASES)('$name', async (action) => {
    const copied: string[] = [];
    const d = await start(action.emulator, (text) => copied.push(text));
    const found = await action.act(d, copied);
    await d.waitFor((f) => action.status.test(statusBar(f)), `status bar ${action.status}`, 15_000);
    await action.server(d, found, copied);
    await d.press('6');
    await d.waitFor((f) => /^Events/.test(caption(f)), 'the Events view');
    await d.press('/');
    await d.type(action.eventFilter);
    await d.press(KEY.enter);
    await d.waitFor((f) => bodyRows(f).some((row) => action.event.test(row)), `event ${action.event}`);
  });

  it('a delete the server refuses because the task runs (409) is said the same way', async () => {
    const d = await start({ seed: 'demo' });
    const running = (await d.api.listAnalyzeTasks({ page_limit: 50 })).data.find(
      (task) => task.status !== 'ready' && task.status !== 'failed',
    );
    expect(running).toBeDefined();
    const refusal = await d.api.deleteAnalyzeTask(running!.task_id).catch((error: unknown) => error);
    expect(isApiError(refusal) && refusal.status).toBe(409);
    expect((explainDeleteError('analyze', refusal) as Error).message).toBe(ANALYZE_RUNNING);
  });
});
