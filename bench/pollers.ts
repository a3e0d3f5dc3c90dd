/**
 * Polling cost with 10,000 indexing tasks of which 20 are active, side by side in one run:
 *   - naive: every task fetched every 5 s (a dashboard built on the SDKs' waitForDone loop)
 *   - waitForDone on the 20 active tasks only (the SDK loop, given the ids)
 *   - tltop's store pollers (tasks view visible, 20-row window)
 * The emulator runs in its own process at SPEED x real time, and the store's timers run on
 * the same compressed clock, so minutes of polling take seconds. Requests are counted by
 * the emulator (/_emulator/stats); CPU is this process's (client side only).
 *
 *   npx tsx bench/pollers.ts
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { TwelveLabsClient } from '../src/api/client.js';
import { isTerminal } from '../src/api/types.js';
import { createAppStore } from '../src/store/create-store.js';
import { startPollers } from '../src/store/pollers/index.js';
import type { Clock, PollFamily } from '../src/store/types.js';

const SPEED = 10;
const TOTAL_TASKS = 10_000;
const ACTIVE_TASKS = 20;
const WINDOW_MINUTES = 2;
/** each scenario runs this many times (fresh active tasks each time); the median run is reported */
const REPEATS = 3;
const SDK_SLEEP_MS = 5_000;
const NAIVE_CONCURRENCY = 16;
const ACTIVE_STATUSES = ['uploading', 'validating', 'pending', 'queued', 'indexing'];

interface Row {
  scenario: string;
  requests_per_minute: number;
  cpu_ms_per_cycle: number;
  cpu_ms_per_minute: number;
  /** share of one core at real speed (1x) */
  core_percent: number;
  cycles: number;
  note: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startChildEmulator(): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/pollers-emulator.ts', String(SPEED)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const match = /^listening on (\S+)/.exec(line);
    if (match) return { child, origin: match[1]! };
  }
  throw new Error('the emulator exited before listening');
}

async function admin<T>(origin: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${origin}/_emulator${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as T;
}

/** API requests counted by the emulator: task routes only, or every API route. */
async function requestTotals(origin: string, scope: 'tasks' | 'api'): Promise<number> {
  const stats = await admin<{ requests: Record<string, Record<string, number>> }>(origin, '/stats');
  return Object.entries(stats.requests)
    .filter(([route]) => (scope === 'tasks' ? /^GET \/tasks/.test(route) : !route.includes('/_emulator')))
    .flatMap(([, byStatus]) => Object.values(byStatus))
    .reduce((sum, count) => sum + count, 0);
}

async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function activeTaskIds(api: TwelveLabsClient): Promise<string[]> {
  const page = await api.listTasks({ status: ACTIVE_STATUSES, page_limit: 50 });
  return page.data.map((task) => task._id);
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

async function main() {
  const { child, origin } = await startChildEmulator();
  const api = new TwelveLabsClient({
    apiKey: 'tlk_bench000000000000bnch',
    baseUrl: `${origin}/v1.3`,
    retry: { maxRetries: 0 },
  });
  const rows: Row[] = [];
  try {
    // ---- seed: 10,000 tasks, all terminal, then 20 fresh (active) ones per scenario ----
    const index = (await api.listIndexes()).data[0]!;
    const asset = (await api.listAssets({ page_limit: 50 })).data.find(
      (item) => item.status === 'ready' && item.file_type?.startsWith('video'),
    )!;
    const createTasks = (count: number) =>
      inParallel(Array.from({ length: count }), 8, async () => {
        await api.createIndexedAsset(index._id, { asset_id: asset._id });
      });
    const existing = (await api.listTasks({ page_limit: 1 })).page_info.total_results;
    process.stdout.write(`seeding ${TOTAL_TASKS - ACTIVE_TASKS - existing} tasks…\n`);
    await createTasks(TOTAL_TASKS - ACTIVE_TASKS - existing);
    await admin(origin, '/clock', { advance_seconds: 2 * 86_400 });
    if ((await activeTaskIds(api)).length !== 0) throw new Error('seed tasks still active');

    const windowRealMs = (WINDOW_MINUTES * 60_000) / SPEED;

    /** 20 new active tasks for a scenario; afterwards they are finished and deleted (total stays 10,000). */
    /** One run: 20 new active tasks; afterwards they are finished and deleted (total stays 10,000). */
    const measure = async (run: () => Promise<{ cycles: number }>, scope: 'tasks' | 'api') => {
      await createTasks(ACTIVE_TASKS);
      const ids = await activeTaskIds(api);
      const total = (await api.listTasks({ page_limit: 1 })).page_info.total_results;
      const requestsBefore = await requestTotals(origin, scope);
      const cpuBefore = process.cpuUsage();
      const { cycles } = await run();
      const cpu = cpuMs(cpuBefore);
      const requests = (await requestTotals(origin, scope)) - requestsBefore;
      await admin(origin, '/clock', { advance_seconds: 86_400 });
      for (const id of ids) await api.deleteTask(id);
      return { cpu, requests, cycles, total, active: ids.length };
    };

    const scenario = async (
      run: () => Promise<{ cycles: number }>,
      name: string,
      note: string,
      scope: 'tasks' | 'api' = 'tasks',
    ) => {
      const runs = [];
      for (let i = 0; i < REPEATS; i++) runs.push(await measure(run, scope));
      runs.sort((a, b) => a.requests - b.requests);
      const median = runs[Math.floor(runs.length / 2)]!;
      const perMinute = median.cpu / WINDOW_MINUTES;
      rows.push({
        scenario: name,
        requests_per_minute: Math.round(median.requests / WINDOW_MINUTES),
        cpu_ms_per_cycle: median.cycles ? median.cpu / median.cycles : 0,
        cpu_ms_per_minute: perMinute,
        core_percent: (perMinute / 60_000) * 100,
        cycles: median.cycles,
        note:
          `${note} (${median.total} tasks, ${median.active} active; median of ${REPEATS} runs, ` +
          `requests/min ${runs.map((r) => Math.round(r.requests / WINDOW_MINUTES)).join(', ')})`,
      });
    };

    // ---- waitForDone on each active task: GET every 5 s until ready/failed ----
    await scenario(
      async () => {
        const ids = await activeTaskIds(api);
        const deadline = Date.now() + windowRealMs;
        let rounds = 0;
        await Promise.all(
          ids.map(async (id) => {
            while (Date.now() < deadline) {
              const task = await api.getTask(id);
              rounds += 1 / ids.length;
              if (isTerminal(task.status)) return;
              await sleep(Math.min(SDK_SLEEP_MS / SPEED, Math.max(0, deadline - Date.now())));
            }
          }),
        );
        return { cycles: Math.round(rounds) };
      },
      'SDK waitForDone, 20 active ids',
      'getTask per active task every 5 s; needs the ids, sees no new tasks',
    );

    // ---- tltop's store ----
    const runStore = async (families?: readonly PollFamily[]) => {
      const realStart = Date.now();
      const clock: Partial<Clock> = {
        now: () => realStart + (Date.now() - realStart) * SPEED,
        setTimeout: (callback, ms) => setTimeout(callback, ms / SPEED),
      };
      let activeCycles = 0;
      const counted = new Proxy(api, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver);
          if (key !== 'listTasks' || typeof value !== 'function') return value;
          return (query: { status?: string[] } = {}, options?: object) => {
            if (query.status) activeCycles += 1;
            return value.call(target, query, options);
          };
        },
      });
      const store = createAppStore({ api: counted, clock });
      store.getState().actions.switchView('indexing');
      let notifications = 0;
      const unsubscribe = store.subscribe(() => {
        notifications += 1;
      });
      const pollers = startPollers(store, { families });
      await sleep(windowRealMs);
      await pollers.stop();
      unsubscribe();
      const state = store.getState();
      const ready = Object.values(state.entities.tasks).filter((task) => task.status === 'ready').length;
      process.stdout.write(
        `store (${families?.join(', ') ?? 'all families'}): ${notifications} notifications, ` +
          `${Object.keys(state.entities.tasks).length} tasks loaded (${ready} ready), ${state.events.length} events\n`,
      );
      return { cycles: families?.length === 1 ? activeCycles : 0 };
    };
    await scenario(
      () => runStore(['tasks']),
      'tltop store pollers',
      'active list every 2-15 s, 20-row window refreshed every 30 s, one GET per finished task',
    );
    await scenario(
      () => runStore(),
      'tltop store, all 6 families',
      'every API request of the dashboard: uploads, assets, tasks, indexes, embeddings, analyses (demo data)',
      'api',
    );

    // ---- naive: every task, every 5 s: one full sweep measured ----
    const allIds: string[] = [];
    for (let page = 1; ; page++) {
      const result = await api.listTasks({ page, page_limit: 50 });
      allIds.push(...result.data.map((task) => task._id));
      if (page >= result.page_info.total_page) break;
    }
    const requestsBefore = await requestTotals(origin, 'tasks');
    const cpuBefore = process.cpuUsage();
    const sweepStart = performance.now();
    await inParallel(allIds, NAIVE_CONCURRENCY, async (id) => {
      await api.getTask(id);
    });
    const sweepMs = performance.now() - sweepStart;
    const sweepCpu = cpuMs(cpuBefore);
    const sweepRequests = (await requestTotals(origin, 'tasks')) - requestsBefore;
    const cyclesPerMinute = 60_000 / Math.max(SDK_SLEEP_MS, sweepMs);
    rows.push({
      scenario: 'naive: every task every 5 s',
      requests_per_minute: Math.round(sweepRequests * cyclesPerMinute),
      cpu_ms_per_cycle: sweepCpu,
      cpu_ms_per_minute: sweepCpu * cyclesPerMinute,
      core_percent: ((sweepCpu * cyclesPerMinute) / 60_000) * 100,
      cycles: 1,
      note: `one sweep of ${sweepRequests} GETs took ${Math.round(sweepMs)} ms at concurrency ${NAIVE_CONCURRENCY}`,
    });
  } finally {
    await api.close();
    child.kill('SIGTERM');
  }

  const naive = rows.find((row) => row.scenario.startsWith('naive'))!;
  const store = rows.find((row) => row.scenario.startsWith('tltop'))!;
  const fmt = (value: number, digits = 1) => value.toLocaleString('en-US', { maximumFractionDigits: digits });
  const header = ['scenario', 'req/min', 'CPU ms/cycle', 'CPU ms/min', '% core', 'req ratio vs naive'];
  const table = rows.map((row) => [
    row.scenario,
    fmt(row.requests_per_minute, 0),
    row.cycles ? fmt(row.cpu_ms_per_cycle, 2) : '–',
    fmt(row.cpu_ms_per_minute),
    fmt(row.core_percent, 2),
    `1/${fmt(naive.requests_per_minute / Math.max(1, row.requests_per_minute), 0)}`,
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...table.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  process.stdout.write(`\n${line(header)}\n${table.map(line).join('\n')}\n\n`);
  for (const row of rows) process.stdout.write(`${row.scenario}: ${row.note}\n`);

  const result = {
    benchmark: 'pollers',
    date: new Date().toISOString(),
    node: process.version,
    speed: SPEED,
    window_minutes: WINDOW_MINUTES,
    tasks: TOTAL_TASKS,
    active: ACTIVE_TASKS,
    rows,
    store_vs_naive: {
      requests_ratio: naive.requests_per_minute / Math.max(1, store.requests_per_minute),
      cpu_per_minute_ratio: naive.cpu_ms_per_minute / Math.max(0.001, store.cpu_ms_per_minute),
    },
  };
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/pollers.json', `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write('wrote bench/results/pollers.json\n');
}

await main();
