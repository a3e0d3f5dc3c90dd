/**
 * Bulk d under the emulator's rate-limit fault: the set keeps to the budget the pollers share,
 * waits out every 429 (nothing reaches the server before its Retry-After has passed), leaves a
 * reserve to the pollers, and stops after the requests in flight when told.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../../src/emulator/dispatcher.js';
import { contextOf } from '../../../src/store/create-store.js';
import { MIN_RESERVE } from '../../../src/store/pollers/rate-governor.js';
import { BULK_CONCURRENCY, bulkActions, stopBulk } from '../../../src/store/triage/actions.js';
import type { BulkPlan } from '../../../src/store/triage/types.js';
import { eventually, requestCount, type StoreRig, startRig, until } from './helpers.js';

/** One request as the emulator saw it: when it arrived and when it was answered (epoch ms). */
interface Seen {
  route: string;
  status: number;
  arrived: number;
  answered: number;
}

let rig: StoreRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const DELETE_TASK = 'DELETE /tasks/{task_id}';
/** The emulator answers a 429 of a per-second budget with `Retry-After: 1`. */
const RETRY_AFTER_MS = 1_000;
/**
 * Requests of ours that can still reach the server after a 429 without having been sent after
 * it: the set's other requests in flight and one poll...
 */
const IN_FLIGHT_MAX = BULK_CONCURRENCY;
/**
 * ...and they arrive within this of the 429 (one waiting in the client's connection queue
 * arrives late, so arrival times alone cannot tell them apart right after it). A request sent
 * at the window reset instead of after Retry-After arrives at least 250 ms after the 429.
 */
const IN_FLIGHT_SLACK_MS = 150;

async function rigWithLog(): Promise<{ rig: StoreRig; seen: Seen[] }> {
  const seen: Seen[] = [];
  const onRequest = (entry: RequestLogEntry): void => {
    const answered = Date.now();
    seen.push({ route: entry.route, status: entry.status, arrived: answered - entry.ms, answered });
  };
  // the pollers of the tasks table run alongside, as in the dashboard
  const started = await startRig({ seed: 'demo', onRequest }, { families: ['tasks'] });
  return { rig: started, seen };
}

async function readyTaskIds(current: StoreRig, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ids.length < count; page++) {
    const result = await current.api.listTasks({ status: ['ready'], page, page_limit: 50 });
    ids.push(...result.data.map((task) => task._id));
    if (page >= result.page_info.total_page) break;
  }
  expect(ids.length).toBeGreaterThanOrEqual(count);
  return ids.slice(0, count);
}

function deletePlan(ids: readonly string[]): BulkPlan {
  return {
    op: 'delete',
    family: 'tasks',
    targets: ids.map((id) => ({ family: 'tasks', id })),
    table: 'tasks',
  };
}

/** Every status line the store showed while `run` ran. */
async function statusLines(current: StoreRig, run: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const unsubscribe = current.store.subscribe((state) => {
    if (lines.at(-1) !== state.ui.status?.text && state.ui.status) lines.push(state.ui.status.text);
  });
  try {
    await run();
  } finally {
    unsubscribe();
  }
  return lines;
}

/**
 * Our requests that reached the server after one of our 429s and before its Retry-After passed,
 * beyond those that were in flight when it was answered (at most IN_FLIGHT_MAX of them, all
 * within IN_FLIGHT_SLACK_MS of it). Empty when every 429 was waited out.
 */
function sentWithinRetryAfter(
  seen: readonly Seen[],
  mine: (request: Seen) => boolean,
  refused = 429,
  retryAfterMs = RETRY_AFTER_MS,
): Seen[] {
  return seen
    .filter((request) => request.status === refused && mine(request))
    .flatMap((refusal) => {
      const within = seen.filter(
        (request) =>
          mine(request) &&
          request !== refusal &&
          request.arrived >= refusal.answered &&
          request.arrived < refusal.answered + retryAfterMs,
      );
      const late = within.filter((request) => request.arrived > refusal.answered + IN_FLIGHT_SLACK_MS);
      return late.length > 0 ? late : within.slice(IN_FLIGHT_MAX);
    });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('bulk delete under a tight rate limit', { timeout: 60_000 }, () => {
  it('deletes every item, with no 429 failure and nothing sent before a Retry-After passed', async () => {
    const started = await rigWithLog();
    rig = started.rig;
    const { seen } = started;
    await until(rig.store, (state) => (state.collections.tasks.total ?? 0) > 0);
    const ids = await readyTaskIds(rig, 48);
    const limit = 10;
    rig.emulator.setFaults(`rate-limit=${limit}/s`);
    const from = seen.length;
    const bulk = bulkActions(contextOf(rig.store));
    const lines = await statusLines(rig, () => bulk.runPlan(deletePlan(ids)));
    const during = seen.slice(from);

    // all of them deleted, none failed, none left marked or listed
    const summary = rig.store.getState().ui.status?.text ?? '';
    expect(summary).toMatch(/^deleted 48 of 48 indexing tasks/);
    expect(summary).not.toContain('failed');
    expect(requestCount(rig.emulator, DELETE_TASK, 204)).toBe(48);
    const bulkEvents = rig.store.getState().events.filter((event) => event.source === 'bulk');
    expect(bulkEvents.filter((event) => event.level === 'error')).toEqual([]);

    // it had to wait: 48 deletes do not fit in one second of 10 requests, and it said so
    expect(lines.some((line) => /waiting for rate limit, resumes in \ds · Esc stops/.test(line))).toBe(true);
    expect(lines.some((line) => /^deleting 48 indexing tasks: \d+ of 48 done/.test(line))).toBe(true);

    // the reserve kept it clear of 429s altogether; had there been one, nothing followed it early
    expect(sentWithinRetryAfter(during, () => true)).toEqual([]);

    // the reserve: in no one-second window did the deletes take the pollers' share
    const perWindow = new Map<number, number>();
    for (const request of during) {
      if (request.route !== DELETE_TASK || request.status !== 204) continue;
      const window = Math.floor(request.arrived / 1000);
      perWindow.set(window, (perWindow.get(window) ?? 0) + 1);
    }
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(limit - MIN_RESERVE);
    // and the pollers kept polling while it ran
    expect(
      during.filter((request) => request.route.startsWith('GET') && request.status === 200).length,
    ).toBeGreaterThan(perWindow.size);
  });

  it('a 429 pauses the whole set and the pollers for Retry-After; each item is sent again, none fails', async () => {
    const started = await rigWithLog();
    rig = started.rig;
    const { seen } = started;
    await until(rig.store, (state) => (state.collections.tasks.total ?? 0) > 0);
    const ids = await readyTaskIds(rig, 24);
    const limit = 10;
    rig.emulator.setFaults(`rate-limit=${limit}/s`);
    // the pollers learn the budget from the headers, then pause: by the time the set starts, the
    // last headers our client saw are from a window that has reset, so it sends at once
    await until(rig.store, () => rig?.api.stats().rateLimit.limit === limit);
    const { actions } = rig.store.getState();
    actions.togglePolling();
    await sleep(1_300);
    // another client on the same key spends this window's budget early in it, unseen by ours
    // (its requests go to a route the tasks pollers never call)
    const OTHER = 'GET /indexes';
    let inWindow = false;
    for (let attempt = 0; attempt < 10 && !inWindow; attempt++) {
      while (Date.now() % 1000 > 100) await sleep(5);
      const window = Math.floor(Date.now() / 1000);
      const answers = await Promise.all(
        Array.from({ length: limit + 2 }, () =>
          fetch(`${rig?.emulator.baseUrl}/indexes`, {
            headers: { 'x-api-key': rig?.emulator.apiKey ?? '' },
          }).then(async (response) => {
            await response.arrayBuffer();
            return response.status;
          }),
        ),
      );
      inWindow = answers.includes(429) && Math.floor(Date.now() / 1000) === window;
    }
    expect(inWindow).toBe(true);
    const from = seen.length;
    const lines = await statusLines(rig, async () => {
      const run = bulkActions(contextOf(rig!.store)).runPlan(deletePlan(ids));
      // the pollers come back while the set runs: they wait out its 429s as well
      actions.togglePolling();
      await run;
    });
    const during = seen.slice(from);
    const mine = (request: Seen): boolean => request.route !== OTHER;

    // the set ran into the spent budget...
    const refused = during.filter((request) => request.route === DELETE_TASK && request.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    // ...and still deleted every item, no 429 reported as a failure
    const summary = rig.store.getState().ui.status?.text ?? '';
    expect(summary).toMatch(/^deleted 24 of 24 indexing tasks \(waited for the rate limit/);
    expect(requestCount(rig.emulator, DELETE_TASK, 204)).toBe(24);
    // (a poll sent as polling resumed may meet the spent budget too: that one is the poller's)
    const bulkEvents = rig.store.getState().events.filter((event) => event.source === 'bulk');
    expect(bulkEvents.filter((event) => event.level !== 'info')).toEqual([]);
    expect(lines.some((line) => /waiting for rate limit, resumes in 1s/.test(line))).toBe(true);
    // nothing of ours, deletes or polls, reached the server before a 429's Retry-After passed
    expect(sentWithinRetryAfter(during, mine)).toEqual([]);
  });

  it('a 503 with Retry-After (an outage) pauses the whole set for it too; every item is deleted', async () => {
    const started = await rigWithLog();
    rig = started.rig;
    const { seen } = started;
    await until(rig.store, (state) => (state.collections.tasks.total ?? 0) > 0);
    const ids = await readyTaskIds(rig, 16);
    const from = seen.length;
    // every call is answered 503 with Retry-After: 2 for the next 2 s
    rig.emulator.setFaults('outage=2s');
    const startedAt = Date.now();
    await bulkActions(contextOf(rig.store)).runPlan(deletePlan(ids));
    const during = seen.slice(from);
    const deletes = (request: Seen): boolean => request.route === DELETE_TASK;
    expect(during.filter((request) => deletes(request) && request.status === 503).length).toBeGreaterThan(0);
    expect(rig.store.getState().ui.status?.text).toMatch(/^deleted 16 of 16 indexing tasks \(waited/);
    expect(requestCount(rig.emulator, DELETE_TASK, 204)).toBe(16);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2_000);
    // no delete was sent again (or anew) before the 503's Retry-After had passed
    expect(sentWithinRetryAfter(during, deletes, 503, 2_000)).toEqual([]);
  });

  it('Esc / :stop stops the set after the requests in flight; what was not sent stays marked', async () => {
    const started = await rigWithLog();
    rig = started.rig;
    await until(rig.store, (state) => (state.collections.tasks.total ?? 0) > 0);
    const ids = await readyTaskIds(rig, 40);
    const context = contextOf(rig.store);
    context.setUi((ui) => ({
      marks: { ...ui.marks, tasks: Object.fromEntries(ids.map((id) => [id, true])) },
    }));
    rig.emulator.setFaults('rate-limit=6/s');
    const bulk = bulkActions(context);
    const run = bulk.runPlan(deletePlan(ids));
    // stop during the first rate-limit wait
    await eventually(
      () => /waiting for rate limit/.test(rig?.store.getState().ui.status?.text ?? ''),
      10_000,
    );
    const stoppedAt = Date.now();
    expect(stopBulk(context)).toBe(true);
    await run;
    // it did not sit out the wait: it ended once the requests in flight were answered
    expect(Date.now() - stoppedAt).toBeLessThan(900);
    const deleted = requestCount(rig.emulator, DELETE_TASK, 204);
    expect(deleted).toBeGreaterThan(0);
    expect(deleted).toBeLessThan(40);
    const summary = rig.store.getState().ui.status?.text ?? '';
    expect(summary).toContain(`stopped: deleted ${deleted} of 40 indexing tasks`);
    expect(summary).toContain(`${40 - deleted} not sent (still marked)`);
    expect(Object.keys(rig.store.getState().ui.marks.tasks)).toHaveLength(40 - deleted);
    expect(stopBulk(context)).toBe(false);
    // nothing more goes out afterwards
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(requestCount(rig.emulator, DELETE_TASK)).toBe(deleted);
  });
});
