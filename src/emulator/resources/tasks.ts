import type { TaskStatus } from '../../api/types.js';
import { iso } from '../clock.js';
import { EmulatorError, notFound } from '../errors.js';
import { pathId, queryChoice, queryId, queryList, queryNumber, queryTime } from '../input.js';
import { pageRequest, paginate } from '../pagination.js';
import type { Route } from '../router.js';
import type { EmulatorState, TaskRecord } from '../state.js';

export const TASK_STATUSES = [
  'uploading',
  'validating',
  'pending',
  'queued',
  'indexing',
  'ready',
  'failed',
] as const;

export function taskJson(state: EmulatorState, task: TaskRecord, now: number, detail: boolean) {
  const status = task.timeline.status(now);
  const ready = status === 'ready';
  return {
    _id: task.id,
    video_id: task.videoId,
    index_id: task.indexId,
    status,
    created_at: iso(task.createdAt),
    updated_at: iso(task.timeline.changedAt(now)),
    system_metadata: {
      duration: task.video.duration,
      filename: task.video.filename,
      height: task.video.height,
      width: task.video.width,
    },
    error_reason: status === 'failed' ? task.errorReason : undefined,
    hls:
      detail && task.enableVideoStream
        ? {
            video_url: ready ? `${state.origin}/_storage/hls/${task.videoId}/stream.m3u8` : undefined,
            thumbnail_urls: ready ? [`${state.origin}/_storage/hls/${task.videoId}/thumbnail.jpg`] : [],
            status: ready ? 'COMPLETE' : status === 'failed' ? 'ERROR' : 'PROCESSING',
            updated_at: iso(task.timeline.changedAt(now)),
          }
        : undefined,
  };
}

type SortKey = 'created_at' | 'updated_at';

export function sortByTime<T>(
  items: T[],
  key: SortKey,
  order: 'asc' | 'desc',
  times: (item: T) => Record<SortKey, number>,
): T[] {
  const sign = order === 'asc' ? 1 : -1;
  return items.sort((a, b) => sign * (times(a)[key] - times(b)[key]));
}

function findTask(state: EmulatorState, id: string): TaskRecord {
  const task = state.tasks.get(pathId(id, 'task_id'));
  if (!task) throw notFound(id, 'tasks');
  return task;
}

export function taskRoutes(state: EmulatorState): Route[] {
  return [
    {
      method: 'GET',
      path: '/tasks',
      scope: 'api',
      errors: 'classic',
      handler: ({ query }) => {
        const request = pageRequest(query);
        const now = state.now();
        const statuses = new Set<string>(queryList(query, 'status', TASK_STATUSES));
        const sortBy = queryChoice(query, 'sort_by', ['created_at', 'updated_at'] as const) ?? 'created_at';
        const order = queryChoice(query, 'sort_option', ['asc', 'desc'] as const) ?? 'desc';
        const indexId = queryId(query, 'index_id');
        const duration = queryNumber(query, 'duration');
        const width = queryNumber(query, 'width');
        const height = queryNumber(query, 'height');
        const filename = query.get('filename')?.toLowerCase();
        const createdAfter = queryTime(query, 'created_at');
        const updatedAfter = queryTime(query, 'updated_at');
        const matching = [...state.tasks.values()].filter((task) => {
          const status: TaskStatus = task.timeline.status(now);
          return (
            (statuses.size === 0 || statuses.has(status)) &&
            (!indexId || task.indexId === indexId) &&
            (!filename || task.video.filename.toLowerCase().includes(filename)) &&
            (duration === undefined || task.video.duration === duration) &&
            (width === undefined || task.video.width === width) &&
            (height === undefined || task.video.height === height) &&
            (createdAfter === undefined || task.createdAt >= createdAfter) &&
            (updatedAfter === undefined || task.timeline.changedAt(now) >= updatedAfter)
          );
        });
        sortByTime(matching, sortBy, order, (task) => ({
          created_at: task.createdAt,
          updated_at: task.timeline.changedAt(now),
        }));
        const page = paginate(matching, request);
        return {
          status: 200,
          body: {
            data: page.items.map((task) => taskJson(state, task, now, false)),
            page_info: page.page_info,
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/tasks/{task_id}',
      scope: 'api',
      errors: 'classic',
      handler: ({ params }) => ({
        status: 200,
        body: taskJson(state, findTask(state, params.task_id!), state.now(), true),
      }),
    },
    {
      method: 'DELETE',
      path: '/tasks/{task_id}',
      scope: 'api',
      errors: 'classic',
      handler: ({ params }) => {
        const task = findTask(state, params.task_id!);
        const status = task.timeline.status(state.now());
        if (status !== 'ready' && status !== 'failed') {
          throw new EmulatorError(
            400,
            'task_cannot_be_deleted',
            `The task ${task.id} is ${status}; only ready or failed tasks can be deleted.`,
          );
        }
        state.tasks.delete(task.id);
        return { status: 204 };
      },
    },
  ];
}
