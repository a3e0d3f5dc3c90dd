/**
 * Render benchmark of the real dashboard (App + store + Ink 8, incremental rendering) on a
 * fake 160x50 TTY:
 *  1. time from a store update to the frame being written, with 10,000 indexing tasks loaded,
 *     against a baseline of 100 tasks measured side by side (virtualisation => ratio ~1);
 *  2. heap after 100,000 frames vs after 10,000 (must stay flat).
 * The tasks are written into the store the way the pollers write a page of GET /tasks;
 * no API is involved (this measures rendering only).
 *
 * Run: node_modules/.bin/node --expose-gc --import tsx bench/render.ts [--quick]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { render } from 'ink';
import { TwelveLabsClient } from '../src/api/client.js';
import type { Task } from '../src/api/types.js';
import { App } from '../src/components/App.js';
import { type AppState, type AppStore, createAppStore } from '../src/store/index.js';
import { FakeStdin, FakeStdout } from './lib/fake-tty.js';

const COLUMNS = 160;
const ROWS = 50;
const STATUSES = ['validating', 'pending', 'queued', 'indexing', 'ready', 'failed'] as const;
const quick = process.argv.includes('--quick');
const phases = {
  timing: !process.argv.includes('--heap-only'),
  heap: !process.argv.includes('--timing-only'),
};
const UPDATES = quick ? 100 : 1000;
/** updates before the timed ones, per scenario (JIT warm-up) */
const WARMUP_UPDATES = 30;
const argument = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
/** --heap-frames=N --heap-warmup=M shorten the soak on a busy machine (the budget is 100,000 vs 10,000) */
const HEAP_FRAMES = Number(argument('heap-frames') ?? (quick ? 20_000 : 100_000));
const HEAP_WARMUP = Number(argument('heap-warmup') ?? (quick ? 2_000 : 10_000));

function makeTask(i: number, status: string, updated: number): Task {
  const created = Date.UTC(2026, 10, 1) + i * 60_000;
  return {
    _id: (0x64f8a1b2c3d4e5f6n + BigInt(i)).toString(16).padStart(24, '0'),
    video_id: (0x7a00000000000000n + BigInt(i)).toString(16).padStart(24, '0'),
    index_id: '6500000000000000000000aa',
    status,
    created_at: new Date(created).toISOString(),
    updated_at: new Date(updated).toISOString(),
    system_metadata: {
      filename: `camera-${i % 97}-clip-${i}.mp4`,
      duration: 60 + (i % 3600),
      width: 1920,
      height: 1080,
    },
  };
}

/** Loads `count` tasks as server pages of 50 (newest first), as the task poller stores them. */
function loadTasks(store: AppStore, count: number): string[] {
  const tasks: Record<string, Task> = {};
  const ids: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const task = makeTask(i, STATUSES[i % STATUSES.length]!, Date.UTC(2026, 10, 2));
    tasks[task._id] = task;
    ids.push(task._id);
  }
  const pageSize = 50;
  const pages: Record<number, string[]> = {};
  for (let page = 0; page * pageSize < ids.length; page++) {
    pages[page + 1] = ids.slice(page * pageSize, (page + 1) * pageSize);
  }
  store.setState((state) => ({
    entities: { ...state.entities, tasks },
    collections: {
      ...state.collections,
      tasks: { ...state.collections.tasks, pageSize, pages, total: count },
    },
  }));
  store.getState().actions.switchView('indexing');
  return ids;
}

/** The state after one task changed, built the way a poller builds it (outside the timed part). */
function taskChange(store: AppStore, id: string, tick: number): Pick<AppState, 'entities'> {
  const state = store.getState();
  const task = state.entities.tasks[id]!;
  const next = {
    ...task,
    status: STATUSES[tick % STATUSES.length]!,
    updated_at: new Date(Date.UTC(2026, 10, 2) + tick * 1000).toISOString(),
  };
  return { entities: { ...state.entities, tasks: { ...state.entities.tasks, [id]: next } } };
}

function updateTask(store: AppStore, id: string, tick: number) {
  store.setState(taskChange(store, id, tick));
}

interface Rig {
  store: AppStore;
  ids: string[];
  stdout: FakeStdout;
  /** resolves after the next frame Ink renders */
  nextFrame(): Promise<number>;
  /**
   * resolves with Ink's render time after the next frame, or with undefined once the update has
   * settled without one (an update to a row off screen draws nothing)
   */
  frameOrSettled(): Promise<number | undefined>;
  close(): void;
}

function startRig(taskCount: number, columns = COLUMNS, rows = ROWS): Rig {
  const api = new TwelveLabsClient({
    apiKey: 'tlk_bench_not_used_000000',
    baseUrl: 'http://127.0.0.1:9/v1.3',
  });
  const store = createAppStore({ api });
  const ids = loadTasks(store, taskCount);
  const stdout = new FakeStdout(columns, rows);
  let waiter: ((renderTime: number) => void) | undefined;
  const info = { profile: 'bench', host: '127.0.0.1', maskedKey: 'tlk_…0000', demo: false };
  const instance = render(<App store={store} info={info} size={{ columns, rows }} />, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
    interactive: true,
    incrementalRendering: true,
    // no throttling: every update is its own frame, so each one is timed
    maxFps: 100_000,
    patchConsole: false,
    exitOnCtrlC: false,
    onRender: ({ renderTime }) => {
      if (!waiter) lateFrames += 1;
      const resolve = waiter;
      waiter = undefined;
      resolve?.(renderTime);
    },
  });
  return {
    store,
    ids,
    stdout,
    nextFrame: () =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no frame within 2 s of a store update')), 2000);
        waiter = (renderTime) => {
          clearTimeout(timer);
          resolve(renderTime);
        };
      }),
    frameOrSettled: () =>
      new Promise((resolve) => {
        let done = false;
        waiter = (renderTime) => {
          done = true;
          resolve(renderTime);
        };
        // React renders a store update in a microtask and Ink draws in the commit: 20 ms later, an
        // update that drew nothing will not draw (a frame after that is counted as late)
        setTimeout(() => {
          if (done) return;
          waiter = undefined;
          resolve(undefined);
        }, SETTLE_MS);
      }),
    close: () => {
      instance.unmount();
      void api.close();
    },
  };
}

/** how long an update may take to draw before it counts as one that draws nothing */
const SETTLE_MS = 20;
/**
 * frames drawn with no update waiting for one: a sampled value (the stuck threshold over every row)
 * that changed, or an update drawn more than SETTLE_MS after it (then SETTLE_MS is too short)
 */
let lateFrames = 0;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

interface Timing {
  scenario: string;
  tasks: number;
  p50: number;
  p95: number;
  max: number;
  inkP95: number;
  /** updates that drew a frame (an update to a row off screen draws none) */
  frames: number;
  /** CPU time of this process per update (user + system): the work itself, whatever the machine's load */
  cpuP50: number;
  cpuP95: number;
  bytesPerFrame: number;
}

async function timeUpdates(
  tasks: number,
  scenario: 'visible row' | 'off-screen row' | 'selection',
): Promise<Timing> {
  const rig = startRig(tasks);
  await new Promise((resolve) => setTimeout(resolve, 50));
  console.error(`timing ${scenario} with ${tasks} tasks…`);
  const wall: number[] = [];
  const ink: number[] = [];
  const cpu: number[] = [];
  // untimed updates first: the JIT compiles the row and frame paths on the first few dozen frames,
  // which the first-frame benchmark covers; what is timed is the dashboard as it runs for hours
  for (let tick = -WARMUP_UPDATES; tick < 0; tick++) {
    const frame = rig.frameOrSettled();
    if (scenario === 'visible row') rig.store.setState(taskChange(rig.store, rig.ids[3]!, -tick));
    else if (scenario === 'off-screen row')
      rig.store.setState(taskChange(rig.store, rig.ids[rig.ids.length - 10]!, -tick));
    else rig.store.getState().actions.moveSelection(tick % 2 === 0 ? 1 : -1);
    await frame;
    await yieldToEventLoop();
  }
  const bytesBefore = rig.stdout.bytes;
  for (let tick = 1; tick <= UPDATES; tick++) {
    // the new state is built before the clock starts: what is timed is the store write and the render
    const change =
      scenario === 'visible row'
        ? taskChange(rig.store, rig.ids[3]!, tick)
        : scenario === 'off-screen row'
          ? taskChange(rig.store, rig.ids[rig.ids.length - 10]!, tick)
          : undefined;
    const frame = rig.frameOrSettled();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    if (change) rig.store.setState(change);
    else rig.store.getState().actions.moveSelection(Math.floor((tick - 1) / 19) % 2 === 0 ? 1 : -1);
    // an update that renders nothing did all its work inside setState (the store's listeners)
    const synchronous = performance.now() - started;
    const renderTime = await frame;
    wall.push(renderTime === undefined ? synchronous : performance.now() - started);
    if (renderTime !== undefined) ink.push(renderTime);
    // let React's scheduler run what the commit queued (passive effects), as a terminal's idle time would
    await yieldToEventLoop();
    const cpuUsed = process.cpuUsage(cpuBefore);
    cpu.push((cpuUsed.user + cpuUsed.system) / 1000);
  }
  const bytesPerFrame = Math.round((rig.stdout.bytes - bytesBefore) / UPDATES);
  rig.close();
  return {
    scenario,
    tasks,
    p50: percentile(wall, 50),
    p95: percentile(wall, 95),
    max: Math.max(...wall),
    inkP95: percentile(ink, 95),
    frames: ink.length,
    cpuP50: percentile(cpu, 50),
    cpuP95: percentile(cpu, 95),
    bytesPerFrame,
  };
}

function heapMiB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

async function heapOverFrames(): Promise<{
  warmupFrames: number;
  frames: number;
  heapAtWarmup: number;
  heapAtEnd: number;
  growth: number;
}> {
  // an 80x24 terminal keeps 100,000 frames within half an hour on a busy 2-core machine
  const rig = startRig(10_000, 80, 24);
  let heapAtWarmup = 0;
  for (let tick = 1; tick <= HEAP_FRAMES; tick++) {
    const frame = rig.nextFrame();
    // a visible row changes every frame, with a new timestamp string each time
    updateTask(rig.store, rig.ids[tick % 20]!, tick);
    await frame;
    // a tight loop of frames would starve React's scheduler (setImmediate) and pile up its task queue
    await yieldToEventLoop();
    if (tick === HEAP_WARMUP) heapAtWarmup = heapMiB();
    if (tick % HEAP_WARMUP === 0) console.error(`${tick} frames, heap ${heapMiB().toFixed(2)} MiB`);
  }
  const heapAtEnd = heapMiB();
  rig.close();
  return {
    warmupFrames: HEAP_WARMUP,
    frames: HEAP_FRAMES,
    heapAtWarmup,
    heapAtEnd,
    growth: heapAtEnd / heapAtWarmup - 1,
  };
}

if (!(globalThis as { gc?: unknown }).gc) {
  console.error('run with: node_modules/.bin/node --expose-gc --import tsx bench/render.ts');
  process.exit(2);
}

const f = (n: number) => n.toFixed(2);
const resultFile = new URL('./results/render.json', import.meta.url);
/** a phase not run this time keeps its figures from the last run that measured it */
const previous = () => (existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, 'utf8')) : {});

let timings: Timing[] = [];
if (phases.timing) {
  for (const scenario of ['visible row', 'off-screen row', 'selection'] as const) {
    // baseline and subject side by side, in the same process
    timings.push(await timeUpdates(100, scenario));
    timings.push(await timeUpdates(10_000, scenario));
  }
  console.log(
    `\nrender after a store update (${UPDATES} updates each, ${COLUMNS}x${ROWS}, ms from setState to frame; an update that draws no frame: setState itself)`,
  );
  console.log(
    'scenario          tasks  wall p50  wall p95  cpu p50  cpu p95  ink p95  frames  bytes/frame  cpu p95 vs 100 tasks',
  );
  for (const t of timings) {
    const base = timings.find((b) => b.scenario === t.scenario && b.tasks === 100)!;
    console.log(
      `${t.scenario.padEnd(16)} ${String(t.tasks).padStart(6)} ${f(t.p50).padStart(9)} ${f(t.p95).padStart(9)} ${f(t.cpuP50).padStart(8)} ${f(t.cpuP95).padStart(8)} ${f(t.inkP95).padStart(8)} ${String(t.frames).padStart(7)} ${String(t.bytesPerFrame).padStart(12)} ${`${(t.cpuP95 / base.cpuP95).toFixed(2)}x`.padStart(21)}`,
    );
  }
}

let heap: Awaited<ReturnType<typeof heapOverFrames>> | undefined;
if (phases.heap) {
  heap = await heapOverFrames();
  console.log(
    `\nheap after gc: ${f(heap.heapAtWarmup)} MiB at ${heap.warmupFrames} frames, ${f(heap.heapAtEnd)} MiB at ${heap.frames} frames (${(heap.growth * 100).toFixed(1)}%)`,
  );
}

if (!phases.timing) timings = previous().timings ?? [];
if (!phases.heap) heap = previous().heap;
const budgetP95 = 8;
// the budget is on the render: wall time from the store write to the frame written (valid on a quiet
// machine, see load); CPU time per update (which also counts the effects after the frame) is printed next to it
const big = timings.filter((t) => t.tasks === 10_000);
const worst = Math.max(...big.map((t) => t.p95));
const worstCpu = Math.max(...big.map((t) => t.cpuP95));
const result = {
  benchmark: 'render',
  date: new Date().toISOString(),
  node: process.version,
  load: os.loadavg(),
  terminal: { columns: COLUMNS, rows: ROWS },
  updates: UPDATES,
  warmup_updates: WARMUP_UPDATES,
  timings,
  late_frames: lateFrames,
  heap,
  budgets: { p95Ms: budgetP95, heapGrowth: 0.1 },
  pass: worst < budgetP95 && heap !== undefined && heap.growth < 0.1,
};
writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`);
console.log(
  `${lateFrames > 0 ? `\n${lateFrames} frames drawn with no update waiting (sampled values, or drawn over ${SETTLE_MS} ms after their update)` : ''}\np95 with 10,000 tasks: ${f(worst)} ms wall, ${f(worstCpu)} ms CPU (budget < ${budgetP95} ms); heap growth ${heap ? `${(heap.growth * 100).toFixed(1)}%` : 'not measured'} (budget < 10%); load average ${os.loadavg()[0]!.toFixed(1)} -> ${result.pass ? 'PASS' : 'FAIL'}`,
);
process.exit(0);
