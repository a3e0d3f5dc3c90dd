/** What each table is made of: its entities, sort options, filter support and the text rows show. */
import type { AnalyzeTask, Asset, EmbedTask, EmbedV2Task, IndexedAsset, Task } from '../api/types.js';
import { readFilter } from './filter-expr.js';
import type { Collection, EntityOf, ResourceTableId, SortSpec, TableId, UiState } from './types.js';

const NEWEST_SERVER: SortSpec = { key: 'created_at', direction: 'desc', server: true, label: 'newest' };
const OLDEST_LOCAL: SortSpec = {
  key: 'created_at',
  direction: 'asc',
  server: false,
  label: 'oldest (loaded)',
};
const STATUS_LOCAL: SortSpec = { key: 'status', direction: 'asc', server: false, label: 'status (loaded)' };
const NAME_LOCAL: SortSpec = { key: 'name', direction: 'asc', server: false, label: 'name (loaded)' };

/** Problems first, then work in progress (furthest along first), then done. */
function byStatus(groups: readonly string[]): SortSpec {
  return { key: 'status', direction: 'asc', server: true, label: 'status', groups };
}

const TASK_STATUS_ORDER = byStatus([
  'failed',
  'indexing',
  'queued',
  'pending',
  'validating',
  'uploading',
  'ready',
]);
const INDEXED_STATUS_ORDER = byStatus(['failed', 'indexing', 'queued', 'pending', 'ready']);
const EMBED_STATUS_ORDER = byStatus(['failed', 'processing', 'ready']);
const ANALYZE_STATUS_ORDER = byStatus(['failed', 'processing', 'pending', 'queued', 'ready']);

/** Tasks and indexed assets can be sorted by the server over the whole collection. */
function serverSorted(statusOrder: SortSpec): readonly SortSpec[] {
  return [
    NEWEST_SERVER,
    { key: 'created_at', direction: 'asc', server: true, label: 'oldest' },
    { key: 'updated_at', direction: 'desc', server: true, label: 'recently updated' },
    { key: 'updated_at', direction: 'asc', server: true, label: 'least recently updated' },
    statusOrder,
  ];
}

/** Lists with a status filter but no sort parameter. */
function statusFiltered(statusOrder: SortSpec): readonly SortSpec[] {
  return [NEWEST_SERVER, OLDEST_LOCAL, statusOrder, NAME_LOCAL];
}

const SORTS: Readonly<Record<TableId, readonly SortSpec[]>> = {
  uploads: [
    { key: 'created_at', direction: 'desc', server: false, label: 'newest' },
    { key: 'status', direction: 'asc', server: false, label: 'status' },
    { key: 'name', direction: 'asc', server: false, label: 'name' },
  ],
  // the assets list filters neither by status nor sorts: other orders are of the loaded rows
  assets: [NEWEST_SERVER, OLDEST_LOCAL, STATUS_LOCAL, NAME_LOCAL],
  tasks: serverSorted(TASK_STATUS_ORDER),
  indexedAssets: serverSorted(INDEXED_STATUS_ORDER),
  embedV2: statusFiltered(EMBED_STATUS_ORDER),
  embedV1: statusFiltered(EMBED_STATUS_ORDER),
  analyze: statusFiltered(ANALYZE_STATUS_ORDER),
  events: [
    { key: 'created_at', direction: 'desc', server: false, label: 'newest' },
    { key: 'created_at', direction: 'asc', server: false, label: 'oldest' },
  ],
  failureGroups: [
    { key: 'updated_at', direction: 'desc', server: false, label: 'newest failure' },
    { key: 'updated_at', direction: 'asc', server: false, label: 'oldest failure' },
  ],
  failureItems: [
    { key: 'updated_at', direction: 'desc', server: false, label: 'newest' },
    { key: 'updated_at', direction: 'asc', server: false, label: 'oldest' },
  ],
};

export function sortOptions(table: TableId): readonly SortSpec[] {
  return SORTS[table];
}

export function sortSpec(table: TableId, index: number): SortSpec {
  const options = SORTS[table];
  return options[index % options.length] ?? options[0]!;
}

/** Tables whose list endpoint filters by file name over the whole collection. */
const SERVER_FILTERED: ReadonlySet<TableId> = new Set(['assets', 'tasks', 'indexedAssets']);

export function hasServerFilter(table: TableId): boolean {
  return SERVER_FILTERED.has(table);
}

/** Lists whose endpoint filters on a list of statuses in one call. */
const STATUS_LIST_FILTERED: ReadonlySet<TableId> = new Set(['tasks', 'indexedAssets']);
/** Lists whose endpoint filters on one status per call: several are listed one after the other. */
const STATUS_FILTERED: ReadonlySet<TableId> = new Set(['embedV2', 'embedV1', 'analyze']);

/** Whether a `status=` filter on this table is applied by the server (to the whole collection). */
export function hasServerStatusFilter(table: TableId): boolean {
  return STATUS_LIST_FILTERED.has(table) || STATUS_FILTERED.has(table);
}

/** What of a table's filter is matched against the loaded rows (the server does the rest). */
export interface LocalFilter {
  text: string;
  statuses: readonly string[];
}

const NO_LOCAL_FILTER: LocalFilter = { text: '', statuses: [] };

/** The part of a stored filter matched locally; undefined when the server applies all of it. */
export function localFilterOf(table: TableId, stored: string): LocalFilter | undefined {
  const expr = readFilter(table, stored);
  const text = hasServerFilter(table) ? '' : expr.text.toLowerCase();
  const statuses = hasServerStatusFilter(table) ? NO_LOCAL_FILTER.statuses : expr.statuses;
  return text === '' && statuses.length === 0 ? undefined : { text, statuses };
}

export interface ServerParams {
  sort: { sort_by?: 'created_at' | 'updated_at'; sort_option?: 'asc' | 'desc' };
  filename?: string;
  /** the statuses a list that takes several filters on (tasks, indexed assets) */
  statuses?: readonly string[];
  /** the index whose tasks are listed (an `index=` filter term) */
  indexId?: string;
  /** the statuses listed one at a time (a status order, or a status filter of a one-status list) */
  groups?: readonly string[];
  /** identifies the server query: pages fetched under another key are dropped */
  key: string;
}

/** The sort, filters and index a table's list call sends to the server. */
export function serverParams(ui: UiState, table: TableId): ServerParams {
  // a local sort reorders the rows loaded in the default server order
  const chosen = sortSpec(table, ui.sort[table]);
  const spec = chosen.server ? chosen : sortSpec(table, 0);
  // within a status group, rows keep the default order
  const order = spec.groups ? sortSpec(table, 0) : spec;
  const expr = readFilter(table, ui.filter[table]);
  const filter = hasServerFilter(table) ? expr.text : '';
  const sort: ServerParams['sort'] =
    order.key === 'created_at' || order.key === 'updated_at'
      ? { sort_by: order.key, sort_option: order.direction }
      : {};
  const index = table === 'indexedAssets' ? (ui.indexId ?? '') : '';
  const wanted = hasServerStatusFilter(table) ? expr.statuses : [];
  const inFilter = (status: string) => wanted.length === 0 || wanted.includes(status);
  // a status order lists only the filtered statuses; a one-status list lists each on its own
  const groups = spec.groups
    ? spec.groups.filter(inFilter)
    : STATUS_FILTERED.has(table) && wanted.length > 0
      ? statusOrder(table).filter(inFilter)
      : undefined;
  const statuses = !groups && STATUS_LIST_FILTERED.has(table) && wanted.length > 0 ? wanted : undefined;
  const indexId = table === 'tasks' ? expr.index : undefined;
  return {
    sort,
    filename: filter || undefined,
    statuses,
    indexId,
    groups,
    key: [
      index,
      sort.sort_by ?? '',
      sort.sort_option ?? '',
      filter,
      groups?.join(',') ?? '',
      statuses?.join(',') ?? '',
      indexId ?? '',
    ].join('|'),
  };
}

/** The table's statuses in its status order (problems first, then work in progress, then done). */
function statusOrder(table: TableId): readonly string[] {
  return SORTS[table].find((spec) => spec.groups)?.groups ?? [];
}

/** A table's collection with nothing loaded yet for the current query. */
export function emptyCollection(ui: UiState, table: TableId, pageSize: number): Collection {
  const { key, groups } = serverParams(ui, table);
  return {
    queryKey: key,
    pageSize,
    pages: {},
    ...(groups && { groups: groups.map((status) => ({ status, pages: {} })) }),
  };
}

export const TABLE_LABELS: Readonly<Record<TableId, string>> = {
  uploads: 'Uploads',
  assets: 'Assets',
  tasks: 'Indexing tasks',
  indexedAssets: 'Indexed assets',
  embedV2: 'Embeddings v2',
  embedV1: 'Embeddings v1',
  analyze: 'Analyses',
  events: 'Events',
  failureGroups: 'Failures',
  failureItems: 'Failed items',
};

/** The singular noun events use, e.g. "task 64f8… queued -> indexing". */
export const ENTITY_NOUN: Readonly<Record<ResourceTableId, string>> = {
  uploads: 'upload',
  assets: 'asset',
  tasks: 'task',
  indexedAssets: 'indexed asset',
  embedV2: 'embed task',
  embedV1: 'embed task',
  analyze: 'analysis',
};

export function idOf<T extends ResourceTableId>(table: T, entity: EntityOf[T]): string {
  if (table === 'analyze') return (entity as AnalyzeTask).task_id;
  if (table === 'uploads') return (entity as EntityOf['uploads']).id;
  return (entity as { _id: string })._id;
}

export function statusOf<T extends ResourceTableId>(table: T, entity: EntityOf[T]): string {
  if (table === 'uploads') {
    const row = entity as EntityOf['uploads'];
    return row.local?.phase ?? row.session?.status ?? 'unknown';
  }
  return (entity as { status: string }).status;
}

export function createdAtOf<T extends ResourceTableId>(table: T, entity: EntityOf[T]): string {
  if (table === 'uploads') {
    const row = entity as EntityOf['uploads'];
    if (row.local) return new Date(row.local.startedAt).toISOString();
    return row.session?.created_at ?? '';
  }
  return (entity as { created_at?: string }).created_at ?? '';
}

export function updatedAtOf<T extends ResourceTableId>(table: T, entity: EntityOf[T]): string {
  const updated = (entity as { updated_at?: string }).updated_at;
  return updated ?? createdAtOf(table, entity);
}

/** The human name of a row (file name, index name, custom id), '' when there is none. */
export function nameOf<T extends ResourceTableId>(table: T, entity: EntityOf[T]): string {
  switch (table) {
    case 'uploads': {
      const row = entity as EntityOf['uploads'];
      return row.local?.fileName ?? '';
    }
    case 'assets':
      return (entity as Asset).filename ?? '';
    case 'tasks':
      return (entity as Task).system_metadata?.filename ?? '';
    case 'indexedAssets':
      return (entity as IndexedAsset).system_metadata?.filename ?? '';
    case 'embedV1': {
      const metadata = (entity as EmbedTask).video_embedding?.metadata;
      return String(metadata?.input_filename ?? metadata?.input_url ?? '');
    }
    case 'embedV2': {
      const task = entity as EmbedV2Task;
      // the API puts the input under video_embedding / audio_embedding (MediaEmbeddingTask)
      const metadata = task.video_embedding?.metadata ?? task.audio_embedding?.metadata ?? task.metadata;
      return String(task.custom_id ?? metadata?.input_filename ?? metadata?.input_url ?? '');
    }
    case 'analyze': {
      const task = entity as AnalyzeTask;
      return task.custom_id ?? task.video_source?.url ?? task.video_source?.asset_id ?? '';
    }
    default:
      return '';
  }
}

/** What a local filter matches against: id, status and name. */
export function searchTextOf<T extends ResourceTableId>(table: T, entity: EntityOf[T]): string {
  return `${idOf(table, entity)} ${statusOf(table, entity)} ${nameOf(table, entity)}`.toLowerCase();
}
