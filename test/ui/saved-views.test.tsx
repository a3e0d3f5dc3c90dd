import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sortSpec } from '../../src/store/index.js';
import { type Dashboard, KEY, startDashboard } from './harness.js';

let dashboard: Dashboard | undefined;
let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tltop-views-'));
  file = join(dir, 'state', 'view-state.json');
});
afterEach(async () => {
  await dashboard?.close();
  dashboard = undefined;
  await rm(dir, { recursive: true, force: true });
});

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8'));
const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

async function command(d: Dashboard, line: string): Promise<void> {
  await d.press(':');
  await d.waitFor((frame) => frame.includes('Tab complete'), 'command prompt');
  await d.type(line);
  await d.press(KEY.enter);
}

describe('saved views', { timeout: 60_000 }, () => {
  it(':save stores view, table, filter and sort; :view restores them (Tab completes); unknown names are one line', async () => {
    dashboard = await startDashboard({ viewState: { file, profile: 'test' } });
    const d = dashboard;
    await d.press('3', 's', 's');
    await d.press('/');
    await d.type('cam');
    await d.press(KEY.enter);
    await d.waitFor(() => d.store.getState().ui.filter.tasks === 'cam', 'filter set');
    const sortIndex = d.store.getState().ui.sort.tasks;
    expect(sortIndex).toBe(2);

    await command(d, 'save slow-cams');
    await d.waitFor((frame) => frame.includes('saved view slow-cams'), 'saved status');
    const saved = (await readJson(file)).profiles.test.views['slow-cams'];
    expect(saved).toMatchObject({
      view: 'indexing',
      table: 'tasks',
      filter: 'cam',
      sort: sortSpec('tasks', sortIndex).label,
    });
    expect(await modeOf(file)).toBe(0o600);

    // somewhere else entirely: another view, the filter cleared, the default sort
    await d.press(KEY.escape, '1');
    await d.waitFor(() => d.store.getState().ui.view === 'uploads', 'uploads view');
    await d.press('3', 's', 's', 's');
    await d.press('2');

    await d.press(':');
    await d.type('view sl');
    await d.press(KEY.tab);
    await d.waitFor((frame) => frame.includes(': view slow-cams '), 'completed name');
    await d.press(KEY.enter);
    await d.waitFor(() => d.store.getState().ui.view === 'indexing', 'indexing view');
    const ui = d.store.getState().ui;
    expect(ui.tableOf.indexing).toBe('tasks');
    expect(ui.filter.tasks).toBe('cam');
    expect(ui.sort.tasks).toBe(sortIndex);
    await d.waitFor((frame) => frame.includes('view slow-cams: Indexing tasks'), 'status line');

    await command(d, 'view nope');
    const frame = await d.waitFor((f) => f.includes('no saved view "nope"'), 'error line');
    const errorLines = frame.split('\n').filter((line) => line.includes('no saved view'));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toContain('saved: slow-cams');
    await d.press(KEY.escape);

    await command(d, 'views');
    await d.waitFor((f) => f.includes('saved views: slow-cams'), ':views list');

    await command(d, 'unsave slow-cams');
    await d.waitFor((f) => f.includes('deleted saved view slow-cams'), 'unsave status');
    expect((await readJson(file)).profiles.test.views).toEqual({});
  });

  it('restores the last view state in a second dashboard on the same state file (mode 0600)', async () => {
    const first = await startDashboard({ viewState: { file, profile: 'test' } });
    dashboard = first;
    await first.press('3', 'v', 's');
    await first.press('2', '/');
    await first.type('clip');
    await first.press(KEY.enter);
    await first.waitFor(() => first.store.getState().ui.filter.assets === 'clip', 'assets filter');
    const before = first.store.getState().ui;
    // written within a couple of seconds while the dashboard runs, not only on exit
    await first.waitFor(
      () => {
        try {
          return readFileSync(file, 'utf8').includes('"clip"');
        } catch {
          return false;
        }
      },
      'state written while running',
      4000,
    );
    await first.close();
    dashboard = undefined;
    expect(await modeOf(file)).toBe(0o600);
    const last = (await readJson(file)).profiles.test.last;
    expect(last).toMatchObject({ view: 'assets', filters: { assets: 'clip' } });

    dashboard = await startDashboard({ viewState: { file, profile: 'test' } });
    const second = dashboard;
    const ui = second.store.getState().ui;
    expect(ui.view).toBe('assets');
    expect(ui.tableOf.indexing).toBe('indexedAssets');
    expect(ui.filter.assets).toBe('clip');
    expect(ui.sort.indexedAssets).toBe(before.sort.indexedAssets);
    expect(ui.sort.indexedAssets).toBe(1);
    await second.waitFor((frame) => /^Assets .*clip/m.test(frame), 'assets caption with the filter');
    await second.press('3');
    await second.waitFor((frame) => frame.includes('Indexed assets'), 'indexed assets table');
  });

  it('another profile in the same file keeps its own state; --no-restore starts clean', async () => {
    dashboard = await startDashboard({ viewState: { file, profile: 'prod' } });
    await dashboard.press('5');
    await dashboard.waitFor(() => dashboard!.store.getState().ui.view === 'analyses', 'analyses');
    await dashboard.close();
    dashboard = await startDashboard({ viewState: { file, profile: 'staging' } });
    expect(dashboard.store.getState().ui.view).toBe('uploads');
    await dashboard.press('4');
    await dashboard.waitFor(() => dashboard!.store.getState().ui.view === 'embeddings', 'embeddings');
    await dashboard.close();
    const profiles = (await readJson(file)).profiles;
    expect(profiles.prod.last.view).toBe('analyses');
    expect(profiles.staging.last.view).toBe('embeddings');

    dashboard = await startDashboard({ viewState: { file, profile: 'prod', restore: false } });
    expect(dashboard.store.getState().ui.view).toBe('uploads');
  });

  it('a corrupt or foreign state file is ignored with an Events line, kept as .bad, never a crash', async () => {
    await mkdir(join(dir, 'state'), { recursive: true });
    await writeFile(file, '{"version": 1, "profiles": {"test": {"last": {"view": "nowhere"');
    dashboard = await startDashboard({ viewState: { file, profile: 'test' } });
    const d = dashboard;
    expect(d.store.getState().ui.view).toBe('uploads');
    await d.press('6');
    await d.waitFor((frame) => frame.includes('view state ignored (not valid JSON)'), 'events line');
    await d.press('2');
    await d.close();
    dashboard = undefined;
    expect(await readFile(`${file}.bad`, 'utf8')).toContain('nowhere');
    expect((await readJson(file)).profiles.test.last.view).toBe('assets');

    await writeFile(file, JSON.stringify({ version: 1, profiles: { test: { last: { view: 'nowhere' } } } }));
    dashboard = await startDashboard({ viewState: { file, profile: 'test' } });
    expect(dashboard.store.getState().ui.view).toBe('uploads');
    expect(
      dashboard.store
        .getState()
        .events.map((event) => event.message)
        .join('\n'),
    ).toMatch(/view state ignored \(not a tltop view-state file: profiles\.test\.last\.view: .*\)/);
  });
});
