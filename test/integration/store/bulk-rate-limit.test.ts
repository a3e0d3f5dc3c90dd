/**
 * Bulk d under the emulator's rate-limit fault: the set keeps to the budget the pollers share,
 * waits out every 429 (nothing reaches the server before its Retry-After has passed), leaves a
 * reserve to the pollers, and stops after the requests in flight when told.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../../src/emulator/dispatcher.js';
import { contextOf } from '../../../src/store/create-store.js';
import { MIN_RESERVE } from '../../../src/store/pollers/rate-governor.js';
import { bulkActions, stopBulk } from '../../../src/store/triage/actions.js';
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
 * A request the client sent in the same event-loop turn the 429 was answered in, before it read
 * the answer, may arrive a moment after it: that one was not sent "after the 429".
 */
const IN_FLIGHT_SLACK_MS = 40;

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

/** The requests of the 429s in `seen` and what else arrived before their Retry-After had passed. */
function sentDuringRetryAfter(seen: readonly Seen[], mine: (request: Seen) => boolean): Seen[] {
  return seen
    .filter((request) => request.status === 429 && mine(request))
    .flatMap((refusal) =>
      seen.filter(
        (request) =>
          mine(request) &&
          request.arrived > refusal.answered + IN_FLIGHT_SLACK_MS &&
          request.arrived < refusal.answered + RETRY_AFTER_MS,
      ),
    );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('bulk delete under a tight rate limit', { timeout: 60_000 }, () => {
  it('deletes every item, with no 429 failure and nothing sent before a Retry-After passed', async () => {
    const started = await rigWithLog();
    rig = started.rig;
    const { seen } = started;
    await until(rig.store, (state) => state.collections.tasks.total > 0);
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
    expect(sentDuringRetryAfter(during, () => true)).toEqual([]);

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
    await until(rig.store, (state) => state.collections.tasks.total > 0);
    const ids = await readyTaskIds(rig, 24);
    const limit = 10;
    rig.emulator.setFaults(`rate-limit=${limit}/s`);
    // the pollers learn the budget from the headers
    await until(rig.store, () => rig?.api.stats().rateLimit.limit === limit);
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
    const lines = await statusLines(rig, () => bulkActions(contextOf(rig!.store)).runPlan(deletePlan(ids)));
    const during = seen.slice(from);
    const mine = (request: Seen): boolean => request.route !== OTHER;

    // the set ran into the spent budget...
    const refused = during.filter((request) => request.route === DELETE_TASK && request.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    // ...and still deleted every item, no 429 reported as a failure
    const summary = rig.store.getState().ui.status?.text ?? '';
    expect(summary).toMatch(/^deleted 24 of 24 indexing tasks \(waited for the rate limit/);
    expect(requestCount(rig.emulator, DELETE_TASK, 204)).toBe(24);
    expect(rig.store.getState().events.filter((event) => event.level === 'error')).toEqual([]);
    expect(lines.some((line) => /waiting for rate limit, resumes in 1s/.test(line))).toBe(true);
    // nothing of ours, deletes or polls, reached the server before a 429's Retry-After passed
    expect(sentDuringRetryAfter(during, mine)).toEqual([]);
  });

  it('Esc / :stop stops the set after the requests in flight; what was not sent stays marked', async () => {
    const started = await rigWithLog();
    rig = started.rig;
    await until(rig.store, (state) => state.collections.tasks.total > 0);
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
