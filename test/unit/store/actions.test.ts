import { describe, expect, it } from 'vitest';
import { selectActiveTable, selectSelectedId, selectTableView } from '../../../src/store/selectors.js';
import { loadTasks, offlineStore } from './fixtures.js';

describe('store actions', () => {
  it('switches views by number, by name and in a cycle', () => {
    const store = offlineStore();
    const { actions } = store.getState();
    expect(store.getState().ui.view).toBe('uploads');
    actions.switchView(3);
    expect(store.getState().ui.view).toBe('indexing');
    actions.switchView(9);
    expect(store.getState().ui.view).toBe('indexing');
    actions.nextView();
    actions.nextView();
    actions.nextView();
    expect(store.getState().ui.view).toBe('events');
    actions.nextView();
    expect(store.getState().ui.view).toBe('failures');
    actions.nextView();
    expect(store.getState().ui.view).toBe('uploads');
    actions.prevView();
    expect(store.getState().ui.view).toBe('failures');
    actions.switchView('indexing');
    actions.cycleTable();
    expect(selectActiveTable(store.getState())).toBe('indexedAssets');
    actions.cycleTable();
    expect(selectActiveTable(store.getState())).toBe('tasks');
  });

  it('moves the selection within the whole collection, by rows and by pages, reading the state itself', () => {
    const store = offlineStore();
    loadTasks(store, 1_284);
    const { actions } = store.getState();
    actions.switchView('indexing');
    actions.setPageRows(20);
    actions.moveSelection(-1);
    expect(store.getState().ui.selection.tasks).toBe(0);
    // three key presses in one tick each see the previous one's result
    actions.moveSelection(1);
    actions.moveSelection(1);
    actions.moveSelection(1);
    expect(store.getState().ui.selection.tasks).toBe(3);
    actions.pageDown();
    actions.pageDown();
    expect(store.getState().ui.selection.tasks).toBe(43);
    actions.pageUp();
    expect(store.getState().ui.selection.tasks).toBe(23);
    actions.selectLast();
    expect(store.getState().ui.selection.tasks).toBe(1_283);
    actions.pageDown();
    expect(store.getState().ui.selection.tasks).toBe(1_283);
    actions.selectFirst();
    expect(store.getState().ui.selection.tasks).toBe(0);
  });

  it('opens the detail of the selected row; Esc closes the overlay, then the detail, then the filter', () => {
    const store = offlineStore();
    loadTasks(store, 30);
    const { actions } = store.getState();
    actions.switchView('indexing');
    actions.moveSelection(2);
    const id = selectSelectedId(store.getState(), 'tasks')!;
    actions.openDetail();
    expect(store.getState().ui.detail).toEqual({ table: 'tasks', id });
    actions.setFilter('video-2');
    expect(store.getState().ui.selection.tasks).toBe(0);
    actions.toggleHelp();
    expect(store.getState().ui.overlay.kind).toBe('help');
    actions.back();
    expect(store.getState().ui.overlay.kind).toBe('none');
    actions.back();
    expect(store.getState().ui.detail).toBeNull();
    actions.back();
    expect(store.getState().ui.filter.tasks).toBe('');
  });

  it('edits the filter in a prompt, dropping escape sequences, and applies it on submit', async () => {
    const store = offlineStore();
    const { actions } = store.getState();
    actions.switchView('events');
    actions.openFilterPrompt();
    actions.promptInput('chu');
    actions.promptInput('\u001b[31mnx\u0007');
    actions.promptBackspace();
    const overlay = store.getState().ui.overlay;
    expect(overlay.kind === 'prompt' && overlay.value).toBe('chun');
    actions.promptInput('k');
    await actions.promptSubmit();
    expect(store.getState().ui.overlay.kind).toBe('none');
    expect(store.getState().ui.filter.events).toBe('chunk');
  });

  it('cycles sorts (resetting the selection), pauses polling and requests refreshes', () => {
    const store = offlineStore();
    loadTasks(store, 100);
    const { actions } = store.getState();
    actions.switchView('indexing');
    actions.moveSelection(10);
    actions.cycleSort();
    expect(store.getState().ui.sort.tasks).toBe(1);
    expect(store.getState().ui.selection.tasks).toBe(0);
    expect(store.getState().ui.status?.text).toBe('sorted by oldest');
    actions.togglePolling();
    expect(store.getState().ui.pollingPaused).toBe(true);
    actions.togglePolling();
    expect(store.getState().ui.pollingPaused).toBe(false);
    const seq = store.getState().ui.refreshSeq;
    actions.refreshNow();
    expect(store.getState().ui.refreshSeq).toBe(seq + 1);
  });

  it('drops the rows of the old server query in the same update that changes the sort or filter', () => {
    const store = offlineStore();
    loadTasks(store, 300);
    const { actions } = store.getState();
    actions.switchView('indexing');
    let updates = 0;
    const unsubscribe = store.subscribe(() => {
      updates += 1;
    });
    actions.cycleSort();
    unsubscribe();
    expect(updates).toBe(1);
    const view = selectTableView(store.getState(), 'tasks');
    expect(view.loading).toBe(true);
    expect(view.ids).toEqual([]);
    expect(view.sort.label).toBe('oldest');

    loadTasks(store, 300);
    actions.setFilter('video-1');
    expect(selectTableView(store.getState(), 'tasks').loading).toBe(true);
  });

  it('refuses work that does not apply to the row with a status line, and quits at once with no uploads', () => {
    const store = offlineStore();
    loadTasks(store, 5);
    const { actions } = store.getState();
    actions.switchView('assets');
    actions.deleteSelected();
    expect(store.getState().ui.status).toMatchObject({ level: 'warn' });
    expect(store.getState().ui.overlay.kind).toBe('none');
    actions.switchView('indexing');
    actions.deleteSelected();
    expect(store.getState().ui.overlay).toMatchObject({
      kind: 'confirm',
      purpose: { action: 'delete', table: 'tasks' },
    });
    actions.confirmNo();
    expect(store.getState().ui.overlay.kind).toBe('none');
    actions.openUploadPrompt();
    expect(store.getState().ui.overlay.kind).toBe('none');
    actions.quit();
    expect(store.getState().ui.quitRequested).toBe(true);
  });

  it('keeps the events log bounded', () => {
    const store = offlineStore();
    const { actions } = store.getState();
    for (let i = 0; i < 700; i++) actions.logEvent('task', `event ${i}`);
    const events = store.getState().events;
    expect(events).toHaveLength(500);
    expect(events[0]!.message).toBe('event 200');
    expect(events.at(-1)!.message).toBe('event 699');
  });
});
