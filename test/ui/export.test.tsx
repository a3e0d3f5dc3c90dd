import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Asset, Page, Task } from '../../src/api/types.js';
import { requestCount } from '../helpers/emulator.js';
import { type Dashboard, KEY, startDashboard } from './harness.js';

let dashboard: Dashboard | undefined;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tltop-export-'));
});
afterEach(async () => {
  await dashboard?.close();
  dashboard = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** RFC 4180: quoted fields may hold commas, CRLF and doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += char;
  }
  expect(field).toBe('');
  return rows;
}

/** Every item of a list endpoint, straight from the emulator (page by page). */
async function all<T>(list: (page: number) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page++) {
    const result = await list(page);
    items.push(...result.data);
    if (page >= result.page_info.total_page || result.data.length === 0) return items;
  }
}

async function command(d: Dashboard, line: string): Promise<void> {
  await d.press(':');
  await d.waitFor((frame) => frame.includes('Tab complete'), 'command prompt');
  await d.type(line);
  await d.press(KEY.enter);
}

const FINAL = new Set(['ready', 'failed']);
const FORMULA = '=HYPERLINK("http://evil.test","x"),+1.mp4';

describe(':export', { timeout: 60_000 }, () => {
  it('writes every page of the indexing tasks as CSV, in table order, with full ids and ISO times', async () => {
    dashboard = await startDashboard({ deps: { exportOptions: { cwd: dir } } });
    const d = dashboard;
    await d.press('3');
    await d.waitFor((frame) => /^Indexing tasks .* of [\d,]+/m.test(frame), 'tasks caption');
    await command(d, 'export tasks.csv');
    const frame = await d.waitFor((f) => /exported [\d,]+ rows to tasks\.csv/.test(f), 'status', 15_000);

    const expected = await all((page) => d.api.listTasks({ page, page_limit: 50 }));
    expect(expected.length).toBeGreaterThan(100); // several pages of the server collection
    expect(frame).toContain(`exported ${expected.length.toLocaleString('en-US')} rows to tasks.csv`);
    const [header, ...rows] = parseCsv(await readFile(join(dir, 'tasks.csv'), 'utf8'));
    expect(header).toEqual([
      'id',
      'status',
      'filename',
      'video_id',
      'index_id',
      'duration_s',
      'error',
      'updated_at',
      'created_at',
    ]);
    expect(rows.map((row) => row[0])).toEqual(expected.map((task) => task._id));
    const byId = new Map<string, Task>(expected.map((task) => [task._id, task]));
    for (const row of rows) {
      const task = byId.get(row[0]!)!;
      // a running task may have moved on between the export and this listing
      if (FINAL.has(task.status)) expect(row[1]).toBe(task.status);
      expect(row[2]).toBe(task.system_metadata?.filename ?? '');
      expect(row[8]).toBe(task.created_at);
    }
    expect((await stat(join(dir, 'tasks.csv'))).mode & 0o777).toBe(0o600);
    // several list calls: the pages the table had not loaded were fetched
    expect(requestCount(d.emulator, 'GET /tasks')).toBeGreaterThan(Math.ceil(expected.length / 50));
  });

  it('JSON keeps the raw values; CSV neutralises a formula-looking name', async () => {
    dashboard = await startDashboard({ deps: { exportOptions: { cwd: dir, home: dir } } });
    const d = dashboard;
    await d.api.createUpload({ filename: FORMULA, type: 'video', total_size: 1000 });
    await d.press('2');
    await d.waitFor((frame) => /^Assets .* of [\d,]+/m.test(frame), 'assets caption');

    await command(d, 'export ~/assets.json');
    await d.waitFor((f) => /exported [\d,]+ rows to ~\/assets\.json/.test(f), 'json status', 15_000);
    const json = JSON.parse(await readFile(join(dir, 'assets.json'), 'utf8'));
    const expected = await all((page) => d.api.listAssets({ page, page_limit: 50 }));
    expect(expected.length).toBeGreaterThan(50);
    expect(json).toMatchObject({ table: 'assets', total: expected.length, capped: false });
    expect(json.rows).toHaveLength(expected.length);
    expect(json.rows.map((row: { id: string }) => row.id)).toEqual(expected.map((asset) => asset._id));
    const byId = new Map<string, Asset>(expected.map((asset) => [asset._id, asset]));
    for (const row of json.rows) {
      const asset = byId.get(row.id)!;
      if (FINAL.has(asset.status)) expect(row.status).toBe(asset.status);
      expect(row).toMatchObject({
        filename: asset.filename ?? null,
        size_bytes: asset.size ?? null,
        created_at: asset.created_at ?? null,
      });
    }
    expect(json.rows.some((row: { filename: string }) => row.filename === FORMULA)).toBe(true);

    await command(d, 'export assets.csv');
    await d.waitFor((f) => f.includes('rows to assets.csv'), 'csv status', 15_000);
    const csvText = await readFile(join(dir, 'assets.csv'), 'utf8');
    const rows = parseCsv(csvText);
    expect(rows.slice(1).map((row) => row[0])).toEqual(expected.map((asset) => asset._id));
    const names = rows.map((row) => row[2]);
    expect(names).toContain(`'${FORMULA}`);
    expect(names.every((name) => !/^[=+\-@]/.test(name ?? ''))).toBe(true);
  });

  it('never replaces a file unless told (:export!); a missing directory or a bad name is one line', async () => {
    dashboard = await startDashboard({ deps: { exportOptions: { cwd: dir } } });
    const d = dashboard;
    // the Events table: local rows, nothing to fetch
    await d.press('6');
    await d.waitFor((frame) => /^Events /m.test(frame), 'events caption');
    await writeFile(join(dir, 'events.csv'), 'mine\r\n');
    await command(d, 'export events.csv');
    const refused = await d.waitFor((f) => f.includes('events.csv exists'), 'refusal');
    expect(refused).toContain('✗ events.csv exists; :export! events.csv replaces it');
    expect(await readFile(join(dir, 'events.csv'), 'utf8')).toBe('mine\r\n');
    await d.press(KEY.escape);
    await command(d, 'export! events.csv');
    await d.waitFor((f) => /exported \d+ rows to events\.csv/.test(f), 'replaced');
    const [header] = parseCsv(await readFile(join(dir, 'events.csv'), 'utf8'));
    expect(header).toEqual(['id', 'time', 'level', 'source', 'message']);

    await command(d, 'export no/such/dir/a.csv');
    const bad = await d.waitFor((f) => f.includes('cannot write no/such/dir/a.csv'), 'bad dir');
    const lines = bad.split('\n').filter((line) => line.includes('cannot write'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`no such directory ${join(dir, 'no/such/dir')}`);
    await d.press(KEY.escape);

    await command(d, 'export events.txt');
    await d.waitFor((f) => f.includes('export writes .csv or .json files'), 'bad extension');
  });

  it('stops at the row cap and says so', async () => {
    dashboard = await startDashboard({ deps: { exportOptions: { cwd: dir, maxRows: 120 } } });
    const d = dashboard;
    await d.press('3');
    await d.waitFor((frame) => /^Indexing tasks .* of [\d,]+/m.test(frame), 'tasks caption');
    await command(d, 'export capped.json');
    const total = (await d.api.listTasks({ page: 1, page_limit: 1 })).page_info.total_results;
    await d.waitFor(
      (f) =>
        f.includes(
          `exported 120 rows to capped.json (capped: the first 120 of ${total.toLocaleString('en-US')})`,
        ),
      'capped status',
      15_000,
    );
    const json = JSON.parse(await readFile(join(dir, 'capped.json'), 'utf8'));
    expect(json).toMatchObject({ capped: true, total });
    expect(json.rows).toHaveLength(120);
  });
});

describe(':export and the rate limit', { timeout: 60_000 }, () => {
  it('stops before the budget the pollers need is gone, and says so', async () => {
    dashboard = await startDashboard({ deps: { exportOptions: { cwd: dir } } });
    const d = dashboard;
    await d.press('3');
    await d.waitFor((frame) => /^Indexing tasks .* of [\d,]+/m.test(frame), 'tasks caption');
    const total = (await d.api.listTasks({ page: 1, page_limit: 1 })).page_info.total_results;
    await d.press('p'); // polling paused: the export's calls are the only ones counted
    const requests = () =>
      Object.values(d.emulator.stats().requests).reduce(
        (sum, byStatus) => sum + Object.values(byStatus).reduce((a, b) => a + b, 0),
        0,
      );
    let seen = -1;
    await vi.waitFor(
      async () => {
        const now = requests();
        const quiet = now === seen;
        seen = now;
        if (!quiet) throw new Error('polls still in flight');
        await new Promise((resolve) => setTimeout(resolve, 0));
      },
      { timeout: 10_000, interval: 500 },
    );
    // 10 an hour: the export may use 5, then fewer than 5 (the reserve) are left
    d.emulator.setFaults('rate-limit=10/h');
    await command(d, 'export limited.csv');
    const frame = await d.waitFor((f) => f.includes('rate-limit budget left for polling'), 'stop', 15_000);
    const rows = parseCsv(await readFile(join(dir, 'limited.csv'), 'utf8')).length - 1;
    expect(rows).toBeGreaterThanOrEqual(50);
    expect(rows).toBeLessThan(total);
    expect(rows % 50).toBe(0);
    expect(frame).toContain(
      `exported ${rows} rows to limited.csv (stopped at ${rows} of ${total}: rate-limit budget left for polling)`,
    );
    // no 429: the export stopped while requests were left
    expect(d.emulator.stats().requests['GET /tasks']?.['429']).toBeUndefined();
  });
});

describe('copy as curl', { timeout: 60_000 }, () => {
  it('c copies the GET call with $TWELVELABS_API_KEY, never the key; :curl shows it too', async () => {
    const copied: string[] = [];
    dashboard = await startDashboard({ columns: 160, clipboard: (text) => copied.push(text) });
    const d = dashboard;
    await d.press('3');
    await d.waitFor((frame) => /^Indexing tasks .* of [\d,]+/m.test(frame), 'tasks caption');
    await d.press('j');
    await d.waitFor(() => d.store.getState().ui.selection.tasks === 1, 'second row');
    const state = d.store.getState();
    const page = state.collections.tasks.pages[1]!;
    const taskId = page[1]!;
    await d.press('c');
    await d.waitFor(() => copied.length === 1, 'copied');
    expect(copied[0]).toBe(
      `curl -sS --request GET '${d.emulator.baseUrl}/tasks/${taskId}' -H "x-api-key: $TWELVELABS_API_KEY"`,
    );
    expect(copied[0]).not.toContain(d.emulator.apiKey);
    await d.waitFor((f) => f.includes(`copied curl GET /tasks/${taskId.slice(-8)}`), 'status');

    // the same, run as a command from the detail pane, shows the whole command
    await d.press(KEY.enter);
    await command(d, 'curl');
    await d.waitFor(() => copied.length === 2, 'copied again');
    expect(copied[1]).toBe(copied[0]);
    await d.waitFor(
      (f) => f.includes(`copied: curl -sS --request GET '${d.emulator.baseUrl}/tasks/`),
      'shown',
    );

    // indexed assets name their index in the URL
    await d.press(KEY.escape, 'v');
    await d.waitFor((frame) => /^Indexed assets .* of [\d,]+/m.test(frame), 'indexed assets');
    await d.press('c');
    await d.waitFor(() => copied.length === 3, 'copied indexed asset');
    const { indexId } = d.store.getState().ui;
    expect(copied[2]).toMatch(
      new RegExp(
        `^curl -sS --request GET '${d.emulator.baseUrl}/indexes/${indexId}/indexed-assets/[0-9a-f]{24}' `,
      ),
    );
    expect(copied.join('\n')).not.toContain(d.emulator.apiKey);

    await d.press('6');
    await command(d, 'curl');
    await d.waitFor((f) => f.includes('✗ Events rows have no API call to copy'), 'refusal on events');
    expect(copied).toHaveLength(3);
  });
});
