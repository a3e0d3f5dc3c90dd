/**
 * What the dashboard remembers about how it was looking at things: the last view state
 * (restored at start) and named saved views. Sorts are stored by label, not by position,
 * so a sort list that grows keeps pointing at the same order.
 */
import { ENTITY_NOUN, emptyCollection, serverParams, sortOptions, sortSpec, TABLE_LABELS } from './tables.js';
import type { AppState, ResourceTableId, TableId, UiState, ViewId } from './types.js';
import { TABLES, VIEW_TABLES, VIEWS } from './types.js';

/** The last view state: which view, each view's table, and each table's filter and sort. */
export interface LastViewState {
  view: ViewId;
  tables: Partial<Record<ViewId, TableId>>;
  /** filter text as typed, per table */
  filters: Partial<Record<TableId, string>>;
  /** sort label, per table */
  sorts: Partial<Record<TableId, string>>;
  indexId?: string;
}

/** One saved view: a view, its table, that table's filter and sort, and the index. */
export interface SavedView {
  view: ViewId;
  table: TableId;
  filter: string;
  sort: string;
  indexId?: string;
  savedAt: string;
}

export const VIEW_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;
export const MAX_FILTER_LENGTH = 500;

export function isViewId(value: string): value is ViewId {
  return (VIEWS as readonly string[]).includes(value);
}

export function isTableId(value: string): value is TableId {
  return (TABLES as readonly string[]).includes(value);
}

function sortIndexOf(table: TableId, label: string | undefined): number {
  const index = sortOptions(table).findIndex((option) => option.label === label);
  return Math.max(0, index);
}

export function lastViewStateOf(ui: UiState): LastViewState {
  const filters: LastViewState['filters'] = {};
  const sorts: LastViewState['sorts'] = {};
  for (const table of TABLES) {
    if (ui.filter[table] !== '') filters[table] = ui.filter[table];
    if (ui.sort[table] !== 0) sorts[table] = sortSpec(table, ui.sort[table]).label;
  }
  return {
    view: ui.view,
    tables: { ...ui.tableOf },
    filters,
    sorts,
    ...(ui.indexId !== undefined && { indexId: ui.indexId }),
  };
}

export function savedViewOf(ui: UiState, savedAt: string): SavedView {
  const table = ui.tableOf[ui.view];
  return {
    view: ui.view,
    table,
    filter: ui.filter[table],
    sort: sortSpec(table, ui.sort[table]).label,
    ...(table === 'indexedAssets' && ui.indexId !== undefined && { indexId: ui.indexId }),
    savedAt,
  };
}

/** "Indexing tasks, filter "cam", sorted by status" */
export function describeSavedView(saved: SavedView): string {
  const parts = [TABLE_LABELS[saved.table]];
  if (saved.filter) parts.push(`filter "${saved.filter}"`);
  parts.push(`sorted by ${saved.sort}`);
  return parts.join(', ');
}

/** The UI with the last view state applied; values that no longer fit (a table of another view) are skipped. */
export function uiWithLastState(ui: UiState, last: LastViewState): UiState {
  const tableOf = { ...ui.tableOf };
  for (const view of VIEWS) {
    const table = last.tables[view];
    // the items of a failure group need the group (Enter opens one): the groups are shown instead
    if (table && VIEW_TABLES[view].includes(table) && table !== 'failureItems') tableOf[view] = table;
  }
  const filter = { ...ui.filter };
  const sort = { ...ui.sort };
  for (const table of TABLES) {
    filter[table] = (last.filters[table] ?? '').slice(0, MAX_FILTER_LENGTH);
    sort[table] = sortIndexOf(table, last.sorts[table]);
  }
  return {
    ...ui,
    view: last.view,
    tableOf,
    filter,
    sort,
    indexId: last.indexId ?? ui.indexId,
    detail: null,
  };
}

/** The UI showing a saved view: its view and table, that table's filter and sort, the first row. */
export function uiWithSavedView(ui: UiState, saved: SavedView): UiState {
  const table =
    VIEW_TABLES[saved.view].includes(saved.table) && saved.table !== 'failureItems'
      ? saved.table
      : VIEW_TABLES[saved.view][0]!;
  return {
    ...ui,
    view: saved.view,
    tableOf: { ...ui.tableOf, [saved.view]: table },
    filter: { ...ui.filter, [table]: saved.filter.slice(0, MAX_FILTER_LENGTH) },
    sort: { ...ui.sort, [table]: sortIndexOf(table, saved.sort) },
    selection: { ...ui.selection, [table]: 0 },
    indexId: table === 'indexedAssets' && saved.indexId ? saved.indexId : ui.indexId,
    detail: null,
  };
}

/**
 * The state with a new UI, where every table whose server query changed (filter, sort,
 * index) starts empty, so rows of the old query are never shown in the new order.
 */
export function withUi(state: AppState, ui: UiState): Pick<AppState, 'ui' | 'collections'> {
  let collections = state.collections;
  for (const table of TABLES) {
    // server-backed tables are exactly those with an entity noun; uploads are not paged
    if (!(table in ENTITY_NOUN) || table === 'uploads') continue;
    const resource = table as ResourceTableId;
    const collection = collections[resource];
    if (serverParams(ui, table).key === collection.queryKey) continue;
    collections = { ...collections, [resource]: emptyCollection(ui, table, collection.pageSize) };
  }
  return { ui, collections };
}
