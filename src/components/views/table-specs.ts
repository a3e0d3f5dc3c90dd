import {
  isStuckTable,
  type StuckRule,
  type StuckTable,
  selectStuckRule,
  stuckFlag,
} from '../../store/stuck.js';
import { selectFailureGroups, selectFailureItems } from '../../store/triage/selectors.js';
import type { AppState, EntityOf, LogEvent, TableId } from '../../store/types.js';
import {
  ANALYZE_COLUMNS,
  ASSET_COLUMNS,
  EMBED_COLUMNS,
  EMBED_V2_COLUMNS,
  EVENT_COLUMNS,
  INDEXED_ASSET_COLUMNS,
  stuckColumn,
  TASK_COLUMNS,
  UPLOAD_COLUMNS,
} from '../columns.js';
import type { Column } from '../Table.js';
import { FAILURE_GROUP_COLUMNS, FAILURE_ITEM_COLUMNS } from './failure-columns.js';

/** The rows a table is drawn from: an id -> row record (events are a list, indexed by id on demand). */
export type RowSource = Readonly<Record<string, unknown>> | readonly LogEvent[];

export interface TableSpec {
  columns: readonly Column<never>[];
  /** the store slice holding the rows (stable reference while no row changed) */
  source: (state: AppState) => RowSource;
  empty: string;
}

export const TABLE_SPECS: Readonly<Record<TableId, TableSpec>> = {
  uploads: {
    columns: UPLOAD_COLUMNS,
    source: (state) => state.entities.uploads,
    empty: 'no uploads — press n to start one',
  },
  assets: { columns: ASSET_COLUMNS, source: (state) => state.entities.assets, empty: 'no assets' },
  tasks: { columns: TASK_COLUMNS, source: (state) => state.entities.tasks, empty: 'no indexing tasks' },
  indexedAssets: {
    columns: INDEXED_ASSET_COLUMNS,
    source: (state) => state.entities.indexedAssets,
    empty: 'no indexed assets in this index',
  },
  embedV2: {
    columns: EMBED_V2_COLUMNS,
    source: (state) => state.entities.embedV2,
    empty: 'no embed v2 tasks',
  },
  embedV1: { columns: EMBED_COLUMNS, source: (state) => state.entities.embedV1, empty: 'no embed v1 tasks' },
  analyze: { columns: ANALYZE_COLUMNS, source: (state) => state.entities.analyze, empty: 'no analyze tasks' },
  events: { columns: EVENT_COLUMNS, source: (state) => state.events, empty: 'nothing has happened yet' },
  failureGroups: {
    columns: FAILURE_GROUP_COLUMNS,
    source: (state) => selectFailureGroups(state).byKey,
    empty: 'no failures',
  },
  failureItems: {
    columns: FAILURE_ITEM_COLUMNS,
    source: selectFailureItems,
    empty: 'no failed items left in this group (Esc goes back)',
  },
};

const eventIndexes = new WeakMap<readonly LogEvent[], Map<string, LogEvent>>();

/** Looks a row up by id in its source. */
export function rowFrom(source: RowSource, id: string): unknown {
  if (!Array.isArray(source)) return (source as Readonly<Record<string, unknown>>)[id];
  const events = source as readonly LogEvent[];
  let index = eventIndexes.get(events);
  if (!index) {
    index = new Map(events.map((event) => [event.id, event]));
    eventIndexes.set(events, index);
  }
  return index.get(id);
}

const flaggedColumns = new WeakMap<StuckRule, readonly Column<never>[]>();

function withFlagColumn(table: StuckTable, rule: StuckRule): readonly Column<never>[] {
  let columns = flaggedColumns.get(rule);
  if (!columns) {
    const [status, ...rest] = TABLE_SPECS[table].columns;
    columns = [status!, stuckColumn(table, rule) as Column<never>, ...rest];
    flaggedColumns.set(rule, columns);
  }
  return columns;
}

/** The threshold of a table whose rows can be flagged (src/store/stuck.ts), undefined for the others. */
export function selectFlagRule(state: AppState, table: TableId): StuckRule | undefined {
  return isStuckTable(table) ? selectStuckRule(state, table) : undefined;
}

/**
 * The columns a table shows: a Flag column follows Status while one of the rows on screen is
 * slow or stuck at `now` (server clock). The same array while nothing it depends on changed.
 */
export function columnsFor(
  table: TableId,
  rule: StuckRule | undefined,
  rows: readonly unknown[],
  now: number,
): readonly Column<never>[] {
  if (!rule || !isStuckTable(table)) return TABLE_SPECS[table].columns;
  const flagged = rows.some(
    (row) => row !== undefined && stuckFlag(table, row as EntityOf[typeof table], rule, now) !== undefined,
  );
  return flagged ? withFlagColumn(table, rule) : TABLE_SPECS[table].columns;
}
