import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConnection } from '../../src/cli/config.js';
import { selectTableView } from '../../src/store/selectors.js';
import { createUploadManager } from '../../src/upload/manager.js';
import { type Dashboard, KEY, startDashboard } from './harness.js';

let dashboard: Dashboard | undefined;
let configDir: string | undefined;
afterEach(async () => {
  await dashboard?.close();
  dashboard = undefined;
  if (configDir) await rm(configDir, { recursive: true, force: true });
  configDir = undefined;
});

const last8 = (id: string) => id.slice(-8);

async function readyVideos(d: Dashboard): Promise<string[]> {
  const assets = await d.api.listAssets({ page_limit: 50, asset_types: ['video'] });
  return assets.data.filter((asset) => asset.status === 'ready').map((asset) => asset._id);
}

async function firstIndex(d: Dashboard): Promise<string> {
  return (await d.api.listIndexes({ page_limit: 50 })).data[0]!._id;
}

function lineWith(frame: string, text: string): string | undefined {
  return frame.split('\n').find((line) => line.includes(text));
}

describe('stuck and slow work', () => {
  it('flags a task held in its queue with a symbol and a word, in the row and the detail; normal work is not flagged', async () => {
    dashboard = await startDashboard({ columns: 120, rows: 30 });
    const d = dashboard;
    const index = await firstIndex(d);
    const [first, second] = await readyVideos(d);
    // another client of the account starts two pieces of work; the first waits in a backed-up queue
    d.emulator.setFaults('hold=1@6h');
    const held = await d.api.createIndexedAsset(index, { asset_id: first! });
    d.emulator.setFaults('');
    d.emulator.advanceClock(2 * 3600);
    const normal = await d.api.createIndexedAsset(index, { asset_id: second! });

    await d.press('3');
    const frame = await d.waitFor(
      (f) =>
        lineWith(f, last8(held._id))?.includes('⚠ stuck 2h') === true &&
        lineWith(f, last8(normal._id)) !== undefined,
      'the held task flagged stuck',
      10_000,
    );
    expect(frame).toContain('FLAG');
    const normalLine = lineWith(frame, last8(normal._id))!;
    expect(normalLine).not.toContain('stuck');
    expect(normalLine).not.toContain('slow');
    // the detail says so too, with the threshold it used
    const ids = selectTableView(d.store.getState(), 'tasks').ids;
    const heldRow = ids.findIndex((id) => id && d.store.getState().entities.tasks[id]?.video_id === held._id);
    for (let i = 0; i < heldRow; i += 1) await d.press('j');
    await d.press(KEY.enter);
    await d.waitFor(
      (f) => /flag\s+⚠ stuck: running for 2h \d\dm; stuck after \d+[mh] \(/.test(f),
      'the flag line in the detail',
    );
  });

  it('honours stuck_after from the profile', async () => {
    configDir = await mkdtemp(join(tmpdir(), 'tltop-stuck-'));
    await writeFile(
      join(configDir, 'config.json'),
      JSON.stringify({ current_profile: 'ops', profiles: { ops: { stuck_after: '1m' } } }),
      { mode: 0o600 },
    );
    const connection = await resolveConnection({}, { TLTOP_CONFIG_DIR: configDir });
    expect(connection.settings.stuckAfterMs).toBe(60_000);
    dashboard = await startDashboard({
      columns: 120,
      rows: 30,
      deps: { stuckAfterMs: connection.settings.stuckAfterMs },
    });
    const d = dashboard;
    await d.press('3');
    // the demo's running tasks are minutes old: past a one-minute threshold
    await d.waitFor(
      (f) => f.includes('FLAG') && /(◔ slow|⚠ stuck) \d+[sm]/.test(f),
      'the Flag column',
      10_000,
    );
    await d.press('o');
    await d.waitFor(
      (f) => f.includes('1m (stuck_after)') && /indexing tasks [1-9]\d* stuck/.test(f),
      'the threshold shown',
    );
  });

  it('without a setting the threshold comes from the loaded data and flags no fresh work; :stuck-after changes it', async () => {
    dashboard = await startDashboard({ columns: 120, rows: 30 });
    const d = dashboard;
    await d.press('3');
    await d.waitFor((f) => f.includes('validating') || f.includes('indexing'), 'running tasks');
    await d.press('o');
    const before = await d.waitFor(
      (f) => /indexing tasks \d+[mh] \((3× p95|floor|default)/.test(f),
      'the threshold of the tasks table',
      10_000,
    );
    // the demo's running tasks are minutes old: well within what finished work took
    expect(before).not.toContain('FLAG');
    expect(before).not.toMatch(/⚠ stuck \d+m {2}/);
    await d.press(':');
    await d.type('stuck-after 1m');
    await d.press(KEY.enter);
    await d.waitFor(
      (f) => f.includes('FLAG') && /indexing tasks [1-9]\d* stuck/.test(f) && f.includes('1m (stuck_after)'),
      'flagged after :stuck-after 1m',
    );
    expect(d.store.getState().monitor.stuckAfterMs).toBe(60_000);
    await d.press(':');
    await d.type('stuck-after soon');
    await d.press(KEY.enter);
    await d.waitFor(
      (f) => f.includes('✗ :stuck-after: expected a duration'),
      'a bad duration refused in one line',
    );
  });
});

describe('throughput sparklines', () => {
  it('the header shows work finished per hour after tasks finish', async () => {
    dashboard = await startDashboard({ columns: 150, rows: 30 });
    const d = dashboard;
    await d.press('3');
    const before = await d.waitFor((f) => /done\/h \d+ [▁▂▃▄▅▆▇█]{12}/.test(f), 'the header sparkline');
    const countBefore = Number(/done\/h (\d+)/.exec(before)![1]);
    // a quarter of an hour later the demo's running work has finished
    d.emulator.advanceClock(15 * 60);
    const after = await d.waitFor(
      (f) => Number(/done\/h (\d+)/.exec(f)?.[1] ?? 0) >= countBefore + 10,
      'more work done in the last hour',
      15_000,
    );
    const spark = /done\/h \d+ ([▁▂▃▄▅▆▇█]{12})/.exec(after)![1]!;
    expect(spark).toMatch(/[▂▃▄▅▆▇█]/);
  });

  it('the header and the overview show the upload speed while this dashboard uploads, and its peak after', async () => {
    configDir = await mkdtemp(join(tmpdir(), 'tltop-upload-spark-'));
    const path = join(configDir, 'clip.mp4');
    await writeFile(path, randomBytes(3 * 1024 * 1024));
    dashboard = await startDashboard({
      columns: 160,
      rows: 30,
      emulator: { seed: 'empty', chunkSize: 64 * 1024, faults: 'put-rate=256KiB/s' },
      uploads: (api) => createUploadManager({ api, stateDir: join(configDir!, 'state') }),
    });
    const d = dashboard;
    await d.press('o');
    await d.press('n');
    await d.waitFor((f) => f.includes('File to upload'), 'upload prompt');
    await d.type(path);
    await d.press(KEY.enter);
    await d.waitFor(
      (f) => /up [\d.]+ (KiB|MiB)\/s [▁▂▃▄▅▆▇█]{11}[▂▃▄▅▆▇█]/.test(f.split('\n')[0] ?? ''),
      'the upload sparkline in the header',
      15_000,
    );
    await d.waitFor(
      (f) => /Uploads\s+[\d.]+ (KiB|MiB)\/s now, peak/.test(f),
      'the upload line of the overview',
    );
    // done: the speed drops to 0 (written when the 5 s sample interval is up), the peak stays
    await d.waitFor(
      (f) => /Uploads\s+0 B\/s now, peak [\d.]+ (KiB|MiB)\/s/.test(f),
      'the speed back to 0 after the upload',
      30_000,
    );
  });

  it('the overview shows the sparklines per family', async () => {
    dashboard = await startDashboard({ columns: 150, rows: 30 });
    const d = dashboard;
    d.emulator.advanceClock(15 * 60);
    await d.press('o');
    await d.waitFor(
      (f) => /Finished\/h\s+indexing [1-9]\d* [▁▂▃▄▅▆▇█]+/.test(f) && f.includes('(last hour, loaded data)'),
      'per-family sparklines',
      15_000,
    );
  });
});

describe('usage and the rate limit', () => {
  it('the overview shows minutes indexed and queued and the rate-limit state; :overview hides it, :usage opens it', async () => {
    dashboard = await startDashboard({
      columns: 140,
      rows: 30,
      emulator: { faults: 'rate-limit=100000/min' },
    });
    const d = dashboard;
    await d.press('o');
    const frame = await d.waitFor(
      (f) =>
        /indexed [\d,.]+ min in 4 indexes \(server totals\)/.test(f) && /\d+\/100000 requests left/.test(f),
      'usage and rate limit',
      10_000,
    );
    expect(frame).toMatch(/queued [\d,.]+ min in \d+ videos \(loaded data/);
    expect(frame).toMatch(/window resets in \d/);
    await d.press(':');
    await d.type('overview');
    await d.press(KEY.enter);
    await d.waitFor((f) => !f.includes('Overview —'), 'overview hidden');
    await d.press(':');
    await d.type('usage');
    await d.press(KEY.enter);
    await d.waitFor((f) => f.includes('Overview —') && f.includes('Usage'), 'overview shown by :usage');
  });

  it('explains a 429 in words with what to do, in the header, the overview and the events', async () => {
    dashboard = await startDashboard({
      columns: 200,
      rows: 30,
      emulator: { faults: 'rate-limit=300/h' },
    });
    const d = dashboard;
    await d.waitFor((f) => /rate \d+\/300 left/.test(f), 'the budget in the header');
    // polling paused: another client on the same key spends the rest of the budget
    await d.press('p');
    await d.waitFor((f) => f.includes('‖ paused'), 'paused');
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (let status = 200; status !== 429; ) {
      const response = await fetch(`${d.emulator.baseUrl}/indexes`, {
        headers: { 'x-api-key': d.emulator.apiKey },
      });
      await response.arrayBuffer();
      status = response.status;
    }
    // the dashboard still believes some budget is left: R polls once and meets the 429
    await d.press('R');
    const header = await d.waitFor(
      (f) => (f.split('\n')[1] ?? '').includes('✗ Rate limit reached'),
      'the header explains the 429',
      10_000,
    );
    expect(header.split('\n')[1]).toContain('pauses polling until the window resets');
    await d.press('o');
    await d.waitFor(
      (f) => /What to do\s+Rate limit reached/.test(f) && f.includes('429 too_many_requests'),
      'the overview explains the last error',
    );
    await d.press('6');
    await d.waitFor(
      (f) => f.includes('rate limit reached') && f.includes('(429 too_many_requests) — tltop pauses polling'),
      'the events explain the 429',
    );
    // an action refused by the rate limit: the status bar explains it too
    await d.press('5');
    await d.waitFor(() => selectTableView(d.store.getState(), 'analyze').ids.length > 0, 'analyses');
    const state = d.store.getState();
    const done = selectTableView(state, 'analyze').ids.findIndex(
      (id) => id !== undefined && ['ready', 'failed'].includes(state.entities.analyze[id]?.status ?? ''),
    );
    expect(done).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < done; i += 1) await d.press('j');
    await d.press('d');
    await d.waitFor((f) => f.includes('Delete'), 'the delete question');
    await d.press('y');
    const footer = await d.waitFor(
      (f) => (f.split('\n').at(-1) ?? '').startsWith('delete failed: rate limit reached'),
      'the status bar explains the refused delete',
    );
    expect(footer.split('\n').at(-1)).toContain('(429 too_many_requests) — tltop pauses polling');
  });

  it('explains a usage-limit refusal in words with what to do', async () => {
    dashboard = await startDashboard({ columns: 160, rows: 30, emulator: { faults: 'usage-limit=0' } });
    const d = dashboard;
    await d.press('2');
    await d.waitFor(() => selectTableView(d.store.getState(), 'assets').ids.length > 5, 'assets');
    const state = d.store.getState();
    const ids = selectTableView(state, 'assets').ids;
    const ready = ids.findIndex((id) => id !== undefined && state.entities.assets[id]?.status === 'ready');
    for (let i = 0; i < ready; i += 1) await d.press('j');
    await d.press('i');
    await d.waitFor((f) => f.includes('Index into'), 'index prompt');
    await d.press(KEY.enter);
    const frame = await d.waitFor(
      (f) => f.includes('✗ The account has used up its credit'),
      'the refusal explained',
      10_000,
    );
    expect(frame).toContain('add credit or upgrade the plan');
  });
});
