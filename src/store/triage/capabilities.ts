/**
 * What retry and delete can honestly mean for each family, from what the API offers.
 * A family without a call says so in one line (`retry` / `delete` is then a string).
 */
import type { CallOptions, TwelveLabsApi } from '../../api/api.js';
import type { AnalyzeTask } from '../../api/types.js';
import type { UploadManager } from '../../upload/types.js';
import type { BulkTarget, FailureFamily } from './types.js';

export interface ActionContext {
  api: TwelveLabsApi;
  uploads?: UploadManager;
  /** passed to every API call (bulk work: no client retries, its runner owns them) */
  call?: CallOptions;
}

/** Does the work for one item; resolves with a short note (e.g. the new task's id), rejects with why not. */
export type ItemAction = (target: BulkTarget, context: ActionContext) => Promise<string>;

export interface FamilyCapability {
  /** what r does, for the help line and the confirm; or why there is no retry */
  retryText: string;
  retry?: ItemAction;
  deleteText: string;
  delete?: ItemAction;
}

const FAILED = 'failed';

async function retryAnalyze({ id }: BulkTarget, { api, call }: ActionContext): Promise<string> {
  const task: AnalyzeTask = await api.getAnalyzeTask(id, call);
  if (task.status !== FAILED) throw new Error(`it is ${task.status} now`);
  const source = task.video_source;
  const video =
    source?.type === 'asset_id' && source.asset_id
      ? { type: 'asset_id', asset_id: source.asset_id }
      : source?.type === 'url' && source.url
        ? { type: 'url', url: source.url }
        : undefined;
  if (!video) throw new Error('the API does not return its video input (base64 or index video)');
  const params = task.request_params ?? {};
  const prompt = typeof params.prompt === 'string' ? params.prompt : '';
  if (!prompt) throw new Error('the API did not return its prompt');
  const created = await api.createAnalyzeTask(
    {
      video,
      prompt,
      ...(typeof params.temperature === 'number' && { temperature: params.temperature }),
      ...(typeof params.max_tokens === 'number' && { max_tokens: params.max_tokens }),
      ...(task.custom_id && { custom_id: task.custom_id }),
    },
    call,
  );
  return `new task ${created.task_id}`;
}

async function retryEmbedV2(target: BulkTarget, { api, call }: ActionContext): Promise<string> {
  const task = await api.getEmbedV2Task(target.id, call);
  if (task.status !== FAILED) throw new Error(`it is ${task.status} now`);
  const metadata = task.metadata ?? {};
  const inputType =
    metadata.input_type === 'audio' ? 'audio' : metadata.input_type === 'video' ? 'video' : undefined;
  const url = typeof metadata.input_url === 'string' ? metadata.input_url : undefined;
  const model = target.model ?? task.model_name;
  if (!inputType || !url) throw new Error('the API does not return its input (an asset or base64 input)');
  if (!model) throw new Error('the API did not say which model it used');
  const options = Array.isArray(metadata.embedding_options)
    ? metadata.embedding_options.map(String)
    : undefined;
  const scopes = Array.isArray(metadata.embedding_scopes) ? metadata.embedding_scopes.map(String) : undefined;
  const created = await api.createEmbedV2Task(
    {
      input_type: inputType,
      model_name: model,
      [inputType]: {
        media_source: { url },
        ...(options && { embedding_option: options }),
        ...(scopes && { embedding_scope: scopes }),
      },
    },
    call,
  );
  return `new task ${created._id}`;
}

async function reindex(target: BulkTarget, { api, call }: ActionContext): Promise<string> {
  if (!target.indexId) throw new Error('its index is not known');
  const item = await api.getIndexedAsset(target.indexId, target.id, call);
  if (item.status !== FAILED) throw new Error(`it is ${item.status} now`);
  const assetId = item.asset_id ?? target.assetId;
  if (!assetId) throw new Error('the API did not return its asset');
  const created = await api.createIndexedAsset(target.indexId, { asset_id: assetId }, call);
  return `new indexed asset ${created._id}`;
}

async function retryUpload({ id }: BulkTarget, { uploads }: ActionContext): Promise<string> {
  const snapshot = uploads?.get(id);
  if (!uploads || !snapshot) throw new Error('only uploads started here can be retried');
  await uploads.retry(id);
  return 'restarted';
}

async function dismissUpload({ id }: BulkTarget, { uploads }: ActionContext): Promise<string> {
  if (!uploads?.get(id)) throw new Error('only uploads started here can be dismissed');
  uploads.dismiss(id);
  return 'dismissed';
}

export const CAPABILITIES: Readonly<Record<FailureFamily, FamilyCapability>> = {
  uploads: {
    retryText: 'r restarts the upload (the engine resends what the server lacks)',
    retry: retryUpload,
    deleteText: 'd removes it from this list (the API has no delete for upload sessions)',
    delete: dismissUpload,
  },
  assets: {
    retryText: 'no retry: the API cannot reprocess a failed asset; upload the file again (n)',
    deleteText: 'd deletes the assets (refused while an indexed asset uses one)',
    delete: ({ id }, { api, call }) => api.deleteAsset(id, undefined, call).then(() => 'deleted'),
  },
  tasks: {
    retryText: 'no retry: the API has no retry for indexing tasks and they do not name their source',
    deleteText: 'd deletes the indexing tasks',
    delete: ({ id }, { api, call }) => api.deleteTask(id, call).then(() => 'deleted'),
  },
  indexedAssets: {
    retryText: 'r re-indexes the same asset into the same index',
    retry: reindex,
    deleteText: 'd deletes the indexed assets',
    delete: ({ id, indexId }, { api, call }) => {
      if (!indexId) return Promise.reject(new Error('its index is not known'));
      return api.deleteIndexedAsset(indexId, id, call).then(() => 'deleted');
    },
  },
  embedV2: {
    retryText: 'r creates a new embed v2 task with the same input URL, model and options',
    retry: retryEmbedV2,
    deleteText: 'no delete: the API has no delete for embed tasks',
  },
  embedV1: {
    retryText: 'no retry: v1 embed tasks are legacy; create a v2 task instead',
    deleteText: 'no delete: the API has no delete for embed tasks',
  },
  analyze: {
    retryText: 'r creates a new analyze task with the same video, prompt and settings',
    retry: retryAnalyze,
    deleteText: 'd deletes the analyze tasks',
    delete: ({ id }, { api, call }) => api.deleteAnalyzeTask(id, call).then(() => 'deleted'),
  },
};
