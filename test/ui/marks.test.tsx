import { afterEach, describe, expect, it } from 'vitest';
import { bodyRows } from './frame.js';
import { caption, type Dashboard, KEY, startDashboard } from './harness.js';

/** Marks (space, *, u) and bulk d / r on the marked set, in the real dashboard against the emulator. */
let dashboard: Dashboard | undefined;
afterEach(async () => {
  await dashboard?.close();
  dashboard = undefined;
});

async function open(view: string, captionPattern: RegExp): Promise<Dashboard> {
  dashboard = await startDashboard({ columns: 120, rows: 30 });
  await dashboard.press(view);
  await dashboard.waitFor((frame) => captionPattern.test(caption(frame)), `caption ${captionPattern}`);
  return dashboard;
}

function marked(d: Dashboard, table: 'analyze' | 'tasks'): string[] {
  return Object.keys(d.store.getState().ui.marks[table]);
}

function requests(d: Dashboard, route: string): Record<string, number> {
  return d.emulator.stats().requests[route] ?? {};
}

describe('marks', { timeout: 60_000 }, () => {
  it('space marks and unmarks rows in a visible mark column; u clears them', async () => {
    const d = await open('5', /^Analyses .* of \d+/);
    expect(d.frame().split('\n')[4]).toMatch(/^ {2}STATUS/);
    await d.press(' ');
    await d.waitFor((f) => caption(f).includes('1 marked'), 'one mark');
    let rows = bodyRows(d.frame());
    expect(d.frame().split('\n')[4]).toMatch(/^ {2}\* STATUS/);
    expect(rows[0]).toMatch(/^ {2}\* /);
    // the selection moved on, so space again marks the next row
    expect(rows[1]).toMatch(/^› {3}/);
    await d.press(' ', ' ');
    await d.waitFor((f) => caption(f).includes('3 marked'), 'three marks');
    await d.press('k', ' ');
    await d.waitFor((f) => caption(f).includes('2 marked'), 'one unmarked');
    rows = bodyRows(d.frame());
    expect(rows.filter((row) => /^. \* /.test(row))).toHaveLength(2);
    expect(rows[2]).toMatch(/^. {3}/);
    await d.press('u');
    await d.waitFor((f) => f.includes('cleared 2 marks'), 'marks cleared');
    expect(caption(d.frame())).not.toContain('marked');
    expect(d.frame().split('\n')[4]).toMatch(/^ {2}STATUS/);
  });

  it('* marks the whole filtered collection, pages not loaded included, and says how many', async () => {
    const d = await open('3', /^Indexing tasks .* of \d+/);
    const all = await d.api.listTasks({ page_limit: 50 });
    const total = all.page_info.total_results;
    expect(total).toBeGreaterThan(100);
    await d.press('*');
    await d.waitFor((f) => f.includes(`marked all ${total} rows`), 'all marked');
    expect(marked(d, 'tasks')).toHaveLength(total);
    const lastPage = await d.api.listTasks({ page: all.page_info.total_page, page_limit: 50 });
    expect(marked(d, 'tasks')).toContain(lastPage.data.at(-1)!._id);
    await d.press('u');

    await d.press('/');
    await d.type('status=failed');
    await d.press(KEY.enter);
    const failed = (await d.api.listTasks({ status: ['failed'], page_limit: 1 })).page_info.total_results;
    await d.waitFor((f) => caption(f).includes(`of ${failed}`), 'filtered');
    await d.press('*');
    await d.waitFor((f) => f.includes(`marked all ${failed} rows matching the filter`), 'filtered marks');
    expect(marked(d, 'tasks')).toHaveLength(failed);
  });

  it('d with marks asks with the count, deletes the set and reports what the server refused', async () => {
    const d = await open('5', /^Analyses .* of \d+/);
    // the newest two (still running) and the oldest two (finished)
    await d.press(' ', ' ', 'G', ' ', 'k', ' ');
    await d.waitFor((f) => caption(f).includes('4 marked'), 'four marks');
    const ids = marked(d, 'analyze');
    const statuses = await Promise.all(ids.map(async (id) => (await d.api.getAnalyzeTask(id)).status));
    await d.press('d');
    await d.waitFor(
      (f) => f.includes('Delete 4 marked analyze tasks? (this cannot be undone)'),
      'the confirm',
    );
    expect(requests(d, 'DELETE /analyze/tasks/{task_id}')).toEqual({});
    await d.press('y');
    // only finished tasks can be deleted (the emulator answers 409 for the others)
    const deletable = statuses.filter((status) => status === 'ready' || status === 'failed').length;
    const refused = 4 - deletable;
    expect(deletable).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    const summary = `deleted ${deletable} of 4 analyze tasks${refused > 0 ? `; ${refused} failed (see Events)` : ''}`;
    await d.waitFor((f) => f.includes(summary), summary);
    expect(requests(d, 'DELETE /analyze/tasks/{task_id}')).toEqual({
      ...(deletable > 0 && { 204: deletable }),
      ...(refused > 0 && { 409: refused }),
    });
    const events = d.store.getState().events.filter((event) => event.source === 'bulk');
    expect(events).toHaveLength(1 + refused);
    // what failed stays marked, so it can be looked at or tried again
    expect(marked(d, 'analyze')).toHaveLength(refused);
  });

  it('r with marks says in one line when the family has no retry', async () => {
    const d = await open('3', /^Indexing tasks .* of \d+/);
    await d.press(' ', ' ');
    await d.press('r');
    await d.waitFor(
      (f) => f.includes('indexing tasks: no retry: the API has no retry for indexing tasks'),
      'refusal',
    );
    expect(d.store.getState().ui.overlay.kind).toBe('none');
  });

  it(':mark all, :unmark, :delete and :retry do the same from the command line', async () => {
    const d = await open('5', /^Analyses .* of \d+/);
    const total = (await d.api.listAnalyzeTasks({ page_limit: 1 })).page_info.total_results;
    await d.press(':');
    await d.type('delete');
    await d.press(KEY.enter);
    await d.waitFor(
      (f) => f.includes('mark rows first (space marks one, * marks all)'),
      'refusal in the prompt',
    );
    await d.press(KEY.escape);
    await d.press(':');
    await d.type('mark all');
    await d.press(KEY.enter);
    await d.waitFor((f) => f.includes(`marked all ${total} rows`), ':mark all');
    expect(marked(d, 'analyze')).toHaveLength(total);
    await d.press(':');
    await d.type('retry');
    await d.press(KEY.enter);
    await d.waitFor((f) => f.includes(`Retry ${total} marked analyze tasks?`), ':retry confirm');
    await d.press('n');
    await d.press(':');
    await d.type('unmark');
    await d.press(KEY.enter);
    await d.waitFor((f) => f.includes(`cleared ${total} marks`), ':unmark');
    expect(marked(d, 'analyze')).toHaveLength(0);
    expect(requests(d, 'POST /analyze/tasks')).toEqual({});
  });
});
