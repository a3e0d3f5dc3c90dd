import { Box, Text } from 'ink';
import { memo, useCallback, useMemo } from 'react';
import { explainText } from '../api/error-help.js';
import {
  describeRule,
  STUCK_TABLES,
  type StuckSummary,
  selectStuckRule,
  selectStuckSummary,
} from '../store/stuck.js';
import { TABLE_LABELS } from '../store/tables.js';
import {
  type FinishedSeries,
  finishedSeriesAt,
  selectFinishTimes,
  selectUploadSeries,
  THROUGHPUT_FAMILIES,
  type UploadSeries,
} from '../store/throughput.js';
import type { AppState, ConnectionState } from '../store/types.js';
import { formatMinutes, selectUsage, type UsageSummary } from '../store/usage.js';
import { useAppState, useStores } from './context.js';
import { cell, formatDuration, formatRate, formatRelative } from './format.js';
import { regroup, sparkline } from './Sparkline.js';
import { sanitize } from './sanitize.js';
import { useTheme } from './theme.js';
import { type ClockReading, useRerenderAt, useTickProbe } from './use-now.js';
import { useSampled } from './use-sampled.js';

/** Rows the panel wants: its title and eight lines. */
export const OVERVIEW_ROWS = 9;
const LABEL_WIDTH = 12;

interface Line {
  label: string;
  text: string;
  tone?: 'failed' | 'waiting' | 'ok';
}

function sparkCells(width: number): number {
  return width >= 140 ? 20 : 12;
}

function flaggedLine(summary: StuckSummary): Line {
  let stuck = 0;
  let slow = 0;
  const parts: string[] = [];
  for (const table of STUCK_TABLES) {
    const counts = summary[table];
    stuck += counts.stuck;
    slow += counts.slow;
    if (counts.stuck + counts.slow > 0)
      parts.push(`${TABLE_LABELS[table].toLowerCase()} ${counts.stuck} stuck, ${counts.slow} slow`);
  }
  if (stuck + slow === 0)
    return { label: 'Flagged', text: '✓ nothing slow or stuck (loaded rows)', tone: 'ok' };
  return {
    label: 'Flagged',
    text: `⚠ ${stuck} stuck, ◔ ${slow} slow (loaded rows): ${parts.join(' · ')}`,
    tone: stuck > 0 ? 'failed' : 'waiting',
  };
}

function rateLine(connection: ConnectionState, wallNow: number): Line {
  const rate = connection.rateLimit;
  const limited =
    connection.rateLimitedUntil !== undefined && connection.rateLimitedUntil > wallNow
      ? `▲ rate limited: polling waits until ${new Date(connection.rateLimitedUntil).toTimeString().slice(0, 8)} · `
      : '';
  if (rate.remaining === undefined && rate.limit === undefined) {
    return {
      label: 'Rate limit',
      text: `${limited}no X-Ratelimit headers seen yet`,
      tone: limited ? 'failed' : undefined,
    };
  }
  const left = `${rate.remaining ?? '?'}${rate.limit === undefined ? '' : `/${rate.limit}`} requests left`;
  const used = rate.used === undefined ? '' : `, ${rate.used} used`;
  const reset =
    rate.reset === undefined
      ? ''
      : `, window resets ${rate.reset * 1000 > wallNow ? `in ${formatDuration(rate.reset * 1000 - wallNow)}` : 'now'}`;
  const low = rate.limit !== undefined && rate.remaining !== undefined && rate.remaining <= rate.limit * 0.1;
  return {
    label: 'Rate limit',
    text: `${limited}${left}${used}${reset}${low ? ' · polling slows down' : ''}`,
    tone: limited ? 'failed' : low ? 'waiting' : undefined,
  };
}

/** The thresholds in words (a string: equal text, no re-render). */
function selectThresholds(state: AppState): string {
  return STUCK_TABLES.filter((table) => table !== 'assets')
    .map((table) => `${TABLE_LABELS[table].toLowerCase()} ${describeRule(selectStuckRule(state, table))}`)
    .join(' · ');
}

interface OverviewData {
  finished: FinishedSeries;
  upload: UploadSeries;
  usage: UsageSummary;
  summary: StuckSummary;
  thresholds: string;
  connection: ConnectionState;
}

function overviewLines(data: OverviewData, width: number, wallNow: number): Line[] {
  const cells = sparkCells(width);
  const { finished, upload, usage, connection } = data;
  const families = THROUGHPUT_FAMILIES.map(
    (family) =>
      `${family} ${finished.counts[family]} ${sparkline(regroup(finished.perMinute[family], cells))}`,
  );
  const indexed =
    usage.indexedMinutes === undefined
      ? 'indexed: no index reports a total yet'
      : `indexed ${formatMinutes(usage.indexedMinutes)} in ${usage.indexCount} index${usage.indexCount === 1 ? '' : 'es'} (server totals)`;
  const running =
    usage.serverActiveTasks !== undefined
      ? `; the server lists ${usage.serverActiveTasks} running tasks`
      : '';
  const queued = `queued ${formatMinutes(usage.queuedMinutes)} in ${usage.queuedItems} video${usage.queuedItems === 1 ? '' : 's'} (loaded data${running})`;
  const error = connection.lastError ? sanitize(connection.lastError) : undefined;
  const help = explainText(error);
  return [
    {
      label: 'Finished/h',
      text: `${families.join('   ')}   (last hour, loaded data)`,
    },
    {
      label: 'Uploads',
      text:
        upload.peak > 0
          ? `${formatRate(upload.current)} now, peak ${formatRate(upload.peak)} ${sparkline(regroup(upload.perMinute, cells, true))}   (last hour)`
          : 'no uploads from this dashboard in the last hour',
    },
    flaggedLine(data.summary),
    { label: 'Stuck after', text: data.thresholds },
    { label: 'Usage', text: `${indexed} · ${queued}` },
    rateLine(connection, wallNow),
    error
      ? {
          label: 'Last error',
          text: `✗ ${error}${connection.lastErrorAt ? ` (${formatRelative(connection.lastErrorAt, wallNow)})` : ''}`,
          tone: 'failed',
        }
      : { label: 'Last error', text: 'none' },
    ...(help ? [{ label: 'What to do', text: help }] : []),
  ];
}

export interface OverviewProps {
  width: number;
  height: number;
  /** this machine's clock as of the minute tick (upload samples) */
  now: number;
  /** the server's clock as of the minute tick or the dashboard's render (finish times, stuck ages) */
  dataNow: number;
}

/** What the overview reads that is sampled (walks every loaded row) and does not follow the clock. */
export interface OverviewSampled {
  usage: UsageSummary;
  thresholds: string;
  width: number;
}

/**
 * The overview's text at a clock reading (the minute tick's probe): what depends on the clock
 * (the last hour's sparklines, slow and stuck counts, the rate-limit reset, the last error's
 * age) read at `clock`, the rest as the store holds it now.
 */
export function overviewText(state: AppState, sampled: OverviewSampled, clock: ClockReading): string {
  const data: OverviewData = {
    finished: finishedSeriesAt(selectFinishTimes(state), clock.dataNow),
    upload: selectUploadSeries(state, clock.now),
    usage: sampled.usage,
    summary: selectStuckSummary(state, clock.dataNow),
    thresholds: sampled.thresholds,
    connection: state.connection,
  };
  return overviewLines(data, sampled.width, clock.now)
    .map((line) => `${line.label}\t${line.text}\t${line.tone ?? ''}`)
    .join('\n');
}

/** `o`: throughput, stuck work, usage and the rate limit, in `height` rows above the view. */
export const Overview = memo(function Overview({ width, height, now, dataNow }: OverviewProps) {
  const theme = useTheme();
  const store = useStores().app;
  // each slice is memoized: the panel renders when what it shows changed, not on every store write
  // sampled as the series at the clock's minute: the same object while it reads the same
  const finished = useSampled(
    (state) => finishedSeriesAt(selectFinishTimes(state), dataNow),
    `finished ${Math.floor(dataNow / 60_000)}`,
  );
  const upload = useAppState((state) => selectUploadSeries(state, now));
  const usage = useSampled(selectUsage, 'usage');
  // counted again when the minute of the clock changes (an item turns slow with no store write)
  const summary = useSampled(
    (state) => selectStuckSummary(state, dataNow),
    `summary ${Math.floor(dataNow / 60_000)}`,
  );
  const thresholds = useSampled(selectThresholds, 'thresholds');
  const connection = useAppState((state) => state.connection);
  // the "rate limited until" line goes when that time has passed, even if nothing else changes
  useRerenderAt(connection.rateLimitedUntil);
  // the minute tick renders the panel only when its text at the new time differs
  const sampled = useMemo(() => ({ usage, thresholds, width }), [usage, thresholds, width]);
  const probe = useCallback(
    (clock: ClockReading) => overviewText(store.getState(), sampled, clock),
    [store, sampled],
  );
  useTickProbe(probe, { now, dataNow });
  if (height <= 0) return null;
  const data = { finished, upload, usage, summary, thresholds, connection };
  const lines = overviewLines(data, width, Date.now()).slice(0, Math.max(0, height - 1));
  const tone = (line: Line) =>
    line.tone === 'failed'
      ? theme.failed
      : line.tone === 'waiting'
        ? theme.waiting
        : line.tone === 'ok'
          ? theme.ok
          : undefined;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold color={theme.accent} wrap="truncate">
        {cell('Overview — throughput, stuck work, usage, rate limit   (o hides)', width)}
      </Text>
      {lines.map((line) => (
        <Text key={line.label} wrap="truncate">
          <Text color={theme.muted}>{`${cell(line.label, LABEL_WIDTH - 1)} `}</Text>
          <Text color={tone(line)}>{cell(line.text, Math.max(0, width - LABEL_WIDTH))}</Text>
        </Text>
      ))}
    </Box>
  );
});
