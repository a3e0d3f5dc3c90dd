import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnalyzeTask } from '../../src/api/types.js';
import { createUploadManager } from '../../src/upload/manager.js';
import { requestCount } from '../helpers/emulator.js';
import { bodyRows, selectedRow } from './frame.js';
import { caption, type Dashboard, KEY, startDashboard } from './harness.js';

/**
 * The Failures view (7) against the emulator's demo seed, which has failed items in every
 * family: grouping and counts are checked against the API's own lists, and retry / delete
 * of a group against what reached the emulator.
 */
let dashboard: Dashboard | undefined;
afterEach(async () => {
  await dashboard?.close();
  dashboard = undefined;
});

const FAMILY_LABELS = {
  tasks: 'Indexing tasks',
  analyze: 'Analyses',
  embedV2: 'Embeddings v2',
  embedV1: 'Embeddings v1',
  indexedAssets: 'Indexed assets',
  assets: 'Assets',
} as const;

async function openFailures(): Promise<Dashboard> {
  dashboard = await startDashboard({ columns: 140, rows: 40 });
  await dashboard.press('7');
  await dashboard.waitFor((frame) => /^Failures .*failed items/.test(caption(frame)), 'failure groups');
  return dashboard;
}

interface GroupRow {
  family: string;
  code: string;
  count: number;
  ageSeconds: number;
}

/** Group rows: family label, code, count, newest (relative), message. */
function groups(frame: string): GroupRow[] {
  return bodyRows(frame).flatMap(parseGroup);
}

function groupOf(row: string): GroupRow {
  const group = parseGroup(row)[0];
  if (!group) throw new Error(`not a group row: ${row}`);
  return group;
}

function parseGroup(line: string): GroupRow[] {
  const match = /^. ✗ (.+?) {2,}(\S+) +(\d+) +(?:(\d+)([smhd]) ago|just now) /.exec(line);
  if (!match) return [];
  const unit = match[5] ? { s: 1, m: 60, h: 3600, d: 86_400 }[match[5] as 's' | 'm' | 'h' | 'd'] : 0;
  return [
    {
      family: match[1]!.replace(/…$/, ''),
      code: match[2]!,
      count: Number(match[3]),
      ageSeconds: Number(match[4] ?? 0) * unit,
    },
  ];
}

function countOf(frame: string, family: string): number {
  return groups(frame)
    .filter((group) => family.startsWith(group.family))
    .reduce((sum, group) => sum + group.count, 0);
}

/** Moves the selection down until the selected row matches (the rows are few). */
async function selectRow(d: Dashboard, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 40; i++) {
    const row = selectedRow(d.frame());
    if (pattern.test(row)) return row;
    await d.press('j');
  }
  throw new Error(`no row matches ${pattern}:\n${d.frame()}`);
}

describe('Failures view', { timeout: 60_000 }, () => {
  it('groups the failed items of every family by family and code, with counts the API agrees with, newest first', async () => {
    const d = await openFailures();
    const frame = d.frame();
    const [tasks, analyze, embedV2, embedV1] = await Promise.all([
      d.api.listTasks({ status: ['failed'], page_limit: 50 }),
      d.api.listAnalyzeTasks({ status: 'failed', page_limit: 50 }),
      d.api.listEmbedV2Tasks({ status: 'failed', page_limit: 50 }),
      d.api.listEmbedTasks({ status: 'failed', page_limit: 50 }),
    ]);
    for (const [label, total] of [
      [FAMILY_LABELS.tasks, tasks.page_info.total_results],
      [FAMILY_LABELS.analyze, analyze.page_info.total_results],
      [FAMILY_LABELS.embedV2, embedV2.page_info.total_results],
      [FAMILY_LABELS.embedV1, embedV1.page_info.total_results],
    ] as const) {
      expect(total, label).toBeGreaterThan(0);
      expect(countOf(frame, label), label).toBe(total);
    }
    // tasks carry an error code: one group per code, each as large as the API says
    const byCode = new Map<string, number>();
    for (const task of tasks.data) {
      const reason = task.error_reason;
      const code = typeof reason === 'object' ? reason.code : undefined;
      if (code) byCode.set(code, (byCode.get(code) ?? 0) + 1);
    }
    const taskGroups = groups(frame).filter((group) => FAMILY_LABELS.tasks.startsWith(group.family));
    expect(taskGroups).toHaveLength(byCode.size);
    for (const group of taskGroups) {
      // a code too long for its column ends in …
      const code = [...byCode.keys()].find(
        (known) => known === group.code || known.startsWith(group.code.replace(/…$/, '')),
      );
      expect(code, group.code).toBeDefined();
      expect(group.count, group.code).toBe(byCode.get(code!));
    }
    // assets have no status filter: failed ones among the newest are found all the same
    const assets = [
      ...(await d.api.listAssets({ page: 1, page_limit: 50 })).data,
      ...(await d.api.listAssets({ page: 2, page_limit: 50 })).data,
    ];
    const failedAssets = assets.filter((asset) => asset.status === 'failed').length;
    expect(failedAssets).toBeGreaterThan(0);
    expect(countOf(frame, FAMILY_LABELS.assets)).toBe(failedAssets);
    // the tab counts them all
    const all = groups(frame).reduce((sum, group) => sum + group.count, 0);
    expect(frame.split('\n')[2]).toContain(`7 Failures ${all}✗`);
    // newest group first
    const ages = groups(frame).map((group) => group.ageSeconds);
    expect(ages.length).toBeGreaterThan(5);
    expect([...ages].sort((a, b) => a - b)).toEqual(ages);
  });

  it('Enter shows the items of a group with their reason and time; Esc goes back', async () => {
    const d = await openFailures();
    const row = await selectRow(d, /Indexing tas/);
    const group = groupOf(row);
    await d.press(KEY.enter);
    const frame = await d.waitFor((f) => /^Failed items/.test(caption(f)), 'the items of the group');
    expect(caption(frame)).toContain(`1-${group.count} of ${group.count}`);
    expect(caption(frame)).toContain(group.code);
    const items = bodyRows(frame);
    expect(items).toHaveLength(group.count);
    for (const item of items) expect(item).toMatch(/^. [0-9a-f]{8} .* \d+[smhd] ago \S/);
    await d.press(KEY.escape);
    await d.waitFor((f) => /^Failures /.test(caption(f)), 'back to the groups');
    expect(selectedRow(d.frame())).toBe(row);
  });

  it('Enter on an item opens its detail in its own view', async () => {
    const d = await openFailures();
    await selectRow(d, /Analyses/);
    await d.press(KEY.enter);
    await d.waitFor((f) => /^Failed items/.test(caption(f)), 'the items');
    const short = /^. ([0-9a-f]{8})/.exec(bodyRows(d.frame())[0]!)![1]!;
    await d.press(KEY.enter);
    await d.waitFor(() => d.store.getState().ui.view === 'analyses', 'the Analyses view');
    const detail = d.store.getState().ui.detail;
    expect(detail?.table).toBe('analyze');
    expect(detail?.id.endsWith(short)).toBe(true);
    await d.waitFor((f) => f.includes(detail!.id), 'the detail with the full id');
    await d.press(KEY.escape, '7');
    await d.waitFor((f) => /^Failed items/.test(caption(f)), 'back on the items of the group');
  });

  it('r on an analyze group asks with the count and family, then re-creates each task with the same video and prompt', async () => {
    const d = await openFailures();
    const row = await selectRow(d, /Analyses/);
    const { count } = groupOf(row);
    await d.press(KEY.enter);
    await d.waitFor((f) => /^Failed items/.test(caption(f)), 'the items');
    const shortIds = bodyRows(d.frame()).map((line) => /^. ([0-9a-f]{8})/.exec(line)![1]!);
    expect(shortIds).toHaveLength(count);
    const failed = (await d.api.listAnalyzeTasks({ status: 'failed', page_limit: 50 })).data;
    const originals: AnalyzeTask[] = await Promise.all(
      shortIds.map((short) =>
        d.api.getAnalyzeTask(failed.find((task) => task.task_id.endsWith(short))!.task_id),
      ),
    );
    await d.press('r');
    await d.waitFor(
      (f) => f.includes(`Retry ${count} failed analyze task${count === 1 ? '' : 's'}?`),
      'the confirm with the count',
    );
    expect(requestCount(d.emulator, 'POST /analyze/tasks')).toBe(0);
    await d.press('y');
    await d.waitFor((f) => f.includes(`retried ${count} of ${count} analyze tasks`), 'the summary');
    expect(d.emulator.stats().requests['POST /analyze/tasks']).toEqual({ 202: count });
    const all = (await d.api.listAnalyzeTasks({ page_limit: 50 })).data;
    for (const original of originals) {
      const copies = await Promise.all(
        all
          .filter((task) => task.status !== 'failed' && task.created_at > original.created_at)
          .map((task) => d.api.getAnalyzeTask(task.task_id)),
      );
      const copy = copies.find(
        (task) =>
          task.request_params?.prompt === original.request_params?.prompt &&
          task.video_source?.asset_id === original.video_source?.asset_id &&
          task.video_source?.url === original.video_source?.url,
      );
      expect(copy, `a new task for ${original.task_id}`).toBeDefined();
    }
    const events = d.store.getState().events.map((event) => event.message);
    expect(events).toContain(`retried ${count} of ${count} analyze tasks`);
  });

  it('d on an indexing-task group deletes the set, and the group leaves the view', async () => {
    const d = await openFailures();
    const row = await selectRow(d, /Indexing tas/);
    const { count, code } = groupOf(row);
    const before = (await d.api.listTasks({ status: ['failed'], page_limit: 1 })).page_info.total_results;
    await d.press('d');
    await d.waitFor((f) => f.includes(`Delete ${count} failed indexing task`), 'the confirm with the count');
    await d.press('y');
    await d.waitFor((f) => f.includes(`deleted ${count} of ${count} indexing tasks`), 'the summary');
    expect(d.emulator.stats().requests['DELETE /tasks/{task_id}']).toEqual({ 204: count });
    const after = (await d.api.listTasks({ status: ['failed'], page_limit: 1 })).page_info.total_results;
    expect(after).toBe(before - count);
    await d.waitFor(
      (f) => !groups(f).some((group) => group.code === code && group.family.startsWith('Indexing')),
      'group gone',
    );
  });

  it('d on an assets group deletes the failed assets', async () => {
    const d = await openFailures();
    const row = await selectRow(d, /✗ Assets /);
    const { count } = groupOf(row);
    await d.press('d');
    await d.waitFor((f) => f.includes(`Delete ${count} failed asset`), 'the confirm with the count');
    await d.press('y');
    await d.waitFor((f) => f.includes(`deleted ${count} of ${count} assets`), 'the summary');
    expect(d.emulator.stats().requests['DELETE /assets/{asset_id}']).toEqual({ 204: count });
  });

  it('reports each failure of a set in the Events log, with one summary line', async () => {
    const d = await openFailures();
    const row = await selectRow(d, /Analyses/);
    const { count } = groupOf(row);
    await d.press('d');
    await d.waitFor((f) => f.includes(`Delete ${count} failed analyze task`), 'the confirm');
    d.emulator.setFaults('api-5xx=1');
    await d.press('y');
    await d.waitFor(
      (f) => f.includes(`deleted 0 of ${count} analyze tasks; ${count} failed`),
      'the summary',
      15_000,
    );
    d.emulator.setFaults('');
    const events = d.store.getState().events.filter((event) => event.source === 'bulk');
    // (the 503s of the fault carry Retry-After: the set waits them out before they count as failed)
    expect(events.map((event) => event.message)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^deleted 0 of ${count} analyze tasks; ${count} failed \\(see Events\\)( \\(waited for the server \\w+( times)?\\))?$`,
        ),
      ),
    );
    expect(
      events.filter((event) => event.level === 'error' && /^delete analyze task \S+: /.test(event.message)),
    ).toHaveLength(count);
    await d.press('6');
    await d.waitFor(
      (f) => f.includes(`deleted 0 of ${count} analyze tasks`),
      'the summary in the Events view',
    );
  });

  it(':failures TEXT opens the view filtered on family, code and message', async () => {
    dashboard = await startDashboard({ columns: 140, rows: 40 });
    const d = dashboard;
    await d.press(':');
    await d.type('failures unstable');
    await d.press(KEY.enter);
    const frame = await d.waitFor(
      (f) => /^Failures .*filter/.test(caption(f)) && groups(f).length > 0,
      'filtered',
    );
    expect(groups(frame).map((group) => [group.family, group.code])).toEqual([
      ['Embeddings v2', 'embedding_service_temporarily_unstable'],
    ]);
  });

  it('says in one line when the API has no such call for the family, and asks nothing', async () => {
    const d = await openFailures();
    await selectRow(d, /Embeddings v1/);
    await d.press('d');
    await d.waitFor(
      (f) => f.includes('embed v1 tasks: no delete: the API has no delete for embed tasks'),
      'refusal',
    );
    await d.press('r');
    await d.waitFor((f) => f.includes('embed v1 tasks: no retry'), 'refusal');
    expect(d.store.getState().ui.overlay.kind).toBe('none');
  });
});

describe('Failures view: uploads that failed here', { timeout: 60_000 }, () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('lists an upload that failed with its error, and r restarts it through the engine', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tltop-triage-'));
    const path = join(dir, 'dock-camera.mp4');
    writeFileSync(path, randomBytes(8 * 1024));
    const stateDir = join(dir, 'state');
    dashboard = await startDashboard({
      columns: 140,
      rows: 30,
      emulator: { seed: 'empty', chunkSize: 1024 },
      uploads: (api) =>
        createUploadManager({
          api,
          stateDir,
          policy: {
            createAttempts: 1,
            backoffBaseMs: 5,
            backoffCapMs: 10,
            followIntervalMs: 20,
            followMaxIntervalMs: 50,
          },
        }),
    });
    const d = dashboard;
    d.emulator.setFaults('api-5xx=1');
    await d.press('n');
    await d.waitFor((f) => f.includes('File to upload'), 'upload prompt');
    await d.type(path);
    await d.press(KEY.enter);
    await d.waitFor(
      () => Object.values(d.store.getState().entities.uploads).some((row) => row.local?.phase === 'failed'),
      'the upload failed',
      30_000,
    );
    d.emulator.setFaults('');
    await d.press('7');
    const frame = await d.waitFor(
      (f) => groups(f).some((group) => group.family === 'Uploads'),
      'the uploads group',
    );
    expect(groups(frame).find((group) => group.family === 'Uploads')?.count).toBe(1);
    await selectRow(d, /Uploads/);
    await d.press(KEY.enter);
    await d.waitFor((f) => bodyRows(f).some((row) => row.includes('dock-camera.mp4')), 'the failed upload');
    await d.press('r');
    await d.waitFor((f) => f.includes('Retry 1 failed upload? (restarts the upload'), 'the confirm');
    await d.press('y');
    await d.waitFor((f) => f.includes('retried 1 of 1 uploads'), 'the summary');
    // a new session, every byte confirmed (the asset then takes minutes of emulator time)
    await d.waitFor(
      () =>
        Object.values(d.store.getState().entities.uploads).some(
          (row) => row.local?.bytesConfirmed === 8 * 1024 && row.local.phase !== 'failed',
        ),
      'the upload sent again',
      30_000,
    );
    expect(d.emulator.stats().requests['POST /assets/multipart-uploads']?.['201']).toBe(1);
  });
});
