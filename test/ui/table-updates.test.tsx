/**
 * A table renders for the rows on screen only: a store update that changes a loaded row off
 * screen draws no frame (each frame is the whole screen for Ink), one on screen does and shows it.
 */
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { StoresContext } from '../../src/components/context.js';
import { createScrollStore } from '../../src/components/overlay.js';
import { ResourceTable } from '../../src/components/views/ResourceTable.js';
import type { AppStore } from '../../src/store/types.js';
import { loadTasks, offlineStore } from '../unit/store/fixtures.js';

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const NOW = Date.parse('2026-11-23T12:00:00Z');

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
    const store = offlineStore();
    // newest first: video-500.mp4 is the first row
    const ids = loadTasks(store, 500).map((item) => item._id);
    const view = render(
      <StoresContext.Provider value={{ app: store, scroll: createScrollStore() }}>
        <ResourceTable table="tasks" width={120} height={12} now={NOW} />
      </StoresContext.Provider>,
    );
    cleanup = () => view.unmount();
    await settle(100);
    expect(view.lastFrame()).toContain('video-500.mp4');
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
