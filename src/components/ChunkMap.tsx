import { Box, Text } from 'ink';
import { memo, useMemo } from 'react';
import { CHUNK_STATE_CHAR, type ChunkState } from '../upload/types.js';
import { formatCount } from './format.js';
import { type Theme, useTheme } from './theme.js';

type CellState = ChunkState | 'partial';

const CELL_SYMBOL: Record<CellState, string> = {
  confirmed: '█',
  partial: '▓',
  in_flight: '▒',
  pending: '·',
  failed: '✗',
};

function cellColor(theme: Theme, state: CellState): string | undefined {
  if (state === 'confirmed' || state === 'partial') return theme.ok;
  if (state === 'in_flight') return theme.running;
  if (state === 'failed') return theme.failed;
  return theme.muted;
}

export interface ChunkMapLayout {
  chunksPerCell: number;
  cells: CellState[];
  rows: number;
}

/**
 * Packs the chunks into at most width x maxRows cells. With more chunks than cells,
 * one cell stands for several chunks and shows the most urgent state among them:
 * failed, then in flight, then confirmed (all), partial (some), pending.
 */
export function layoutChunkMap(chunks: string, width: number, maxRows: number): ChunkMapLayout {
  const capacity = Math.max(1, width * Math.max(1, maxRows));
  const chunksPerCell = Math.max(1, Math.ceil(chunks.length / capacity));
  const cells: CellState[] = [];
  for (let start = 0; start < chunks.length; start += chunksPerCell) {
    let failed = false;
    let inFlight = false;
    let confirmed = 0;
    const end = Math.min(chunks.length, start + chunksPerCell);
    for (let i = start; i < end; i++) {
      const state = chunks[i];
      if (state === CHUNK_STATE_CHAR.failed) failed = true;
      else if (state === CHUNK_STATE_CHAR.in_flight) inFlight = true;
      else if (state === CHUNK_STATE_CHAR.confirmed) confirmed += 1;
    }
    const size = end - start;
    cells.push(
      failed
        ? 'failed'
        : inFlight
          ? 'in_flight'
          : confirmed === size
            ? 'confirmed'
            : confirmed > 0
              ? 'partial'
              : 'pending',
    );
  }
  return { chunksPerCell, cells, rows: Math.ceil(cells.length / Math.max(1, width)) };
}

export function countChunks(chunks: string): Record<ChunkState, number> {
  const tally = { pending: 0, in_flight: 0, confirmed: 0, failed: 0 };
  for (const char of chunks) {
    if (char === CHUNK_STATE_CHAR.confirmed) tally.confirmed += 1;
    else if (char === CHUNK_STATE_CHAR.in_flight) tally.in_flight += 1;
    else if (char === CHUNK_STATE_CHAR.failed) tally.failed += 1;
    else tally.pending += 1;
  }
  return tally;
}

interface Run {
  state: CellState;
  text: string;
}

function runsOf(cells: readonly CellState[]): Run[] {
  const runs: Run[] = [];
  for (const state of cells) {
    const last = runs[runs.length - 1];
    if (last && last.state === state) last.text += CELL_SYMBOL[state];
    else runs.push({ state, text: CELL_SYMBOL[state] });
  }
  return runs;
}

export interface ChunkMapProps {
  /** one CHUNK_STATE_CHAR per chunk, as in UploadSnapshot.chunks */
  chunks: string;
  width: number;
  /** rows for the cells; one more row is used by the legend */
  maxRows: number;
}

/** One cell per chunk (or per group of chunks when they do not fit), coloured runs plus a legend. */
export const ChunkMap = memo(function ChunkMap({ chunks, width, maxRows }: ChunkMapProps) {
  const theme = useTheme();
  const cellWidth = Math.max(1, width);
  const layout = useMemo(() => layoutChunkMap(chunks, cellWidth, maxRows), [chunks, cellWidth, maxRows]);
  const counts = useMemo(() => countChunks(chunks), [chunks]);
  const lines: Run[][] = [];
  for (let row = 0; row < layout.rows; row++) {
    lines.push(runsOf(layout.cells.slice(row * cellWidth, (row + 1) * cellWidth)));
  }
  const scale = layout.chunksPerCell > 1 ? `  1 cell = ${formatCount(layout.chunksPerCell)} chunks` : '';
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((runs, row) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional
        <Text key={row} wrap="truncate">
          {runs.map((run, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: runs are positional
            <Text key={index} color={cellColor(theme, run.state)}>
              {run.text}
            </Text>
          ))}
        </Text>
      ))}
      <Text wrap="truncate">
        <Text color={theme.ok}>█</Text> confirmed {formatCount(counts.confirmed)}{' '}
        <Text color={theme.running}>▒</Text> in flight {formatCount(counts.in_flight)}{' '}
        <Text color={theme.muted}>·</Text> pending {formatCount(counts.pending)}{' '}
        <Text color={theme.failed}>✗</Text> failed {formatCount(counts.failed)}
        {scale}
      </Text>
    </Box>
  );
});
