import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/store/commands/index.js';
import type { Overlay } from '../../src/store/types.js';
import { requestCount } from '../helpers/emulator.js';
import { caption, type Dashboard, KEY, startDashboard } from './harness.js';
import { uploadFixture } from './upload-fixture.js';

/**
 * THE read-only test: a dashboard made read-only (as `--read-only` does) gets every key and
 * command that writes, in every view, and the emulator must see no POST, PUT, PATCH or DELETE.
 * The api is not guarded here (see the harness), so this proves the store refuses up front;
 * the same presses on a writable dashboard are the control that they do reach the server.
 */
const WRITE_METHODS = /^(POST|PUT|PATCH|DELETE) /;

const fixture = uploadFixture('tltop-read-only-');

async function start(readOnly: string | undefined): Promise<Dashboard> {
  fixture.dashboard = await startDashboard({
    columns: 120,
    rows: 30,
    readOnly,
    uploads: fixture.engine(),
  });
  await fixture.dashboard.waitFor((frame) => /^Uploads/.test(caption(frame)), 'the dashboard');
  return fixture.dashboard;
}

function writesSeen(d: Dashboard): Record<string, number> {
  const writes: Record<string, number> = {};
  for (const route of Object.keys(d.emulator.stats().requests)) {
    if (WRITE_METHODS.test(route)) writes[route] = requestCount(d.emulator, route);
  }
  return writes;
}

/** Everything the store showed while the presses ran: status lines and overlays. */
function record(d: Dashboard): { statuses: Set<string>; overlays: Overlay[]; stop(): void } {
  const statuses = new Set<string>();
  const overlays: Overlay[] = [];
  const stop = d.store.subscribe((state, previous) => {
    if (state.ui.status && state.ui.status !== previous.ui.status) statuses.add(state.ui.status.text);
    if (state.ui.overlay !== previous.ui.overlay) overlays.push(state.ui.overlay);
  });
  return { statuses, overlays, stop };
}

/** Fills a prompt a key opened (the file to upload, the index), answers yes to a question. */
async function followThrough(d: Dashboard, path: string): Promise<void> {
  const overlay = d.store.getState().ui.overlay;
  if (overlay.kind === 'prompt' && overlay.purpose === 'upload') {
    await d.type(path);
    await d.press(KEY.enter);
  } else if (overlay.kind === 'prompt' && overlay.purpose === 'index') {
    await d.press(KEY.enter);
  }
  if (d.store.getState().ui.overlay.kind === 'confirm') await d.press('y');
  // settles bulk work started by a yes before the next key
  await new Promise((resolve) => setTimeout(resolve, 30));
  if (d.store.getState().ui.overlay.kind !== 'none') await d.press(KEY.escape);
}

const WRITE_KEYS = ['n', 'r', 'x', 'X', 'i', 'd'];

/** Every writing key in every view (both tables where a view has two), then bulk d / r, then commands. */
async function pressEveryWrite(d: Dashboard, path: string): Promise<void> {
  const views: [string, number][] = [
    ['1', 1],
    ['2', 1],
    ['3', 2],
    ['4', 2],
    ['5', 1],
  ];
  for (const [view, tables] of views) {
    await d.press(view);
    for (let table = 0; table < tables; table++) {
      if (table > 0) await d.press('v');
      await d.waitFor((frame) => !frame.includes('loading…'), `view ${view} loaded`);
      for (const key of WRITE_KEYS) {
        await d.press(key);
        await followThrough(d, path);
      }
      // bulk: one marked row, then the whole collection
      for (const mark of [' ', '*']) {
        await d.press('g', mark);
        await d.waitFor(
          () =>
            Object.keys(
              d.store.getState().ui.marks[d.store.getState().ui.tableOf[d.store.getState().ui.view]],
            ).length > 0,
          'marks',
        );
        for (const key of ['r', 'd']) {
          await d.press(key);
          await followThrough(d, path);
        }
        await d.press('u');
      }
    }
  }
  // the failure triage: a group as a set, then marked items of a group
  await d.press('7');
  await d.waitFor((frame) => /^Failures .*failed items/.test(caption(frame)), 'failure groups');
  for (let group = 0; group < 3; group++) {
    for (const key of ['r', 'd']) {
      await d.press(key);
      await followThrough(d, path);
    }
    await d.press(KEY.enter, ' ');
    for (const key of ['r', 'd']) {
      await d.press(key);
      await followThrough(d, path);
    }
    await d.press(KEY.escape, 'j');
  }
  // every command that writes, whatever commands exist by then
  await d.press('5');
  for (const command of COMMANDS.filter((spec) => spec.mutates)) {
    await d.press(':');
    await d.type(command.name);
    await d.press(KEY.enter);
    await followThrough(d, path);
  }
}

describe('read-only', { timeout: 120_000 }, () => {
  it('refuses every write up front with one line, and not one write request reaches the emulator', async () => {
    const path = join(fixture.dir, 'clip.mp4');
    writeFileSync(path, Buffer.alloc(64 * 1024, 7));
    const d = await start('--read-only');
    expect(d.frame()).toContain('(read-only)');
    const seen = record(d);
    const commandErrors: string[] = [];
    const stopErrors = d.store.subscribe((state) => {
      const overlay = state.ui.overlay;
      if (overlay.kind === 'prompt' && overlay.error) commandErrors.push(overlay.error);
    });
    await pressEveryWrite(d, path);
    seen.stop();
    stopErrors();

    expect(writesSeen(d)).toEqual({});
    // nothing got as far as a question or a prompt for the write
    expect(seen.overlays.filter((overlay) => overlay.kind === 'confirm')).toEqual([]);
    expect(
      seen.overlays.filter(
        (overlay) =>
          overlay.kind === 'prompt' && (overlay.purpose === 'upload' || overlay.purpose === 'index'),
      ),
    ).toEqual([]);
    for (const line of [
      'read-only: uploading is off',
      'read-only: retrying is off',
      'read-only: pausing uploads is off',
      'read-only: cancelling uploads is off',
      'read-only: indexing is off',
      'read-only: deleting is off',
    ]) {
      expect(seen.statuses, line).toContain(line);
    }
    const mutating = COMMANDS.filter((spec) => spec.mutates);
    expect(mutating.length).toBeGreaterThan(0);
    for (const command of mutating) {
      expect(commandErrors, command.name).toContain(`read-only: :${command.name} is off (--read-only)`);
    }
  });

  it('control: the same presses on a writable dashboard do write', async () => {
    const path = join(fixture.dir, 'clip.mp4');
    writeFileSync(path, Buffer.alloc(64 * 1024, 7));
    const d = await start(undefined);
    await pressEveryWrite(d, path);
    const writes = writesSeen(d);
    expect(writes['POST /assets/multipart-uploads']).toBeGreaterThan(0);
    expect(writes['DELETE /tasks/{task_id}']).toBeGreaterThan(0);
    expect(writes['DELETE /analyze/tasks/{task_id}']).toBeGreaterThan(0);
    expect(writes['POST /analyze/tasks']).toBeGreaterThan(0);
  });
});
