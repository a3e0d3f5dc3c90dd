import type { AnalyzeStatus } from '../../api/types.js';
import { iso } from '../clock.js';
import { EmulatorError, envelopeNotFound, invalid } from '../errors.js';
import { isId, newId } from '../ids.js';
import { BodyFields, queryChoice, queryId } from '../input.js';
import { pageRequest, paginate } from '../pagination.js';
import type { Route } from '../router.js';
import { type AnalyzeTaskRecord, DURATIONS, type EmulatorState, newestFirst } from '../state.js';
import { Timeline } from '../timeline.js';
import { findAsset } from './assets.js';

const ANALYZE_STATUSES = ['queued', 'pending', 'processing', 'ready', 'failed'] as const;

export function addAnalyzeTask(
  state: EmulatorState,
  fields: Omit<AnalyzeTaskRecord, 'id' | 'timeline'> & { processingMs?: number },
): AnalyzeTaskRecord {
  const { queued, pending, processing } = DURATIONS.analyze;
  const final: AnalyzeStatus = fields.failureMessage ? 'failed' : 'ready';
  const task: AnalyzeTaskRecord = {
    ...fields,
    id: newId(),
    timeline: Timeline.of<AnalyzeStatus>(
      fields.createdAt,
      'queued',
      ['pending', queued + state.heldMs()],
      ['processing', pending],
      [final, fields.processingMs ?? processing],
    ),
  };
  state.analyzeTasks.set(task.id, task);
  return task;
}

function analyzeJson(task: AnalyzeTaskRecord, now: number, detail: boolean) {
  const status = task.timeline.status(now);
  const done = status === 'ready' || status === 'failed';
  return {
    task_id: task.id,
    custom_id: task.customId,
    status,
    created_at: iso(task.createdAt),
    completed_at: done ? iso(task.timeline.changedAt(now)) : undefined,
    video_source: {
      type: task.source.type,
      url: task.source.url,
      asset_id: task.source.assetId,
      system_metadata: { duration: task.source.duration },
    },
    request_params: {
      analysis_mode: 'general',
      prompt: detail ? task.prompt : task.prompt.slice(0, 30),
      temperature: task.temperature,
      max_tokens: task.maxTokens,
    },
    result:
      status === 'ready'
        ? {
            generation_id: `gen_${task.id}`,
            data: task.resultText,
            finish_reason: task.finishReason,
            usage: task.usage,
          }
        : undefined,
    error:
      status === 'failed'
        ? { message: task.failureMessage! }
        : status === 'ready' && task.finishReason === 'length'
          ? { message: 'The response was truncated because it reached max_tokens.' }
          : undefined,
    webhooks:
      task.webhooks.length > 0
        ? task.webhooks.map((hook) => webhookJson(hook, done ? task.timeline.changedAt(now) : undefined, now))
        : undefined,
  };
}

/** Delivery attempts after the task completes: at once, then 30 s, 2 min, 10 min and 30 min later. */
const WEBHOOK_ATTEMPT_AT = [0, 30_000, 2 * 60_000, 10 * 60_000, 30 * 60_000];

/**
 * A webhook's delivery status at `now`: the record holds how it ends (delivered or not, after
 * how many attempts); until then the attempts made so far failed with its `last_error`, which
 * the API sends only while `delivered` is false.
 */
function webhookJson(
  hook: AnalyzeTaskRecord['webhooks'][number],
  completedAt: number | undefined,
  now: number,
) {
  const due =
    completedAt === undefined ? 0 : WEBHOOK_ATTEMPT_AT.filter((at) => at <= now - completedAt).length;
  const attempts = Math.min(hook.attempts, due);
  const delivered = hook.delivered && attempts === hook.attempts;
  const lastError = !delivered && attempts > 0 ? hook.last_error : undefined;
  return { url: hook.url, delivered, attempts, ...(lastError !== undefined && { last_error: lastError }) };
}

function findTask(state: EmulatorState, id: string): AnalyzeTaskRecord {
  const task = isId(id) ? state.analyzeTasks.get(id) : undefined;
  if (!task) throw envelopeNotFound('Task');
  return task;
}

function createTask(state: EmulatorState, body: unknown): AnalyzeTaskRecord {
  const fields = new BodyFields(body);
  const video = new BodyFields(fields.object('video') ?? missingVideo());
  const type = video.oneOf('type', ['url', 'asset_id', 'base64_string'] as const, { required: true });
  fields.oneOf('model_name', ['pegasus1.2', 'pegasus1.5'] as const);
  const prompt = fields.string('prompt', { maxLength: 20_000 }) ?? '';
  const promptV2 = fields.object('prompt_v2');
  if (prompt === '' && !promptV2)
    throw new EmulatorError(400, 'parameter_not_provided', 'The prompt parameter is required.');
  const temperature = fields.number('temperature', { min: 0, max: 1 }) ?? 0.2;
  const maxTokens = fields.integer('max_tokens', { min: 2, max: 98_304 }) ?? 4096;
  const customId = fields.string('custom_id', { maxLength: 255 }) ?? null;
  let source: AnalyzeTaskRecord['source'];
  if (type === 'asset_id') {
    const asset = findAsset(state, video.string('asset_id', { required: true }), 'video.asset_id');
    if (asset.timeline.status(state.now()) !== 'ready') {
      throw invalid('video.asset_id', `The asset ${asset.id} is not ready.`);
    }
    source = { type, assetId: asset.id, duration: asset.duration ?? 60 };
  } else if (type === 'url') {
    source = { type, url: video.string('url', { required: true }), duration: 300 };
  } else {
    video.string('base64_string', { required: true });
    source = { type, duration: 30 };
  }
  const words = Math.min(maxTokens, 180);
  return addAnalyzeTask(state, {
    customId,
    createdAt: state.now(),
    source,
    prompt: prompt || String((promptV2 as { input_text?: unknown }).input_text ?? ''),
    temperature,
    maxTokens,
    resultText: `Summary: the video opens on a wide establishing shot, follows two people through a workshop and ends with a close-up of the finished product. (${words} tokens)`,
    finishReason: maxTokens <= words ? 'length' : 'stop',
    usage: { output_tokens: words, input_tokens: Math.ceil(prompt.length / 4) + 1200 },
    webhooks: [],
  });
}

function missingVideo(): never {
  throw new EmulatorError(400, 'parameter_not_provided', 'The video parameter is required.');
}

export function analyzeRoutes(state: EmulatorState): Route[] {
  return [
    {
      method: 'POST',
      path: '/analyze/tasks',
      scope: 'api',
      errors: 'envelope',
      handler: async ({ json }) => {
        const task = createTask(state, await json());
        return { status: 202, body: { task_id: task.id, status: task.timeline.status(state.now()) } };
      },
    },
    {
      method: 'GET',
      path: '/analyze/tasks',
      scope: 'api',
      errors: 'classic',
      handler: ({ query }) => {
        const request = pageRequest(query);
        const now = state.now();
        const status = queryChoice(query, 'status', ANALYZE_STATUSES);
        const assetId = queryId(query, 'asset_id');
        const videoUrl = query.get('video_url');
        queryChoice(query, 'analysis_mode', ['general', 'time_based_metadata'] as const);
        const matching = newestFirst(state.analyzeTasks.values()).filter(
          (task) =>
            (!status || task.timeline.status(now) === status) &&
            (!assetId || task.source.assetId === assetId) &&
            (!videoUrl || task.source.url === videoUrl),
        );
        const page = paginate(matching, request);
        return {
          status: 200,
          body: { data: page.items.map((task) => analyzeJson(task, now, false)), page_info: page.page_info },
        };
      },
    },
    {
      method: 'GET',
      path: '/analyze/tasks/{task_id}',
      scope: 'api',
      errors: 'envelope',
      handler: ({ params }) => ({
        status: 200,
        body: analyzeJson(findTask(state, params.task_id!), state.now(), true),
      }),
    },
    {
      method: 'DELETE',
      path: '/analyze/tasks/{task_id}',
      scope: 'api',
      errors: 'envelope',
      handler: ({ params }) => {
        const task = findTask(state, params.task_id!);
        const status = task.timeline.status(state.now());
        if (status !== 'ready' && status !== 'failed') {
          throw new EmulatorError(
            409,
            'task_in_progress',
            `The task is ${status}; it can be deleted once it is ready or failed.`,
          );
        }
        state.analyzeTasks.delete(task.id);
        return { status: 204 };
      },
    },
  ];
}
