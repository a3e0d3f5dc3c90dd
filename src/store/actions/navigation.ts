/** Moving around: views, tables, selection, detail, filter, sort, polling. */
import type { StoreContext } from '../context.js';
import { formatFilter, parseFilter, resolveIndex } from '../filter-expr.js';
import { selectActiveTable, selectSelectedId, selectTableView } from '../selectors.js';
import { emptyCollection, serverParams, sortOptions, sortSpec } from '../tables.js';
import type { AppActions, TableId, UiState, ViewId } from '../types.js';
import { isResourceTable, VIEW_TABLES, VIEWS } from '../types.js';

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
  | 'setSort'
  | 'showTable'
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
      if (!isResourceTable(table) || table === 'uploads') return { ui };
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
      if (!isResourceTable(table)) return;
      const id = selectSelectedId(state(), table);
      if (id !== undefined) setUi({ detail: { table, id } });
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
      else if (table === 'failureItems')
        setUi((ui) => ({ tableOf: { ...ui.tableOf, failures: 'failureGroups' }, failureGroup: undefined }));
    },
    closeDetail() {
      if (state().ui.detail) setUi({ detail: null });
    },
    setFilter(text, target) {
      const table = target ?? selectActiveTable(state());
      const expr = parseFilter(table, text);
      const index = expr.index === undefined ? undefined : resolveIndex(expr.index, state().entities.indexes);
      // indexed assets are listed per index: their index= term chooses it
      const indexId = table === 'indexedAssets' ? index : undefined;
      const filter = formatFilter({ ...expr, index: table === 'tasks' ? index : undefined });
      const ui = state().ui;
      if (filter === ui.filter[table] && (indexId === undefined || indexId === ui.indexId)) return;
      updateQuery(table, (current) => ({
        filter: { ...current.filter, [table]: filter },
        selection: resetSelection(current, table),
        ...(indexId !== undefined && indexId !== current.indexId && { indexId, detail: null }),
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
    setSort(index) {
      const table = selectActiveTable(state());
      const next = Math.max(0, Math.min(sortOptions(table).length - 1, Math.floor(index)));
      if (next === state().ui.sort[table]) return;
      updateQuery(table, (ui) => ({
        sort: { ...ui.sort, [table]: next },
        selection: resetSelection(ui, table),
        status: context.message(`sorted by ${sortSpec(table, next).label}`),
      }));
    },
    showTable(table) {
      const view = VIEWS.find((candidate) => VIEW_TABLES[candidate].includes(table));
      if (!view) return;
      const ui = state().ui;
      if (ui.view === view && ui.tableOf[view] === table) return;
      setUi({ view, tableOf: { ...ui.tableOf, [view]: table }, detail: null });
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
