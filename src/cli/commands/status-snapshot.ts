import type { TwelveLabsApi } from '../../api/api.js';
import { ApiError } from '../../api/errors.js';
import { type PageRequest, paginate } from '../../api/paginate.js';
import type { Page } from '../../api/types.js';
import { isTerminal } from '../../api/types.js';
import { sanitize } from '../../components/sanitize.js';
import {
  STATUS_FAMILIES,
  type StatusDocument,
  type StatusFamily,
  type StatusTask,
  type StatusUpload,
} from './status-schema.js';

/** Pages fetched per list before it is reported as truncated, and items per page. */
const PAGE_CAP = 20;
const PAGE_LIMIT = 50;
const DETAIL_CONCURRENCY = 4;

interface Collected<T> {
  items: T[];
  truncated: boolean;
}

export interface Paging {
  pageCap: number;
  pageLimit: number;
}

/** Every item up to `pageCap` pages; `truncated` when the server has more than that. */
async function collectPages<T>(
  { pageCap, pageLimit }: Paging,
  fetchPage: (request: PageRequest) => Promise<Page<T>>,
): Promise<Collected<T>> {
  const items: T[] = [];
  for await (const item of paginate(fetchPage, { pageLimit, maxPages: pageCap + 1 })) {
    if (items.length === pageCap * pageLimit) return { items, truncated: true };
    items.push(item);
  }
  return { items, truncated: false };
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Every string in a JSON value made terminal-safe: the document goes to terminals and logs as is. */
function sanitizeStrings<T>(value: T): T {
  if (typeof value === 'string') return sanitize(value) as T;
  if (Array.isArray(value)) return value.map(sanitizeStrings) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, sanitizeStrings(item)])) as T;
  }
  return value;
}

function task(
  family: StatusFamily,
  fields: Partial<Omit<StatusTask, 'family'>> & Pick<StatusTask, 'id' | 'status'>,
): StatusTask {
  return {
    family,
    index_id: null,
    asset_id: null,
    created_at: null,
    updated_at: null,
    name: null,
    ...fields,
  };
}

const NON_TERMINAL_TASK = ['uploading', 'validating', 'pending', 'queued', 'indexing'];
const NON_TERMINAL_INDEXED_ASSET = ['pending', 'queued', 'indexing'];
const NON_TERMINAL_ANALYZE = ['queued', 'pending', 'processing'];

/** One lister per family; each returns the non-terminal items it found. */
function familyListers(
  api: TwelveLabsApi,
  paging: Paging,
): Record<StatusFamily, () => Promise<Collected<StatusTask>>> {
  const collect = <T>(fetchPage: (request: PageRequest) => Promise<Page<T>>) =>
    collectPages(paging, fetchPage);
  const only = (collected: Collected<StatusTask>) => ({
    ...collected,
    items: collected.items.filter((item) => !isTerminal(item.status)),
  });
  return {
    asset: async () => {
      const assets = await collect((request) => api.listAssets(request));
      return only({
        truncated: assets.truncated,
        items: assets.items.map((asset) =>
          task('asset', {
            id: asset._id,
            status: asset.status,
            asset_id: asset._id,
            name: asset.filename ?? null,
            created_at: asset.created_at ?? null,
          }),
        ),
      });
    },
    indexing_task: async () => {
      const tasks = await collect((request) =>
        api.listTasks({
          ...request,
          status: NON_TERMINAL_TASK,
          sort_by: 'created_at',
          sort_option: 'desc',
        }),
      );
      return only({
        truncated: tasks.truncated,
        items: tasks.items.map((item) =>
          task('indexing_task', {
            id: item._id,
            status: item.status,
            index_id: item.index_id ?? null,
            name: item.system_metadata?.filename ?? null,
            created_at: item.created_at ?? null,
            updated_at: item.updated_at ?? null,
          }),
        ),
      });
    },
    indexed_asset: async () => {
      const indexes = await collect((request) => api.listIndexes(request));
      const perIndex = await mapLimited(indexes.items, DETAIL_CONCURRENCY, (index) =>
        collect((request) =>
          api.listIndexedAssets(index._id, {
            ...request,
            status: NON_TERMINAL_INDEXED_ASSET,
            sort_by: 'created_at',
            sort_option: 'desc',
          }),
        ).then((collected) => ({ index, collected })),
      );
      return only({
        truncated: indexes.truncated || perIndex.some(({ collected }) => collected.truncated),
        items: perIndex.flatMap(({ index, collected }) =>
          collected.items.map((item) =>
            task('indexed_asset', {
              id: item._id,
              status: item.status,
              index_id: item.index_id ?? index._id,
              asset_id: item.asset_id ?? null,
              name: item.system_metadata?.filename ?? null,
              created_at: item.created_at ?? null,
              updated_at: item.updated_at ?? null,
            }),
          ),
        ),
      });
    },
    embed_task: async () => {
      const tasks = await collect((request) => api.listEmbedTasks({ ...request, status: 'processing' }));
      return only({
        truncated: tasks.truncated,
        items: tasks.items.map((item) =>
          task('embed_task', {
            id: item._id,
            status: item.status,
            name: item.model_name ?? null,
            created_at: item.created_at ?? null,
            updated_at: item.updated_at ?? null,
          }),
        ),
      });
    },
    embed_v2_task: async () => {
      const tasks = await collect((request) => api.listEmbedV2Tasks({ ...request, status: 'processing' }));
      return only({
        truncated: tasks.truncated,
        items: tasks.items.map((item) =>
          task('embed_v2_task', {
            id: item._id,
            status: item.status,
            name: item.custom_id ?? null,
            created_at: item.created_at ?? null,
            updated_at: item.updated_at ?? null,
          }),
        ),
      });
    },
    analyze_task: async () => {
      const perStatus = await Promise.all(
        NON_TERMINAL_ANALYZE.map((status) =>
          collect((request) => api.listAnalyzeTasks({ ...request, status })),
        ),
      );
      return only({
        truncated: perStatus.some((collected) => collected.truncated),
        items: perStatus.flatMap((collected) =>
          collected.items.map((item) =>
            task('analyze_task', {
              id: item.task_id,
              status: item.status,
              index_id: item.video_source?.index_id ?? null,
              asset_id: item.video_source?.asset_id ?? null,
              name: item.custom_id,
              created_at: item.created_at,
              updated_at: item.completed_at ?? null,
            }),
          ),
        ),
      });
    },
  };
}

/** An upload journaled on this machine (see src/upload/journal.ts). */
export interface LocalJournal {
  uploadId: string;
  assetId: string;
  filePath: string;
  size: number;
  chunksConfirmed: number;
  totalChunks: number;
  sessionExpiresAt: string;
  /** All chunks are in; only the asset remained to follow. */
  sessionCompleted: boolean;
  /** Set on journals of other accounts (listed with --all-accounts only). */
  otherAccount?: { profile: string; baseUrl: string };
}

export interface LocalJournals {
  uploads: readonly LocalJournal[];
  /** Journal files that could not be read, one line each. */
  problems: readonly string[];
  /** Journals of other accounts (another key or base URL), listed in `uploads` or not. */
  otherAccounts?: number;
}

async function collectUploads(
  api: TwelveLabsApi,
  paging: Paging,
  journals: readonly LocalJournal[],
): Promise<Collected<StatusUpload>> {
  const sessions = await collectPages(paging, (request) => api.listIncompleteUploads(request));
  const active = sessions.items.filter((session) => !isTerminal(session.status));
  // a session that ends between the two calls answers 404: it is listed without its counts
  const details = await mapLimited(active, DETAIL_CONCURRENCY, (session) =>
    api.getUploadStatus(session.upload_id, { page: 1, page_limit: 1 }).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }),
  );
  const journalById = new Map(journals.map((journal) => [journal.uploadId, journal]));
  const fromServer = active.map((session, position): StatusUpload => {
    const detail = details[position];
    const journal = journalById.get(session.upload_id);
    journalById.delete(session.upload_id);
    return {
      upload_id: session.upload_id,
      source: journal ? 'both' : 'server',
      status: detail?.status ?? session.status,
      asset_id: journal?.assetId ?? null,
      file: journal?.filePath ?? null,
      total_size: session.total_size,
      uploaded_size: detail?.uploaded_size ?? null,
      total_chunks: session.total_chunks,
      chunks_completed: detail?.chunks_completed ?? null,
      created_at: session.created_at ?? null,
      expires_at: session.expires_at ?? null,
    };
  });
  const journalOnly = [...journalById.values()].map(
    (journal): StatusUpload => ({
      upload_id: journal.uploadId,
      source: 'journal',
      status: journal.sessionCompleted ? 'uploaded' : 'journaled',
      asset_id: journal.assetId,
      file: journal.filePath,
      total_size: journal.size,
      uploaded_size: null,
      total_chunks: journal.totalChunks,
      chunks_completed: journal.chunksConfirmed,
      created_at: null,
      expires_at: journal.sessionExpiresAt,
      ...(journal.otherAccount && {
        account: { profile: journal.otherAccount.profile, base_url: journal.otherAccount.baseUrl },
      }),
    }),
  );
  return { items: [...fromServer, ...journalOnly], truncated: sessions.truncated };
}

export interface SnapshotOptions {
  api: TwelveLabsApi;
  profile: string;
  journals: LocalJournals;
  /** Errors that end the whole snapshot (a wrong key, an unreachable host) rather than one family. */
  isFatal: (error: unknown) => boolean;
  describeError: (error: unknown) => string;
  now?: () => Date;
  /** Defaults PAGE_CAP and PAGE_LIMIT. */
  paging?: Paging;
}

/**
 * Takes one snapshot of every family at once. A family that fails is reported in `errors`;
 * a fatal error (see isFatal) rejects the whole snapshot.
 */
export async function takeStatusSnapshot(options: SnapshotOptions): Promise<StatusDocument> {
  const { api } = options;
  const paging = options.paging ?? { pageCap: PAGE_CAP, pageLimit: PAGE_LIMIT };
  const listers = familyListers(api, paging);
  const errors: StatusDocument['errors'] = options.journals.problems.map((message) => ({
    family: 'journals',
    message,
  }));
  const guard = async <T>(family: string, work: () => Promise<Collected<T>>): Promise<Collected<T>> => {
    try {
      return await work();
    } catch (error) {
      if (options.isFatal(error)) throw error;
      errors.push({ family, message: options.describeError(error) });
      return { items: [], truncated: false };
    }
  };
  const [uploads, ...families] = await Promise.all([
    guard('uploads', () => collectUploads(api, paging, options.journals.uploads)),
    ...STATUS_FAMILIES.map((family) => guard(family, listers[family])),
  ]);
  const counts = Object.fromEntries(STATUS_FAMILIES.map((family) => [family, 0])) as Record<
    StatusFamily,
    number
  >;
  const newestFirst = (a: StatusTask, b: StatusTask) =>
    (b.created_at ?? '').localeCompare(a.created_at ?? '');
  const tasks = families.flatMap((collected) => [...collected.items].sort(newestFirst));
  for (const item of tasks) counts[item.family]++;
  return sanitizeStrings({
    version: 1,
    generated_at: (options.now?.() ?? new Date()).toISOString(),
    profile: options.profile,
    base_url: api.baseUrl,
    uploads: uploads.items,
    tasks,
    counts: { uploads: uploads.items.length, tasks: counts },
    truncated: [
      ...(uploads.truncated ? (['uploads'] as const) : []),
      ...STATUS_FAMILIES.filter((_, position) => families[position]!.truncated),
    ],
    other_account_uploads: options.journals.otherAccounts ?? 0,
    errors,
  } satisfies StatusDocument);
}
