import type { EmbedStatus } from '../../api/types.js';
import { iso } from '../clock.js';
import { EmulatorError, envelopeNotFound, invalid, notFound } from '../errors.js';
import { isId, newId } from '../ids.js';
import { BodyFields, pathId, queryChoice, queryList, queryTime } from '../input.js';
import { pageRequest, paginate } from '../pagination.js';
import type { Route } from '../router.js';
import { DURATIONS, type EmbedTaskRecord, type EmulatorState, newestFirst } from '../state.js';
import { Timeline } from '../timeline.js';
import { findAsset } from './assets.js';

const EMBED_STATUSES = ['processing', 'ready', 'failed'] as const;
const DIMENSIONS = 512;
const WEEK_MS = 7 * 86_400_000;

export function addEmbedTask(
  state: EmulatorState,
  fields: Omit<EmbedTaskRecord, 'id' | 'timeline'> & { processingMs?: number },
): EmbedTaskRecord {
  const final: EmbedStatus = fields.failureMessage ? 'failed' : 'ready';
  const task: EmbedTaskRecord = {
    ...fields,
    id: newId(),
    timeline: Timeline.of<EmbedStatus>(fields.createdAt, 'processing', [
      final,
      (fields.processingMs ?? DURATIONS.embed) + state.heldMs(),
    ]),
  };
  state.embedTasks.set(task.id, task);
  return task;
}

/** A deterministic unit-ish vector per task, segment and option (stands in for Marengo output). */
function vector(seed: string): number[] {
  let hash = 2166136261;
  for (const char of seed) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  const values: number[] = [];
  for (let i = 0; i < DIMENSIONS; i += 1) {
    hash = Math.imul(hash ^ (hash >>> 15), 2246822507) ^ i;
    values.push(Math.round(((hash >>> 0) / 2 ** 32 - 0.5) * 2e5) / 1e5);
  }
  return values;
}

function segments(task: EmbedTaskRecord) {
  const clips: { start: number; end: number; scope: 'clip' | 'asset' }[] = [];
  if (task.scopes.includes('clip')) {
    for (let start = 0; start < task.duration; start += task.clipLength) {
      clips.push({ start, end: Math.min(task.duration, start + task.clipLength), scope: 'clip' });
    }
  }
  if (task.scopes.includes('asset') || task.scopes.includes('video')) {
    clips.push({ start: 0, end: task.duration, scope: 'asset' });
  }
  return task.options.flatMap((option) => clips.map((clip) => ({ ...clip, option })));
}

function v1Metadata(task: EmbedTaskRecord) {
  return {
    input_url: task.source.url,
    input_filename: task.source.filename,
    video_clip_length: task.clipLength,
    video_embedding_scope: task.scopes.map((scope) => (scope === 'asset' ? 'video' : scope)),
    duration: task.duration,
  };
}

/** `MediaEmbeddingTask`, the list item shape of both `/embed/tasks` and `/embed-v2/tasks`. */
function listItemJson(task: EmbedTaskRecord, now: number) {
  const common = {
    _id: task.id,
    model_name: task.modelName,
    status: task.timeline.status(now),
    created_at: iso(task.createdAt),
    updated_at: iso(task.timeline.changedAt(now)),
  };
  if (task.inputType === 'video') return { ...common, video_embedding: { metadata: v1Metadata(task) } };
  return {
    ...common,
    audio_embedding: {
      metadata: {
        input_url: task.source.url,
        input_filename: task.source.filename,
        audio_embedding_options: task.options,
        audio_embedding_scopes: task.scopes,
        duration: task.duration,
        start_offset_sec: 0,
        end_offset_sec: task.duration,
      },
    },
  };
}

function v1Json(task: EmbedTaskRecord, now: number, options: string[]) {
  const status = task.timeline.status(now);
  const chosen =
    options.length === 0 ? task.options : task.options.filter((option) => options.includes(option));
  return {
    _id: task.id,
    model_name: task.modelName,
    status,
    created_at: iso(task.createdAt),
    updated_at: iso(task.timeline.changedAt(now)),
    video_embedding: {
      metadata: v1Metadata(task),
      segments:
        status === 'ready'
          ? segments({ ...task, options: chosen }).map((segment) => ({
              float: vector(`${task.id}:${segment.option}:${segment.scope}:${segment.start}`),
              start_offset_sec: segment.start,
              end_offset_sec: segment.end,
              embedding_option: segment.option,
              embedding_scope: segment.scope === 'asset' ? 'video' : 'clip',
            }))
          : undefined,
    },
  };
}

function v2Json(task: EmbedTaskRecord, now: number) {
  const status = task.timeline.status(now);
  return {
    _id: task.id,
    status,
    created_at: iso(task.createdAt),
    updated_at: iso(task.timeline.changedAt(now)),
    data:
      status === 'ready'
        ? segments(task).map((segment) => ({
            embedding: vector(`${task.id}:${segment.option}:${segment.scope}:${segment.start}`),
            embedding_option: segment.option,
            embedding_scope: segment.scope,
            start_sec: segment.start,
            end_sec: segment.end,
          }))
        : null,
    metadata: {
      input_type: task.inputType,
      input_url: task.source.url,
      input_filename: task.source.filename,
      embedding_options: task.options,
      embedding_scopes: task.scopes,
      duration: task.duration,
      start_offset_sec: 0,
      end_offset_sec: task.duration,
      clip_length: task.inputType === 'video' ? task.clipLength : undefined,
    },
    error: status === 'failed' ? { message: task.failureMessage ?? 'The embedding task failed.' } : undefined,
  };
}

function listed(state: EmulatorState, version: 'v1' | 'v2', query: URLSearchParams, now: number) {
  const status = queryChoice(query, 'status', EMBED_STATUSES);
  const startedAt = queryTime(query, 'started_at');
  const endedAt = queryTime(query, 'ended_at');
  const from = startedAt ?? (endedAt === undefined ? now - WEEK_MS : Number.NEGATIVE_INFINITY);
  const to = endedAt ?? Number.POSITIVE_INFINITY;
  return newestFirst(state.embedTasks.values()).filter(
    (task) =>
      task.version === version &&
      task.createdAt >= from &&
      task.createdAt <= to &&
      (!status || task.timeline.status(now) === status),
  );
}

function findV1(state: EmulatorState, id: string): EmbedTaskRecord {
  const task = state.embedTasks.get(pathId(id, 'task_id'));
  if (task?.version !== 'v1') throw notFound(id, 'embedding tasks');
  return task;
}

function findV2(state: EmulatorState, id: string): EmbedTaskRecord {
  const task = isId(id) ? state.embedTasks.get(id) : undefined;
  if (task?.version !== 'v2') throw envelopeNotFound('Task');
  return task;
}

export const EMBED_V2_FAILURES = [
  'The embedding service is temporarily unstable. Please try again later.',
  'The embedding task failed. Please try again.',
  'We could not process your media. Make sure it is a supported, playable file.',
];

function createV2(state: EmulatorState, body: unknown): EmbedTaskRecord {
  const fields = new BodyFields(body);
  const inputType = fields.oneOf('input_type', ['video', 'audio'] as const, { required: true });
  const modelName = fields.oneOf('model_name', ['marengo3.0', 'marengo3.5'] as const, { required: true });
  const input = new BodyFields(fields.object(inputType) ?? missingObject(inputType));
  const media = new BodyFields(input.object('media_source') ?? missingObject(`${inputType}.media_source`));
  const url = media.string('url');
  const assetId = media.string('asset_id');
  const base64 = media.string('base64_string');
  if ([url, assetId, base64].filter((value) => value !== undefined).length !== 1) {
    throw invalid(`${inputType}.media_source`, 'Give exactly one of url, asset_id or base64_string.');
  }
  let duration = 120;
  let filename: string | undefined;
  if (assetId !== undefined) {
    const asset = findAsset(state, assetId, `${inputType}.media_source.asset_id`);
    if (asset.timeline.status(state.now()) !== 'ready') {
      throw invalid(`${inputType}.media_source.asset_id`, `The asset ${asset.id} is not ready.`);
    }
    duration = asset.duration ?? duration;
    filename = asset.filename;
  }
  const defaults = inputType === 'video' ? ['visual', 'audio'] : ['audio'];
  const options = (input.array('embedding_option') ?? defaults).map(String);
  const scopes = (input.array('embedding_scope') ?? ['clip', 'asset']).map(String);
  const segmentation = input.object('segmentation');
  const fixed =
    segmentation && typeof segmentation.fixed === 'object'
      ? (segmentation.fixed as Record<string, unknown>)
      : {};
  const clipLength =
    typeof fixed.duration_sec === 'number' && fixed.duration_sec > 0 ? fixed.duration_sec : 6;
  return addEmbedTask(state, {
    version: 'v2',
    modelName,
    inputType,
    createdAt: state.now(),
    source: { url, filename, assetId },
    duration,
    clipLength,
    options,
    scopes,
  });
}

function missingObject(name: string): never {
  throw new EmulatorError(400, 'parameter_not_provided', `The ${name} parameter is required.`);
}

export function embedRoutes(state: EmulatorState): Route[] {
  return [
    {
      method: 'GET',
      path: '/embed/tasks',
      scope: 'api',
      errors: 'classic',
      handler: ({ query }) => {
        const request = pageRequest(query);
        const now = state.now();
        const page = paginate(listed(state, 'v1', query, now), request);
        return {
          status: 200,
          body: { data: page.items.map((task) => listItemJson(task, now)), page_info: page.page_info },
        };
      },
    },
    {
      method: 'GET',
      path: '/embed/tasks/{task_id}/status',
      scope: 'api',
      errors: 'classic',
      handler: ({ params }) => {
        const task = findV1(state, params.task_id!);
        const now = state.now();
        return {
          status: 200,
          body: {
            _id: task.id,
            model_name: task.modelName,
            status: task.timeline.status(now),
            video_embedding: { metadata: v1Metadata(task) },
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/embed/tasks/{task_id}',
      scope: 'api',
      errors: 'classic',
      handler: ({ params, query }) => {
        const task = findV1(state, params.task_id!);
        const options = queryList(query, 'embedding_option', [
          'visual',
          'audio',
          'transcription',
          'visual-text',
        ] as const);
        return { status: 200, body: v1Json(task, state.now(), options) };
      },
    },
    {
      method: 'POST',
      path: '/embed-v2/tasks',
      scope: 'api',
      errors: 'envelope',
      handler: async ({ json }) => {
        const task = createV2(state, await json());
        return {
          status: 202,
          headers: { Location: `${state.origin}/v1.3/embed-v2/tasks/${task.id}` },
          body: { _id: task.id, status: 'processing', data: null },
        };
      },
    },
    {
      method: 'GET',
      path: '/embed-v2/tasks',
      scope: 'api',
      errors: 'classic',
      handler: ({ query }) => {
        const request = pageRequest(query);
        const now = state.now();
        const page = paginate(listed(state, 'v2', query, now), request);
        return {
          status: 200,
          body: { data: page.items.map((task) => listItemJson(task, now)), page_info: page.page_info },
        };
      },
    },
    {
      method: 'GET',
      path: '/embed-v2/tasks/{task_id}',
      scope: 'api',
      errors: 'envelope',
      handler: ({ params }) => ({ status: 200, body: v2Json(findV2(state, params.task_id!), state.now()) }),
    },
  ];
}
