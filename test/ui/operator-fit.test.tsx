import { afterEach, describe, expect, it } from 'vitest';
import type { Task } from '../../src/api/types.js';
import { timeColumn } from '../../src/components/columns.js';
import { labelWidths } from '../../src/components/details/DetailLines.js';
import { taskLines } from '../../src/components/details/resource-lines.js';
import { layoutColumns } from '../../src/components/Table.js';
import { tabLabels } from '../../src/components/Tabs.js';
import { expectWithinTerminal, freePort } from './frame.js';
import { caption, type Dashboard, KEY, startDashboard } from './harness.js';

/**
 * What an operator saw at small terminal sizes and on the connection screen: rows whose columns
 * did not fit ran into each other, tabs 6 and 7 (and the failure count) fell off the tab line,
 * wrapped lines lost their indent or were squeezed on top of each other.
 */
let dashboard: Dashboard | undefined;
afterEach(async () => {
  await dashboard?.close();
  dashboard = undefined;
});

const FAMILIES = [
  'Indexing tasks',
  'Indexed assets',
  'Embeddings v2',
  'Embeddings v1',
  'Analyses',
  'Assets',
  'Uploads',
];

describe('table layout', () => {
  const columns = [
    { key: 'family', title: 'Family', width: 17, text: () => '' },
    { key: 'code', title: 'Code', width: 38, text: () => '' },
    { key: 'count', title: 'Count', width: 6, text: () => '' },
    { key: 'newest', title: 'Newest', width: 9, text: () => '' },
    { key: 'message', title: 'Message', width: 16, flex: true, dropOrder: 1, text: () => '' },
  ];
  const total = (layout: { width: number }[]) =>
    layout.reduce((sum, column) => sum + column.width, 0) + layout.length - 1;

  it('never lays out wider than the room once nothing is left to drop: the widest columns give', () => {
    for (const width of [58, 50, 40, 30]) {
      const layout = layoutColumns(columns, width);
      expect(layout.map((l) => l.column.key)).toEqual(['family', 'code', 'count', 'newest']);
      expect(total(layout)).toBe(width);
    }
    expect(layoutColumns(columns, 58).map((l) => l.width)).toEqual([17, 23, 6, 9]);
  });

  it('with the flex column dropped, the spare room goes to the widest column, not the last', () => {
    const layout = layoutColumns(columns, 78);
    expect(layout.map((l) => l.width)).toEqual([17, 38 + 78 - 73, 6, 9]);
  });
});

describe('detail labels', () => {
  const lines = [
    { value: 'Asset', section: true },
    { label: 'id', value: 'x' },
    { label: 'error', value: '✗ a long reason' },
    { label: '', value: 'wrapped under the label' },
    { value: 'Technical metadata', section: true },
    { label: 'file_container_format', value: 'mp4' },
    { label: 'video_duration_seconds', value: '959' },
  ];
  it('a section of long labels widens its label column (to 40% of the pane at most); wrapped sections keep 16', () => {
    expect(labelWidths(lines, 120)).toEqual([16, 16, 16, 16, 23, 23, 23]);
    expect(labelWidths(lines, 50)).toEqual([16, 16, 16, 16, 20, 20, 20]);
  });
});

describe('times of past events in tables', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  const updated = timeColumn<{ at: string }>('updated_at', 'Updated', (row) => row.at);
  it('a row fetched after the minute tick (or a server clock a little ahead) reads "just now", not "in <1m"', () => {
    expect(updated.text({ at: '2026-11-23T12:00:20Z' }, now)).toBe('just now');
    expect(updated.text({ at: '2026-11-23T12:03:00Z' }, now)).toBe('just now');
    expect(updated.text({ at: '2026-11-23T11:57:00Z' }, now)).toBe('3m ago');
    // a clock an hour off is shown as it is
    expect(updated.text({ at: '2026-11-23T13:00:00Z' }, now)).toBe('in 1h');
  });
});

describe('times of past events in a detail pane', () => {
  it('an update stamped a little after the pane\'s clock reads "just now", not "in <1m"', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    const task = {
      _id: 'task-1',
      status: 'indexing',
      created_at: '2026-11-23T11:57:00Z',
      updated_at: '2026-11-23T12:00:30Z',
    } as Task;
    const values = Object.fromEntries(taskLines(task, now).map((line) => [line.label, line.value]));
    expect(values.created).toBe('2026-11-23T11:57:00Z  (3m ago)');
    expect(values.updated).toBe('2026-11-23T12:00:30Z  (just now)');
  });
});

describe('tabs', () => {
  it('all seven views and their badges on the line: the others show their number when titles do not fit', () => {
    const labels = tabLabels('indexing', { failures: '55✗' }, true);
    expect(labels.join(' ')).toBe(' 1   2   3 Indexing   4   5   6   7 55✗ ');
  });
});

describe('operator view at small sizes', { timeout: 60_000 }, () => {
  it('60x15 Failures: every group row keeps its columns (family, code, count, newest) in place', async () => {
    const d = await startDashboard({ columns: 60, rows: 15 });
    dashboard = d;
    await d.press('7');
    const frame = await d.waitFor(
      (f) => /^Failures .*failed items/.test(caption(f)) && f.split('\n')[5]?.includes('✗') === true,
      'failure groups',
    );
    expectWithinTerminal(frame, 60, 15);
    expect(frame.split('\n')[4]).toMatch(/^ {2}FAMILY +CODE +COUNT +NEWEST▼$/);
    const rows = frame
      .split('\n')
      .slice(5, -1)
      .filter((line) => line.includes('✗'));
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) {
      // pointer (2), family (17), one space: the code starts in column 20 of every row
      expect(FAMILIES).toContain(row.slice(4, 19).trim());
      expect(row[19]).toBe(' ');
      expect(row[20]).not.toBe(' ');
      expect(row).toMatch(/ \d+ +(\d+[mhd] ago|just now)$/);
    }
    // the tab line still shows view 7 with its failure count
    expect(frame.split('\n')[2]).toMatch(/ 7 Failures \d+✗$/);
  });

  it('60x15 Uploads: tabs 6 and 7 are on the line, with the failure badge', async () => {
    const d = await startDashboard({ columns: 60, rows: 15 });
    dashboard = d;
    const frame = await d.waitFor((f) => /✗/.test(f.split('\n')[2] ?? ''), 'the failure badge', 10_000);
    expect(frame.split('\n')[2]).toMatch(/^ 1 Uploads {3}2 {3}3 {3}4 {3}5 {3}6 {3}7 \d+✗$/);
  });

  it('80x24 failed items: the name is readable, the reason (the group line says it) goes first at 60', async () => {
    const d = await startDashboard({ columns: 80, rows: 24 });
    dashboard = d;
    await d.press('7');
    await d.waitFor((f) => /^Failures .*failed items/.test(caption(f)), 'failure groups');
    await d.press(KEY.enter);
    const frame = await d.waitFor((f) => /^Failed items/.test(caption(f)), 'the items');
    expect(frame.split('\n')[4]).toMatch(/^ {2}ID +NAME +FAILED▼ REASON/);
    const name = /^. [0-9a-f]{8} {2}(.{30})/.exec(frame.split('\n')[5] ?? '')?.[1] ?? '';
    expect(name.trim().length).toBeGreaterThan(18);
    expect(name).not.toContain('…');
  });

  it('a failed item detail shows the whole error, wrapped under its label, before what to do', async () => {
    const d = await startDashboard({ columns: 60, rows: 30 });
    dashboard = d;
    await d.press('7');
    await d.waitFor((f) => /^Failures .*failed items/.test(caption(f)), 'failure groups');
    await d.press(KEY.enter);
    await d.waitFor((f) => /^Failed items/.test(caption(f)), 'the items');
    await d.press(KEY.enter);
    const frame = await d.waitFor((f) => /^error {11}✗ /m.test(f), 'the detail with its error');
    const lines = frame.split('\n');
    const at = lines.findIndex((line) => line.startsWith('error '));
    const continued: string[] = [];
    for (const line of lines.slice(at + 1)) {
      if (!line.startsWith(' '.repeat(16))) break;
      continued.push(line.trim());
    }
    const error = [lines[at]!.slice(16), ...continued].join(' ');
    expect(error).not.toContain('…');
    expect(error).toMatch(/^✗ [a-z_]+: .+[.)]$/);
    const whatToDo = lines.findIndex((line) => line.startsWith('what to do'));
    if (whatToDo !== -1) expect(whatToDo).toBeGreaterThan(at + continued.length);
  });
});

describe('asset detail', { timeout: 60_000 }, () => {
  it('technical metadata keys are shown whole, their values in one column', async () => {
    const d = await startDashboard({ columns: 120, rows: 40 });
    dashboard = d;
    await d.press('2');
    await d.waitFor((f) => /^Assets .* of \d+/.test(caption(f)), 'assets');
    let frame = '';
    // the first ready video of the list (its detail fetch brings the metadata)
    for (let tries = 0; tries < 30 && !frame.includes('video_duration_seconds'); tries++) {
      await d.press(KEY.enter);
      frame = await d.waitFor((f) => /^Assets › /.test(caption(f)), 'the asset detail');
      frame = await d
        .waitFor((f) => f.includes('video_duration_seconds'), 'the metadata', 500)
        .catch(() => '');
      if (!frame) await d.press(KEY.escape, 'j');
    }
    const lines = frame.split('\n');
    expect(frame).not.toMatch(/^\S+… /m);
    const valueAt = (label: string) => {
      const line = lines.find((l) => l.startsWith(`${label} `)) ?? '';
      return line.length - line.slice(label.length).trimStart().length;
    };
    expect(valueAt('file_container_format')).toBe(valueAt('video_codec'));
    expect(valueAt('video_duration_seconds')).toBe(23);
  });
});

describe('live tables', { timeout: 60_000 }, () => {
  it('the selection stays on its item when a new row is sorted in above it (on the first row it stays first)', async () => {
    const d = await startDashboard({ columns: 120, rows: 30 });
    dashboard = d;
    await d.press('5');
    await d.waitFor((f) => /^Analyses .* of \d+/.test(caption(f)), 'analyses');
    await d.press('j', 'j');
    const chosen = await d.waitFor((f) => /^› /m.test(f.split('\n').slice(5).join('\n')), 'a selection');
    const selectedShort = (frame: string) =>
      /^› . \S+ +([0-9a-f]{8}) /m.exec(frame.split('\n').slice(5).join('\n'))?.[1];
    const before = selectedShort(chosen);
    expect(before).toMatch(/^[0-9a-f]{8}$/);
    const created = await d.api.createAnalyzeTask({
      video: { type: 'url', url: 'https://media.example.com/new-arrival.mp4' },
      prompt: 'summarize',
    });
    // the new task is the newest: it is listed first, and the rows below move down by one
    const frame = await d.waitFor(
      (f) => f.split('\n')[5]?.includes(created.task_id.slice(-8)) === true,
      'the new task on top',
      10_000,
    );
    expect(selectedShort(frame)).toBe(before);
    expect(d.store.getState().ui.selection.analyze).toBe(3);
    // on the head of the list the cursor watches the newest: the next arrival is selected
    await d.press('g');
    await d.waitFor((f) => selectedShort(f) === created.task_id.slice(-8), 'the first row selected');
    const next = await d.api.createAnalyzeTask({
      video: { type: 'url', url: 'https://media.example.com/next-arrival.mp4' },
      prompt: 'summarize',
    });
    await d.waitFor((f) => selectedShort(f) === next.task_id.slice(-8), 'the newest selected', 10_000);
    expect(d.store.getState().ui.selection.analyze).toBe(0);
  });
});

describe('command mode', { timeout: 60_000 }, () => {
  it('a command line that arrives with its Enter in one read (typed fast, pasted) runs, and what follows is keys', async () => {
    const d = await startDashboard({ columns: 100, rows: 24 });
    dashboard = d;
    await d.waitFor((f) => /^Uploads/.test(caption(f)), 'uploads');
    await d.press(':');
    await d.waitFor((f) => f.includes('Tab complete'), 'the command prompt');
    await d.press('events\r');
    await d.waitFor((f) => /^Events/.test(caption(f)), 'the events view');
    expect(d.store.getState().ui.overlay.kind).toBe('none');
    await d.press(':');
    await d.waitFor((f) => f.includes('Tab complete'), 'the command prompt');
    await d.press('analyses\n2');
    await d.waitFor((f) => /^Assets/.test(caption(f)), 'the key after the pasted line: 2 is Assets');
  });
});

describe('embeddings v2', { timeout: 60_000 }, () => {
  it('rows say what they embed (file name or URL, from video_embedding / audio_embedding) and / filters on it', async () => {
    const d = await startDashboard({ columns: 120, rows: 30 });
    dashboard = d;
    await d.press('4');
    const frame = await d.waitFor(
      (f) => /^Embeddings v2 .* of \d+/.test(caption(f)) && /^› /m.test(f),
      'embeddings v2',
    );
    expect(frame.split('\n')[4]).toMatch(/^ {2}STATUS +ID +INPUT \/ ERROR +MODEL /);
    const rows = frame
      .split('\n')
      .slice(5, -1)
      .filter((line) => /^. . \S+ +[0-9a-f]{8} /.test(line));
    expect(rows.length).toBeGreaterThan(3);
    const inputs = rows.map((row) => /^. . \S+ +[0-9a-f]{8} {2}(\S+)/.exec(row)?.[1] ?? '');
    for (const input of inputs) expect(input).toMatch(/\.(mp4|mov|mp3|wav|m4a)|^https:\/\//);
    const word = /([a-z]+)-/.exec(inputs.find((input) => !input.startsWith('https')) ?? inputs[0]!)![1]!;
    await d.press('/');
    await d.type(word);
    await d.press(KEY.enter);
    const filtered = await d.waitFor(
      (f) => /filter/.test(caption(f)) && /^› /m.test(f),
      `filtered on ${word}`,
    );
    const matching = filtered
      .split('\n')
      .slice(5, -1)
      .filter((line) => /^. . \S+ +[0-9a-f]{8} /.test(line));
    expect(matching.length).toBeGreaterThan(0);
    for (const row of matching) expect(row).toContain(word);
  });
});

describe('connection screen at 60x15', { timeout: 60_000 }, () => {
  it('a wrong key: every line of the fix list is there, bullets hang, the footer has only what helps', async () => {
    const d = await startDashboard({
      columns: 60,
      rows: 15,
      emulator: { apiKey: 'tlk_the0right0key0000000000' },
      client: { apiKey: 'tlk_wrong0000000000000000wxyz' },
    });
    dashboard = d;
    const frame = await d.waitFor((f) => f.includes('refused the key'), 'the connection screen');
    expectWithinTerminal(frame, 60, 15);
    const lines = frame.split('\n');
    expect(lines[3]).toBe(' ✗ The API refused the key tlk_…wxyz');
    // Ink's own wrap left the space of the break at the start of the next line
    expect(lines.filter((line) => /^ {2}\S/.test(line))).toEqual([]);
    const fix = lines.findIndex((line) => line.startsWith(' · or save the key'));
    expect(fix).toBeGreaterThan(3);
    expect(lines[fix + 1]).toMatch(/^ {3}\S/);
    expect(lines.at(-1)).toMatch(/^: command {2}R refresh {2}\? help {2}q quit$/);
    expect(lines.at(-1)).not.toContain('j/k');
  });

  it('an unreachable host: no latency beside "no answer yet"', async () => {
    const port = await freePort();
    const d = await startDashboard({
      columns: 100,
      rows: 24,
      client: { baseUrl: `http://127.0.0.1:${port}/v1.3` },
    });
    dashboard = d;
    const frame = await d.waitFor((f) => f.includes('Cannot reach the API'), 'the connection screen', 10_000);
    expect(frame.split('\n')[1]).toMatch(/API –, no answer yet/);
    expect(frame.split('\n')[0]).not.toContain('done/h');
  });
});
