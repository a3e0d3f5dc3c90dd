/** The Failures view's rows: failed items of every family, grouped by family and code, newest first. */
import { memoLast } from '../memo.js';
import type { TableView } from '../selectors.js';
import { sortSpec, TABLE_LABELS } from '../tables.js';
import type { AppState, UploadRow } from '../types.js';
import { reasonOf } from './reasons.js';
import type { FailureGroup, FailureItem } from './types.js';

const FAILED_UPLOAD_PHASES = new Set(['failed', 'expired']);

/** Uploads that failed here: the engine knows them, the API has no list of failed sessions. */
function uploadFailures(uploads: Readonly<Record<string, UploadRow>>): FailureItem[] {
  const items: FailureItem[] = [];
  for (const row of Object.values(uploads)) {
    const local = row.local;
    if (!local || !FAILED_UPLOAD_PHASES.has(local.phase)) continue;
    const reason = reasonOf(local.lastError, `the upload ${local.phase}`);
    // the engine's id: retry and dismiss go to the engine
    items.push({
      key: `uploads:${local.id}`,
      family: 'uploads',
      id: local.id,
      ...reason,
      at: new Date(local.finishedAt ?? local.updatedAt).toISOString(),
      name: local.fileName,
    });
  }
  return items;
}

function mergeItems(
  fetched: Readonly<Record<string, FailureItem>>,
  uploads: Readonly<Record<string, UploadRow>>,
): Readonly<Record<string, FailureItem>> {
  const local = uploadFailures(uploads);
  if (local.length === 0) return fetched;
  return { ...fetched, ...Object.fromEntries(local.map((item) => [item.key, item])) };
}

const allItems = memoLast(mergeItems);

/** Every failed item by key: the poller's plus the uploads that failed here. */
export function selectFailureItems(state: AppState): Readonly<Record<string, FailureItem>> {
  return allItems(state.failures.items, state.entities.uploads);
}

const newestFirst = (a: { at: string }, b: { at: string }) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0);

export interface FailureGroups {
  byKey: Readonly<Record<string, FailureGroup>>;
  /** newest group first */
  order: readonly string[];
}

function groupItems(items: Readonly<Record<string, FailureItem>>): FailureGroups {
  const sorted = Object.values(items).sort(newestFirst);
  const byKey: Record<string, FailureGroup> = {};
  const order: string[] = [];
  for (const item of sorted) {
    const key = `${item.family}|${item.code}`;
    const group = byKey[key];
    if (group) {
      byKey[key] = { ...group, count: group.count + 1, items: [...group.items, item.key] };
    } else {
      byKey[key] = {
        key,
        family: item.family,
        code: item.code,
        message: item.message,
        count: 1,
        newestAt: item.at,
        items: [item.key],
      };
      order.push(key);
    }
  }
  return { byKey, order };
}

const groupsOf = memoLast(groupItems);

export function selectFailureGroups(state: AppState): FailureGroups {
  return groupsOf(selectFailureItems(state));
}

/** How many failed items the Failures view lists (its tab's badge). */
export function selectFailureCount(state: AppState): number {
  return Object.keys(selectFailureItems(state)).length;
}

/** What the filter matches in a group row and an item row. */
function groupText(group: FailureGroup): string {
  return `${TABLE_LABELS[group.family]} ${group.code} ${group.message}`.toLowerCase();
}

function itemText(item: FailureItem): string {
  return `${item.id} ${item.name} ${item.code} ${item.message}`.toLowerCase();
}

/** A failures table's rows: the keys whose text contains the filter, newest first unless sorted ascending. */
function failureTableView(
  table: 'failureGroups' | 'failureItems',
  keys: readonly string[],
  textOf: (key: string) => string,
  filter: string,
  sortIndex: number,
): TableView {
  const needle = filter.trim().toLowerCase();
  const ids = needle ? keys.filter((key) => textOf(key).includes(needle)) : keys;
  const sort = sortSpec(table, sortIndex);
  const ordered = sort.direction === 'asc' ? [...ids].reverse() : ids;
  return { table, ids: ordered, total: ids.length, partial: false, loading: false, sort, filter };
}

function computeGroupsView(groups: FailureGroups, filter: string, sortIndex: number): TableView {
  const textOf = (key: string) => groupText(groups.byKey[key]!);
  return failureTableView('failureGroups', groups.order, textOf, filter, sortIndex);
}

function computeItemsView(
  group: FailureGroup | undefined,
  items: Readonly<Record<string, FailureItem>>,
  filter: string,
  sortIndex: number,
): TableView {
  const textOf = (key: string) => (items[key] ? itemText(items[key]) : '');
  return failureTableView('failureItems', group?.items ?? [], textOf, filter, sortIndex);
}

const groupsView = memoLast(computeGroupsView);
const itemsView = memoLast(computeItemsView);

/** The rows of a failures table in display order (stable reference while nothing shown changed). */
export function selectFailureTableView(state: AppState, table: 'failureGroups' | 'failureItems'): TableView {
  const filter = state.ui.filter[table];
  const sortIndex = state.ui.sort[table];
  const groups = selectFailureGroups(state);
  if (table === 'failureGroups') return groupsView(groups, filter, sortIndex);
  const group = state.ui.failureGroup ? groups.byKey[state.ui.failureGroup] : undefined;
  return itemsView(group, selectFailureItems(state), filter, sortIndex);
}
