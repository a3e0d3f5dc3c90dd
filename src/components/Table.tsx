import { Box, Text } from 'ink';
import { memo, useMemo } from 'react';
import { cell } from './format.js';
import { type StatusTone, toneColor } from './status.js';
import { useTheme } from './theme.js';

/** How one column of a resource table is rendered (k9s-style row renderer). */
export interface Column<Row> {
  key: string;
  /** the store's sort key this column shows (created_at, updated_at, status, name); default: key */
  sortKey?: string;
  title: string;
  /** fixed width in cells; the `flex` column takes what is left */
  width: number;
  flex?: boolean;
  align?: 'left' | 'right';
  /** columns with a higher number are dropped first when the terminal is narrow */
  dropOrder?: number;
  /** plain, already sanitised text */
  text: (row: Row, now: number) => string;
  tone?: (row: Row, now: number) => StatusTone | undefined;
}

export interface SortIndicator {
  key: string;
  direction: 'asc' | 'desc';
}

export interface TableProps<Row> {
  columns: readonly Column<Row>[];
  /** rows of the visible window only; undefined = not loaded yet */
  rows: readonly (Row | undefined)[];
  rowKey: (row: Row) => string;
  /** index of rows[0] in the whole (filtered) collection */
  first: number;
  total: number;
  /** index of the selected row in the whole collection */
  selected: number;
  width: number;
  /** rows available for the table body (header row not included) */
  height: number;
  now: number;
  sort?: SortIndicator;
  emptyText?: string;
  /** marked row keys; when given and not empty, a mark column shows `*` on marked rows */
  marks?: Readonly<Record<string, true>>;
  /** watched row keys; when given and not empty, a column shows `◉` on watched rows */
  watched?: Readonly<Record<string, true>>;
}

const POINTER = '› ';
const NO_POINTER = '  ';
const WATCH_MARK = '◉ ';
const NO_WATCH_MARK = '  ';
const MARK = '* ';
const NO_MARK = '  ';

interface Layout<Row> {
  column: Column<Row>;
  width: number;
}

/** Fits the columns into the width: drops columns by dropOrder, gives the rest to the flex column. */
export function layoutColumns<Row>(columns: readonly Column<Row>[], width: number): Layout<Row>[] {
  let visible = [...columns];
  const needed = (list: Column<Row>[]) =>
    list.reduce((sum, column) => sum + column.width, 0) + Math.max(0, list.length - 1);
  while (needed(visible) > width && visible.some((column) => column.dropOrder !== undefined)) {
    const drop = visible.reduce<Column<Row> | undefined>(
      (worst, column) =>
        column.dropOrder !== undefined && (worst === undefined || column.dropOrder > (worst.dropOrder ?? 0))
          ? column
          : worst,
      undefined,
    );
    visible = visible.filter((column) => column !== drop);
  }
  // with the flex column dropped, the widest column is the one whose text is cut the most
  const widths = visible.map((column) => column.width);
  const flexIndex = visible.findIndex((column) => column.flex);
  const flex = flexIndex === -1 ? widest(widths) : flexIndex;
  let spare = width - needed(visible);
  if (spare >= 0) widths[flex] = (widths[flex] ?? 0) + spare;
  // nothing left to drop and still too wide: the widest columns give up cells (never the row width)
  while (spare < 0 && Math.max(...widths) > MIN_COLUMN_WIDTH) {
    const index = widest(widths);
    widths[index] = (widths[index] ?? 0) - 1;
    spare += 1;
  }
  return visible.map((column, index) => ({ column, width: widths[index] ?? column.width }));
}

/** columns are never squeezed below this: "ab…" still tells rows apart */
const MIN_COLUMN_WIDTH = 3;

function widest(widths: readonly number[]): number {
  return widths.reduce((best, width, index) => (width > (widths[best] ?? 0) ? index : best), 0);
}

interface RowProps<Row> {
  row: Row | undefined;
  layout: Layout<Row>[];
  selected: boolean;
  now: number;
  width: number;
  /** undefined: no mark column */
  marked?: boolean;
  watched?: boolean;
}

function TableRowImpl<Row>({ row, layout, selected, now, width, marked, watched }: RowProps<Row>) {
  const theme = useTheme();
  if (row === undefined) {
    return (
      <Text color={theme.muted} wrap="truncate">
        {cell(`${selected ? POINTER : NO_POINTER}loading…`, width)}
      </Text>
    );
  }
  const background = selected && !theme.monochrome ? theme.selectedBackground : undefined;
  const foreground = selected && !theme.monochrome ? theme.selectedForeground : undefined;
  const runs: Run[] = [];
  // the pointer shows the selection without colour or inverse video (NO_COLOR, screen readers)
  addRun(runs, selected ? POINTER : NO_POINTER, undefined);
  if (watched !== undefined) addRun(runs, watched ? WATCH_MARK : NO_WATCH_MARK, undefined);
  if (marked !== undefined) addRun(runs, marked ? MARK : NO_MARK, undefined);
  layout.forEach(({ column, width: cellWidth }, index) => {
    const text =
      cell(column.text(row, now), cellWidth, column.align) + (index === layout.length - 1 ? '' : ' ');
    addRun(runs, text, selected ? undefined : column.tone?.(row, now));
  });
  // the frame is drawn on blank cells: long runs of padding need not be written (Ink tokenizes every
  // character it writes, every frame); the selected row paints its blanks itself (Ink fills a row
  // box's background only up to its last text: a left-aligned last column left the bar short)
  const pieces = selected ? runs : withoutGaps(runs);
  return (
    <RunLine
      pieces={pieces}
      width={width}
      background={background}
      styleOf={(run) => ({
        color: run.tone ? toneColor(theme, run.tone) : foreground,
        inverse: selected && theme.monochrome,
      })}
    />
  );
}

type RunStyle = Pick<Segment, 'color' | 'bold' | 'inverse'>;

/** One line of runs: a gap is an empty box of its width, a text run a Text in its style. */
function RunLine({
  pieces,
  width,
  background,
  styleOf,
}: {
  pieces: readonly Run[];
  width: number;
  background?: string;
  styleOf: (run: Run) => RunStyle;
}) {
  return (
    <Box width={width} height={1} backgroundColor={background}>
      {pieces.map((run, index) =>
        run.gap ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: runs are positional
          <Box key={index} width={run.gap} flexShrink={0} />
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: runs are positional
          <Text key={index} wrap="truncate" {...styleOf(run)}>
            {run.text}
          </Text>
        ),
      )}
    </Box>
  );
}

/** padding at least this long is left out of a row's text and kept as an empty box of its width */
const GAP = 12;

/**
 * The runs of a row with long padding taken out: a run of GAP or more spaces inside a run splits
 * it around an empty box of that width, and trailing spaces are dropped. What the terminal shows is
 * the same (the frame starts blank; a selection's background is the row box's).
 */
export function withoutGaps(runs: readonly Run[]): Run[] {
  const out: Run[] = [];
  for (const run of runs) {
    // blanks alone (the pointer and mark columns of most rows) need no text node at all
    if (run.text !== '' && run.text.trim() === '') {
      out.push({ text: '', ascii: true, gap: run.text.length });
      continue;
    }
    if (!run.text.includes(' '.repeat(GAP))) {
      out.push(run);
      continue;
    }
    const pattern = new RegExp(` {${GAP},}`, 'g');
    let from = 0;
    for (let match = pattern.exec(run.text); match; match = pattern.exec(run.text)) {
      if (match.index > from) out.push({ ...run, text: run.text.slice(from, match.index) });
      out.push({ text: '', ascii: true, gap: match[0].length });
      from = match.index + match[0].length;
    }
    if (from < run.text.length) out.push({ ...run, text: run.text.slice(from) });
  }
  // nothing is drawn after the last text
  while (out.length > 0 && out[out.length - 1]!.gap) out.pop();
  const last = out[out.length - 1];
  if (last) out[out.length - 1] = { ...last, text: last.text.trimEnd() };
  return out;
}

/** Text with one style, a piece of a line. */
export interface Segment {
  text: string;
  color?: string;
  bold?: boolean;
  inverse?: boolean;
}

interface Run {
  text: string;
  tone?: StatusTone;
  /** the segment a run of a FittedLine comes from (its style) */
  style?: Segment;
  ascii: boolean;
  /** an empty box of this many cells instead of text */
  gap?: number;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Appends text to the last run when tone and ASCII-ness match. Ink measures every text
 * node each frame, and a text with a single non-ASCII character takes the slow grapheme
 * path (over a microsecond a character): a word with a symbol ("●", "⚠") gets a run of its
 * own, so the rest of the row, its padding included, stays on the fast path.
 */
function addRun(runs: Run[], text: string, tone: StatusTone | undefined, style?: Segment): void {
  if (PRINTABLE_ASCII.test(text)) {
    pushRun(runs, text, tone, true, style);
    return;
  }
  // split at spaces only: a combining mark stays with the word it belongs to
  for (const piece of text.split(/( +)/)) {
    if (piece !== '') pushRun(runs, piece, tone, PRINTABLE_ASCII.test(piece), style);
  }
}

function pushRun(
  runs: Run[],
  text: string,
  tone: StatusTone | undefined,
  ascii: boolean,
  style: Segment | undefined,
): void {
  const last = runs[runs.length - 1];
  if (last && last.tone === tone && last.style === style && last.ascii === ascii) last.text += text;
  else runs.push({ text, tone, ascii, style });
}

/**
 * One line whose segments fill exactly `width` cells (cell() padded), drawn the way table rows
 * are: symbols in runs of their own, long padding as empty boxes, nothing after the last text.
 * Ink then measures and tokenizes the line's characters on its fast path.
 */
export const FittedLine = memo(function FittedLine({
  segments,
  width,
}: {
  segments: readonly Segment[];
  width: number;
}) {
  const runs: Run[] = [];
  for (const segment of segments) addRun(runs, segment.text, undefined, segment);
  // an inverse segment paints its blanks: only lines without one leave padding out
  const pieces = segments.some((segment) => segment.inverse) ? runs : withoutGaps(runs);
  return <RunLine pieces={pieces} width={width} styleOf={segmentStyle} />;
}, sameSegments);

function segmentStyle(run: Run): RunStyle {
  return { color: run.style?.color, bold: run.style?.bold, inverse: run.style?.inverse };
}

function sameSegments(
  a: { segments: readonly Segment[]; width: number },
  b: { segments: readonly Segment[]; width: number },
): boolean {
  return (
    a.width === b.width &&
    a.segments.length === b.segments.length &&
    a.segments.every((segment, index) => {
      const other = b.segments[index]!;
      return (
        segment.text === other.text &&
        segment.color === other.color &&
        segment.bold === other.bold &&
        segment.inverse === other.inverse
      );
    })
  );
}

const TableRow = memo(TableRowImpl) as typeof TableRowImpl;

/**
 * One generic, virtualised table: it renders exactly `height` body lines (rows of the
 * visible window, then blanks) so the frame never grows past the terminal.
 */
export function Table<Row>(props: TableProps<Row>) {
  const {
    columns,
    rows,
    rowKey,
    first,
    total,
    selected,
    width,
    height,
    now,
    sort,
    emptyText,
    marks,
    watched,
  } = props;
  const theme = useTheme();
  const markColumn = marks !== undefined && Object.keys(marks).length > 0;
  const watchColumn = watched !== undefined && Object.keys(watched).length > 0;
  const gutter = POINTER.length + (markColumn ? MARK.length : 0) + (watchColumn ? WATCH_MARK.length : 0);
  const layout = useMemo(() => layoutColumns(columns, width - gutter), [columns, width, gutter]);
  // the column header changes with the layout and the sort only (measuring its arrow is slow)
  const header = useMemo(() => {
    const titles = layout
      .map(({ column, width: cellWidth }) => {
        const arrow =
          sort?.key === (column.sortKey ?? column.key) ? (sort.direction === 'asc' ? '▲' : '▼') : '';
        return cell(column.title.toUpperCase() + arrow, cellWidth, column.align);
      })
      .join(' ');
    const line = NO_POINTER + (markColumn ? MARK : '') + (watchColumn ? NO_WATCH_MARK : '') + titles;
    return [{ text: cell(line, width), bold: true, color: theme.accent }];
  }, [layout, sort?.key, sort?.direction, markColumn, watchColumn, width, theme]);
  const body = rows.slice(0, Math.max(0, height));
  const blanks = Math.max(0, height - body.length - (total === 0 ? 1 : 0));
  return (
    <Box flexDirection="column" width={width} height={height + 1} overflowY="hidden">
      <FittedLine segments={header} width={width} />
      {total === 0 ? (
        <Text color={theme.muted} wrap="truncate">
          {cell(`  ${emptyText ?? 'nothing here yet'}`, width)}
        </Text>
      ) : null}
      {body.map((row, index) => (
        <TableRow
          key={row ? rowKey(row) : `pending-${first + index}`}
          row={row}
          layout={layout}
          selected={first + index === selected}
          now={now}
          width={width}
          marked={markColumn && row ? marks[rowKey(row)] === true : markColumn ? false : undefined}
          watched={watchColumn ? row !== undefined && watched[rowKey(row)] === true : undefined}
        />
      ))}
      {blanks > 0 ? <Box height={blanks} /> : null}
    </Box>
  );
}
