/**
 * How each server collection is listed, narrowed to what can still change, and fetched
 * one by one. The collection poller (collection.ts) turns these into a polling policy.
 */
import type { TwelveLabsApi } from '../../api/api.js';
import type { AnalyzeStatus, EmbedTask, Page, TaskStatus } from '../../api/types.js';
import { serverParams } from '../tables.js';
import type { AppState, EntityOf, ResourceTableId } from '../types.js';

export type CollectionTable = Exclude<ResourceTableId, 'uploads'>;

export type ListPage<T> = (page: number, pageLimit: number, signal: AbortSignal) => Promise<Page<T>>;

/** One page of the table's query; with `status`, of its items in that status only. */
export type ListQueryPage<T> = (
  page: number,
  pageLimit: number,
  signal: AbortSignal,
  status?: string,
) => Promise<Page<T>>;

export interface ServerQuery<T> {
  /** identifies the query; pages of another key are dropped */
  key: string;
  list: ListQueryPage<T>;
  /** set when the table is ordered by status: the statuses, in order, each listed on its own */
  groups?: readonly string[];
}

export interface CollectionSource<T extends CollectionTable> {
  table: T;
  /** the table's current server query, undefined while it cannot be listed (no index yet) */
  query(state: AppState): ServerQuery<EntityOf[T]> | undefined;
  /** list calls that return only non-terminal items; undefined: poll known active items one by one */
  active?(state: AppState): ListPage<EntityOf[T]>[] | undefined;
  /** one item, complete; may merge over the stored record */
  get(state: AppState, id: string, signal: AbortSignal): Promise<EntityOf[T]>;
}

const ACTIVE_TASK_STATUSES: TaskStatus[] = ['uploading', 'validating', 'pending', 'queued', 'indexing'];
const ACTIVE_INDEXED_STATUSES = ['pending', 'queued', 'indexing'];
const ACTIVE_ANALYZE_STATUSES: AnalyzeStatus[] = ['queued', 'pending', 'processing'];

export function taskSource(api: TwelveLabsApi): CollectionSource<'tasks'> {
  return {
    table: 'tasks',
    query(state) {
      const { sort, filename, key, groups, statuses, indexId } = serverParams(state.ui, 'tasks');
      return {
        key,
        groups,
        list: (page, page_limit, signal, status) =>
          api.listTasks(
            {
              page,
              page_limit,
              ...sort,
              filename,
              index_id: indexId,
              status: status ? [status] : (statuses as TaskStatus[] | undefined),
            },
            { signal },
          ),
      };
    },
    active: () => [
      (page, page_limit, signal) =>
        api.listTasks({ page, page_limit, status: ACTIVE_TASK_STATUSES }, { signal }),
    ],
    get: (_state, id, signal) => api.getTask(id, { signal }),
  };
}

export function assetSource(api: TwelveLabsApi): CollectionSource<'assets'> {
  return {
    table: 'assets',
    query(state) {
      const { filename, key } = serverParams(state.ui, 'assets');
      return {
        key,
        list: (page, page_limit, signal) => api.listAssets({ page, page_limit, filename }, { signal }),
      };
    },
    // the assets list has no status filter: processing assets are polled one by one
    get: (_state, id, signal) => api.getAsset(id, { signal }),
  };
}

/**
 * The chosen index, once the indexes list has it: a restored or configured choice may be a
 * name or an index that no longer exists, and the indexes poller resolves it first.
 */
function listableIndex(state: AppState): string | undefined {
  const indexId = state.ui.indexId;
  return indexId !== undefined && indexId in state.entities.indexes ? indexId : undefined;
}

export function indexedAssetSource(api: TwelveLabsApi): CollectionSource<'indexedAssets'> {
  return {
    table: 'indexedAssets',
    query(state) {
      const indexId = listableIndex(state);
      if (!indexId) return undefined;
      const { sort, filename, key, groups, statuses } = serverParams(state.ui, 'indexedAssets');
      return {
        key,
        groups,
        list: (page, page_limit, signal, status) =>
          api.listIndexedAssets(
            indexId,
            { page, page_limit, ...sort, filename, status: status ? [status] : statuses?.slice() },
            { signal },
          ),
      };
    },
    active(state) {
      const indexId = listableIndex(state);
      if (!indexId) return undefined;
      return [
        (page, page_limit, signal) =>
          api.listIndexedAssets(indexId, { page, page_limit, status: ACTIVE_INDEXED_STATUSES }, { signal }),
      ];
    },
    get(state, id, signal) {
      const indexId = state.entities.indexedAssets[id]?.index_id ?? state.ui.indexId ?? '';
      return api.getIndexedAsset(indexId, id, { signal });
    },
  };
}

export function embedV2Source(api: TwelveLabsApi): CollectionSource<'embedV2'> {
  return {
    table: 'embedV2',
    query(state) {
      const { key, groups } = serverParams(state.ui, 'embedV2');
      return {
        key,
        groups,
        list: (page, page_limit, signal, status) =>
          api.listEmbedV2Tasks({ page, page_limit, status }, { signal }),
      };
    },
    active: () => [
      (page, page_limit, signal) =>
        api.listEmbedV2Tasks({ page, page_limit, status: 'processing' }, { signal }),
    ],
    get: (_state, id, signal) => api.getEmbedV2Task(id, { signal }),
  };
}

export function embedV1Source(api: TwelveLabsApi): CollectionSource<'embedV1'> {
  return {
    table: 'embedV1',
    query(state) {
      const { key, groups } = serverParams(state.ui, 'embedV1');
      return {
        key,
        groups,
        list: (page, page_limit, signal, status) =>
          api.listEmbedTasks({ page, page_limit, status }, { signal }),
      };
    },
    active: () => [
      (page, page_limit, signal) =>
        api.listEmbedTasks({ page, page_limit, status: 'processing' }, { signal }),
    ],
    // the status call is light (no embeddings); it is merged over what the list gave
    async get(state, id, signal) {
      const status = await api.getEmbedTaskStatus(id, { signal });
      const stored = state.entities.embedV1[id];
      const merged: EmbedTask = { ...stored, ...status };
      return merged;
    },
  };
}

export function analyzeSource(api: TwelveLabsApi): CollectionSource<'analyze'> {
  return {
    table: 'analyze',
    query(state) {
      const { key, groups } = serverParams(state.ui, 'analyze');
      return {
        key,
        groups,
        list: (page, page_limit, signal, status) =>
          api.listAnalyzeTasks({ page, page_limit, status }, { signal }),
      };
    },
    // the list filters on one status at a time
    active: () =>
      ACTIVE_ANALYZE_STATUSES.map(
        (status) => (page: number, page_limit: number, signal: AbortSignal) =>
          api.listAnalyzeTasks({ page, page_limit, status }, { signal }),
      ),
    get: (_state, id, signal) => api.getAnalyzeTask(id, { signal }),
  };
}

const SOURCES: Readonly<Record<CollectionTable, (api: TwelveLabsApi) => CollectionSource<CollectionTable>>> =
  {
    assets: assetSource,
    tasks: taskSource,
    indexedAssets: indexedAssetSource,
    embedV2: embedV2Source,
    embedV1: embedV1Source,
    analyze: analyzeSource,
  };

/** The source of any server table, for code that handles every table alike (export, mark all). */
export function collectionSource(
  api: TwelveLabsApi,
  table: CollectionTable,
): CollectionSource<CollectionTable> {
  return SOURCES[table](api);
}
