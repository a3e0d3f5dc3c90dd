/** Stores filled with plain data for selector and action tests (no network is touched). */
import { TwelveLabsClient } from '../../../src/api/client.js';
import type { Task } from '../../../src/api/types.js';
import { createAppStore } from '../../../src/store/create-store.js';
import { serverParams } from '../../../src/store/tables.js';
import type { AppStore } from '../../../src/store/types.js';

/** A client for a port nothing listens on: these tests never reach the API. */
export function offlineStore(): AppStore {
  return createAppStore({
    api: new TwelveLabsClient({ apiKey: 'tlk_unit', baseUrl: 'http://127.0.0.1:9/v1.3' }),
  });
}

export function task(index: number, status = 'ready'): Task {
  const id = index.toString(16).padStart(24, '0');
  const time = new Date(Date.UTC(2026, 0, 1) + index * 1000).toISOString();
  return {
    _id: id,
    status,
    created_at: time,
    updated_at: time,
    system_metadata: { filename: `video-${index}.mp4` },
  };
}

/** Loads `count` tasks as server pages of 50, newest first, into the tasks table. */
export function loadTasks(
  store: AppStore,
  count: number,
  statusOf: (index: number) => string = () => 'ready',
) {
  const tasks = Array.from({ length: count }, (_, i) => task(count - i, statusOf(count - i)));
  const pages: Record<number, string[]> = {};
  tasks.forEach((item, i) => {
    const page = Math.floor(i / 50) + 1;
    pages[page] ??= [];
    pages[page].push(item._id);
  });
  store.setState((state) => ({
    entities: { ...state.entities, tasks: Object.fromEntries(tasks.map((item) => [item._id, item])) },
    collections: {
      ...state.collections,
      tasks: { queryKey: serverParams(state.ui, 'tasks').key, pageSize: 50, pages, total: count },
    },
  }));
  return tasks;
}
