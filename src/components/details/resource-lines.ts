import type { AnalyzeTask, Asset, EmbedTask, EmbedV2Task, IndexedAsset, Task } from '../../api/types.js';
import { errorReason } from '../columns.js';
import { formatBytes, formatDuration, formatPast } from '../format.js';
import { sanitize, sanitizeLines } from '../sanitize.js';
import { statusLook } from '../status.js';
import { type DetailLine, field, section } from './DetailLines.js';
import { webhookLines } from './webhook-lines.js';

/**
 * What the detail pane of each resource shows, as lines. Full ids (copyable), every time
 * both absolute and relative, and the failure reason of a failed item first.
 */

function status(value: string | undefined): DetailLine[] {
  const look = statusLook(sanitize(value));
  return field('status', `${look.symbol} ${look.word}`, look.tone);
}

function time(label: string, value: string | null | undefined, now: number): DetailLine[] {
  if (!value) return [];
  return field(label, `${sanitize(value)}  (${formatPast(value, now)})`);
}

function seconds(value: number | undefined | null): string | undefined {
  return value === undefined || value === null ? undefined : formatDuration(value * 1000);
}

function failure(message: string): DetailLine[] {
  return message ? [{ label: 'error', value: `✗ ${message}`, tone: 'failed' }] : [];
}

/** Flattens a JSON-like object into "key  value" lines (nested keys joined with dots). */
function flatten(prefix: string, value: unknown, depth = 0): DetailLine[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object' || depth > 2) {
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    return field(prefix, sanitize(text).slice(0, 500));
  }
  if (Array.isArray(value)) return field(prefix, `${value.length} item${value.length === 1 ? '' : 's'}`);
  return Object.entries(value).flatMap(([key, inner]) =>
    flatten(prefix ? `${prefix}.${key}` : key, inner, depth + 1),
  );
}

export function assetLines(asset: Asset, now: number): DetailLine[] {
  return [
    section('Asset'),
    ...field('id', sanitize(asset._id)),
    ...status(asset.status),
    ...failure(sanitize(asset.error?.message)),
    ...field('file', sanitize(asset.filename)),
    ...field('type', sanitize(asset.file_type)),
    ...field('method', sanitize(asset.method)),
    ...field(
      'size',
      asset.size === undefined ? undefined : `${formatBytes(asset.size)} (${asset.size} bytes)`,
    ),
    ...field('duration', seconds(asset.duration)),
    ...time('created', asset.created_at, now),
    ...field('hls', sanitize(asset.hls?.status)),
    ...field('thumbnail', sanitize(asset.thumbnail?.status)),
    ...(asset.user_metadata ? [section('User metadata'), ...flatten('', asset.user_metadata)] : []),
    ...(asset.technical_metadata
      ? [section('Technical metadata'), ...flatten('', asset.technical_metadata)]
      : []),
  ];
}

export function taskLines(task: Task, now: number): DetailLine[] {
  const meta = task.system_metadata;
  return [
    section('Video indexing task'),
    ...field('id', sanitize(task._id)),
    ...status(task.status),
    ...failure(errorReason(task.error_reason)),
    ...field('video id', sanitize(task.video_id)),
    ...field('index id', sanitize(task.index_id)),
    ...field('file', sanitize(meta?.filename)),
    ...field('duration', seconds(meta?.duration)),
    ...field('resolution', meta?.width && meta.height ? `${meta.width}x${meta.height}` : undefined),
    ...time('created', task.created_at, now),
    ...time('updated', task.updated_at, now),
    ...field('hls', sanitize(task.hls?.status)),
  ];
}

export function indexedAssetLines(item: IndexedAsset, now: number): DetailLine[] {
  const meta = item.system_metadata;
  return [
    section('Indexed asset'),
    ...field('id', sanitize(item._id)),
    ...status(item.status),
    ...failure(errorReason(item.error_reason)),
    ...field('asset id', sanitize(item.asset_id)),
    ...field('index id', sanitize(item.index_id)),
    ...field('file', sanitize(meta?.filename)),
    ...field('duration', seconds(meta?.duration)),
    ...field('size', meta?.size === undefined ? undefined : formatBytes(meta.size)),
    ...field('resolution', meta?.width && meta.height ? `${meta.width}x${meta.height}` : undefined),
    ...time('created', item.created_at, now),
    ...time('updated', item.updated_at, now),
    ...time('indexed', item.indexed_at, now),
    ...(item.user_metadata ? [section('User metadata'), ...flatten('', item.user_metadata)] : []),
  ];
}

export function embedV1Lines(task: EmbedTask, now: number): DetailLine[] {
  return [
    section('Embedding task (v1)'),
    ...field('id', sanitize(task._id)),
    ...status(task.status),
    ...field('model', sanitize(task.model_name)),
    ...time('created', task.created_at, now),
    ...time('updated', task.updated_at, now),
    ...field('segments', task.video_embedding?.segments?.length),
    ...(task.video_embedding?.metadata
      ? [section('Video embedding metadata'), ...flatten('', task.video_embedding.metadata)]
      : []),
    ...(task.audio_embedding?.metadata
      ? [section('Audio embedding metadata'), ...flatten('', task.audio_embedding.metadata)]
      : []),
  ];
}

export function embedV2Lines(task: EmbedV2Task, now: number): DetailLine[] {
  return [
    section('Embedding task (v2)'),
    ...field('id', sanitize(task._id)),
    ...status(task.status),
    ...failure(sanitize(task.error?.message)),
    ...field('custom id', sanitize(task.custom_id)),
    ...field('embeddings', task.data ? task.data.length : undefined),
    ...time('created', task.created_at, now),
    ...time('updated', task.updated_at, now),
    ...(task.metadata ? [section('Metadata'), ...flatten('', task.metadata)] : []),
  ];
}

export function analyzeLines(task: AnalyzeTask, now: number): DetailLine[] {
  const source = task.video_source;
  const result = task.result;
  const usage = result?.usage;
  return [
    section('Analysis'),
    ...field('id', sanitize(task.task_id)),
    ...status(task.status),
    ...failure(sanitize(task.error?.message)),
    ...field('custom id', sanitize(task.custom_id)),
    ...field('source', sanitize(source?.type)),
    ...field('asset id', sanitize(source?.asset_id)),
    ...field('video id', sanitize(source?.video_id)),
    ...field('index id', sanitize(source?.index_id)),
    ...field('url', sanitize(source?.url)),
    ...time('created', task.created_at, now),
    ...time('completed', task.completed_at, now),
    ...field(
      'finish reason',
      sanitize(result?.finish_reason),
      result?.finish_reason === 'length' ? 'waiting' : undefined,
    ),
    ...field(
      'usage',
      usage
        ? `${usage.input_tokens === undefined ? '' : `${usage.input_tokens} in, `}${usage.output_tokens} out tokens`
        : undefined,
    ),
    ...webhookLines(task.webhooks),
    ...(task.request_params ? [section('Request'), ...flatten('', task.request_params)] : []),
    ...(result
      ? [section('Result'), ...sanitizeLines(result.data).map((line) => ({ value: line, wrap: true }))]
      : []),
  ];
}
