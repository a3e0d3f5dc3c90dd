import { afterEach, describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../src/emulator/dispatcher.js';
import { selectTableView } from '../../src/store/selectors.js';
import { BULK_CONCURRENCY } from '../../src/store/triage/actions.js';
import { requestCount } from '../helpers/emulator.js';
import { caption, type Dashboard, KEY, startDashboard } from './harness.js';

/**
 * Bulk d in the real dashboard under the emulator's rate-limit fault: the status line counts
 * and shows the wait, every item is deleted, no 429 becomes a failure, and Esc stops the set.
 */
let dashboard: Dashboard | undefined;
afterEach(async () => {
  await dashboard?.close();
  dashboard = undefined;
});

const DELETE_TASK = 'DELETE /tasks/{task_id}';

interface Seen {
  route: string;
  status: number;
  arrived: number;
  answered: number;
}

/** Indexing tasks filtered to the ready ones (they can be deleted), `count` of them marked. */
async function markReadyTasks(count: number, seen: Seen[]): Promise<Dashboard> {
  const onRequest = (entry: RequestLogEntry): void => {
    const answered = Date.now();
    seen.push({ route: entry.route, status: entry.status, arrived: answered - entry.ms, answered });
  };
  const d = await startDashboard({ columns: 140, rows: 30, emulator: { onRequest } });
  dashboard = d;
  await d.press('3');
  await d.waitFor((frame) => /^Indexing tasks .* of \d+/.test(caption(frame)), 'tasks');
  await d.press('/');
  await d.type('status=ready');
  await d.press(KEY.enter);
  await d.waitFor(
    (frame) =>
      caption(frame).includes('status=ready') &&
      selectTableView(d.store.getState(), 'tasks').ids.filter((id) => id !== undefined).length >= count,
    'the ready tasks',
  );
  for (let marked = 1; marked <= count; marked++) {
    await d.press(' ');
    await d.waitFor((frame) => caption(frame).includes(`${marked} marked`), `${marked} marked`);
  }
  return d;
}

describe('bulk delete under a tight rate limit', { timeout: 60_000 }, () => {
  it('shows the wait in the status line and deletes every marked task, none failed for a 429', async () => {
    const seen: Seen[] = [];
    const d = await markReadyTasks(20, seen);
    d.emulator.setFaults('rate-limit=6/s');
    await d.press('d');
    await d.waitFor((frame) => frame.includes('Delete 20 marked indexing tasks?'), 'the confirm');
    const from = seen.length;
    await d.press('y');
    await d.waitFor((frame) => /deleting 20 indexing tasks: \d+ of 20 done/.test(frame), 'progress');
    await d.waitFor(
      (frame) => /waiting for rate limit, resumes in \ds · Esc stops/.test(frame),
      'the rate-limit wait',
      10_000,
    );
    await d.waitFor((frame) => frame.includes('deleted 20 of 20 indexing tasks'), 'the summary', 30_000);
    expect(d.frame()).not.toMatch(/deleted 20 of 20 indexing tasks; \d+ failed/);
    expect(requestCount(d.emulator, DELETE_TASK, 204)).toBe(20);
    // no per-item failure (the pollers, 7 families polling fast, may have met a 429 of their own)
    const bulk = d.store.getState().events.filter((event) => event.source === 'bulk');
    expect(bulk.filter((event) => event.level !== 'info')).toEqual([]);
    expect(Object.keys(d.store.getState().ui.marks.tasks)).toHaveLength(0);
    // after each 429 a delete met, no delete was sent before its Retry-After (1 s) passed: only
    // the set's other requests in flight (at most 3, arriving right after it) reach the server
    const during = seen.slice(from);
    const deletes = during.filter((request) => request.route === DELETE_TASK);
    for (const refusal of deletes.filter((request) => request.status === 429)) {
      const within = deletes.filter(
        (request) =>
          request !== refusal &&
          request.arrived >= refusal.answered &&
          request.arrived < refusal.answered + 1_000,
      );
      expect(within.filter((request) => request.arrived > refusal.answered + 150)).toEqual([]);
      expect(within.length).toBeLessThanOrEqual(BULK_CONCURRENCY - 1);
    }
  });

  it('Esc stops the set after the requests in flight (the filter stays); :stop says when nothing runs', async () => {
    const seen: Seen[] = [];
    const d = await markReadyTasks(20, seen);
    d.emulator.setFaults('rate-limit=4/s');
    await d.press('d', 'y');
    await d.waitFor(
      (frame) => /waiting for rate limit, resumes in/.test(frame),
      'the rate-limit wait',
      10_000,
    );
    await d.press(KEY.escape);
    await d.waitFor((frame) => /stopped: deleted \d+ of 20 indexing tasks/.test(frame), 'stopped');
    const deleted = requestCount(d.emulator, DELETE_TASK, 204);
    const sent = requestCount(d.emulator, DELETE_TASK);
    expect(deleted).toBeLessThan(20);
    expect(d.frame()).toContain(`${20 - deleted} not sent (still marked)`);
    expect(caption(d.frame())).toContain('status=ready');
    expect(caption(d.frame())).toContain(`${20 - deleted} marked`);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(requestCount(d.emulator, DELETE_TASK)).toBe(sent);
    await d.press(':');
    await d.type('stop');
    await d.press(KEY.enter);
    await d.waitFor((frame) => frame.includes('no bulk delete or retry is running'), ':stop refusal');
  });
});
