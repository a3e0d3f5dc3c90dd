import type { IndexedAssetStatus, TaskStatus } from '../../api/types.js';
import { iso } from '../clock.js';
import { EmulatorError, invalid, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { BodyFields, pathId, queryChoice, queryList } from '../input.js';
import { pageRequest, paginate } from '../pagination.js';
import type { Route } from '../router.js';
import {
  DURATIONS,
  type EmulatorState,
  type IndexedAssetRecord,
  type IndexRecord,
  type VideoMetadata,
} from '../state.js';
import { Timeline } from '../timeline.js';
import { findAsset } from './assets.js';
import { sortByTime } from './tasks.js';

export const INDEXED_ASSET_STATUSES = ['pending', 'queued', 'indexing', 'ready', 'failed'] as const;

function indexJson(state: EmulatorState, index: IndexRecord, now: number) {
  let videoCount = 0;
  let totalDuration = 0;
  for (const item of state.indexedAssets.values()) {
    if (item.indexId === index.id && item.timeline.status(now) === 'ready') {
      videoCount += 1;
      totalDuration += item.video.duration;
    }
  }
  for (const task of state.tasks.values()) {
    if (task.indexId === index.id && !task.mirrorsIndexedAsset && task.timeline.status(now) === 'ready') {
      videoCount += 1;
      totalDuration += task.video.duration;
    }
  }
  return {
    _id: index.id,
    index_name: index.name,
    created_at: iso(index.createdAt),
    updated_at: iso(index.updatedAt),
    expires_at: iso(index.createdAt + 90 * 86_400_000),
    total_duration: Math.round(totalDuration * 100) / 100,
    video_count: videoCount,
    models: index.models,
    addons: index.addons,
  };
}

function indexedAssetJson(item: IndexedAssetRecord, now: number) {
  const status = item.timeline.status(now);
  return {
    _id: item.id,
    asset_id: item.assetId,
    index_id: item.indexId,
    status,
    created_at: iso(item.createdAt),
    updated_at: iso(item.timeline.changedAt(now)),
    indexed_at: status === 'ready' ? iso(item.timeline.changedAt(now)) : undefined,
    system_metadata: { ...item.video },
    user_metadata: item.userMetadata,
    error_reason: status === 'failed' ? item.errorReason : undefined,
  };
}

function findIndex(state: EmulatorState, id: string): IndexRecord {
  const index = state.indexes.get(pathId(id, 'index-id'));
  if (!index) throw notFound(id, 'indexes');
  return index;
}

function findIndexedAsset(state: EmulatorState, index: IndexRecord, id: string): IndexedAssetRecord {
  const item = state.indexedAssets.get(pathId(id, 'indexed-asset-id'));
  if (!item || item.indexId !== index.id) throw notFound(id, 'indexed assets');
  return item;
}

/**
 * Schedules an indexed asset and the `/tasks` entry that mirrors it, so the
 * Indexing view (which lists tasks) sees assets indexed the new way too.
 */
export function addIndexedAsset(
  state: EmulatorState,
  fields: {
    indexId: string;
    assetId: string;
    createdAt: number;
    video: VideoMetadata;
    userMetadata?: Record<string, unknown>;
    outcome?: { code: string; message: string };
  },
): IndexedAssetRecord {
  const { pending, queued, indexing } = DURATIONS.indexedAsset;
  const final: IndexedAssetStatus = fields.outcome ? 'failed' : 'ready';
  const held = state.heldMs();
  const item: IndexedAssetRecord = {
    id: newId(),
    indexId: fields.indexId,
    assetId: fields.assetId,
    createdAt: fields.createdAt,
    video: fields.video,
    userMetadata: fields.userMetadata,
    errorReason: fields.outcome,
    timeline: Timeline.of<IndexedAssetStatus>(
      fields.createdAt,
      'pending',
      ['queued', pending],
      ['indexing', queued + held],
      [final, indexing],
    ),
  };
  state.indexedAssets.set(item.id, item);
  const taskFinal: TaskStatus = final;
  const taskId = newId();
  state.tasks.set(taskId, {
    id: taskId,
    videoId: item.id,
    indexId: item.indexId,
    createdAt: item.createdAt,
    video: item.video,
    errorReason: fields.outcome,
    enableVideoStream: false,
    mirrorsIndexedAsset: true,
    timeline: Timeline.of<TaskStatus>(
      item.createdAt,
      'validating',
      ['pending', pending / 2],
      ['queued', pending / 2],
      ['indexing', queued + held],
      [taskFinal, indexing],
    ),
  });
  return item;
}

const MODEL_NAMES = ['marengo3.0', 'marengo2.7', 'pegasus1.2', 'pegasus1.5'] as const;
const MODEL_OPTIONS = ['visual', 'audio'] as const;

function createIndex(state: EmulatorState, body: unknown): IndexRecord {
  const fields = new BodyFields(body);
  const name = fields.string('index_name', { required: true, maxLength: 255 });
  const models = fields.array('models', { required: true }).map((entry, position) => {
    const model = new BodyFields(entry);
    const modelName = model.oneOf('model_name', MODEL_NAMES, { required: true });
    const options = model.array('model_options', { required: true }).map((option) => {
      if (!(MODEL_OPTIONS as readonly unknown[]).includes(option)) {
        throw invalid(`models[${position}].model_options`, `Use ${MODEL_OPTIONS.join(' and/or ')}.`);
      }
      return option as string;
    });
    if (options.length === 0) throw invalid(`models[${position}].model_options`);
    return { model_name: modelName, model_options: options };
  });
  if (models.length === 0) throw invalid('models', 'Give at least one model.');
  const addons = (fields.array('addons') ?? []).map(String);
  if ([...state.indexes.values()].some((index) => index.name === name)) {
    throw new EmulatorError(400, 'index_name_already_exists', `An index named ${name} already exists.`);
  }
  const now = state.now();
  const index: IndexRecord = { id: newId(), name, createdAt: now, updatedAt: now, models, addons };
  state.indexes.set(index.id, index);
  return index;
}

export function indexRoutes(state: EmulatorState): Route[] {
  return [
    {
      method: 'POST',
      path: '/indexes',
      scope: 'api',
      errors: 'classic',
      handler: async ({ json }) => ({ status: 201, body: { _id: createIndex(state, await json()).id } }),
    },
    {
      method: 'GET',
      path: '/indexes',
      scope: 'api',
      errors: 'classic',
      handler: ({ query }) => {
        const request = pageRequest(query);
        const now = state.now();
        const sortBy = queryChoice(query, 'sort_by', ['created_at', 'updated_at'] as const) ?? 'created_at';
        const order = queryChoice(query, 'sort_option', ['asc', 'desc'] as const) ?? 'desc';
        const name = query.get('index_name')?.toLowerCase();
        const family = queryChoice(query, 'model_family', ['marengo', 'pegasus'] as const);
        const matching = [...state.indexes.values()].filter(
          (index) =>
            (!name || index.name.toLowerCase().includes(name)) &&
            (!family || index.models.some((model) => model.model_name.startsWith(family))),
        );
        sortByTime(matching, sortBy, order, (index) => ({
          created_at: index.createdAt,
          updated_at: index.updatedAt,
        }));
        const page = paginate(matching, request);
        return {
          status: 200,
          body: { data: page.items.map((index) => indexJson(state, index, now)), page_info: page.page_info },
        };
      },
    },
    {
      method: 'GET',
      path: '/indexes/{index-id}',
      scope: 'api',
      errors: 'classic',
      handler: ({ params }) => ({
        status: 200,
        body: indexJson(state, findIndex(state, params['index-id']!), state.now()),
      }),
    },
    {
      method: 'POST',
      path: '/indexes/{index-id}/indexed-assets',
      scope: 'api',
      errors: 'classic',
      handler: async ({ params, json }) => {
        const index = findIndex(state, params['index-id']!);
        const fields = new BodyFields(await json());
        const assetId = fields.string('asset_id', { required: true });
        const userMetadata = fields.object('user_metadata');
        fields.boolean('enable_video_stream');
        const asset = findAsset(state, assetId);
        const now = state.now();
        const status = asset.timeline.status(now);
        if (status !== 'ready') {
          throw invalid('asset_id', `The asset ${asset.id} is ${status}; only ready assets can be indexed.`);
        }
        const item = addIndexedAsset(state, {
          indexId: index.id,
          assetId: asset.id,
          createdAt: now,
          userMetadata,
          video: {
            filename: asset.filename,
            duration: asset.duration ?? 0,
            fps: 29.97,
            width: 1920,
            height: 1080,
            size: asset.size ?? 0,
          },
        });
        return {
          status: 202,
          headers: { Location: `/indexes/${index.id}/indexed-assets/${item.id}` },
          body: { _id: item.id, asset_id: asset.id },
        };
      },
    },
    {
      method: 'GET',
      path: '/indexes/{index-id}/indexed-assets',
      scope: 'api',
      errors: 'classic',
      handler: ({ params, query }) => {
        const index = findIndex(state, params['index-id']!);
        const request = pageRequest(query);
        const now = state.now();
        const statuses = new Set<string>(queryList(query, 'status', INDEXED_ASSET_STATUSES));
        const sortBy = queryChoice(query, 'sort_by', ['created_at', 'updated_at'] as const) ?? 'created_at';
        const order = queryChoice(query, 'sort_option', ['asc', 'desc'] as const) ?? 'desc';
        const filename = query.get('filename')?.toLowerCase();
        const matching = [...state.indexedAssets.values()].filter(
          (item) =>
            item.indexId === index.id &&
            (statuses.size === 0 || statuses.has(item.timeline.status(now))) &&
            (!filename || item.video.filename.toLowerCase().includes(filename)),
        );
        sortByTime(matching, sortBy, order, (item) => ({
          created_at: item.createdAt,
          updated_at: item.timeline.changedAt(now),
        }));
        const page = paginate(matching, request);
        return {
          status: 200,
          body: { data: page.items.map((item) => indexedAssetJson(item, now)), page_info: page.page_info },
        };
      },
    },
    {
      method: 'GET',
      path: '/indexes/{index-id}/indexed-assets/{indexed-asset-id}',
      scope: 'api',
      errors: 'classic',
      handler: ({ params }) => {
        const index = findIndex(state, params['index-id']!);
        const item = findIndexedAsset(state, index, params['indexed-asset-id']!);
        return { status: 200, body: indexedAssetJson(item, state.now()) };
      },
    },
    {
      method: 'DELETE',
      path: '/indexes/{index-id}/indexed-assets/{indexed-asset-id}',
      scope: 'api',
      errors: 'classic',
      handler: ({ params }) => {
        const index = findIndex(state, params['index-id']!);
        const item = findIndexedAsset(state, index, params['indexed-asset-id']!);
        state.indexedAssets.delete(item.id);
        // the /tasks entry that mirrors it goes with it
        for (const [taskId, task] of state.tasks) {
          if (task.mirrorsIndexedAsset && task.videoId === item.id) state.tasks.delete(taskId);
        }
        return { status: 204 };
      },
    },
  ];
}
