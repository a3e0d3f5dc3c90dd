/**
 * A table renders for the rows on screen only: a store update that changes a loaded row off
 * screen draws no frame (each frame is the whole screen for Ink), one on screen does and shows it.
 */
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { TwelveLabsClient } from '../../src/api/client.js';
import type { Task } from '../../src/api/types.js';
import { StoresContext } from '../../src/components/context.js';
import { createScrollStore } from '../../src/components/overlay.js';
import { ResourceTable } from '../../src/components/views/ResourceTable.js';
import { createAppStore } from '../../src/store/index.js';
import type { AppStore } from '../../src/store/types.js';

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const NOW = Date.parse('2026-11-23T12:00:00Z');

function task(i: number): Task {
  return {
    _id: (0x64f8a1b2c3d4e5f6n + BigInt(i)).toString(16).padStart(24, '0'),
    index_id: '6500000000000000000000aa',
    status: 'ready',
    created_at: new Date(NOW - 3_600_000 - i * 1000).toISOString(),
    updated_at: new Date(NOW - 3_600_000).toISOString(),
    system_metadata: { filename: `clip-${i}.mp4`, duration: 60 },
  };
}

function storeWith(count: number): { store: AppStore; ids: string[]; close(): void } {
  const api = new TwelveLabsClient({ apiKey: 'tlk_test_not_used_0000', baseUrl: 'http://127.0.0.1:9/v1.3' });
  const store = createAppStore({ api });
  const tasks: Record<string, Task> = {};
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const item = task(i);
    tasks[item._id] = item;
    ids.push(item._id);
  }
  const pages: Record<number, string[]> = {};
  for (let page = 0; page * 50 < ids.length; page++) pages[page + 1] = ids.slice(page * 50, (page + 1) * 50);
  store.setState((state) => ({
    entities: { ...state.entities, tasks },
    collections: {
      ...state.collections,
      tasks: { ...state.collections.tasks, pageSize: 50, pages, total: count },
    },
  }));
  return { store, ids, close: () => void api.close() };
}

function rename(store: AppStore, id: string, filename: string): void {
  store.setState((state) => {
    const current = state.entities.tasks[id]!;
    const next = { ...current, system_metadata: { ...current.system_metadata, filename } };
    return { entities: { ...state.entities, tasks: { ...state.entities.tasks, [id]: next } } };
  });
}

describe('a table and store updates', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => {
    cleanup?.();
    cleanup = undefined;
  });

  it('draws no frame for a row off screen, and the new text for a row on screen', async () => {
    const { store, ids, close } = storeWith(500);
    const view = render(
      <StoresContext.Provider value={{ app: store, scroll: createScrollStore() }}>
        <ResourceTable table="tasks" width={120} height={12} now={NOW} />
      </StoresContext.Provider>,
    );
    cleanup = () => {
      view.unmount();
      close();
    };
    await settle(100);
    expect(view.lastFrame()).toContain('clip-0.mp4');
    const frames = view.frames.length;
    // row 400 of 500: loaded, far below the ten rows on screen
    rename(store, ids[400]!, 'renamed-off-screen.mp4');
    await settle(100);
    expect(view.frames.length).toBe(frames);
    rename(store, ids[2]!, 'renamed-on-screen.mp4');
    await settle(100);
    expect(view.frames.length).toBeGreaterThan(frames);
    expect(view.lastFrame()).toContain('renamed-on-screen.mp4');
    // the row off screen shows its new name once it is scrolled to
    store.setState((state) => ({ ui: { ...state.ui, selection: { ...state.ui.selection, tasks: 400 } } }));
    await settle(100);
    expect(view.lastFrame()).toContain('renamed-off-screen.mp4');
  });
});
