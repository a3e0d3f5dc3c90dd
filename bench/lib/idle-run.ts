/**
 * Idle cost of the dashboard: the real App + store + pollers (tltop's default intervals)
 * against a demo emulator in its own process whose clock is frozen, so no data changes.
 * Over the same window, side by side in this process:
 *   - baseline: Node with the modules loaded and nothing mounted (the floor on this machine)
 *   - dashboard: mounted, polling, nothing changing
 * Reports share of one core, frames rendered, bytes written and API requests.
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

  const rig = startDashboardRig({ baseUrl: emulator.baseUrl, columns: 160, rows: 50, maxFps: 15 });
  const pollers = startPollers(rig.store);
  await sleep(WARMUP_MS);
  const renders = rig.renders();
  const bytes = rig.stdout.bytes;
  const requests = apiRequests(await emulator.stats());
  const dashboard = await measure(WINDOW_MS);
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
      `wrote ${file}\n`,
  );
} finally {
  await emulator.stop();
}
process.exit(0);
