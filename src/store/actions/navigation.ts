/** Moving around: views, tables, selection, detail, filter, sort, polling. */
import type { StoreContext } from '../context.js';
import { selectActiveTable, selectSelectedId, selectTableView } from '../selectors.js';
import { emptyCollection, serverParams, sortOptions, sortSpec } from '../tables.js';
import type { AppActions, ResourceTableId, TableId, UiState, ViewId } from '../types.js';
import { VIEW_TABLES, VIEWS } from '../types.js';

type NavigationActions = Pick<
  AppActions,
  | 'switchView'
  | 'nextView'
  | 'prevView'
  | 'cycleTable'
  | 'moveSelection'
  | 'pageDown'
  | 'pageUp'
  | 'selectFirst'
  | 'selectLast'
  | 'setPageRows'
  | 'openDetail'
  | 'back'
  | 'closeDetail'
  | 'setFilter'
  | 'cycleSort'
  | 'selectIndex'
  | 'togglePolling'
  | 'refreshNow'
>;

function viewFrom(view: ViewId | number): ViewId | undefined {
  return typeof view === 'number' ? VIEWS[view - 1] : view;
}

export function navigationActions(context: StoreContext): NavigationActions {
  const { store, setUi } = context;
  const state = () => store.getState();

  const moveTo = (table: TableId, index: (current: number, total: number) => number): void => {
    const total = selectTableView(state(), table).total;
    const current = state().ui.selection[table];
    const next = total === 0 ? 0 : Math.max(0, Math.min(total - 1, index(current, total)));
    if (next !== current) setUi((ui) => ({ selection: { ...ui.selection, [table]: next } }));
  };

  const resetSelection = (ui: UiState, table: TableId): UiState['selection'] => ({
    ...ui.selection,
    [table]: 0,
  });

  /**
   * Changes the UI and, when that changes the table's server query (sort, filter, index),
   * drops the rows of the old query in the same update, so they are never shown in the new order.
   */
  const updateQuery = (table: TableId, patch: (ui: UiState) => Partial<UiState>): void => {
    store.setState((current) => {
      const ui = { ...current.ui, ...patch(current.ui) };
      if (table === 'events' || table === 'uploads') return { ui };
      const collection = current.collections[table];
      if (serverParams(ui, table).key === collection.queryKey) return { ui };
      const emptied = emptyCollection(ui, table, collection.pageSize);
      return { ui, collections: { ...current.collections, [table]: emptied } };
    });
  };

  const switchView = (view: ViewId | number): void => {
    const target = viewFrom(view);
    if (!target || target === state().ui.view) return;
    setUi({ view: target, detail: null });
  };

  const stepView = (step: number): void => {
    const index = VIEWS.indexOf(state().ui.view);
    switchView(VIEWS[(index + step + VIEWS.length) % VIEWS.length]!);
  };

  return {
    switchView,
    nextView: () => stepView(1),
    prevView: () => stepView(-1),
    cycleTable() {
      const { view, tableOf } = state().ui;
      const tables = VIEW_TABLES[view];
      if (tables.length < 2) return;
      const next = tables[(tables.indexOf(tableOf[view]) + 1) % tables.length]!;
      setUi({ tableOf: { ...tableOf, [view]: next }, detail: null });
    },
    moveSelection: (delta) => moveTo(selectActiveTable(state()), (current) => current + delta),
    pageDown: () => moveTo(selectActiveTable(state()), (current) => current + state().ui.pageRows),
    pageUp: () => moveTo(selectActiveTable(state()), (current) => current - state().ui.pageRows),
    selectFirst: () => moveTo(selectActiveTable(state()), () => 0),
    selectLast: () => moveTo(selectActiveTable(state()), (_, total) => total - 1),
    setPageRows(rows) {
      const pageRows = Math.max(1, Math.floor(rows));
      if (pageRows !== state().ui.pageRows) setUi({ pageRows });
    },
    openDetail() {
      const table = selectActiveTable(state());
      if (table === 'events') return;
      const id = selectSelectedId(state(), table);
      if (id !== undefined) setUi({ detail: { table: table as ResourceTableId, id } });
    },
    back() {
      const { overlay, detail, filter } = state().ui;
      const table = selectActiveTable(state());
      if (overlay.kind !== 'none') setUi({ overlay: { kind: 'none' } });
      else if (detail) setUi({ detail: null });
      else if (filter[table] !== '')
        updateQuery(table, (ui) => ({
          filter: { ...ui.filter, [table]: '' },
          selection: resetSelection(ui, table),
        }));
    },
    closeDetail() {
      if (state().ui.detail) setUi({ detail: null });
    },
    setFilter(text) {
      const table = selectActiveTable(state());
      const filter = text.trim();
      if (filter === state().ui.filter[table]) return;
      updateQuery(table, (ui) => ({
        filter: { ...ui.filter, [table]: filter },
        selection: resetSelection(ui, table),
      }));
    },
    cycleSort() {
      const table = selectActiveTable(state());
      const next = (state().ui.sort[table] + 1) % sortOptions(table).length;
      updateQuery(table, (ui) => ({
        sort: { ...ui.sort, [table]: next },
        selection: resetSelection(ui, table),
        status: context.message(`sorted by ${sortSpec(table, next).label}`),
      }));
    },
    selectIndex(indexId) {
      const ids = Object.keys(state().entities.indexes);
      const current = state().ui.indexId;
      const next = indexId ?? ids[(ids.indexOf(current ?? '') + 1) % Math.max(1, ids.length)];
      if (next === undefined || next === current) return;
      const name = state().entities.indexes[next]?.index_name ?? next;
      updateQuery('indexedAssets', (ui) => ({
        indexId: next,
        selection: resetSelection(ui, 'indexedAssets'),
        detail: null,
        status: context.message(`index ${name}`),
      }));
    },
    togglePolling() {
      const pollingPaused = !state().ui.pollingPaused;
      const text = pollingPaused ? 'polling paused (p resumes)' : 'polling resumed';
      setUi({ pollingPaused, status: context.message(text) });
    },
    refreshNow() {
      setUi((ui) => ({ refreshSeq: ui.refreshSeq + 1, status: context.message('refreshing…') }));
    },
  };
}
