/**
 * `:export FILE.csv|FILE.json`: the current table's rows for its current query (filter, sort,
 * index), fetched page by page from the server up to MAX_EXPORT_ROWS, written to a file.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import type { TwelveLabsApi } from '../api/api.js';
import { writeFileAtomically } from '../atomic-file.js';
import { describeFsError, errnoCode } from '../upload/errors.js';
import type { StoreContext } from './context.js';
import { EXPORT_COLUMNS, type ExportableTable, type ExportColumn, isExportable } from './export-columns.js';
import { toCsv, toJson } from './export-format.js';
import { type CollectionTable, collectionSource, type ListQueryPage } from './pollers/sources.js';
import { selectActiveTable, selectTableView } from './selectors.js';
import { idOf, TABLE_LABELS } from './tables.js';
import type { AppState, Collection, CollectionGroup, EntityOf } from './types.js';

/** The most rows one export fetches (200 pages of 50); beyond it the file says it was capped. */
export const MAX_EXPORT_ROWS = 10_000;
const PAGE_LIMIT = 50;

export interface ExportPaths {
  cwd: string;
  home: string;
}

/** Injectable for tests: where paths resolve, and the row cap. */
export interface ExportOptions extends Partial<ExportPaths> {
  /** default MAX_EXPORT_ROWS */
  maxRows?: number;
}

export interface ExportResult {
  file: string;
  rows: number;
  /** rows of the whole query on the server, when more than were read */
  cappedFrom?: number;
  /** rows read from the server, when fewer than cappedFrom */
  fetched?: number;
  /** the export stopped early to leave rate-limit budget for polling */
  rateStopped?: boolean;
}

/** `~`, `~/x` and relative paths made absolute; only .csv and .json are written. */
export function resolveExportPath(
  typed: string,
  paths: ExportPaths,
): { file: string; format: 'csv' | 'json' } {
  if (!typed) throw new Error('name a file: :export FILE.csv or :export FILE.json');
  const expanded = typed === '~' || typed.startsWith('~/') ? path.join(paths.home, typed.slice(1)) : typed;
  const file = path.resolve(paths.cwd, expanded);
  const extension = path.extname(file).toLowerCase();
  if (extension !== '.csv' && extension !== '.json') {
    throw new Error(`export writes .csv or .json files, not "${path.basename(file)}"`);
  }
  return { file, format: extension === '.csv' ? 'csv' : 'json' };
}

interface Fetched {
  ids: string[];
  total: number;
}

/** Asked before every list call of an export. */
interface PageGate {
  /** false once the rate-limit budget is down to what polling needs (the first page always goes) */
  mayFetch(): boolean;
  fetched(): void;
}

/** Pages of one server query until its end, `budget` rows or the gate says stop; entities land in `into`. */
async function fetchQuery(
  list: ListQueryPage<unknown>,
  idOf: (entity: unknown) => string,
  into: Record<string, unknown>,
  budget: number,
  status: string | undefined,
  gate: PageGate,
): Promise<Fetched> {
  const ids: string[] = [];
  let total = 0;
  const signal = new AbortController().signal;
  for (let page = 1; ids.length < budget && gate.mayFetch(); page++) {
    const result = await list(page, PAGE_LIMIT, signal, status);
    gate.fetched();
    total = result.page_info.total_results;
    for (const entity of result.data.slice(0, budget - ids.length)) {
      const id = idOf(entity);
      into[id] = entity;
      ids.push(id);
    }
    if (result.data.length === 0 || page >= result.page_info.total_page) break;
  }
  return { ids, total: Math.max(total, ids.length) };
}

/** Only the size of a query, for a status group left out once the cap is reached. */
async function countQuery(
  list: ListQueryPage<unknown>,
  status: string | undefined,
  gate: PageGate,
): Promise<Fetched> {
  if (!gate.mayFetch()) return { ids: [], total: 0 };
  const result = await list(1, 1, new AbortController().signal, status);
  gate.fetched();
  return { ids: [], total: result.page_info.total_results };
}

/**
 * Stops an export before it eats the rate-limit budget the pollers live on: no page once
 * fewer than a quarter of the window's requests (and at least 5) are left.
 */
function rateGate(api: TwelveLabsApi, onPage: (pages: number) => void): PageGate & { stopped: boolean } {
  let pages = 0;
  const gate = {
    stopped: false,
    mayFetch() {
      const { limit, remaining } = api.stats().rateLimit;
      const low = limit !== undefined && remaining !== undefined && remaining < Math.max(5, limit / 4);
      if (pages > 0 && low) gate.stopped = true;
      return !gate.stopped;
    },
    fetched() {
      pages += 1;
      onPage(pages);
    },
  };
  return gate;
}

function pagesOf(ids: readonly string[]): Record<number, readonly string[]> {
  const pages: Record<number, readonly string[]> = {};
  for (let start = 0; start < ids.length; start += PAGE_LIMIT) {
    pages[start / PAGE_LIMIT + 1] = ids.slice(start, start + PAGE_LIMIT);
  }
  return pages;
}

/**
 * The whole query of a server table, as a state whose collection holds every fetched page,
 * so the table's own selector applies its local filter and sort to it.
 */
async function fetchAll(
  context: StoreContext,
  table: CollectionTable,
  maxRows: number,
  onPage: (pages: number) => void,
): Promise<{ state: AppState; total: number; fetched: number; rateStopped: boolean }> {
  const state = context.store.getState();
  const query = collectionSource(context.api, table).query(state);
  if (!query) throw new Error(`nothing to export yet: ${TABLE_LABELS[table]} has no index chosen`);
  const entities: Record<string, unknown> = {};
  const gate = rateGate(context.api, onPage);
  const entityId = (entity: unknown): string => idOf(table, entity as EntityOf[CollectionTable]);
  let collection: Collection;
  let total = 0;
  let fetchedRows = 0;
  if (query.groups) {
    const groups: CollectionGroup[] = [];
    let budget = maxRows;
    for (const status of query.groups) {
      const fetched =
        budget > 0
          ? await fetchQuery(query.list, entityId, entities, budget, status, gate)
          : await countQuery(query.list, status, gate);
      budget -= fetched.ids.length;
      fetchedRows += fetched.ids.length;
      total += fetched.total;
      groups.push({ status, total: fetched.ids.length, pages: pagesOf(fetched.ids) });
    }
    collection = { queryKey: query.key, pageSize: PAGE_LIMIT, pages: {}, groups };
  } else {
    const fetched = await fetchQuery(query.list, entityId, entities, maxRows, undefined, gate);
    total = fetched.total;
    fetchedRows = fetched.ids.length;
    collection = {
      queryKey: query.key,
      pageSize: PAGE_LIMIT,
      pages: pagesOf(fetched.ids),
      total: fetched.ids.length,
    };
  }
  const merged: AppState = {
    ...state,
    entities: { ...state.entities, [table]: { ...state.entities[table], ...entities } },
    collections: { ...state.collections, [table]: collection },
  };
  return { state: merged, total, fetched: fetchedRows, rateStopped: gate.stopped };
}

/** Creates `file` with `text` (mode 0600) in one step: a crash never leaves half a file; `replace` allows overwriting. */
async function writeExportFile(file: string, text: string, replace: boolean, typed: string): Promise<void> {
  try {
    await writeFileAtomically(file, text, { replace });
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') throw new Error(`${typed} exists; :export! ${typed} replaces it`);
    const where =
      errnoCode(error) === 'ENOENT' ? `no such directory ${path.dirname(file)}` : describeFsError(error);
    throw new Error(`cannot write ${typed}: ${where}`);
  }
}

/** The rows behind the ids, in order; ids whose row is gone are skipped. */
function rowsOf(state: AppState, table: ExportableTable, ids: readonly (string | undefined)[]): unknown[] {
  if (table === 'events') {
    const byId = new Map(state.events.map((event) => [event.id, event]));
    return ids.flatMap((id) => (id !== undefined && byId.has(id) ? [byId.get(id)] : []));
  }
  const entities = state.entities[table] as Readonly<Record<string, unknown>>;
  return ids.flatMap((id) => (id !== undefined && entities[id] !== undefined ? [entities[id]] : []));
}

/** Exports the table on screen to `typed` (a path as the user wrote it). */
export async function exportCurrentTable(
  context: StoreContext,
  typed: string,
  replace: boolean,
  options: ExportOptions = {},
): Promise<ExportResult> {
  const { file, format } = resolveExportPath(typed, {
    cwd: options.cwd ?? process.cwd(),
    home: options.home ?? homedir(),
  });
  const table = selectActiveTable(context.store.getState());
  if (!isExportable(table))
    throw new Error(`${TABLE_LABELS[table]} cannot be exported; open a resource table`);
  let state = context.store.getState();
  let total: number | undefined;
  let fetchedRows = 0;
  let rateStopped = false;
  if (table !== 'uploads' && table !== 'events') {
    const fetched = await fetchAll(context, table, options.maxRows ?? MAX_EXPORT_ROWS, (pages) =>
      context.setStatus(`exporting ${TABLE_LABELS[table]}: page ${pages}…`),
    );
    state = fetched.state;
    total = fetched.total;
    fetchedRows = fetched.fetched;
    rateStopped = fetched.rateStopped;
  }
  const capped = total !== undefined && fetchedRows < total;
  const view = selectTableView(state, table);
  const rows = rowsOf(state, table, view.ids);
  const columns = EXPORT_COLUMNS[table] as readonly ExportColumn<unknown>[];
  const text =
    format === 'csv'
      ? toCsv(columns, rows)
      : toJson(columns, rows, {
          table,
          exported_at: new Date(context.clock.now()).toISOString(),
          filter: view.filter,
          sort: view.sort.label,
          total: total ?? rows.length,
          capped,
        });
  await writeExportFile(file, text, replace, typed);
  return {
    file,
    rows: rows.length,
    ...(capped && { cappedFrom: total, fetched: fetchedRows }),
    ...(rateStopped && { rateStopped }),
  };
}
