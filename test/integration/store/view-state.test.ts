import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TwelveLabsClient } from '../../../src/api/client.js';
import { createAppStore } from '../../../src/store/index.js';
import { ViewStateStore } from '../../../src/store/saved-views.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';

/** A clock whose timers run only when the test says so. */
function manualClock() {
  let now = Date.parse('2026-11-23T12:00:00Z');
  const timers = new Map<number, { at: number; run: () => void }>();
  let next = 0;
  return {
    clock: {
      now: () => now,
      setTimeout: (run: () => void, ms: number) => {
        next += 1;
        timers.set(next, { at: now + ms, run });
        return next;
      },
      clearTimeout: (handle: unknown) => void timers.delete(handle as number),
    },
    pending: () => [...timers.values()].map((timer) => timer.at - now),
    advance(ms: number) {
      now += ms;
      for (const [id, timer] of [...timers]) {
        if (timer.at <= now) {
          timers.delete(id);
          timer.run();
        }
      }
    },
  };
}

let emulator: TestEmulator;
let api: TwelveLabsClient;
let dir: string;

beforeEach(async () => {
  emulator = await startTestEmulator();
  api = new TwelveLabsClient({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl });
  dir = await mkdtemp(join(tmpdir(), 'tltop-view-state-'));
});
afterEach(async () => {
  await api.close();
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

/** Lets the queued file writes finish. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('last view state writes', () => {
  it('are throttled: one write per 2 s window however often the view changes, and one on close', async () => {
    const file = join(dir, 'view-state.json');
    const time = manualClock();
    const viewState = await ViewStateStore.open({ file, profile: 'p' });
    const store = createAppStore({ api, clock: time.clock, viewState });
    const { actions } = store.getState();

    for (const view of [2, 3, 4, 5, 2, 3] as const) actions.switchView(view);
    expect(time.pending()).toEqual([2000]);
    await settle();
    expect(existsSync(file)).toBe(false);

    time.advance(1999);
    await settle();
    expect(existsSync(file)).toBe(false);
    time.advance(1);
    await settle();
    expect(JSON.parse(await readFile(file, 'utf8')).profiles.p.last.view).toBe('indexing');

    // selection moves are not part of the view state: no timer, no write
    actions.moveSelection(1);
    expect(time.pending()).toEqual([]);

    actions.switchView(6);
    await viewState.close();
    expect(time.pending()).toEqual([]);
    expect(JSON.parse(await readFile(file, 'utf8')).profiles.p.last.view).toBe('events');
  });

  it('a state dir that cannot be written is one Events line, once; :save says why in one line', async () => {
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, 'a file where the state dir should be');
    const time = manualClock();
    const viewState = await ViewStateStore.open({ file: join(blocker, 'view-state.json'), profile: 'p' });
    const store = createAppStore({ api, clock: time.clock, viewState });
    store.getState().actions.switchView(2);
    time.advance(2000);
    await settle();
    store.getState().actions.switchView(3);
    time.advance(2000);
    await settle();
    const messages = store
      .getState()
      .events.filter((event) => event.source === 'views')
      .map((event) => event.message);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(
      /^view state ignored \(cannot read it: a parent is not a directory \(ENOTDIR\)\)/,
    );
    // two failed writes, one line
    expect(messages[1]).toMatch(/^cannot write .*view-state\.json: a parent is not a directory \(ENOTDIR\)$/);
    await expect(viewState.save('mine')).rejects.toThrow(/a parent is not a directory/);
    await viewState.close();
  });
});
