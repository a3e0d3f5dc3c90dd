/**
 * Filter expressions and the view commands, against the demo emulator: completion, every view
 * command landing on its table with its filter, status filters applied by the server over the
 * whole collection (or locally where the list cannot), and bad expressions refused in the prompt.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TwelveLabsClient } from '../../src/api/client.js';
import { selectActiveTable, selectTableView } from '../../src/store/selectors.js';
import { caption, type Dashboard, KEY, startDashboard } from './harness.js';

let dashboard: Dashboard | undefined;
afterEach(async () => {
  await dashboard?.close();
  dashboard = undefined;
});

/** Counts items by status over the whole collection, page by page, with no status filter. */
async function countAll(
  list: (page: number) => Promise<{ data: { status: string }[]; page_info: { total_page: number } }>,
  statuses: readonly string[],
): Promise<number> {
  let count = 0;
  for (let page = 1; ; page++) {
    const result = await list(page);
    count += result.data.filter((item) => statuses.includes(item.status)).length;
    if (page >= result.page_info.total_page || result.data.length === 0) return count;
  }
}

async function command(d: Dashboard, line: string): Promise<void> {
  await d.press(':');
  await d.waitFor((frame) => frame.includes('Tab complete · Enter run'), 'command prompt');
  await d.type(line);
  await d.press(KEY.enter);
}

function rowsShown(d: Dashboard): string[] {
  const state = d.store.getState();
  const table = selectActiveTable(state);
  return selectTableView(state, table).ids.filter((id): id is string => id !== undefined);
}

async function indexIdNamed(api: TwelveLabsClient, name: string): Promise<string> {
  const { data } = await api.listIndexes({ page: 1, page_limit: 50 });
  const found = data.find((index) => index.index_name === name);
  if (!found) throw new Error(`no index ${name} in the demo seed`);
  return found._id;
}

describe('command mode: completion', () => {
  it('completes command names, filter keys, status values and index names', async () => {
    dashboard = await startDashboard({ columns: 180, rows: 24 });
    const d = dashboard;
    await d.waitFor(() => Object.keys(d.store.getState().entities.indexes).length > 0, 'indexes');
    await d.press(':');
    await d.type('ta');
    await d.press(KEY.tab);
    await d.waitFor((frame) => frame.includes(': tasks '), 'command name');
    await d.type('st');
    await d.press(KEY.tab);
    // a key waits for its value: no space after `status=`
    await d.waitFor((frame) => frame.includes(': tasks status= '), 'key');
    await d.press(KEY.tab);
    await d.waitFor(
      (frame) => frame.includes('status=uploading') && frame.includes('status=failed'),
      'every task status listed',
    );
    await d.type('fa');
    await d.press(KEY.tab);
    await d.waitFor((frame) => frame.includes(': tasks status=failed '), 'status value');
    await d.type('index=sup');
    await d.press(KEY.tab);
    await d.waitFor((frame) => frame.includes(': tasks status=failed index=support-calls '), 'index name');
    await d.press(KEY.enter);
    const supportCalls = await indexIdNamed(d.api, 'support-calls');
    await d.waitFor(
      () => d.store.getState().ui.filter.tasks === `status=failed index=${supportCalls}`,
      'filter',
    );
    // the caption names the index, not its id
    await d.waitFor(
      (frame) =>
        caption(frame).includes('one index') &&
        caption(frame).includes('filter “status=failed index=support-calls”'),
      'caption with the filter',
    );
  });

  it('completes statuses after a comma and the v1/v2 choice of :embeddings', async () => {
    dashboard = await startDashboard({ columns: 120, rows: 24 });
    const d = dashboard;
    await d.press(':');
    await d.type('embeddings ');
    await d.press(KEY.tab);
    await d.waitFor((frame) => frame.includes('v2  v1  status='), 'leading words and keys');
    await d.type('v1 status=failed,re');
    await d.press(KEY.tab);
    await d.waitFor((frame) => frame.includes(': embeddings v1 status=failed,ready '), 'second status');
  });

  it('completes in the / prompt too', async () => {
    dashboard = await startDashboard({ columns: 120, rows: 24 });
    const d = dashboard;
    await d.press('3', '/');
    await d.type('camera stat');
    await d.press(KEY.tab);
    await d.waitFor((frame) => frame.includes('Filter camera status='), 'key in the filter prompt');
  });
});

describe('command mode: view commands', () => {
  it(':tasks status=failed filters the whole collection on the server', async () => {
    dashboard = await startDashboard({ columns: 120, rows: 24, pageSize: 5 });
    const d = dashboard;
    const failed = await countAll((page) => d.api.listTasks({ page, page_limit: 50 }), ['failed']);
    const all = await countAll(
      (page) => d.api.listTasks({ page, page_limit: 50 }),
      ['uploading', 'validating', 'pending', 'queued', 'indexing', 'ready', 'failed'],
    );
    expect(failed).toBeGreaterThan(5);
    expect(all).toBeGreaterThan(failed);
    await command(d, 'tasks status=failed');
    await d.waitFor(() => d.store.getState().ui.view === 'indexing', 'indexing view');
    expect(selectActiveTable(d.store.getState())).toBe('tasks');
    // the server's total of failed tasks, counted over every page, not over the rows loaded
    const frame = await d.waitFor(
      (f) => caption(f).includes(`of ${failed}`) && caption(f).includes('filter “status=failed”'),
      `caption "of ${failed}"`,
    );
    expect(caption(frame)).not.toContain('loaded rows only');
    const tasks = d.store.getState().entities.tasks;
    const shown = rowsShown(d);
    expect(shown.length).toBeGreaterThan(0);
    for (const id of shown) expect(tasks[id]?.status).toBe('failed');
  });

  it(':tasks with a status sort lists only the filtered statuses, in status order', async () => {
    dashboard = await startDashboard({ columns: 120, rows: 30, pageSize: 5 });
    const d = dashboard;
    const wanted = ['failed', 'ready'];
    const count = await countAll((page) => d.api.listTasks({ page, page_limit: 50 }), wanted);
    await command(d, 'tasks status=ready,failed');
    await command(d, 'sort status');
    await d.waitFor(
      (f) => caption(f).includes('sort status') && caption(f).includes(`of ${count}`),
      'sorted',
    );
    const groups = d.store.getState().collections.tasks.groups?.map((group) => group.status);
    expect(groups).toEqual(['failed', 'ready']);
  });

  it(':indexed index=NAME status=S chooses the index and filters on the server', async () => {
    dashboard = await startDashboard({ columns: 120, rows: 24 });
    const d = dashboard;
    await d.waitFor(() => Object.keys(d.store.getState().entities.indexes).length > 1, 'indexes');
    const id = await indexIdNamed(d.api, 'support-calls');
    const ready = await countAll((page) => d.api.listIndexedAssets(id, { page, page_limit: 50 }), ['ready']);
    await command(d, 'indexed index=support-calls status=ready');
    await d.waitFor(() => d.store.getState().ui.indexId === id, 'index chosen');
    expect(d.store.getState().ui.view).toBe('indexing');
    expect(selectActiveTable(d.store.getState())).toBe('indexedAssets');
    expect(d.store.getState().ui.filter.indexedAssets).toBe('status=ready');
    await d.waitFor(
      (f) => /Indexed assets/.test(caption(f)) && caption(f).includes(`of ${ready}`),
      `indexed assets "of ${ready}"`,
    );
  });

  it(':embeddings v1 status=failed lists the failed v1 tasks through the server filter', async () => {
    dashboard = await startDashboard({ columns: 120, rows: 24, pageSize: 5 });
    const d = dashboard;
    const failed = await countAll((page) => d.api.listEmbedTasks({ page, page_limit: 50 }), ['failed']);
    await command(d, 'embeddings v1 status=failed');
    await d.waitFor(() => selectActiveTable(d.store.getState()) === 'embedV1', 'v1 table');
    await d.waitFor(
      (f) => caption(f).startsWith('Embeddings v1') && caption(f).includes(`of ${failed}`),
      `v1 "of ${failed}"`,
    );
    const tasks = d.store.getState().entities.embedV1;
    for (const id of rowsShown(d)) expect(tasks[id]?.status).toBe('failed');
  });

  it(':analyses status=failed,ready lists each status from the server, one after the other', async () => {
    dashboard = await startDashboard({ columns: 120, rows: 24, pageSize: 5 });
    const d = dashboard;
    const failed = await countAll((page) => d.api.listAnalyzeTasks({ page, page_limit: 50 }), ['failed']);
    const ready = await countAll((page) => d.api.listAnalyzeTasks({ page, page_limit: 50 }), ['ready']);
    await command(d, 'an status=ready,failed');
    await d.waitFor(() => d.store.getState().ui.view === 'analyses', 'analyses view');
    await d.waitFor((f) => caption(f).includes(`of ${failed + ready}`), `of ${failed + ready}`);
    const groups = d.store.getState().collections.analyze.groups?.map((group) => group.status);
    expect(groups).toEqual(['failed', 'ready']);
    const tasks = d.store.getState().entities.analyze;
    const first = rowsShown(d)[0];
    expect(first && tasks[first]?.status).toBe('failed');
  });

  it(':assets status=failed filters the loaded rows (the assets list has no status filter)', async () => {
    dashboard = await startDashboard({ columns: 120, rows: 24 });
    const d = dashboard;
    await command(d, 'assets status=failed');
    await d.waitFor((f) => caption(f).includes('filter “status=failed”'), 'caption');
    const frame = await d.waitFor((f) => caption(f).includes('loaded rows only'), 'local filter');
    expect(frame).toContain('failed');
    const assets = d.store.getState().entities.assets;
    const shown = rowsShown(d);
    expect(shown.length).toBeGreaterThan(0);
    for (const id of shown) expect(assets[id]?.status).toBe('failed');
  });

  it(':uploads, :events and :indexing land on their views; without an expression the filter stays', async () => {
    dashboard = await startDashboard({ columns: 120, rows: 24 });
    const d = dashboard;
    await command(d, 'events poll');
    await d.waitFor(() => d.store.getState().ui.view === 'events', 'events');
    expect(d.store.getState().ui.filter.events).toBe('poll');
    await command(d, 'up status=failed,expired');
    await d.waitFor(() => d.store.getState().ui.view === 'uploads', 'uploads');
    expect(d.store.getState().ui.filter.uploads).toBe('status=failed,expired');
    await command(d, 'events');
    await d.waitFor(() => d.store.getState().ui.view === 'events', 'events again');
    expect(d.store.getState().ui.filter.events).toBe('poll');
    await command(d, 'indexing');
    await d.waitFor(() => d.store.getState().ui.view === 'indexing', 'indexing');
    await command(d, 'filter');
    expect(d.store.getState().ui.filter.tasks).toBe('');
  });
});

describe('command mode: bad expressions', () => {
  const cases: [string, string][] = [
    ['tasks status=bogus', 'unknown status "bogus" here'],
    ['tasks owner=me', 'unknown filter key "owner"'],
    ['assets index=support-calls', 'index= works on indexing tasks and indexed assets only'],
    ['tasks index=no-such-index', 'unknown index "no-such-index"'],
    ['events status=failed', 'this table has no status'],
    ['sort sideways', 'no order "sideways"'],
    ['index nowhere', 'unknown index "nowhere"'],
    ['tasks status=', 'status= needs a value'],
  ];
  it.each(cases)(':%s is refused in the prompt and nothing changes', async (line, error) => {
    dashboard = await startDashboard({ columns: 120, rows: 24 });
    const d = dashboard;
    await d.waitFor(() => Object.keys(d.store.getState().entities.indexes).length > 0, 'indexes');
    const before = d.store.getState().ui;
    await command(d, line);
    await d.waitFor((frame) => frame.includes(`✗ ${error}`), `error "${error}"`);
    const after = d.store.getState().ui;
    expect(after.view).toBe(before.view);
    expect(after.filter).toEqual(before.filter);
    expect(after.sort).toEqual(before.sort);
    expect(after.overlay.kind).toBe('prompt');
  });

  it('a bad expression in the / prompt keeps the prompt open with the error', async () => {
    dashboard = await startDashboard({ columns: 120, rows: 24 });
    const d = dashboard;
    await d.press('5', '/');
    await d.type('status=done');
    await d.press(KEY.enter);
    await d.waitFor((frame) => frame.includes('✗ unknown status "done" here'), 'error');
    expect(d.store.getState().ui.filter.analyze).toBe('');
    // Ctrl-W takes the last word back: the whole bad expression
    await d.press(KEY.ctrlW);
    await d.waitFor(
      () => d.store.getState().ui.overlay.kind === 'prompt' && promptValue(d) === '',
      'word deleted',
    );
    await d.type('status=ready');
    await d.press(KEY.enter);
    await d.waitFor(() => d.store.getState().ui.filter.analyze === 'status=ready', 'applied');
    expect(d.store.getState().ui.overlay.kind).toBe('none');
  });
});

describe('command mode: sort, index, polling, help', () => {
  it(':sort, :index, :pause and :resume change the table and the polling state', async () => {
    dashboard = await startDashboard({ columns: 120, rows: 24 });
    const d = dashboard;
    await d.waitFor(() => Object.keys(d.store.getState().entities.indexes).length > 1, 'indexes');
    await command(d, 'tasks');
    await command(d, 'sort recently-updated');
    await d.waitFor((f) => caption(f).includes('sort recently updated'), 'sort');
    const marketing = await indexIdNamed(d.api, 'marketing-2026');
    await command(d, 'index marketing-2026');
    await d.waitFor(() => d.store.getState().ui.indexId === marketing, 'index');
    await command(d, 'pause');
    await d.waitFor((f) => f.includes('‖ paused'), 'paused');
    await command(d, 'resume');
    await d.waitFor((f) => f.includes('● live'), 'live');
  });

  it('the help lists every command with its usage', async () => {
    dashboard = await startDashboard({ columns: 120, rows: 200 });
    const d = dashboard;
    await d.press('?');
    const frame = await d.waitFor((f) => f.includes('Commands (: opens'), 'commands section');
    for (const usage of [
      ':tasks [status=S,…] [index=ID|NAME] [TEXT]',
      ':embeddings [v2|v1] [status=S,…] [TEXT]',
      ':filter [TEXT] [status=S,…] [index=ID|NAME]',
      ':sort ORDER',
      ':profile NAME',
    ]) {
      expect(frame).toContain(usage);
    }
  });

  it(':profile without a switcher, and profile names completed from the store deps', async () => {
    dashboard = await startDashboard({
      columns: 120,
      rows: 24,
      deps: { profileNames: async () => ['staging', 'production'] },
    });
    const d = dashboard;
    await d.press(':');
    await d.type('profile pro');
    await d.press(KEY.tab);
    await d.waitFor((frame) => frame.includes(': profile production '), 'profile name');
    await d.press(KEY.enter);
    await d.waitFor((frame) => frame.includes('✗ profiles cannot be switched here'), 'refusal');
  });
});

function promptValue(d: Dashboard): string | undefined {
  const overlay = d.store.getState().ui.overlay;
  return overlay.kind === 'prompt' ? overlay.value : undefined;
}
