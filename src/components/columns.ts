import { withErrorHelp } from '../api/error-help.js';
import type { AnalyzeTask, Asset, EmbedTask, EmbedV2Task, IndexedAsset, Task } from '../api/types.js';
import { formatStuckFlag, type StuckRule, type StuckTable, stuckFlag } from '../store/stuck.js';
import type { EntityOf, LogEvent, UploadRow } from '../store/types.js';
import { formatBytes, formatDuration, formatPast, formatRate, formatRelative, shortId } from './format.js';
import { progressBarText } from './ProgressBar.js';
import { sanitize } from './sanitize.js';
import { statusLook } from './status.js';
import type { Column } from './Table.js';

/**
 * Per-resource row renderers for the one generic Table. Every text that came from the
 * server goes through sanitize() here, before it can reach the terminal.
 */

export function statusColumn<Row>(statusOf: (row: Row) => string | undefined): Column<Row> {
  return {
    key: 'status',
    title: 'Status',
    width: 13,
    text: (row) => {
      const look = statusLook(sanitize(statusOf(row)));
      return `${look.symbol} ${look.word}`;
    },
    tone: (row) => statusLook(sanitize(statusOf(row))).tone,
  };
}

export function idColumn<Row>(idOf: (row: Row) => string | undefined, title = 'Id'): Column<Row> {
  return { key: 'id', title, width: 9, text: (row) => shortId(sanitize(idOf(row))) };
}

export function timeColumn<Row>(
  key: string,
  title: string,
  timeOf: (row: Row) => string | null | undefined,
  dropOrder?: number,
): Column<Row> {
  return {
    key,
    title,
    width: 9,
    align: 'right',
    dropOrder,
    text: (row, now) => formatPast(timeOf(row), now),
  };
}

function seconds(value: number | undefined | null): string {
  return value === undefined || value === null ? '' : formatDuration(value * 1000);
}

/** The error line of a failed item, whichever shape the API used. */
export function errorReason(reason: { code?: string; message?: string } | string | undefined): string {
  if (reason === undefined) return '';
  if (typeof reason === 'string') return sanitize(reason);
  return sanitize([reason.code, reason.message].filter(Boolean).join(': '));
}

export const ASSET_COLUMNS: readonly Column<Asset>[] = [
  statusColumn((asset) => asset.status),
  idColumn((asset) => asset._id),
  {
    key: 'filename',
    sortKey: 'name',
    title: 'File',
    width: 16,
    flex: true,
    text: (asset) => sanitize(asset.filename),
  },
  { key: 'method', title: 'Method', width: 9, dropOrder: 3, text: (asset) => sanitize(asset.method) },
  {
    key: 'size',
    title: 'Size',
    width: 9,
    align: 'right',
    dropOrder: 2,
    text: (asset) => (asset.size === undefined ? '' : formatBytes(asset.size)),
  },
  {
    key: 'duration',
    title: 'Length',
    width: 8,
    align: 'right',
    dropOrder: 4,
    text: (a) => seconds(a.duration),
  },
  timeColumn('created_at', 'Created', (asset) => asset.created_at, 1),
];

export const TASK_COLUMNS: readonly Column<Task>[] = [
  statusColumn((task) => task.status),
  idColumn((task) => task._id),
  {
    key: 'filename',
    sortKey: 'name',
    title: 'File',
    width: 16,
    flex: true,
    text: (task) => sanitize(task.system_metadata?.filename),
  },
  { key: 'video', title: 'Video', width: 9, dropOrder: 3, text: (task) => shortId(sanitize(task.video_id)) },
  {
    key: 'duration',
    title: 'Length',
    width: 8,
    align: 'right',
    dropOrder: 4,
    text: (task) => seconds(task.system_metadata?.duration),
  },
  timeColumn('updated_at', 'Updated', (task) => task.updated_at, 2),
  timeColumn('created_at', 'Created', (task) => task.created_at, 1),
];

export const INDEXED_ASSET_COLUMNS: readonly Column<IndexedAsset>[] = [
  statusColumn((item) => item.status),
  idColumn((item) => item._id),
  {
    key: 'filename',
    sortKey: 'name',
    title: 'File',
    width: 16,
    flex: true,
    text: (item) => sanitize(item.system_metadata?.filename),
  },
  { key: 'asset', title: 'Asset', width: 9, dropOrder: 3, text: (item) => shortId(sanitize(item.asset_id)) },
  {
    key: 'duration',
    title: 'Length',
    width: 8,
    align: 'right',
    dropOrder: 4,
    text: (item) => seconds(item.system_metadata?.duration),
  },
  timeColumn('updated_at', 'Updated', (item) => item.updated_at, 2),
  timeColumn('created_at', 'Created', (item) => item.created_at, 1),
];

export const EMBED_COLUMNS: readonly Column<EmbedTask>[] = [
  statusColumn((task) => task.status),
  idColumn((task) => task._id),
  {
    key: 'model',
    sortKey: 'name',
    title: 'Model',
    width: 16,
    flex: true,
    text: (task) => sanitize(task.model_name),
  },
  timeColumn('updated_at', 'Updated', (task) => task.updated_at, 2),
  timeColumn('created_at', 'Created', (task) => task.created_at, 1),
];

/** What an embed v2 task embeds, as its list item says: the file name or the URL of its media. */
function embedV2Input(task: EmbedV2Task): string {
  const metadata = task.video_embedding?.metadata ?? task.audio_embedding?.metadata;
  const input = metadata?.input_filename ?? metadata?.input_url;
  return typeof input === 'string' ? input : '';
}

export const EMBED_V2_COLUMNS: readonly Column<EmbedV2Task>[] = [
  statusColumn((task) => task.status),
  idColumn((task) => task._id),
  {
    key: 'custom_id',
    sortKey: 'name',
    title: 'Input / error',
    width: 16,
    flex: true,
    text: (task) =>
      sanitize(task.error?.message ? `✗ ${task.error.message}` : (task.custom_id ?? embedV2Input(task))),
  },
  {
    key: 'model',
    title: 'Model',
    width: 11,
    dropOrder: 4,
    text: (task) => sanitize(task.model_name),
  },
  {
    key: 'segments',
    title: 'Items',
    width: 6,
    align: 'right',
    dropOrder: 3,
    text: (task) => (task.data ? String(task.data.length) : ''),
  },
  timeColumn('updated_at', 'Updated', (task) => task.updated_at, 2),
  timeColumn('created_at', 'Created', (task) => task.created_at, 1),
];

function analyzeSource(task: AnalyzeTask): string {
  const source = task.video_source;
  if (!source) return '';
  const id = source.asset_id ?? source.video_id;
  if (id) return `${sanitize(source.type)} ${shortId(sanitize(id))}`;
  return sanitize(source.url ?? source.type);
}

export const ANALYZE_COLUMNS: readonly Column<AnalyzeTask>[] = [
  statusColumn((task) => task.status),
  idColumn((task) => task.task_id),
  { key: 'source', sortKey: 'name', title: 'Source', width: 16, flex: true, text: analyzeSource },
  {
    key: 'finish',
    title: 'Finish',
    width: 7,
    dropOrder: 3,
    text: (task) => sanitize(task.result?.finish_reason ?? (task.error ? 'error' : '')),
  },
  {
    key: 'tokens',
    title: 'Tokens',
    width: 7,
    align: 'right',
    dropOrder: 4,
    text: (task) => (task.result ? String(task.result.usage.output_tokens) : ''),
  },
  timeColumn('completed_at', 'Done', (task) => task.completed_at, 2),
  timeColumn('created_at', 'Created', (task) => task.created_at, 1),
];

function uploadStatus(row: UploadRow): string {
  return row.local?.phase ?? row.session?.status ?? 'unknown';
}

export const UPLOAD_COLUMNS: readonly Column<UploadRow>[] = [
  statusColumn(uploadStatus),
  idColumn((row) => row.local?.uploadId ?? row.session?.upload_id ?? row.id),
  {
    key: 'name',
    sortKey: 'name',
    title: 'File',
    width: 14,
    flex: true,
    text: (row) => sanitize(row.local?.fileName ?? '(started elsewhere)'),
  },
  {
    key: 'progress',
    title: 'Progress',
    width: 16,
    dropOrder: 2,
    text: (row) => {
      const local = row.local;
      if (!local) return '';
      return progressBarText(local.size > 0 ? local.bytesConfirmed / local.size : 0, 16);
    },
    tone: (row) => (row.local?.failedChunks.length ? 'failed' : 'ok'),
  },
  {
    key: 'size',
    title: 'Size',
    width: 9,
    align: 'right',
    dropOrder: 4,
    text: (row) => formatBytes(row.local?.size ?? row.session?.total_size),
  },
  {
    key: 'speed',
    title: 'Speed',
    width: 11,
    align: 'right',
    dropOrder: 3,
    text: (row) => (row.local && row.local.speed > 0 ? formatRate(row.local.speed) : ''),
  },
  {
    key: 'eta',
    title: 'ETA',
    width: 7,
    align: 'right',
    dropOrder: 5,
    text: (row) => (row.local?.etaSeconds === undefined ? '' : formatDuration(row.local.etaSeconds * 1000)),
  },
  {
    key: 'created_at',
    title: 'Started',
    width: 9,
    align: 'right',
    dropOrder: 1,
    // a local upload's start is on this machine's clock, a session's on the server's
    text: (row, now) =>
      row.local ? formatRelative(row.local.startedAt, Date.now()) : formatPast(row.session?.created_at, now),
  },
];

export const EVENT_COLUMNS: readonly Column<LogEvent>[] = [
  {
    key: 'created_at',
    title: 'Time',
    width: 8,
    text: (event) => new Date(event.at).toTimeString().slice(0, 8),
  },
  {
    key: 'level',
    title: 'Level',
    width: 7,
    text: (event) => `${event.level === 'error' ? '✗' : event.level === 'warn' ? '▲' : '·'} ${event.level}`,
    tone: (event) => (event.level === 'error' ? 'failed' : event.level === 'warn' ? 'waiting' : 'muted'),
  },
  { key: 'source', title: 'Source', width: 11, dropOrder: 1, text: (event) => sanitize(event.source) },
  {
    key: 'message',
    title: 'Message',
    width: 20,
    flex: true,
    text: (event) => withErrorHelp(sanitize(event.message)),
  },
];

/** "⚠ stuck 2h" / "◔ slow 40m" for a running item past the table's threshold (src/store/stuck.ts). */
export function stuckColumn<T extends StuckTable>(table: T, rule: StuckRule): Column<EntityOf[T]> {
  return {
    key: 'stuck',
    title: 'Flag',
    width: 11,
    text: (row, now) => {
      const flag = stuckFlag(table, row, rule, now);
      return flag ? formatStuckFlag(flag) : '';
    },
    tone: (row, now) => (stuckFlag(table, row, rule, now)?.level === 'stuck' ? 'failed' : 'waiting'),
  };
}
