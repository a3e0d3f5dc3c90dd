/**
 * Idle cost of the dashboard: the real App + store + pollers (tltop's default intervals)
 * against a demo emulator in its own process whose clock is frozen, so no data changes.
 * Over the same window, side by side in this process:
 *   - baseline: Node with the modules loaded and nothing mounted (the floor on this machine)
 *   - dashboard: mounted, polling, nothing changing
 * Reports share of one core, frames rendered, bytes written and API requests, and what each
 * frame followed: a store change (which state paths changed) or nothing (a timer: the clock).
 *
 *   npx tsx bench/idle.ts [--quick]
 */
import { startPollers } from '../../src/store/index.js';
import { startDashboardRig } from './dashboard.js';
import { apiRequests, startEmulatorProcess } from './emulator-process.js';
import { quickMode, round, sleep, writeResultFile } from './stats.js';

const quick = quickMode();
const WINDOW_MS = quick ? 15_000 : 60_000;
const WARMUP_MS = quick ? 5_000 : 10_000;

function corePercent(cpu: NodeJS.CpuUsage, ms: number): number {
  return ((cpu.user + cpu.system) / 1000 / ms) * 100;
}

/** The state paths (two levels deep) whose value changed between two states. */
function changedPaths(state: object, previous: object, prefix = '', depth = 0): string[] {
  const paths: string[] = [];
  for (const key of Object.keys(state)) {
    const now = (state as Record<string, unknown>)[key];
    const before = (previous as Record<string, unknown>)[key];
    if (Object.is(now, before)) continue;
    const path = `${prefix}${key}`;
    const nested =
      depth < 1 && now && before && typeof now === 'object' && typeof before === 'object'
        ? changedPaths(now, before, `${path}.`, depth + 1)
        : [];
    paths.push(...(nested.length > 0 ? nested : [path]));
  }
  return paths;
}

async function measure(ms: number): Promise<{ core_percent: number; wall_ms: number }> {
  const started = performance.now();
  const before = process.cpuUsage();
  await sleep(ms);
  const wall = performance.now() - started;
  return { core_percent: corePercent(process.cpuUsage(before), wall), wall_ms: round(wall, 0) };
}

// a clock speed this low freezes every running item where the seed left it
const emulator = await startEmulatorProcess(['--seed', 'demo', '--speed', '0.000001']);
try {
  const baseline = await measure(WINDOW_MS);

  const frames: number[] = [];
  let recording = false;
  const rig = startDashboardRig({
    baseUrl: emulator.baseUrl,
    columns: 160,
    rows: 50,
    maxFps: 15,
    onFrame: (at) => {
      if (recording) frames.push(at);
    },
  });
  const pollers = startPollers(rig.store);
  await sleep(WARMUP_MS);
  const renders = rig.renders();
  const bytes = rig.stdout.bytes;
  const requests = apiRequests(await emulator.stats());
  // what each frame followed: store changes in the frame interval before it, else a timer
  const changes: { at: number; paths: string[] }[] = [];
  const unsubscribe = rig.store.subscribe((state, previous) => {
    changes.push({ at: performance.now(), paths: changedPaths(state, previous) });
  });
  recording = true;
  const dashboard = await measure(WINDOW_MS);
  recording = false;
  unsubscribe();
  const causes: Record<string, number> = {};
  let seen = 0;
  for (const at of frames) {
    const before = changes.filter((change) => change.at <= at && change.at > at - 1000 / 15 - 10);
    const paths = [...new Set(before.flatMap((change) => change.paths))].sort();
    // a frame within a second after a whole minute is the minute tick's (a relative time on screen changed)
    const second = (Date.now() - (performance.now() - at)) % 60_000;
    const cause =
      paths.length > 0
        ? `store: ${paths.join(', ')}`
        : second < 1000
          ? 'timer: the minute tick (a relative time on screen changed)'
          : 'timer (no store change)';
    causes[cause] = (causes[cause] ?? 0) + 1;
    seen += 1;
  }
  const storeChanges: Record<string, number> = {};
  for (const change of changes) {
    for (const path of change.paths) storeChanges[path] = (storeChanges[path] ?? 0) + 1;
  }
  const result = {
    quick,
    window_s: WINDOW_MS / 1000,
    baseline_core_percent: round(baseline.core_percent, 3),
    dashboard_core_percent: round(dashboard.core_percent, 3),
    /** the dashboard's own share: its process minus the idle floor measured just before */
    net_core_percent: round(Math.max(0, dashboard.core_percent - baseline.core_percent), 3),
    renders: rig.renders() - renders,
    bytes_written: rig.stdout.bytes - bytes,
    api_requests: apiRequests(await emulator.stats()) - requests,
    /** each frame of the window by what preceded it */
    render_causes: causes,
    frames_attributed: seen,
    /** store writes in the window by state path (a write renders only when a shown selector changes) */
    store_changes: storeChanges,
    budget: { core_percent: 1, renders: 0 },
  };
  await pollers.stop();
  await rig.close();
  const file = await writeResultFile('idle', result);
  process.stdout.write(
    `\nidle dashboard over ${result.window_s} s (160x50, default poll intervals, data unchanged)\n` +
      `  baseline (nothing mounted)  ${result.baseline_core_percent}% of a core\n` +
      `  dashboard                   ${result.dashboard_core_percent}% of a core (net ${result.net_core_percent}%)\n` +
      `  renders ${result.renders}, bytes written ${result.bytes_written}, API requests ${result.api_requests}\n` +
      Object.entries(causes)
        .map(([cause, count]) => `    ${count} after ${cause}\n`)
        .join('') +
      `  store writes: ${JSON.stringify(storeChanges)}\n` +
      `wrote ${file}\n`,
  );
} finally {
  await emulator.stop();
}
process.exit(0);
