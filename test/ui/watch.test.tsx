import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { selectSelectedId } from '../../src/store/selectors.js';
import { createUploadApi, createUploadManager } from '../../src/upload/manager.js';
import { type Dashboard, type DashboardOptions, KEY, startDashboard } from './harness.js';

/**
 * `w` watches a row; when it reaches a terminal state the injected terminal writer gets the
 * bell and the desktop notification sequence. Everything else that finishes stays silent.
 */
let dashboard: Dashboard | undefined;
let dir: string | undefined;
afterEach(async () => {
  await dashboard?.close();
  dashboard = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const BEL = '\x07';
const ESC = '\x1b';

async function start(written: string[], options: Partial<DashboardOptions> = {}): Promise<Dashboard> {
  dashboard = await startDashboard({
    columns: 120,
    rows: 30,
    ...options,
    deps: {
      notifications: { write: (sequence) => written.push(sequence), env: { KITTY_WINDOW_ID: '3' } },
      ...options.deps,
    },
  });
  return dashboard;
}

/** Opens the Analyses view and selects its first running row; returns that task's id. */
async function selectRunningAnalysis(d: Dashboard): Promise<string> {
  await d.press('5');
  const frame = await d.waitFor(
    (f) => /Analyses .* of \d+/.test(f) && /processing|pending|queued/.test(f),
    'analyses',
  );
  const rows = frame.split('\n').slice(5, -1);
  const index = rows.findIndex((row) => /processing|pending|queued/.test(row));
  expect(index).toBeGreaterThanOrEqual(0);
  await d.press(...Array<string>(index).fill('j'));
  await d.waitFor(() => d.store.getState().ui.selection.analyze === index, 'selection');
  const id = selectSelectedId(d.store.getState(), 'analyze');
  expect(id).toBeDefined();
  expect(d.store.getState().entities.analyze[id!]?.status).toMatch(/processing|pending|queued/);
  return id!;
}

describe('w: watch a row and be notified when it finishes', () => {
  it('rings the bell and posts a desktop notification for the watched task only', async () => {
    const written: string[] = [];
    const d = await start(written);
    const id = await selectRunningAnalysis(d);
    await d.press('w');
    const marked = await d.waitFor((f) => f.includes('◉ 1 watched'), 'watched caption');
    expect(marked).toMatch(/^› ◉ \S (pending|processing|queued) /m);
    expect(marked).toContain(`watching analysis ${id.slice(-8)}`);
    expect(written).toEqual([]);

    // every seeded analysis, task and embedding still running finishes: only the watched one notifies
    d.emulator.advanceClock(3600);
    await d.waitFor(() => written.length > 0, 'a notification');
    const status = d.store.getState().entities.analyze[id]!.status;
    expect(status).toMatch(/^(ready|failed)$/);
    const short = `analysis ${id.slice(-8)}`;
    expect(written).toHaveLength(1);
    const [bytes] = written as [string];
    // kitty's OSC 99: title, then body; then the bell
    const body = `${ESC}]99;i=tltop:d=1:p=body;${short} ${status}`;
    expect(bytes.startsWith(`${ESC}]99;i=tltop:d=0;tltop${ESC}\\${body}`)).toBe(true);
    expect(bytes.endsWith(`${ESC}\\${BEL}`)).toBe(true);
    // let every other family poll its finished items too: still one notification
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(written).toHaveLength(1);
    // the Events view has the notification line
    await d.press('6', '/');
    await d.type('notify');
    await d.press(KEY.enter);
    await d.waitFor((f) => f.includes(`notify      ${short} ${status} (`), 'event line');
    const event = d.store.getState().events.find((entry) => entry.source === 'notify');
    expect(event?.message).toMatch(/\(bell \+ desktop OSC 99\)$/);
  });

  it('says nothing when notifications are off, and w again unwatches', async () => {
    const written: string[] = [];
    const d = await start(written);
    const id = await selectRunningAnalysis(d);
    await d.press(':');
    await d.type('notify off');
    await d.press(KEY.enter);
    await d.waitFor((f) => f.includes('notifications: off'), 'notify off');
    await d.press('w');
    await d.waitFor((f) => f.includes('but notifications are off (:notify both)'), 'watched with a warning');
    d.emulator.advanceClock(3600);
    await d.waitFor(() => /ready|failed/.test(d.store.getState().entities.analyze[id]!.status), 'finished');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(written).toEqual([]);
    await d.press('w');
    await d.waitFor((f) => !f.includes('◉ 1 watched') && f.includes('stopped watching'), 'unwatched');
  });

  it('works in the detail pane too: w there watches the open item', async () => {
    const written: string[] = [];
    const d = await start(written);
    const id = await selectRunningAnalysis(d);
    await d.press(KEY.enter);
    await d.waitFor((f) => f.includes(`Analyses › ${id}`), 'detail');
    await d.press('w');
    await d.waitFor(
      (f) => f.includes(`watching analysis ${id.slice(-8)}: notifies when it finishes`),
      'status',
    );
    expect(d.store.getState().ui.watched.analyze).toEqual({ [id]: true });
    await d.press(KEY.escape);
    const frame = await d.waitFor((f) => f.includes('◉ 1 watched'), 'caption');
    expect(frame.split('\n').find((row) => row.includes(id.slice(-8)))).toMatch(/^› ◉ /);
  });

  it(':watch, :notify bell and :unwatch all from the command line', async () => {
    const written: string[] = [];
    const d = await start(written);
    const id = await selectRunningAnalysis(d);
    for (const line of ['watch', 'notify bell']) {
      await d.press(':');
      await d.type(line);
      await d.press(KEY.enter);
      await d.waitFor(() => d.store.getState().ui.overlay.kind === 'none', `:${line}`);
    }
    expect(d.store.getState().ui.watched.analyze).toEqual({ [id]: true });
    d.emulator.advanceClock(3600);
    await d.waitFor(() => written.length > 0, 'the bell');
    expect(written).toEqual([BEL]);
    await d.press(':');
    await d.type('unwatch all');
    await d.press(KEY.enter);
    await d.waitFor((f) => f.includes('stopped watching 1 row'), 'unwatch all');
    expect(d.store.getState().ui.watched.analyze).toEqual({});
  });
});

describe('uploads started in the dashboard notify when they finish', { timeout: 60_000 }, () => {
  it('rings once the asset is ready, without being watched', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tltop-ui-notify-'));
    const path = join(dir, 'night-shift.mp4');
    writeFileSync(path, randomBytes(8 * 1024));
    const written: string[] = [];
    const d = await start(written, {
      emulator: { seed: 'empty', chunkSize: 1024 },
      deps: {
        notifications: {
          write: (sequence) => written.push(sequence),
          mode: 'both',
          env: { TERM_PROGRAM: 'WezTerm', TMUX: '/tmp/tmux-0/default,1,0' },
        },
      },
      uploads: (api) =>
        createUploadManager({
          api,
          stateDir: join(dir!, 'state'),
          policy: { followIntervalMs: 20, followMaxIntervalMs: 50 },
        }),
    });
    await d.press('n');
    await d.waitFor((f) => f.includes('File to upload'), 'upload prompt');
    await d.type(path);
    await d.press(KEY.enter);
    // the session is complete and the engine follows the asset: the clock can finish it now
    const phase = () => Object.values(d.store.getState().entities.uploads)[0]?.local?.phase;
    await d.waitFor(() => phase() === 'waiting_asset', 'following the asset', 30_000);
    d.emulator.advanceClock(3600);
    await d.waitFor(() => written.length > 0, 'the notification', 15_000);
    // WezTerm reads OSC 777; inside tmux it goes through DCS passthrough (ESC doubled), the bell raw
    const assetId = Object.values(d.store.getState().entities.uploads)[0]?.local?.assetId ?? '';
    expect(assetId).not.toBe('');
    expect(written).toEqual([
      `${ESC}Ptmux;${ESC}${ESC}]777;notify;tltop;upload night-shift.mp4 ready (asset ${assetId.slice(-8)})${BEL}${ESC}\\${BEL}`,
    ]);
  });
});

describe('notify_all_uploads: sessions another process runs notify too', { timeout: 60_000 }, () => {
  it('a session that completes elsewhere rings without being watched', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tltop-ui-notify-all-'));
    const path = join(dir, 'from-ci.mp4');
    writeFileSync(path, randomBytes(16 * 1024));
    const written: string[] = [];
    const d = await start(written, {
      // 8 KiB/s per PUT: the session stays active long enough for the dashboard to list it
      emulator: { seed: 'empty', chunkSize: 1024, faults: 'put-rate=8KiB/s' },
      deps: {
        notifications: { write: (sequence) => written.push(sequence), mode: 'bell', allUploads: true },
      },
    });
    // another process: its own engine and client, unknown to the dashboard's store
    const api = createUploadApi({ apiKey: d.emulator.apiKey, baseUrl: d.emulator.baseUrl });
    const elsewhere = createUploadManager({ api, stateDir: join(dir, 'state') });
    try {
      await elsewhere.start({ path, type: 'video', followAsset: false, concurrency: 2 });
      const listed = await d.waitFor(
        () => Object.keys(d.store.getState().entities.uploads).length > 0,
        'listed',
      );
      expect(listed).toBeDefined();
      const [id] = Object.keys(d.store.getState().entities.uploads) as [string];
      expect(d.store.getState().entities.uploads[id]?.local).toBeUndefined();
      await d.waitFor(() => written.length > 0, 'the bell', 30_000);
      expect(written).toEqual([BEL]);
      const event = d.store.getState().events.find((entry) => entry.source === 'notify');
      expect(event?.message).toBe(`upload ${id.slice(-8)} completed (bell)`);
    } finally {
      await elsewhere.shutdown();
      await api.close();
    }
  });
});
