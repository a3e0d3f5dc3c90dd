import { afterEach, describe, expect, it, vi } from 'vitest';
import { stringWidth } from '../../src/components/format.js';
import { bodyRows, selectedRow, shortIdOf } from './frame.js';
import { caption, type Dashboard, KEY, startDashboard } from './harness.js';

/**
 * Every view of the real dashboard against the emulator's demo data, driven by keys.
 * 100x24 terminal: header 2 + tabs 1 + caption 1 + column header 1 + 18 rows + footer 1.
 */
const PAGE = 18;

let dashboard: Dashboard | undefined;
afterEach(async () => {
  await dashboard?.close();
  dashboard = undefined;
});

async function open(view: string, captionPattern: RegExp): Promise<Dashboard> {
  dashboard ??= await startDashboard({ columns: 100, rows: 24 });
  await dashboard.press(view);
  await dashboard.waitFor((frame) => captionPattern.test(caption(frame)), `caption ${captionPattern}`);
  return dashboard;
}

describe('Assets view', () => {
  it('moves, pages and jumps over the whole server collection, with the page position shown', async () => {
    const d = await open('2', /^Assets .* of \d+/);
    const total = (await d.api.listAssets({ page_limit: 1 })).page_info.total_results;
    expect(total).toBeGreaterThan(PAGE);
    expect(caption(d.frame())).toContain(`1-${PAGE} of ${total}`);
    const first = selectedRow(d.frame());
    expect(bodyRows(d.frame())[0]).toBe(first);

    await d.press('j', 'j', KEY.down);
    expect(selectedRow(d.frame())).toBe(bodyRows(d.frame())[3]);
    await d.press('k');
    expect(selectedRow(d.frame())).toBe(bodyRows(d.frame())[2]);

    await d.press(KEY.pageDown);
    await d.waitFor((frame) => caption(frame).includes(`${PAGE + 1}-${2 * PAGE} of ${total}`), 'second page');

    await d.press('G');
    const lastStart = Math.floor((total - 1) / PAGE) * PAGE + 1;
    await d.waitFor(
      (frame) => caption(frame).includes(`${lastStart}-${total} of ${total}`) && !frame.includes('loading…'),
      'last page, loaded',
      15_000,
    );
    const rows = bodyRows(d.frame());
    expect(selectedRow(d.frame())).toBe(rows[rows.length - 1]);

    await d.press('g');
    await d.waitFor((frame) => caption(frame).includes(`1-${PAGE} of ${total}`), 'first page');
    expect(selectedRow(d.frame())).toBe(first);
  });

  it('opens the detail of the selected asset with its full id, and Esc goes back', async () => {
    const d = await open('2', /^Assets .* of \d+/);
    await d.press('j');
    const row = selectedRow(d.frame());
    await d.press(KEY.enter);
    const frame = await d.waitFor((f) => f.includes('Assets › '), 'asset detail');
    const fullId = /Assets › ([0-9a-f]{24})/.exec(frame)?.[1];
    expect(fullId?.endsWith(shortIdOf(row))).toBe(true);
    expect(frame).toMatch(new RegExp(`id +${fullId}`));
    expect(frame).toMatch(/status +[✓●✗○] \w+/);
    expect(frame).toMatch(/created +\S+ +\(\d+\w ago\)/);
    expect(frame.split('\n').at(-1)).toContain('Esc back');
    await d.press(KEY.escape);
    await d.waitFor((f) => /^Assets /.test(caption(f)) && !f.includes('Assets › '), 'table again');
    expect(selectedRow(d.frame())).toBe(row);
  });

  it('filters by file name with / and clears the filter with Esc', async () => {
    const d = await open('2', /^Assets .* of \d+/);
    await d.press('/');
    await d.waitFor((f) => f.includes('Filter'), 'filter prompt');
    expect(d.frame().split('\n').at(-1)).toContain('Esc cancel');
    await d.type('dashcam');
    await d.press(KEY.enter);
    const frame = await d.waitFor(
      (f) =>
        caption(f).includes('filter “dashcam”') &&
        bodyRows(f).length > 0 &&
        bodyRows(f).every((r) => r.includes('dashcam')),
      'filtered rows',
    );
    const matching = (await d.api.listAssets({ filename: 'dashcam', page_limit: 50 })).page_info
      .total_results;
    expect(caption(frame)).toContain(`of ${matching}`);
    await d.press(KEY.escape);
    await d.waitFor(
      (f) => !caption(f).includes('filter') && bodyRows(f).some((r) => !r.includes('dashcam')),
      'unfiltered',
    );
  });

  it('cycles the sort order with s; the column header shows it', async () => {
    const d = await open('2', /^Assets .* of \d+/);
    expect(caption(d.frame())).toContain('sort newest');
    expect(d.frame().split('\n')[4]).toContain('CREATED▼');
    const newestFirst = bodyRows(d.frame())[0];
    await d.press('s');
    const frame = await d.waitFor((f) => caption(f).includes('sort oldest'), 'oldest first');
    expect(frame.split('\n')[4]).toContain('CREATED▲');
    expect(bodyRows(frame)[0]).not.toBe(newestFirst);
    await d.press('s');
    await d.waitFor(
      (f) => caption(f).includes('sort status') && f.split('\n')[4]!.includes('STATUS▲'),
      'by status',
    );
    const statuses = bodyRows(d.frame()).map((row) => /[✓●✗○–] (\w+)/.exec(row)?.[1] ?? '');
    expect(statuses).toEqual([...statuses].sort());
  });
});

describe('y copies the selected id', () => {
  it('puts the full id of the selected row on the clipboard and says so', async () => {
    const copied: string[] = [];
    dashboard = await startDashboard({ columns: 100, rows: 24, clipboard: (text) => copied.push(text) });
    const d = await open('2', /^Assets .* of \d+/);
    await d.press('j', 'j');
    const row = selectedRow(d.frame());
    await d.press('y');
    await d.waitFor((f) => f.includes('copied '), 'copied message');
    expect(copied).toHaveLength(1);
    expect(copied[0]).toMatch(/^[0-9a-f]{24}$/);
    expect(copied[0]!.endsWith(shortIdOf(row))).toBe(true);
    expect(d.frame()).toContain(`copied ${copied[0]}`);
  });
});

describe('Assets view: i indexes a ready asset', () => {
  it('asks for the index, creates the indexed asset on the server and says so', async () => {
    const d = await open('2', /^Assets .* of \d+/);
    const ready = bodyRows(d.frame()).findIndex((row) => row.includes('✓ ready'));
    await d.press(...Array<string>(ready).fill('j'));
    const assetShort = shortIdOf(selectedRow(d.frame()));
    const index = (await d.api.listIndexes({ page_limit: 50 })).data[0]!;
    await d.press('i');
    await d.waitFor((f) => f.includes('Index into'), 'index prompt');
    // the prompt starts with the current index name; Ctrl-U clears it
    await d.press(KEY.ctrlU);
    await d.waitFor(() => {
      const overlay = d.store.getState().ui.overlay;
      return overlay.kind === 'prompt' && overlay.value === '';
    }, 'prompt cleared');
    await d.type(index.index_name);
    await d.press(KEY.enter);
    await d.waitFor((f) => !f.includes('Index into'), 'prompt closed');
    await vi.waitFor(
      async () => {
        const items = (await d.api.listIndexedAssets(index._id, { page_limit: 50 })).data;
        expect(items.some((item) => item.asset_id?.endsWith(assetShort))).toBe(true);
      },
      { timeout: 10_000 },
    );
  });
});

describe('Analyses view: d deletes after asking', () => {
  it('n keeps the task, y deletes it on the server', async () => {
    const d = await open('5', /^Analyses .* of \d+/);
    const before = (await d.api.listAnalyzeTasks({ page_limit: 1 })).page_info.total_results;
    // a finished analysis (the API deletes only those)
    const ready = bodyRows(d.frame()).findIndex((row) => row.includes('✓ ready'));
    await d.press(...Array<string>(ready).fill('j'));
    const victim = shortIdOf(selectedRow(d.frame()));
    await d.press('d');
    await d.waitFor((f) => /Delete \S+\? This cannot be undone\./.test(f), 'delete question');
    await d.press('n');
    await d.waitFor((f) => !f.includes('cannot be undone'), 'question closed');
    expect((await d.api.listAnalyzeTasks({ page_limit: 1 })).page_info.total_results).toBe(before);
    await d.press('d');
    await d.waitFor((f) => f.includes('cannot be undone'), 'delete question again');
    await d.press('y');
    await vi.waitFor(
      async () =>
        expect((await d.api.listAnalyzeTasks({ page_limit: 1 })).page_info.total_results).toBe(before - 1),
      { timeout: 10_000 },
    );
    await d.waitFor((f) => !bodyRows(f).some((row) => row.includes(victim)), 'row gone');
  });
});

describe('Indexing view', () => {
  it('lists tasks, switches to the indexed assets of an index, and picks the next index', async () => {
    const d = await open('3', /^Indexing tasks .* of \d+/);
    const tasks = (await d.api.listTasks({ page_limit: 1 })).page_info.total_results;
    expect(caption(d.frame())).toContain(`of ${tasks.toLocaleString('en-US')}`);
    await d.press('v');
    const first = await d.waitFor(
      (f) => /^Indexed assets .* of \d+ .*index /.test(caption(f)),
      'indexed assets',
    );
    const indexes = (await d.api.listIndexes({ page_limit: 50 })).data;
    expect(indexes.length).toBeGreaterThan(1);
    const shown = indexes.find((index) => caption(first).includes(`index ${index.index_name}`));
    expect(shown).toBeDefined();
    await d.press(']');
    await d.waitFor(
      (f) => /^Indexed assets/.test(caption(f)) && !caption(f).includes(`index ${shown!.index_name} `),
      'the next index',
    );
    await d.press('v');
    await d.waitFor((f) => /^Indexing tasks/.test(caption(f)), 'tasks again');
  });

  it('shows the error reason in the detail of a failed task', async () => {
    const d = await open('3', /^Indexing tasks .* of \d+/);
    // sort by status: failed comes first
    await d.press('s', 's', 's', 's');
    await d.waitFor(
      (f) => caption(f).includes('sort status') && bodyRows(f)[0]!.includes('✗ failed'),
      'failed first',
    );
    await d.press(KEY.enter);
    const frame = await d.waitFor((f) => f.includes('Indexing tasks › '), 'task detail');
    expect(frame).toMatch(/status +✗ failed/);
    expect(frame).toMatch(/error +✗ \S+/);
  });
});

describe('Embeddings view', () => {
  it('shows v2 tasks, switches to v1 with v, and opens a detail', async () => {
    const d = await open('4', /^Embeddings v2 .* of \d+/);
    await d.press('v');
    await d.waitFor((f) => /^Embeddings v1 .* of \d+/.test(caption(f)), 'v1 tasks');
    await d.press(KEY.enter);
    const frame = await d.waitFor((f) => f.includes('Embeddings v1 › '), 'v1 detail');
    expect(frame).toMatch(/model +\S+/);
    await d.press(KEY.escape, 'v');
    await d.waitFor((f) => /^Embeddings v2/.test(caption(f)), 'v2 again');
  });
});

describe('Analyses view', () => {
  it('shows the result text scrollably with usage and finish reason', async () => {
    const d = await open('5', /^Analyses .* of \d+/);
    const ready = bodyRows(d.frame()).findIndex((row) => row.includes('✓ ready'));
    expect(ready).toBeGreaterThanOrEqual(0);
    await d.press(...Array<string>(ready).fill('j'), KEY.enter);
    const frame = await d.waitFor(
      (f) => f.includes('Analyses › ') && f.includes('Result'),
      'analysis detail',
    );
    expect(frame).toMatch(/finish reason +(stop|length)/);
    expect(frame).toMatch(/usage +(\d+ in, )?\d+ out tokens/);
    const indicator = /── lines (\d+)-(\d+) of (\d+)/.exec(frame);
    expect(indicator, 'the result is longer than the pane').not.toBeNull();
    await d.press('j', 'j', 'j');
    await d.waitFor((f) => f.includes(`── lines 4-`), 'scrolled by three lines');
    await d.press(KEY.pageDown);
    const end = await d.waitFor(
      (f) => new RegExp(`── lines \\d+-${indicator![3]} of ${indicator![3]}`).test(f),
      'the end',
    );
    expect(end.split('\n').slice(4, -2).join('\n')).toMatch(/\S/);
    // scrolling past the end does not count: one k moves one line up from the end
    await d.press(KEY.pageDown, KEY.pageDown, 'k');
    const total = Number(indicator![3]);
    await d.waitFor(
      (f) => new RegExp(`── lines \\d+-${total - 1} of ${total}`).test(f),
      'one line up from the end',
    );
  });
});

describe('Events view', () => {
  it('logs the state changes the pollers see, and filters them', async () => {
    const d = await open('6', /^Events/);
    d.emulator.advanceClock(600);
    const frame = await d.waitFor((f) => bodyRows(f).some((row) => / -> /.test(row)), 'transition events');
    expect(bodyRows(frame)[0]).toMatch(/^› \d\d:\d\d:\d\d/);
    await d.press('/');
    await d.type('analysis');
    await d.press(KEY.enter);
    await d.waitFor(
      (f) => caption(f).includes('filter “analysis”') && bodyRows(f).every((row) => row.includes('analysis')),
      'filtered events',
    );
  });
});

describe('Uploads view', () => {
  it('lists server upload sessions and opens one with its full id and expiry', async () => {
    const d = await open('1', /^Uploads .* of \d+/);
    const sessions = (await d.api.listIncompleteUploads({ page_limit: 50 })).data;
    expect(bodyRows(d.frame()).length).toBeGreaterThanOrEqual(1);
    await d.press(KEY.enter);
    const frame = await d.waitFor((f) => f.includes('Uploads › '), 'upload detail');
    const id = /Uploads › ([0-9a-f]{24})/.exec(frame)?.[1];
    expect(sessions.map((s) => s.upload_id)).toContain(id);
    expect(frame).toMatch(/session expires +\S+ +\((in \d|expired)/);
    expect(frame).toMatch(/size +[\d.]+ \w+ in \d+ chunks of/);
  });
});

describe('the whole dashboard', () => {
  it('switches views with 1..7, Tab and Shift-Tab', async () => {
    const d = await open('1', /^Uploads/);
    const order = [
      /^Assets/,
      /^Indexing tasks/,
      /^Embeddings v2/,
      /^Analyses/,
      /^Events/,
      /^Failures/,
      /^Uploads/,
    ];
    for (const pattern of order) {
      await d.press(KEY.tab);
      await d.waitFor((f) => pattern.test(caption(f)), `${pattern}`);
    }
    await d.press('\u001B[Z');
    await d.waitFor((f) => /^Failures/.test(caption(f)), 'Shift-Tab back to Failures');
  });

  it('takes keys that arrive together one by one, each in the layer the previous left', async () => {
    const d = await open('1', /^Uploads/);
    // one read holding five keys: view 2, open the filter, type "dash", accept
    await d.press('2/dash\r');
    await d.waitFor(
      (f) => /^Assets .* of \d+/.test(caption(f)) && caption(f).includes('filter “dash”'),
      'assets filtered by "dash"',
    );
  });

  it('shows the help overlay generated from the keymap and closes it', async () => {
    const d = await open('1', /^Uploads/);
    await d.press('?');
    const help = await d.waitFor((f) => f.includes('Keys — Uploads view'), 'help');
    expect(help).toContain('retry the failed chunks');
    expect(help.split('\n').at(-1)).toContain('close help');
    await d.press('j');
    await d.waitFor((f) => !f.includes('\nTables\n'), 'help scrolled');
    await d.press(KEY.escape);
    await d.waitFor((f) => /^Uploads/.test(caption(f)), 'help closed');
  });

  it('pauses and resumes polling with p, as the header shows', async () => {
    const d = await open('1', /^Uploads/);
    await d.waitFor((f) => f.split('\n')[1]!.startsWith('● live'), 'live');
    await d.press('p');
    await d.waitFor((f) => f.split('\n')[1]!.startsWith('‖ paused'), 'paused');
    await d.press('p');
    await d.waitFor((f) => f.split('\n')[1]!.startsWith('● live'), 'live again');
  });

  it('marks data stale during an outage, keeps showing it, and recovers', async () => {
    const d = await open('2', /^Assets .* of \d+/);
    const rows = bodyRows(d.frame());
    d.emulator.setFaults({ 'api-5xx': 1 });
    const stale = await d.waitFor((f) => f.split('\n')[1]!.startsWith('▲ stale'), 'stale', 10_000);
    expect(stale.split('\n')[1]).toContain('✗');
    expect(bodyRows(stale)).toEqual(rows);
    d.emulator.setFaults({});
    await d.waitFor((f) => f.split('\n')[1]!.startsWith('● live'), 'recovered', 10_000);
  });

  it('never renders more rows or columns than the terminal, in every view', async () => {
    dashboard = await startDashboard({ columns: 60, rows: 15 });
    for (const view of ['1', '2', '3', '4', '5', '6', '7']) {
      await dashboard.press(view);
      await dashboard.waitFor((f) => !caption(f).includes('loading'), `view ${view}`);
      const lines = dashboard.lines();
      expect(lines).toHaveLength(15);
      for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(60);
      expect(lines[14]).toContain('q quit');
    }
  });

  it('shows the too-small screen with the minimum size', async () => {
    dashboard = await startDashboard({ columns: 40, rows: 10 });
    const frame = await dashboard.waitFor((f) => f.includes('Terminal too small'), 'too small');
    expect(frame).toContain('40x10, need at least 50x12');
    expect(frame.split('\n').length).toBeLessThanOrEqual(10);
  });

  it('a view that cannot render shows one line and the rest of the dashboard keeps working', async () => {
    dashboard = await startDashboard({ columns: 100, rows: 24 });
    await dashboard.press('5');
    await dashboard.waitFor((f) => /^Analyses .* of \d+/.test(caption(f)), 'analyses');
    // a row the schema would never let through (usage missing) makes the column renderer throw
    const { store } = dashboard;
    const [id, task] = Object.entries(store.getState().entities.analyze)[0]!;
    const broken = { ...task, result: { ...task.result, usage: null } } as unknown as typeof task;
    store.setState((state) => ({
      entities: { ...state.entities, analyze: { ...state.entities.analyze, [id]: broken } },
    }));
    const frame = await dashboard.waitFor((f) => f.includes('this view failed to render'), 'the error line');
    expect(frame.split('\n')[0]).toContain('tltop');
    expect(frame.split('\n').at(-1)).toContain('q quit');
    await dashboard.press('2');
    await dashboard.waitFor((f) => /^Assets .* of \d+/.test(caption(f)), 'another view works');
  });

  it('removes escape sequences and control characters from server text', async () => {
    dashboard = await startDashboard({ columns: 100, rows: 24, emulator: { seed: 'empty' } });
    await dashboard.api.createUpload({
      filename: 'evil\u001b[2J\u001b]0;owned\u0007name\u0000.mp4',
      type: 'video',
      total_size: 1024,
    });
    await dashboard.press('2');
    const frame = await dashboard.waitFor((f) => f.includes('evil'), 'the hostile asset');
    expect(frame).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(frame).toContain('evil');
    expect(frame).not.toContain('owned');
  });
});
