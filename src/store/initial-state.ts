import { initialLineage } from './lineage.js';
import { DEFAULT_NOTIFY_MODE } from './notify.js';
import type {
  AppState,
  Collection,
  ConnectionState,
  Entities,
  FamilyHealth,
  PollFamily,
  ResourceTableId,
  TableId,
  UiState,
  ViewId,
} from './types.js';
import { isResourceTable, POLL_FAMILIES, TABLES, VIEW_TABLES, VIEWS } from './types.js';

export const DEFAULT_PAGE_SIZE = 50;

function perTable<T>(value: T): Record<TableId, T> {
  return Object.fromEntries(TABLES.map((table) => [table, value])) as Record<TableId, T>;
}

function emptyCollection(queryKey: string, pageSize: number): Collection {
  return { queryKey, pageSize, pages: {} };
}

function initialEntities(): Entities {
  return {
    uploads: {},
    assets: {},
    tasks: {},
    indexes: {},
    indexedAssets: {},
    embedV1: {},
    embedV2: {},
    analyze: {},
  };
}

function initialCollections(pageSize: number): Record<ResourceTableId, Collection> {
  const tables = TABLES.filter(isResourceTable);
  return Object.fromEntries(tables.map((table) => [table, emptyCollection('', pageSize)])) as Record<
    ResourceTableId,
    Collection
  >;
}

function initialConnection(): ConnectionState {
  const fresh: FamilyHealth = { stale: false };
  return {
    health: 'unknown',
    rateLimit: {},
    families: Object.fromEntries(POLL_FAMILIES.map((family) => [family, fresh])) as Record<
      PollFamily,
      FamilyHealth
    >,
  };
}

function initialUi(): UiState {
  return {
    view: 'uploads',
    tableOf: Object.fromEntries(VIEWS.map((view) => [view, VIEW_TABLES[view][0]])) as Record<ViewId, TableId>,
    selection: perTable(0),
    filter: perTable(''),
    sort: perTable(0),
    detail: null,
    pollingPaused: false,
    overlay: { kind: 'none' },
    status: null,
    pageRows: 20,
    quitRequested: false,
    refreshSeq: 0,
    overview: false,
    marks: perTable({}),
    watched: perTable({}),
    notify: DEFAULT_NOTIFY_MODE,
  };
}

export function initialState(pageSize = DEFAULT_PAGE_SIZE): Omit<AppState, 'actions'> {
  return {
    entities: initialEntities(),
    collections: initialCollections(pageSize),
    connection: initialConnection(),
    ui: initialUi(),
    events: [],
    monitor: { uploadSamples: [] },
    lineage: initialLineage(),
    failures: { items: {}, totals: {}, loaded: false },
  };
}
