/**
 * Memory soak of a live-updating dashboard: the real App + store with 1,000 indexing tasks
 * (20 pages; the 10,000-task render cost is bench/render.ts's), one visible row changing every
 * frame (new status and timestamp strings), for 100,000 frames (10,000 with --quick,
 * --frames=N to choose). Heap (after a full gc) and RSS are sampled every 1% of the
 * run; after a 10% warm-up the least-squares slope is reported, with the growth it implies
 * over the run. Baseline, side by side: the same store updates with nothing mounted.
 *
 *   npx tsx bench/soak.ts [--quick] [--frames=N]
 */
import type { Task } from '../../src/api/types.js';
import type { AppStore } from '../../src/store/index.js';
import { startDashboardRig } from './dashboard.js';
import { linearFit, quickMode, round, writeResultFile } from './stats.js';

const quick = quickMode();
const framesFlag = process.argv.find((arg) => arg.startsWith('--frames='));
const FRAMES = framesFlag
  ? Math.max(1000, Math.round(Number(framesFlag.slice(9)) / 100) * 100)
  : quick
    ? 10_000
    : 100_000;
const SAMPLE_EVERY = FRAMES / 100;
const WARMUP = FRAMES / 10;
const TASKS = 1_000;
const STATUSES = ['validating', 'pending', 'queued', 'indexing', 'ready', 'failed'] as const;
const MiB = 1024 ** 2;
const gc = (globalThis as unknown as { gc: () => void }).gc;

function task(i: number, tick: number): Task {
  return {
    _id: (0x64f8a1b2c3d4e5f6n + BigInt(i)).toString(16).padStart(24, '0'),
    video_id: (0x7a00000000000000n + BigInt(i)).toString(16).padStart(24, '0'),
    index_id: '6500000000000000000000aa',
    status: STATUSES[(i + tick) % STATUSES.length]!,
    created_at: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
    updated_at: new Date(Date.UTC(2026, 10, 2) + tick * 1000).toISOString(),
    system_metadata: {
      filename: `camera-${i % 97}-clip-${i}.mp4`,
      duration: 60 + (i % 3600),
      width: 1920,
      height: 1080,
    },
  };
}

/** Loads the tasks as server pages of 50, the way the task poller stores them. */
function loadTasks(store: AppStore): string[] {
  const tasks: Record<string, Task> = {};
  const ids: string[] = [];
  for (let i = TASKS - 1; i >= 0; i--) {
    const item = task(i, 0);
    tasks[item._id] = item;
    ids.push(item._id);
  }
  const pages: Record<number, string[]> = {};
  for (let page = 0; page * 50 < ids.length; page++) pages[page + 1] = ids.slice(page * 50, (page + 1) * 50);
  store.setState((state) => ({
    entities: { ...state.entities, tasks },
    collections: {
      ...state.collections,
      tasks: { ...state.collections.tasks, pageSize: 50, pages, total: TASKS },
    },
  }));
  store.getState().actions.switchView('indexing');
  return ids;
}

function update(store: AppStore, ids: readonly string[], tick: number): void {
  const i = tick % 20;
  const id = ids[i]!;
  store.setState((state) => ({
    entities: { ...state.entities, tasks: { ...state.entities.tasks, [id]: task(TASKS - 1 - i, tick) } },
  }));
}

interface Series {
  frames: number[];
  heap: number[];
  rss: number[];
}

function sample(series: Series, frame: number): void {
  gc();
  gc();
  const memory = process.memoryUsage();
  series.frames.push(frame);
  series.heap.push(memory.heapUsed / MiB);
  series.rss.push(memory.rss / MiB);
}

function summarise(series: Series) {
  const from = series.frames.findIndex((frame) => frame >= WARMUP);
  const frames = series.frames.slice(from);
  const heap = series.heap.slice(from);
  const rss = series.rss.slice(from);
  const heapFit = linearFit(frames, heap);
  const rssFit = linearFit(frames, rss);
  const span = frames.at(-1)! - frames[0]!;
  const heapStart = heapFit.intercept + heapFit.slope * frames[0]!;
  return {
    heap_at_warmup_mib: round(heap[0]!, 2),
    heap_at_end_mib: round(heap.at(-1)!, 2),
    heap_max_mib: round(Math.max(...heap), 2),
    heap_slope_kib_per_10k_frames: round(heapFit.slope * 1024 * 10_000, 2),
    /** growth over the measured span implied by the slope, as a fraction of the heap at warm-up */
    heap_growth_fitted: round((heapFit.slope * span) / heapStart, 4),
    heap_growth_end_vs_warmup: round(heap.at(-1)! / heap[0]! - 1, 4),
    rss_at_warmup_mib: round(rss[0]!, 1),
    rss_at_end_mib: round(rss.at(-1)!, 1),
    rss_slope_kib_per_10k_frames: round(rssFit.slope * 1024 * 10_000, 1),
  };
}

async function baseline(): Promise<Series> {
  // the same store updates, nothing rendering them
  const { createAppStore } = await import('../../src/store/index.js');
  const { TwelveLabsClient } = await import('../../src/api/client.js');
  const api = new TwelveLabsClient({
    apiKey: 'tlk_bench_key_not_a_secret_000',
    baseUrl: 'http://127.0.0.1:9/v1.3',
  });
  const store = createAppStore({ api });
  const ids = loadTasks(store);
  const series: Series = { frames: [], heap: [], rss: [] };
  for (let tick = 1; tick <= FRAMES; tick++) {
    update(store, ids, tick);
    if (tick % SAMPLE_EVERY === 0) sample(series, tick);
  }
  await api.close();
  return series;
}

async function dashboard(): Promise<{ series: Series; seconds: number }> {
  // no server: the store is written directly, as the pollers write it
  const rig = startDashboardRig({
    baseUrl: 'http://127.0.0.1:9/v1.3',
    columns: 160,
    rows: 50,
    maxFps: 100_000,
  });
  const ids = loadTasks(rig.store);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const series: Series = { frames: [], heap: [], rss: [] };
  const started = performance.now();
  for (let tick = 1; tick <= FRAMES; tick++) {
    const frame = rig.nextFrame();
    update(rig.store, ids, tick);
    await frame;
    // let React's scheduler (setImmediate) run between frames, as it does in the app
    await new Promise((resolve) => setImmediate(resolve));
    if (tick % SAMPLE_EVERY === 0) sample(series, tick);
    if (tick % (FRAMES / 10) === 0) process.stderr.write(`soak: ${tick}/${FRAMES} frames\n`);
  }
  const seconds = (performance.now() - started) / 1000;
  await rig.close();
  return { series, seconds };
}

const base = summarise(await baseline());
const { series, seconds } = await dashboard();
const soak = summarise(series);
const result = {
  quick,
  frames: FRAMES,
  warmup_frames: WARMUP,
  tasks: TASKS,
  seconds: round(seconds, 1),
  dashboard: soak,
  baseline_store_only: base,
  samples: {
    frames: series.frames,
    heap_mib: series.heap.map((v) => round(v, 2)),
    rss_mib: series.rss.map((v) => round(v, 1)),
  },
  budget: { heap_growth: 0.1 },
};
const file = await writeResultFile('soak', result);
process.stdout.write(
  `\nmemory soak: ${FRAMES} frames of a live-updating dashboard (1,000 tasks, 160x50) in ${result.seconds} s\n` +
    `  heap after warm-up ${soak.heap_at_warmup_mib} MiB -> ${soak.heap_at_end_mib} MiB at the end (max ${soak.heap_max_mib})\n` +
    `  heap slope ${soak.heap_slope_kib_per_10k_frames} KiB / 10k frames = ${(soak.heap_growth_fitted * 100).toFixed(2)}% over the run (budget < 10%)\n` +
    `  rss ${soak.rss_at_warmup_mib} -> ${soak.rss_at_end_mib} MiB (slope ${soak.rss_slope_kib_per_10k_frames} KiB / 10k frames)\n` +
    `  baseline (store only, nothing mounted): heap slope ${base.heap_slope_kib_per_10k_frames} KiB / 10k frames\n` +
    `wrote ${file}\n`,
);
process.exit(0);
