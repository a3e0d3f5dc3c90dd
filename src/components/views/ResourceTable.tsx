import { Box } from 'ink';
import { useCallback, useMemo, useRef } from 'react';
import { describeFilter } from '../../store/filter-expr.js';
import { selectTableView } from '../../store/selectors.js';
import { TABLE_LABELS } from '../../store/tables.js';
import type { TableId } from '../../store/types.js';
import { useAppState } from '../context.js';
import { cell, formatPosition } from '../format.js';
import { sanitize } from '../sanitize.js';
import { type Column, FittedLine, Table } from '../Table.js';
import { useTheme } from '../theme.js';
import { type ClockReading, useClock, useTickProbe } from '../use-now.js';
import { useSampled } from '../use-sampled.js';
import { columnsFor, rowFrom, selectFlagRule, TABLE_SPECS } from './table-specs.js';

export interface ResourceTableProps {
  table: TableId;
  width: number;
  /** rows for caption + column header + body */
  height: number;
  now: number;
  /** text after the table name, e.g. the index shown */
  context?: string;
}

const NO_ROWS: readonly unknown[] = [];

/** First row of the window holding `selected`: the table scrolls a page at a time ("41-60 of 1,284"). */
export function windowStart(selected: number, pageRows: number): number {
  return pageRows > 0 ? Math.floor(Math.max(0, selected) / pageRows) * pageRows : 0;
}

/** Caption line (name, position, sort, filter) and the virtualised table of one store table. */
export function ResourceTable({ table, width, height, now: drawnNow, context }: ResourceTableProps) {
  const theme = useTheme();
  const spec = TABLE_SPECS[table];
  // the minute tick's latest reading: rows drawn for new data between ticks use a time at most a
  // minute old, also when the last ticks drew nothing
  const clock = useClock();
  const now = clock?.dataNow ?? drawnNow;
  const shown = useMemo(() => ({ now: clock?.now ?? now, dataNow: now }), [clock?.now, now]);
  const view = useAppState((state) => selectTableView(state, table));
  const selected = useAppState((state) => state.ui.selection[table]);
  const marks = useAppState((state) => state.ui.marks[table]);
  const markCount = Object.keys(marks).length;
  const watched = useAppState((state) => state.ui.watched[table]);
  const watchCount = Object.keys(watched).length;
  // the threshold walks every loaded row: sampled, not on every store update
  const rule = useSampled((state) => selectFlagRule(state, table), table);
  const indexes = useAppState((state) => state.entities.indexes);
  const filter = view.filter ? sanitize(describeFilter(view.filter, indexes)) : '';
  const bodyRows = Math.max(0, height - 2);
  const first = windowStart(selected, bodyRows);
  // the rows on screen, the same array while each of them is the same object: an update to a row
  // off screen (most of them with 10,000 loaded) renders nothing, where each render is a whole
  // Ink frame
  const shownRows = useRef<readonly unknown[]>(NO_ROWS);
  const rows = useAppState((state) => {
    const source = spec.source(state);
    const next = view.ids
      .slice(first, first + bodyRows)
      .map((id) => (id === undefined ? undefined : rowFrom(source, id)));
    const last = shownRows.current;
    if (next.length === last.length && next.every((row, index) => row === last[index])) return last;
    shownRows.current = next;
    return next;
  });
  const columns = columnsFor(table, rule, rows, now);
  const probe = useCallback((clock: ClockReading) => rowsText(table, rule, rows, clock), [table, rule, rows]);
  useTickProbe(probe, shown);
  const position = view.loading ? 'loading…' : formatPosition(first, rows.length, view.total);
  // the position comes first: it is what a narrow terminal must still show
  const extras = [
    position,
    context ? sanitize(context) : '',
    `sort ${view.sort.label}`,
    filter ? `filter “${filter}”` : '',
    view.partial ? 'loaded rows only' : '',
  ].filter(Boolean);
  // the marks come right after the position: d and r act on them
  if (markCount > 0) extras.splice(1, 0, `${markCount} marked`);
  if (watchCount > 0) extras.push(`◉ ${watchCount} watched`);
  const extrasText = extras.join('  ·  ');
  // measuring the caption ('·' is not ASCII) is slow: only when its text changes
  const captionSegments = useMemo(
    () => [
      { text: TABLE_LABELS[table], bold: true },
      { text: cell(`  ${extrasText}`, Math.max(0, width - TABLE_LABELS[table].length)), color: theme.muted },
    ],
    [table, extrasText, width, theme],
  );
  return (
    <Box flexDirection="column" width={width} height={height} overflowY="hidden">
      <FittedLine segments={captionSegments} width={width} />
      <Table<unknown>
        columns={columns as readonly Column<unknown>[]}
        rows={rows}
        rowKey={rowKeyOf(table)}
        first={first}
        total={view.loading ? rows.length : view.total}
        selected={selected}
        width={width}
        height={bodyRows}
        now={now}
        sort={view.sort}
        marks={marks}
        watched={watched}
        emptyText={view.loading ? 'loading…' : filter ? `nothing matches “${filter}”` : spec.empty}
      />
    </Box>
  );
}

/**
 * What the rows on screen show at a clock reading (texts and tones of every column), for the
 * minute tick: an unchanged result means the tick would draw the same rows.
 */
export function rowsText(
  table: TableId,
  rule: ReturnType<typeof selectFlagRule>,
  rows: readonly unknown[],
  clock: ClockReading,
): string {
  // an upload started here shows its age on this machine's clock, read inside the column
  if (table === 'uploads' && rows.some((row) => (row as { local?: unknown } | undefined)?.local))
    return String(clock.now);
  const now = clock.dataNow;
  const columns = columnsFor(table, rule, rows, now) as readonly Column<unknown>[];
  let text = String(columns.length);
  for (const row of rows) {
    if (row === undefined) continue;
    for (const column of columns) text += `\t${column.text(row, now)}\u0000${column.tone?.(row, now) ?? ''}`;
    text += '\n';
  }
  return text;
}

const ROW_KEYS: Record<TableId, (row: unknown) => string> = {
  uploads: (row) => (row as { id: string }).id,
  events: (row) => (row as { id: string }).id,
  analyze: (row) => (row as { task_id: string }).task_id,
  assets: (row) => (row as { _id: string })._id,
  tasks: (row) => (row as { _id: string })._id,
  indexedAssets: (row) => (row as { _id: string })._id,
  embedV1: (row) => (row as { _id: string })._id,
  embedV2: (row) => (row as { _id: string })._id,
  failureGroups: (row) => (row as { key: string }).key,
  failureItems: (row) => (row as { key: string }).key,
};

function rowKeyOf(table: TableId): (row: unknown) => string {
  return ROW_KEYS[table];
}
