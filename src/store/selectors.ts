/**
 * Derived data for the views. Every selector here returns the same reference until one
 * of its inputs (compared by reference) changes, so a 10k-row store is not re-sorted or
 * re-filtered on every poll tick and `useStore(store, selector)` never loops.
 */
import { TERMINAL_PHASES } from '../upload/types.js';
import { memoLast } from './memo.js';
import {
  createdAtOf,
  type LocalFilter,
  localFilterOf,
  nameOf,
  searchTextOf,
  sortSpec,
  statusOf,
  updatedAtOf,
} from './tables.js';
import { selectFailureTableView } from './triage/selectors.js';
import type {
  AppState,
  Collection,
  DetailRef,
  EntityOf,
  LogEvent,
  ResourceTableId,
  SortSpec,
  TableId,
  UploadRow,
} from './types.js';
import { isResourceTable } from './types.js';

export interface TableView {
  table: TableId;
  /** row ids in display order; undefined = a row of the server collection not loaded yet */
  ids: readonly (string | undefined)[];
  total: number;
  /** the rows are the loaded part of a larger collection, sorted or filtered locally */
  partial: boolean;
  /** the first page has not arrived yet */
  loading: boolean;
  sort: SortSpec;
  filter: string;
}

export function selectActiveTable(state: AppState): TableId {
  return state.ui.tableOf[state.ui.view];
}

/** Loaded ids of a collection, in server order, without duplicates. */
function loadedIds(collection: Collection): string[] {
  const seen = new Set<string>();
  for (const pages of collection.groups?.map((group) => group.pages) ?? [collection.pages]) {
    const pageNumbers = Object.keys(pages)
      .map(Number)
      .sort((a, b) => a - b);
    for (const page of pageNumbers) {
      for (const id of pages[page] ?? []) seen.add(id);
    }
  }
  return [...seen];
}

/** Places loaded pages at their offsets; rows of pages not loaded yet stay undefined. */
function placePages(
  ids: (string | undefined)[],
  offset: number,
  total: number,
  pages: Readonly<Record<number, readonly string[]>>,
  pageSize: number,
): void {
  for (const [page, pageIds] of Object.entries(pages)) {
    const start = (Number(page) - 1) * pageSize;
    pageIds.forEach((id, i) => {
      if (start + i < total) ids[offset + start + i] = id;
    });
  }
}

function serverOrderedIds(collection: Collection): (string | undefined)[] {
  const groups = collection.groups;
  if (!groups) {
    const total = collection.total ?? 0;
    const ids: (string | undefined)[] = new Array(total).fill(undefined);
    placePages(ids, 0, total, collection.pages, collection.pageSize);
    return ids;
  }
  // status order: each status's rows, one group after the other
  const ids: (string | undefined)[] = new Array(groups.reduce((sum, g) => sum + (g.total ?? 0), 0)).fill(
    undefined,
  );
  let offset = 0;
  for (const group of groups) {
    const total = group.total ?? 0;
    placePages(ids, offset, total, group.pages, collection.pageSize);
    offset += total;
  }
  return ids;
}

function compareBy<T extends ResourceTableId>(
  table: T,
  spec: SortSpec,
  entities: Readonly<Record<string, EntityOf[T]>>,
): (a: string, b: string) => number {
  const keyOf = (id: string): string => {
    const entity = entities[id];
    if (!entity) return '';
    switch (spec.key) {
      case 'status':
        return statusOf(table, entity);
      case 'name':
        return nameOf(table, entity).toLowerCase();
      case 'updated_at':
        return updatedAtOf(table, entity);
      default:
        return createdAtOf(table, entity);
    }
  };
  const sign = spec.direction === 'asc' ? 1 : -1;
  return (a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    return ka < kb ? -sign : ka > kb ? sign : 0;
  };
}

function localRows<T extends ResourceTableId>(
  table: T,
  ids: readonly string[],
  entities: Readonly<Record<string, EntityOf[T]>>,
  filter: LocalFilter | undefined,
  spec: SortSpec,
): string[] {
  const kept = filter
    ? ids.filter((id) => {
        const entity = entities[id];
        if (entity === undefined) return false;
        if (filter.statuses.length > 0 && !filter.statuses.includes(statusOf(table, entity))) return false;
        return filter.text === '' || searchTextOf(table, entity).includes(filter.text);
      })
    : [...ids];
  // server order is already newest first; only a local sort reorders
  if (!spec.server) kept.sort(compareBy(table, spec, entities));
  return kept;
}

function computeResourceView<T extends Exclude<ResourceTableId, 'uploads'>>(
  table: T,
  collection: Collection,
  entities: Readonly<Record<string, EntityOf[T]>>,
  filter: string,
  sortIndex: number,
): TableView {
  const sort = sortSpec(table, sortIndex);
  const loading = collection.groups
    ? collection.groups.every((group) => group.total === undefined)
    : collection.total === undefined;
  const local = localFilterOf(table, filter);
  if (sort.server && !local) {
    const ids = serverOrderedIds(collection);
    return { table, ids, total: ids.length, partial: false, loading, sort, filter };
  }
  const ids = localRows(table, loadedIds(collection), entities, local, sort);
  const total = collection.groups
    ? collection.groups.reduce((sum, group) => sum + (group.total ?? 0), 0)
    : (collection.total ?? 0);
  return {
    table,
    ids,
    total: ids.length,
    partial: total > ids.length || local !== undefined,
    loading,
    sort,
    filter,
  };
}

function computeUploadsView(
  uploads: Readonly<Record<string, UploadRow>>,
  filter: string,
  sortIndex: number,
): TableView {
  const sort = sortSpec('uploads', sortIndex);
  const ids = localRows('uploads', Object.keys(uploads), uploads, localFilterOf('uploads', filter), sort);
  return { table: 'uploads', ids, total: ids.length, partial: false, loading: false, sort, filter };
}

function computeEventsView(events: readonly LogEvent[], filter: string, sortIndex: number): TableView {
  const sort = sortSpec('events', sortIndex);
  const needle = filter.trim().toLowerCase();
  const kept = needle
    ? events.filter((event) => `${event.source} ${event.message}`.toLowerCase().includes(needle))
    : events;
  const ids = kept.map((event) => event.id);
  if (sort.direction === 'desc') ids.reverse();
  return { table: 'events', ids, total: ids.length, partial: false, loading: false, sort, filter };
}

type ResourceViewSelector = (
  collection: Collection,
  entities: Readonly<Record<string, unknown>>,
  filter: string,
  sortIndex: number,
) => TableView;

function makeResourceViewSelector(table: Exclude<ResourceTableId, 'uploads'>): ResourceViewSelector {
  const compute = memoLast(computeResourceView);
  return (collection, entities, filter, sortIndex) => {
    const sort = sortSpec(table, sortIndex);
    const needsEntities = !sort.server || localFilterOf(table, filter) !== undefined;
    // server-ordered rows depend on the pages only: entity updates do not recompute them
    return compute(
      table,
      collection,
      (needsEntities ? entities : EMPTY) as Readonly<Record<string, EntityOf[typeof table]>>,
      filter,
      sortIndex,
    );
  };
}

const EMPTY: Readonly<Record<string, never>> = Object.freeze({});

const resourceViews = {
  assets: makeResourceViewSelector('assets'),
  tasks: makeResourceViewSelector('tasks'),
  indexedAssets: makeResourceViewSelector('indexedAssets'),
  embedV2: makeResourceViewSelector('embedV2'),
  embedV1: makeResourceViewSelector('embedV1'),
  analyze: makeResourceViewSelector('analyze'),
};
const uploadsView = memoLast(computeUploadsView);
const eventsView = memoLast(computeEventsView);

/** The rows of a table in display order (stable reference while nothing it shows changed). */
export function selectTableView(state: AppState, table: TableId): TableView {
  const filter = state.ui.filter[table];
  const sortIndex = state.ui.sort[table];
  if (table === 'events') return eventsView(state.events, filter, sortIndex);
  if (table === 'failureGroups' || table === 'failureItems') return selectFailureTableView(state, table);
  if (table === 'uploads') return uploadsView(state.entities.uploads, filter, sortIndex);
  return resourceViews[table](state.collections[table], state.entities[table], filter, sortIndex);
}

/** The id of the selected row of a table, undefined when the table is empty or the row not loaded. */
export function selectSelectedId(state: AppState, table: TableId): string | undefined {
  const view = selectTableView(state, table);
  return view.ids[state.ui.selection[table]];
}

/** The selected row of the active table, or the open detail's item in the detail layer. */
export function selectSelectedItem(state: AppState): DetailRef | undefined {
  const table = selectActiveTable(state);
  if (!isResourceTable(table)) return undefined;
  const detail = state.ui.detail;
  if (detail && detail.table === table) return detail;
  const id = selectSelectedId(state, table);
  return id === undefined ? undefined : { table, id };
}

export type StatusCounts = Readonly<Record<string, number>>;

function countStatuses(table: ResourceTableId, entities: Readonly<Record<string, unknown>>): StatusCounts {
  const counts: Record<string, number> = {};
  for (const entity of Object.values(entities)) {
    const status = statusOf(table, entity as EntityOf[typeof table]);
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}

const statusCounters = {
  uploads: memoLast(countStatuses),
  assets: memoLast(countStatuses),
  tasks: memoLast(countStatuses),
  indexedAssets: memoLast(countStatuses),
  embedV2: memoLast(countStatuses),
  embedV1: memoLast(countStatuses),
  analyze: memoLast(countStatuses),
};

/** Counts of loaded entities by status, e.g. `{ready: 9980, indexing: 12, queued: 8}`. */
export function selectStatusCounts(state: AppState, table: ResourceTableId): StatusCounts {
  return statusCounters[table](table, state.entities[table]);
}

export interface UploadProgress {
  /** 0..1 of the file size */
  sent: number;
  confirmed: number;
  chunksConfirmed: number;
  totalChunks: number;
  chunksFailed: number;
  speed: number;
  etaSeconds?: number;
  running: boolean;
}

const progressCache = new WeakMap<UploadRow, UploadProgress>();

function computeProgress(row: UploadRow): UploadProgress {
  const local = row.local;
  if (local) {
    const size = local.size || 1;
    let confirmed = 0;
    for (const char of local.chunks) if (char === '#') confirmed += 1;
    return {
      sent: local.bytesSent / size,
      confirmed: local.bytesConfirmed / size,
      chunksConfirmed: confirmed,
      totalChunks: local.totalChunks,
      chunksFailed: local.failedChunks.length,
      speed: local.speed,
      etaSeconds: local.etaSeconds,
      running: !TERMINAL_PHASES.has(local.phase) && local.phase !== 'paused',
    };
  }
  const remote = row.remote;
  const done = remote && remote.totalSize > 0 ? remote.uploadedSize / remote.totalSize : 0;
  return {
    sent: done,
    confirmed: done,
    chunksConfirmed: remote?.chunksCompleted ?? 0,
    totalChunks: row.session?.total_chunks ?? 0,
    chunksFailed: remote?.chunksFailed ?? 0,
    speed: 0,
    running: false,
  };
}

/** Progress of one upload row (memoized per row object). */
export function selectUploadProgress(state: AppState, id: string): UploadProgress | undefined {
  const row = state.entities.uploads[id];
  if (!row) return undefined;
  let progress = progressCache.get(row);
  if (!progress) {
    progress = computeProgress(row);
    progressCache.set(row, progress);
  }
  return progress;
}

/** Whether any local upload is still sending (quit asks first). */
export function hasRunningUploads(state: AppState): boolean {
  return Object.values(state.entities.uploads).some(
    (row) => row.local !== undefined && !TERMINAL_PHASES.has(row.local.phase) && row.local.phase !== 'paused',
  );
}

/** Age in ms of the oldest stale family's last good data, undefined when nothing is stale. */
export function selectStaleAge(state: AppState, now: number): number | undefined {
  let oldest: number | undefined;
  for (const family of Object.values(state.connection.families)) {
    if (!family.stale) continue;
    const since = family.lastSuccessAt ?? 0;
    if (oldest === undefined || since < oldest) oldest = since;
  }
  return oldest === undefined ? undefined : now - oldest;
}
