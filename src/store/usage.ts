/**
 * Usage awareness: how many minutes of video the account has indexed and how many wait to be.
 * - indexed: the indexes' own `total_duration` (server totals over every index, all videos);
 * - queued: video durations (`system_metadata.duration`) of the loaded tasks and indexed assets
 *   that are not finished, an indexed asset and the task that mirrors it (its video_id) counted once.
 */
import type { Index, IndexedAsset, Task } from '../api/types.js';
import { isTerminal } from '../api/types.js';
import { memoLast, valuesOf } from './memo.js';
import type { AppState } from './types.js';

export interface UsageSummary {
  /** sum of total_duration over the indexes, in minutes; undefined when no index reports one */
  indexedMinutes?: number;
  indexCount: number;
  /** running or waiting work, from loaded data */
  queuedMinutes: number;
  queuedItems: number;
  /** running tasks the server reported (status-filtered totals), when known */
  serverActiveTasks?: number;
}

function computeUsage(
  indexes: Readonly<Record<string, Index>>,
  tasks: Readonly<Record<string, Task>>,
  indexedAssets: Readonly<Record<string, IndexedAsset>>,
  serverActiveTasks: number | undefined,
): UsageSummary {
  let indexedSeconds: number | undefined;
  const list = Object.values(indexes);
  for (const index of list) {
    if (typeof index.total_duration === 'number' && Number.isFinite(index.total_duration)) {
      indexedSeconds = (indexedSeconds ?? 0) + index.total_duration;
    }
  }
  let queuedSeconds = 0;
  let queuedItems = 0;
  const mirrored = new Set<string>();
  const count = (status: string, seconds: number | undefined): void => {
    if (isTerminal(status)) return;
    queuedItems += 1;
    if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0) queuedSeconds += seconds;
  };
  for (const task of valuesOf(tasks)) {
    if (task.video_id) mirrored.add(task.video_id);
    count(task.status, task.system_metadata?.duration);
  }
  for (const item of valuesOf(indexedAssets)) {
    if (!mirrored.has(item._id)) count(item.status, item.system_metadata?.duration);
  }
  return {
    ...(indexedSeconds !== undefined && { indexedMinutes: indexedSeconds / 60 }),
    indexCount: list.length,
    queuedMinutes: queuedSeconds / 60,
    queuedItems,
    ...(serverActiveTasks !== undefined && { serverActiveTasks }),
  };
}

const usageMemo = memoLast(computeUsage);

export function selectUsage(state: AppState): UsageSummary {
  return usageMemo(
    state.entities.indexes,
    state.entities.tasks,
    state.entities.indexedAssets,
    state.collections.tasks.activeTotal,
  );
}

/** "1,234 min" / "12.5 min" / "0 min". */
export function formatMinutes(minutes: number): string {
  if (minutes >= 100) return `${Math.round(minutes).toLocaleString('en-US')} min`;
  return `${Number(minutes.toFixed(1))} min`;
}
