import { Box, Text } from 'ink';
import { memo, useMemo } from 'react';
import type { UploadRow } from '../../store/types.js';
import { TERMINAL_PHASES, type UploadSnapshot } from '../../upload/types.js';
import { ChunkMap } from '../ChunkMap.js';
import { cell, formatBytes, formatDuration, formatRate, formatRelative, percent } from '../format.js';
import { ProgressBar, progressBarText } from '../ProgressBar.js';
import { sanitize } from '../sanitize.js';
import { statusLook } from '../status.js';
import { useTheme } from '../theme.js';
import { type DetailLine, DetailLines, field, LABEL_WIDTH, section } from './DetailLines.js';

export interface UploadDetailProps {
  row: UploadRow;
  width: number;
  height: number;
  scroll: number;
  now: number;
}

function expiry(value: string | undefined, now: number): string | undefined {
  if (!value) return undefined;
  const left = Date.parse(value) - now;
  return `${sanitize(value)}  (${left > 0 ? `in ${formatDuration(left)}` : 'expired'})`;
}

/** Facts about the upload that are not progress bars: ids, file, expiry, counters, problems. */
/** "1 chunk", "40 chunks", "? chunks" (not known before the session exists: the engine has 0). */
function chunkCount(count: number | undefined): string {
  return `${count || '?'} ${count === 1 ? 'chunk' : 'chunks'}`;
}

function chunkSizeText(bytes: number | undefined): string {
  return bytes ? formatBytes(bytes) : '?';
}

function summaryLines(row: UploadRow, now: number): DetailLine[] {
  const local = row.local;
  const session = row.session;
  const look = statusLook(local?.phase ?? session?.status);
  return [
    ...field(
      'status',
      `${look.symbol} ${look.word}${local?.stalled ? '  (stalled)' : ''}${local?.offline ? '  (storage unreachable, probing)' : ''}`,
      look.tone,
    ),
    ...field('file', sanitize(local?.filePath)),
    ...field('upload id', sanitize(local?.uploadId ?? session?.upload_id ?? row.id)),
    ...field('asset id', sanitize(local?.assetId)),
    ...field(
      'asset',
      local?.assetStatus
        ? `${sanitize(local.assetStatus)}${local.indexId ? `, index ${sanitize(local.indexId)}: ${sanitize(local.indexedAssetStatus ?? 'waiting')}` : ''}`
        : undefined,
    ),
    ...field(
      'size',
      `${formatBytes(local?.size ?? session?.total_size)} in ${chunkCount(local?.totalChunks ?? session?.total_chunks)} of ${chunkSizeText(local?.chunkSize || session?.chunk_size)}`,
    ),
    ...field('session expires', expiry(local?.sessionExpiresAt ?? session?.expires_at, now)),
    ...field('URLs expire', expiry(local?.urlExpiresAt, now)),
    ...field('started', local ? formatRelative(local.startedAt, Date.now()) : sanitize(session?.created_at)),
    ...field(
      'concurrency',
      local
        ? `${local.concurrency}/${local.maxConcurrency}  retries ${local.counters.retries}  throttled ${local.counters.throttles}  URL refreshes ${local.counters.urlRefreshes}  tail duplicates ${local.counters.tailDuplicates}`
        : undefined,
    ),
    ...field('notice', sanitize(local?.notice)),
    ...(local?.lastError ? lastErrorLine(local) : []),
    ...(local
      ? []
      : [{ value: 'started outside this dashboard: progress is known only to the process that runs it' }]),
  ];
}

/**
 * The engine's last error, as what it means now: history once the upload is done, being retried
 * while it runs with no chunk given up, a failure otherwise.
 */
function lastErrorLine(local: UploadSnapshot): DetailLine[] {
  const text = sanitize(local.lastError);
  if (local.phase === 'done') return [{ label: 'recovered', value: `↻ ${text}`, tone: 'muted' }];
  if (local.phase !== 'paused' && !TERMINAL_PHASES.has(local.phase) && local.failedChunks.length === 0) {
    return [{ label: 'retrying', value: `↻ ${text}`, tone: 'waiting' }];
  }
  return [{ label: 'last error', value: `✗ ${text}`, tone: 'failed' }];
}

function chunkLines(row: UploadRow, barWidth: number): DetailLine[] {
  const local = row.local;
  if (!local) return [];
  const lines: DetailLine[] = [];
  // failures first: they need the operator, chunks in flight do not
  if (local.failedChunks.length > 0) {
    lines.push(section(`Failed chunks (${local.failedChunks.length}) — r retries them`));
    for (const chunk of local.failedChunks) {
      lines.push({
        label: `chunk ${chunk.index}`,
        value: `✗ ${sanitize(chunk.error)}${/attempt/.test(chunk.error) ? '' : ` (${chunk.attempts} attempts)`}`,
        tone: 'failed',
      });
    }
  }
  if (local.inFlight.length > 0) {
    lines.push(section(`In flight (${local.inFlight.length})`));
    for (const chunk of local.inFlight) {
      const size = Math.min(local.chunkSize, local.size - (chunk.index - 1) * local.chunkSize) || 1;
      lines.push({
        label: `chunk ${chunk.index}${chunk.attempt > 1 ? ` #${chunk.attempt}` : ''}`,
        value: `${progressBarText(chunk.bytesSent / size, barWidth)}  ${formatBytes(chunk.bytesSent)}/${formatBytes(size)}`,
        tone: 'running',
      });
    }
  }
  return lines;
}

/**
 * The upload detail's text at a clock reading (the minute tick's probe): an upload running here
 * shows times on this machine's clock throughout (a new reading each tick), else the summary's
 * expiry times read at the server's clock.
 */
export function uploadDetailText(row: UploadRow, clock: { now: number; dataNow: number }): string {
  if (row.local) return String(clock.now);
  return JSON.stringify(summaryLines(row, clock.dataNow));
}

/**
 * Upload detail: summary, bytes sent vs confirmed with speed and ETA, the chunk map
 * (scaled to the space left), then the chunks in flight and the failed ones (scrollable).
 */
export const UploadDetail = memo(function UploadDetail({
  row,
  width,
  height,
  scroll,
  now,
}: UploadDetailProps) {
  const theme = useTheme();
  const local = row.local;
  const summary = useMemo(() => summaryLines(row, now), [row, now]);
  const barWidth = Math.max(10, Math.min(40, width - LABEL_WIDTH - 30));
  const chunks = useMemo(() => chunkLines(row, barWidth), [row, barWidth]);
  const size = local?.size ?? 0;
  const progressRows = local ? 3 : 0;
  // the chunk map gets up to a third of the pane, at least 2 rows (+1 legend)
  const mapRows = local && local.chunks.length > 0 ? Math.max(2, Math.floor(height / 3)) : 0;
  // the summary yields rows to the chunk list (failed chunks first) when both do not fit
  const listWanted = Math.min(chunks.length, 6);
  const summaryRows = Math.min(
    summary.length,
    Math.max(3, height - progressRows - (mapRows ? mapRows + 1 : 0) - listWanted),
  );
  const listRows = Math.max(0, height - summaryRows - progressRows - (mapRows ? mapRows + 1 : 0));
  const sent = local
    ? `${formatBytes(local.bytesSent)} of ${formatBytes(size)} (${percent(local.bytesSent, size).toFixed(1)}%)`
    : '';
  const confirmed = local
    ? `${formatBytes(local.bytesConfirmed)} (${percent(local.bytesConfirmed, size).toFixed(1)}%)`
    : '';
  const eta = local?.etaSeconds === undefined ? '–' : formatDuration(local.etaSeconds * 1000);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <DetailLines lines={summary} width={width} height={summaryRows} scroll={0} scrollable={false} />
      {local ? (
        <Box flexDirection="column" height={progressRows}>
          <Text wrap="truncate">
            <Text color={theme.muted}>{cell('sent', LABEL_WIDTH)}</Text>
            <ProgressBar ratio={size ? local.bytesSent / size : 0} width={barWidth} />
            {`  ${sent}`}
          </Text>
          <Text wrap="truncate">
            <Text color={theme.muted}>{cell('confirmed', LABEL_WIDTH)}</Text>
            <ProgressBar ratio={size ? local.bytesConfirmed / size : 0} width={barWidth} tone="ok" />
            {`  ${confirmed}`}
          </Text>
          <Text wrap="truncate">
            <Text color={theme.muted}>{cell('speed', LABEL_WIDTH)}</Text>
            {`${formatRate(local.speed)}   ETA ${eta}`}
          </Text>
        </Box>
      ) : null}
      {mapRows > 0 && local ? <ChunkMap chunks={local.chunks} width={width} maxRows={mapRows} /> : null}
      <DetailLines lines={chunks} width={width} height={listRows} scroll={scroll} />
    </Box>
  );
});
