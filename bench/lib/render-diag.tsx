/**
 * Where a frame's time goes (diagnostic, not a benchmark): Ink's output pass (write
 * operations, characters tokenized) vs the rest, with 10,000 tasks on a 160x50 fake TTY.
 *   node_modules/.bin/node --import tsx bench/lib/render-diag.tsx [updates]
 * DIAG_TOP=9 prints each update over 9 ms of CPU with its wall time, user/system split and GC
 * pause (CPU well over wall: other threads, e.g. parallel scavenges; system time: page faults).
 */
process.env.NODE_ENV = 'production';
const { performance } = await import('node:perf_hooks');
const { render } = await import('ink');
// Ink's internal module, patched here for counting only
const Output = (await import('../../node_modules/ink/build/output.js')).default;
const { TwelveLabsClient } = await import('../../src/api/client.js');
type Task = import('../../src/api/types.js').Task;
const { App } = await import('../../src/components/App.js');
const { createAppStore } = await import('../../src/store/index.js');
const { FakeStdin, FakeStdout } = await import('./fake-tty.js');
const React = await import('react');

const stats = { slowChars: 0, gets: 0, ops: 0, chars: 0, tokenized: 0, tokenizeCalls: 0, getMs: 0 };
const originalGet = Output.prototype.get;
interface OutputLike {
  caches: {
    styledChars: Map<string, unknown>;
    widths: Map<string, number>;
    getStyledChars(line: string): unknown;
    getStringWidth(text: string): number;
  };
  operations: { type: string; text: string }[];
}
type Caches = OutputLike['caches'];
// What Ink's output pass would cost if its per-frame caches (tokenized lines, widths) outlived the
// frame (an experiment on Ink, not something the dashboard does): DIAG_SHARED_CACHE=all keeps
// every line ever drawn, DIAG_SHARED_CACHE=last the lines of the frame before (bounded memory).
const sharedMode = process.env.DIAG_SHARED_CACHE;
let sharedCaches: Caches | undefined;
let lastFrame: { styledChars: Map<string, unknown>; widths: Map<string, number> } | undefined;
const proto = () =>
  Object.getPrototypeOf((new Output({ width: 1, height: 1 }) as unknown as OutputLike).caches) as Caches;
Output.prototype.get = function (this: OutputLike) {
  if (sharedMode === 'all') {
    sharedCaches ??= this.caches;
    this.caches = sharedCaches;
  }
  const caches = this.caches;
  // the prototype's methods: with shared caches, the instance's would be last frame's wrappers
  const originalChars = proto().getStyledChars.bind(caches);
  const originalWidth = proto().getStringWidth.bind(caches);
  const previous = sharedMode === 'last' ? lastFrame : undefined;
  caches.getStyledChars = (line: string) => {
    if (!caches.styledChars.has(line)) {
      const kept = previous?.styledChars.get(line);
      if (kept !== undefined) {
        caches.styledChars.set(line, kept);
        return kept;
      }
      stats.tokenizeCalls += 1;
      stats.tokenized += line.length;
    }
    return originalChars(line);
  };
  caches.getStringWidth = (text: string) => {
    if (!caches.widths.has(text)) {
      const kept = previous?.widths.get(text);
      if (kept !== undefined) {
        caches.widths.set(text, kept);
        return kept;
      }
    }
    return originalWidth(text);
  };
  if (sharedMode === 'last') lastFrame = { styledChars: caches.styledChars, widths: caches.widths };
  for (const op of this.operations) {
    if (op.type === 'write') {
      stats.ops += 1;
      stats.chars += op.text.length;
      const plain = op.text.replace(/\u001b\[[0-9;]*m/g, '');
      if (!/^[\x20-\x7e\n]*$/.test(plain)) {
        stats.slowChars += plain.length;
        if (process.env.DIAG_SHOW && stats.gets === 5) console.log(JSON.stringify(plain));
      }
    }
  }
  stats.gets += 1;
  const started = performance.now();
  const result = originalGet.call(this);
  stats.getMs += performance.now() - started;
  return result;
};

const STATUSES = ['validating', 'pending', 'queued', 'indexing', 'ready', 'failed'];
const api = new TwelveLabsClient({ apiKey: 'tlk_bench_not_used_000000', baseUrl: 'http://127.0.0.1:9/v1.3' });
const store = createAppStore({ api });
const tasks: Record<string, Task> = {};
const ids: string[] = [];
for (let i = 9999; i >= 0; i--) {
  const id = (0x64f8a1b2c3d4e5f6n + BigInt(i)).toString(16).padStart(24, '0');
  tasks[id] = {
    _id: id,
    video_id: (0x7a00000000000000n + BigInt(i)).toString(16).padStart(24, '0'),
    index_id: '6500000000000000000000aa',
    status: STATUSES[i % 6] as Task['status'],
    created_at: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
    updated_at: new Date(Date.UTC(2026, 10, 2)).toISOString(),
    system_metadata: {
      filename: `camera-${i % 97}-clip-${i}.mp4`,
      duration: 60 + (i % 3600),
      width: 1920,
      height: 1080,
    },
  };
  ids.push(id);
}
const pages: Record<number, string[]> = {};
for (let p = 0; p * 50 < ids.length; p++) pages[p + 1] = ids.slice(p * 50, (p + 1) * 50);
store.setState((s) => ({
  entities: { ...s.entities, tasks },
  collections: { ...s.collections, tasks: { ...s.collections.tasks, pageSize: 50, pages, total: 10000 } },
}));
store.getState().actions.switchView('indexing');
let waiter: (() => void) | undefined;
const stdout = new FakeStdout(160, 50);
// a digest of every byte written: the same with and without DIAG_SHARED_CACHE (the frames are equal)
const { createHash } = await import('node:crypto');
const digest = createHash('sha256');
const write = stdout._write.bind(stdout);
stdout._write = (chunk: Buffer | string, encoding: string, callback: () => void) => {
  digest.update(chunk);
  write(chunk, encoding, callback);
};
const instance = render(
  React.createElement(App, {
    store,
    info: { profile: 'bench', host: '127.0.0.1', maskedKey: 'tlk_…0000', demo: false },
    size: { columns: 160, rows: 50 },
  }),
  {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
    interactive: true,
    incrementalRendering: true,
    maxFps: 100_000,
    patchConsole: false,
    exitOnCtrlC: false,
    onRender: () => {
      const r = waiter;
      waiter = undefined;
      r?.();
    },
  },
);
await new Promise((r) => setTimeout(r, 100));
const N = Number(process.argv[2] ?? 200);
let gcMs = 0;
const { PerformanceObserver } = await import('node:perf_hooks');
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });
for (const kind of ['visible', 'selection'] as const) {
  Object.assign(stats, { slowChars: 0, gets: 0, ops: 0, chars: 0, tokenized: 0, tokenizeCalls: 0, getMs: 0 });
  const cpu: number[] = [];
  for (let tick = 1; tick <= N; tick++) {
    let change: object | undefined;
    if (kind === 'visible') {
      const s = store.getState();
      const t = s.entities.tasks[ids[3]!]!;
      change = {
        entities: {
          ...s.entities,
          tasks: {
            ...s.entities.tasks,
            [ids[3]!]: {
              ...t,
              status: STATUSES[tick % 6] as Task['status'],
              updated_at: new Date(Date.UTC(2026, 10, 2) + tick * 1000).toISOString(),
            },
          },
        },
      };
    }
    const frame = new Promise<void>((r) => (waiter = r));
    const before = process.cpuUsage();
    const wallBefore = performance.now();
    const gcBefore = gcMs;
    if (change) store.setState(change);
    else store.getState().actions.moveSelection(Math.floor((tick - 1) / 19) % 2 === 0 ? 1 : -1);
    await frame;
    await new Promise((r) => setImmediate(r));
    const used = process.cpuUsage(before);
    const wall = performance.now() - wallBefore;
    if (process.env.DIAG_TOP && (used.user + used.system) / 1000 > Number(process.env.DIAG_TOP))
      console.log(
        kind,
        tick,
        ((used.user + used.system) / 1000).toFixed(1),
        'ms cpu, wall',
        wall.toFixed(1),
        'user',
        (used.user / 1000).toFixed(1),
        'sys',
        (used.system / 1000).toFixed(1),
        'gc',
        (gcMs - gcBefore).toFixed(1),
      );
    cpu.push((used.user + used.system) / 1000);
  }
  cpu.sort((a, b) => a - b);
  if (process.env.DIAG_TOP)
    console.log(
      kind,
      'slowest',
      cpu
        .slice(-10)
        .map((v) => v.toFixed(1))
        .join(' '),
    );
  console.log(
    `${kind}: cpu p10 ${cpu[Math.floor(N / 10)]!.toFixed(2)} p25 ${cpu[Math.floor(N / 4)]!.toFixed(2)} p50 ${cpu[Math.floor(N / 2)]!.toFixed(2)} p95 ${cpu[Math.floor(N * 0.95)]!.toFixed(2)} ms; ${(stats.gets / N).toFixed(2)} renders/update; per frame: output.get ${(stats.getMs / N).toFixed(2)} ms, ${(stats.ops / N).toFixed(0)} writes, ${(stats.chars / N).toFixed(0)} chars (${(stats.slowChars / N).toFixed(0)} non-ASCII), ${(stats.tokenizeCalls / N).toFixed(0)} tokenize calls of ${(stats.tokenized / N).toFixed(0)} chars`,
  );
}
console.log(`output: ${stdout.bytes} bytes, sha256 ${digest.digest('hex').slice(0, 16)}`);
instance.unmount();
await api.close();
process.exit(0);
