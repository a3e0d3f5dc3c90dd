/**
 * DESIGN.md §11 budgets (and the issue's polling figure), each read from the result file of
 * the benchmark that measures it. A goal whose benchmark did not run reads "not measured".
 */

type Json = Record<string, unknown>;
export type Results = Record<string, Json | undefined>;

export interface GoalRow {
  goal: string;
  budget: string;
  measured: string;
  baseline: string;
  ratio: string;
  met: 'met' | 'not met' | 'not measured';
  /** what the figure depends on, or why it is missing */
  note: string;
  benchmark: string;
}

const rowsOf = (result: Json | undefined): Json[] =>
  Array.isArray(result?.rows) ? (result.rows as Json[]) : [];
const num = (value: unknown): number => (typeof value === 'number' ? value : Number.NaN);
const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '?');
const verdict = (ok: boolean): GoalRow['met'] => (ok ? 'met' : 'not met');

function missing(goal: string, budget: string, benchmark: string): GoalRow {
  return {
    goal,
    budget,
    measured: '—',
    baseline: '—',
    ratio: '—',
    met: 'not measured',
    note: `bench/${benchmark} produced no result in this run`,
    benchmark,
  };
}

function firstFrame(results: Results): GoalRow {
  const goal = 'first frame after `tltop --demo`';
  const budget = '< 500 ms';
  const r = results['first-frame'];
  if (!r) return missing(goal, budget, 'first-frame.ts');
  const ms = num(r.first_frame_median_ms);
  return {
    goal,
    budget,
    measured: `${fixed(ms, 0)} ms median (max ${fixed(num(r.first_frame_max_ms), 0)})`,
    baseline: `bare \`node -e\` start-up ${fixed(num(r.baseline_median_ms), 0)} ms${r.version_median_ms === undefined ? '' : `; \`tltop --version\` ${fixed(num(r.version_median_ms), 0)} ms`}`,
    ratio: `${fixed(num(r.ratio_vs_baseline))}x`,
    met: verdict(ms < 500),
    note: `real binary in a pty, Node's compile cache warm (${r.first_frame_no_compile_cache_median_ms === undefined ? 'no figure without it' : `${fixed(num(r.first_frame_no_compile_cache_median_ms), 0)} ms without it, as on a first start`}); commands load lazily, so \`tltop --version\` (${fixed(num(r.version_median_ms), 0)} ms) loads commander alone and the demo loads only the dashboard's modules (config and zod, Ink and React, the store, the API client, the in-process emulator) before its first frame${firstFrameCompared(r.compare as Json | undefined)}`,
    benchmark: 'first-frame',
  };
}

/** The before/after figures of a --compare run (another build measured in the same rounds). */
function firstFrameCompared(compare: Json | undefined): string {
  if (!compare) return '';
  return `; side by side with the build before lazy loading, in the same rounds: \`--version\` ${fixed(num(compare.version_median_ms), 0)} ms there (this build ${fixed(num(compare.version_ratio), 2)}x), first frame ${fixed(num(compare.first_frame_median_ms), 0)} ms there (this build ${fixed(num(compare.first_frame_ratio), 2)}x)`;
}

function storeUpdate(results: Results): GoalRow {
  const goal = 'a store update with 10,000 tasks loaded';
  const budget = 'p95 render < 8 ms, only visible rows rendered';
  const r = results.render;
  const timings = Array.isArray(r?.timings) ? (r.timings as Json[]) : [];
  if (!r || timings.length === 0) return missing(goal, budget, 'render.ts');
  const big = timings.filter((t) => t.tasks === 10_000);
  // CPU per update is the work itself; wall time adds whatever else the machine is running
  const key = big.every((t) => typeof t.cpuP95 === 'number') ? 'cpuP95' : 'p95';
  const worst = big.reduce((a, b) => (num(b[key]) > num(a[key]) ? b : a), big[0]!);
  const base = timings.find((t) => t.scenario === worst.scenario && t.tasks !== 10_000);
  const offscreen = big.find((t) => t.scenario === 'off-screen row');
  const p95 = num(worst[key]);
  const onlyVisible = offscreen !== undefined && num(offscreen.bytesPerFrame) <= 16;
  // newer runs count the frames an update drew: an off-screen change draws none at all
  const offscreenText = !offscreen
    ? 'an off-screen row change: ?'
    : offscreen.frames === 0
      ? `an off-screen row change draws no frame in ${String(r.updates)} updates`
      : `an off-screen row change writes ${String(offscreen.bytesPerFrame)} bytes/frame`;
  const load = Array.isArray(r.load) ? ` (load average ${num(r.load[0]).toFixed(1)})` : '';
  return {
    goal,
    budget,
    measured: `${key === 'cpuP95' ? 'CPU' : 'wall'} p95 ${fixed(p95, 2)} ms (worst scenario: ${String(worst.scenario)})${key === 'cpuP95' ? `, wall p95 ${fixed(num(worst.p95), 2)} ms` : ''}; ${offscreenText}`,
    baseline: base
      ? `same scenario with ${String(base.tasks)} tasks: p95 ${fixed(num(base[key]), 2)} ms`
      : '—',
    ratio: base ? `${fixed(p95 / num(base[key]), 2)}x` : '—',
    met: verdict(p95 < 8 && onlyVisible),
    note: `only visible rows are rendered (${offscreenText}) and 10,000 tasks cost about what 100 do, so the figure is Ink + Yoga laying out one 160x50 frame, on a shared 2-core machine${load}; ${String(r.updates)} updates per scenario`,
    benchmark: 'render',
  };
}

function idle(results: Results): GoalRow {
  const goal = 'idle, nothing changing';
  const budget = '< 1% of a core; zero renders when data is unchanged';
  const r = results.idle;
  if (!r) return missing(goal, budget, 'idle.ts');
  const net = num(r.net_core_percent);
  const renders = num(r.renders);
  return {
    goal,
    budget,
    measured: `${fixed(num(r.dashboard_core_percent), 2)}% of a core (net ${fixed(net, 2)}%); ${renders} renders, ${String(r.bytes_written)} bytes, ${String(r.api_requests)} API requests in ${String(r.window_s)} s`,
    baseline: `same process, nothing mounted: ${fixed(num(r.baseline_core_percent), 2)}%`,
    ratio: `${fixed(num(r.dashboard_core_percent) / Math.max(num(r.baseline_core_percent), 0.001))}x`,
    met: verdict(net < 1 && renders === 0),
    note: `CPU ${net < 1 ? 'within' : 'over'} budget (the pollers still check active items every 2-15 s and the connection every 10 s)${
      renders > 0
        ? `; renders not zero: ${renders} in ${String(r.window_s)} s with unchanged data — ${
            r.render_causes
              ? Object.entries(r.render_causes as Record<string, number>)
                  .map(([cause, count]) => `${count} after ${cause}`)
                  .join(', ')
              : 'the HH:MM clock and minute-grained relative times redraw once a minute, and each connection check may redraw the header\'s latency / "ok … ago" text'
          } (the connection heartbeat refreshes the header's "ok … ago" at most every 10 s; a timer frame is the HH:MM clock)`
        : ''
    }`,
    benchmark: 'idle',
  };
}

function memory(results: Results): GoalRow {
  const goal = 'memory over a long run (100k frames)';
  const budget = 'heap flat within 10% after warm-up';
  const r = results.soak;
  const d = r?.dashboard as Json | undefined;
  if (!r || !d) return missing(goal, budget, 'soak.ts');
  const base = r.baseline_store_only as Json;
  const growth = num(d.heap_growth_fitted);
  const frames = num(r.frames);
  // the largest distance of any post-warm-up sample from the heap at warm-up
  const samples = (r.samples ?? {}) as { frames?: number[]; heap_mib?: number[] };
  const after = (samples.heap_mib ?? []).filter(
    (_, index) => (samples.frames?.[index] ?? 0) >= num(r.warmup_frames),
  );
  const deviation =
    after.length > 0 ? Math.max(...after.map((heap) => Math.abs(heap / after[0]! - 1))) : Number.NaN;
  const flat = Math.abs(growth) < 0.1 && deviation < 0.1;
  return {
    goal,
    budget,
    measured: `${frames.toLocaleString('en')} frames: heap ${String(d.heap_at_warmup_mib)} -> ${String(d.heap_at_end_mib)} MiB (every sample within ${fixed(deviation * 100, 1)}% of warm-up), slope ${String(d.heap_slope_kib_per_10k_frames)} KiB/10k frames (${fixed(growth * 100, 1)}% over the run); RSS ${String(d.rss_at_warmup_mib)} -> ${String(d.rss_at_end_mib)} MiB`,
    baseline: `store updates alone: slope ${String(base?.heap_slope_kib_per_10k_frames)} KiB/10k frames`,
    ratio: '—',
    met: flat ? (frames >= 100_000 ? 'met' : 'not measured') : 'not met',
    note:
      frames >= 100_000
        ? 'heap after a full gc every 1% of the run, least-squares slope after a 10% warm-up'
        : `flat${flat ? '' : ' NOT'} over the ${frames.toLocaleString('en')} frames run, but the budget is for 100,000: at the ~35 frames/s this shared machine gives (160x50 Ink layout per frame) that run takes ~50 min, so it was cut short`,
    benchmark: 'soak',
  };
}

function uploadVsBare(results: Results): GoalRow {
  const goal = 'upload throughput vs a bare loopback PUT loop';
  const budget = '>= 90%';
  const rows = rowsOf(results['upload-throughput']);
  if (rows.length === 0) return missing(goal, budget, 'upload-throughput.ts');
  const worst = rows.reduce((a, b) => (num(b.ratio) < num(a.ratio) ? b : a), rows[0]!);
  return {
    goal,
    budget,
    measured: rows.map((row) => `c${String(row.concurrency)}: ${String(row.tltop_mib_s)} MiB/s`).join(', '),
    baseline: rows.map((row) => `c${String(row.concurrency)}: ${String(row.bare_mib_s)} MiB/s`).join(', '),
    ratio: rows.map((row) => `${Math.round(num(row.ratio) * 100)}%`).join(', '),
    met: verdict(num(worst.ratio) >= 0.9),
    note: `same file, chunks and concurrency, MD5 on both sides, ${fixed(num(results['upload-throughput']?.size_bytes) / 1024 ** 2, 0)} MiB file${results['upload-throughput']?.quick ? ' (quick run)' : ''}; below 90%: ${
      rows
        .filter((row) => num(row.ratio) < 0.9)
        .map((row) => `concurrency ${String(row.concurrency)}`)
        .join(', ') || 'none'
    }${
      rows.some((row) => row.compared_ratio !== undefined)
        ? `; the engine before the journal moved off the workers' path (fsync per confirmed chunk), same rounds: ${rows.map((row) => `c${String(row.concurrency)} ${Math.round(num(row.compared_ratio) * 100)}%`).join(', ')}`
        : ''
    }${rows.some((row) => row.tltop_journal_on_tmpfs_mib_s !== undefined) ? `; journal on tmpfs: ${rows.map((row) => `c${String(row.concurrency)} ${Math.round(num(row.ratio_journal_on_tmpfs) * 100)}%`).join(', ')}` : ''}${rows.some((row) => row.tltop_cpu_ms_per_mib !== undefined) ? `; CPU per MiB, tltop vs bare: ${rows.map((row) => `c${String(row.concurrency)} ${String(row.tltop_cpu_ms_per_mib)} vs ${String(row.bare_cpu_ms_per_mib)} ms`).join(', ')} — with the emulator on the same 2 shared cores, the extra work per chunk (journal, progress, retry bookkeeping) costs throughput once 8 streams compete for the CPU` : ''}`,
    benchmark: 'upload-throughput',
  };
}

function uploadVsSdk(results: Results): GoalRow {
  const goal = 'upload throughput vs twelvelabs-js `uploadFile`';
  const budget = '>= 1.3x with no faults, >= 2x under latency and the slow tail';
  const rows = rowsOf(results['upload-sdk']);
  if (rows.length === 0) return missing(goal, budget, 'upload-sdk.ts');
  const ok = rows.every((row) => row.met === 'yes');
  const misses = rows
    .filter((row) => row.met !== 'yes')
    .map((row) => `${String(row.condition)} (${String(row.speedup)}x, goal ${String(row.goal)})`);
  return {
    goal,
    budget,
    measured: rows.map((row) => `${String(row.condition)}: ${String(row.tltop_mib_s)} MiB/s`).join('; '),
    baseline: rows.map((row) => `${String(row.sdk_mib_s)} MiB/s`).join('; '),
    ratio: rows
      .map((row) => `${String(row.speedup)}x (goal ${String(row.goal).replace('>= ', '≥')})`)
      .join('; '),
    met: verdict(ok),
    note: `same file and emulator, ${String(results['upload-sdk']?.workers)} in flight each; ${fixed(num(results['upload-sdk']?.size_bytes) / 1024 ** 2, 0)} MiB file${misses.length > 0 ? `; short of the goal: ${misses.join(', ')}` : ''}${misses.some((miss) => miss.includes('latency')) ? ' — DESIGN.md §11 measured a bare streamed worker pool at 1.5-1.9x the SDK under latency, so 2x there is above what the floor reached' : ''}`,
    benchmark: 'upload-sdk',
  };
}

function uploadMemory(results: Results): GoalRow {
  const goal = 'upload memory, 2 GiB file, concurrency 8';
  const budget = 'RSS < 100 MiB, no temp files';
  const r = results['upload-memory'];
  const rows = rowsOf(r);
  if (rows.length === 0) return missing(goal, budget, 'upload-memory.ts');
  const binary = rows.find((row) => String(row.subject).includes('dist/bin.js')) ?? rows[0]!;
  const bare = rows.find((row) => String(row.subject).startsWith('bare'));
  const sdk = rows.find((row) => String(row.subject).includes('twelvelabs-js'));
  const size = num(r?.size_bytes);
  const rss = num(binary.peak_rss_mib);
  return {
    goal,
    budget,
    measured: `${fixed(rss)} MiB peak RSS, ${String(binary.temp_files_peak_mib)} MiB temp files (${fixed(size / 1024 ** 3, 2)} GiB file)`,
    baseline: `bare PUT loop ${bare ? fixed(num(bare.peak_rss_mib)) : '?'} MiB${sdk ? `; SDK ${fixed(num(sdk.peak_rss_mib))} MiB + ${String(sdk.temp_files_peak_mib)} MiB temp` : ''}`,
    ratio: `${String(binary.rss_vs_bare ?? '?')}x bare`,
    met:
      verdict(rss < 100 && num(binary.temp_files_peak_mib) === 0 && size >= 2 * 1024 ** 3) === 'met'
        ? 'met'
        : rss < 100 && num(binary.temp_files_peak_mib) === 0
          ? 'not measured'
          : 'not met',
    note: `${size >= 2 * 1024 ** 3 ? 'RSS of the real binary read from /proc' : 'short run with a smaller file; the budget is for 2 GiB'}${
      bare
        ? `; the bare PUT loop, which keeps no state at all, peaks at ${fixed(num(bare.peak_rss_mib))} MiB on the same Node, so the figure is mostly Node + undici's own footprint with 8 streams of 5 MiB chunks in flight, not tltop's bookkeeping`
        : ''
    }`,
    benchmark: 'upload-memory',
  };
}

function polling(results: Results): GoalRow {
  const goal = 'polling 10,000 tasks, 20 active (issue 9)';
  const budget = 'far fewer requests than per-task polling every 5 s';
  const r = results.pollers;
  const rows = rowsOf(r);
  if (rows.length === 0) return missing(goal, budget, 'pollers.ts');
  const store = rows.find((row) => row.scenario === 'tltop store pollers');
  const naive = rows.find((row) => String(row.scenario).startsWith('naive'));
  if (!store || !naive) return missing(goal, budget, 'pollers.ts');
  const ratio = num(naive.requests_per_minute) / num(store.requests_per_minute);
  return {
    goal,
    budget,
    measured: `${String(store.requests_per_minute)} requests/min, ${fixed(num(store.core_percent), 2)}% of a core`,
    baseline: `every task every 5 s: ${num(naive.requests_per_minute).toLocaleString('en')} requests/min`,
    ratio: `1/${fixed(ratio, 0)}`,
    met: verdict(ratio >= 10),
    note: 'requests counted by the emulator; the store polls only active items and the visible window',
    benchmark: 'pollers',
  };
}

export function evaluateGoals(results: Results): GoalRow[] {
  return [firstFrame, storeUpdate, idle, memory, uploadVsBare, uploadVsSdk, uploadMemory, polling].map(
    (goal) => goal(results),
  );
}

export function goalsMarkdown(rows: readonly GoalRow[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const lines = [
    '| goal (DESIGN.md §11) | budget | measured | baseline, same run | ratio | verdict |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${[row.goal, row.budget, row.measured, row.baseline, row.ratio, row.met].map(cell).join(' | ')} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
