/**
 * The columns `:export` writes per table: what the table shows, with full ids, raw numbers
 * (bytes, seconds) and ISO-8601 timestamps instead of the screen's short forms.
 */
import type { AnalyzeTask, Asset, EmbedTask, EmbedV2Task, IndexedAsset, Task } from '../api/types.js';
import type { EntityOf, LogEvent, TableId, UploadRow } from './types.js';

export type Cell = string | number | boolean | null;

export interface ExportColumn<Row> {
  name: string;
  value(row: Row): Cell;
}

type Columns<Row> = readonly ExportColumn<Row>[];

const column = <Row>(name: string, value: (row: Row) => Cell | undefined): ExportColumn<Row> => ({
  name,
  value: (row) => value(row) ?? null,
});

/** "code: message" of a failure, whichever shape the API used. */
function reasonText(reason: { code?: string; message?: string } | string | undefined): string | null {
  if (reason === undefined) return null;
  if (typeof reason === 'string') return reason;
  return [reason.code, reason.message].filter(Boolean).join(': ') || null;
}

const UPLOADS: Columns<UploadRow> = [
  column('id', (row) => row.local?.uploadId ?? row.session?.upload_id ?? row.id),
  column('status', (row) => row.local?.phase ?? row.session?.status ?? 'unknown'),
  column('file', (row) => row.local?.fileName),
  column('path', (row) => row.local?.filePath),
  column('size_bytes', (row) => row.local?.size ?? row.session?.total_size),
  column('bytes_confirmed', (row) => row.local?.bytesConfirmed ?? row.remote?.uploadedSize),
  column('chunks_total', (row) => row.local?.totalChunks ?? row.session?.total_chunks),
  column('asset_id', (row) => row.local?.assetId),
  column('created_at', (row) =>
    row.local ? new Date(row.local.startedAt).toISOString() : row.session?.created_at,
  ),
];

const ASSETS: Columns<Asset> = [
  column('id', (asset) => asset._id),
  column('status', (asset) => asset.status),
  column('filename', (asset) => asset.filename),
  column('method', (asset) => asset.method),
  column('size_bytes', (asset) => asset.size),
  column('duration_s', (asset) => asset.duration),
  column('error', (asset) => asset.error?.message),
  column('created_at', (asset) => asset.created_at),
];

const TASKS: Columns<Task> = [
  column('id', (task) => task._id),
  column('status', (task) => task.status),
  column('filename', (task) => task.system_metadata?.filename),
  column('video_id', (task) => task.video_id),
  column('index_id', (task) => task.index_id),
  column('duration_s', (task) => task.system_metadata?.duration),
  column('error', (task) => reasonText(task.error_reason)),
  column('updated_at', (task) => task.updated_at),
  column('created_at', (task) => task.created_at),
];

const INDEXED_ASSETS: Columns<IndexedAsset> = [
  column('id', (item) => item._id),
  column('status', (item) => item.status),
  column('filename', (item) => item.system_metadata?.filename),
  column('asset_id', (item) => item.asset_id),
  column('index_id', (item) => item.index_id),
  column('duration_s', (item) => item.system_metadata?.duration),
  column('error', (item) => reasonText(item.error_reason)),
  column('updated_at', (item) => item.updated_at),
  column('created_at', (item) => item.created_at),
];

const EMBED_V2: Columns<EmbedV2Task> = [
  column('id', (task) => task._id),
  column('status', (task) => task.status),
  column('custom_id', (task) => task.custom_id),
  column('model_name', (task) => task.model_name),
  column('items', (task) => task.data?.length),
  column('error', (task) => task.error?.message),
  column('updated_at', (task) => task.updated_at),
  column('created_at', (task) => task.created_at),
];

const EMBED_V1: Columns<EmbedTask> = [
  column('id', (task) => task._id),
  column('status', (task) => task.status),
  column('model_name', (task) => task.model_name),
  column('updated_at', (task) => task.updated_at),
  column('created_at', (task) => task.created_at),
];

const ANALYZE: Columns<AnalyzeTask> = [
  column('id', (task) => task.task_id),
  column('status', (task) => task.status),
  column('custom_id', (task) => task.custom_id),
  column('source_type', (task) => task.video_source?.type),
  column(
    'source',
    (task) => task.video_source?.asset_id ?? task.video_source?.video_id ?? task.video_source?.url,
  ),
  column('finish_reason', (task) => task.result?.finish_reason),
  column('output_tokens', (task) => task.result?.usage.output_tokens),
  column('error', (task) => task.error?.message),
  column('completed_at', (task) => task.completed_at),
  column('created_at', (task) => task.created_at),
];

const EVENTS: Columns<LogEvent> = [
  column('id', (event) => event.id),
  column('time', (event) => new Date(event.at).toISOString()),
  column('level', (event) => event.level),
  column('source', (event) => event.source),
  column('message', (event) => event.message),
];

type RowOf = EntityOf & { events: LogEvent };
export type ExportableTable = keyof RowOf;

export function isExportable(table: TableId): table is ExportableTable {
  return table in EXPORT_COLUMNS;
}

export const EXPORT_COLUMNS: { readonly [T in ExportableTable]: Columns<RowOf[T]> } = {
  uploads: UPLOADS,
  assets: ASSETS,
  tasks: TASKS,
  indexedAssets: INDEXED_ASSETS,
  embedV2: EMBED_V2,
  embedV1: EMBED_V1,
  analyze: ANALYZE,
  events: EVENTS,
};
