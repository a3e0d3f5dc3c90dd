/**
 * Runs every benchmark in bench/ (each in its own child process, with --expose-gc, so one
 * crash does not end the run), collects the JSON each writes to bench/results/, and writes
 * bench/results/latest.json and bench/results/latest.md: every DESIGN.md §11 budget with the
 * figure measured, the baseline measured side by side in the same run, and met / not met.
 *
 *   npm run bench                        full sizes (long on a 2-core machine)
 *   npm run bench -- --quick             short runs of everything
 *   npm run bench -- --only idle,soak    some benchmarks; --merge keeps the others' last results
 *   npm run bench -- --quick=render,soak the named ones short, the rest full
 *   npm run bench -- --pass=soak:--frames=20000   an extra argument for one benchmark
 *   npm run bench -- --help              this text
 *
 * Before/after, side by side in the same rounds (build the other tree first):
 *   --pass=first-frame:--compare=/path/to/other/dist/bin.js
 *   --pass=upload-throughput:--compare=/path/to/other/checkout
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverBenchmarks } from './lib/discover.js';
import { evaluateGoals, type Results } from './lib/goals.js';
import { type BenchRun, latestMarkdown } from './lib/latest.js';
import { machine, RESULTS_DIR } from './lib/stats.js';

const BENCH_DIR = join(process.cwd(), 'bench');
const LATEST = join(RESULTS_DIR, 'latest.json');

const USAGE = `npm run bench -- [options]      every benchmark in bench/, results in bench/results/

  --quick                     short runs of everything
  --quick=a,b                 the named benchmarks short, the rest full
  --only=a,b                  only these (e.g. first-frame,upload-throughput,idle)
  --merge                     keep the other benchmarks' last results in latest.json
  --timeout=MINUTES           per benchmark (default 60)
  --pass=NAME:ARG             an extra argument for one benchmark, e.g.
                                --pass=soak:--frames=20000
                                --pass=first-frame:--compare=OTHER/dist/bin.js   (before/after, same rounds)
                                --pass=upload-throughput:--compare=OTHER_CHECKOUT (its engine, same rounds)

Then \`npx tsx bench/report.ts\` regenerates README's Performance section from latest.json.`;

interface Flags {
  quickAll: boolean;
  quickNames: Set<string>;
  only?: Set<string>;
  merge: boolean;
  timeoutMinutes: number;
  extraArgs: Map<string, string[]>;
}

function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = {
    quickAll: false,
    quickNames: new Set(),
    merge: false,
    timeoutMinutes: 60,
    extraArgs: new Map(),
  };
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    if (arg === '--quick') flags.quickAll = true;
    else if (arg.startsWith('--quick=')) flags.quickNames = new Set(arg.slice(8).split(','));
    else if (arg.startsWith('--only=')) flags.only = new Set(arg.slice(7).split(','));
    else if (arg === '--merge') flags.merge = true;
    else if (arg.startsWith('--timeout=')) flags.timeoutMinutes = Number(arg.slice(10));
    else if (arg.startsWith('--pass=') && arg.includes(':')) {
      const [name, extra] = [arg.slice(7, arg.indexOf(':')), arg.slice(arg.indexOf(':') + 1)];
      flags.extraArgs.set(name, [...(flags.extraArgs.get(name) ?? []), extra]);
    } else {
      process.stderr.write(
        `bench: unknown option ${arg} (known: --quick[=a,b], --only=a,b, --merge, --timeout=MINUTES, --pass=NAME:ARG)\n`,
      );
      process.exit(2);
    }
  }
  return flags;
}

async function resultMtimes(): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  for (const file of await readdir(RESULTS_DIR).catch(() => [] as string[])) {
    if (file.endsWith('.json') && file !== 'latest.json')
      times.set(file, (await stat(join(RESULTS_DIR, file))).mtimeMs);
  }
  return times;
}

function runChild(
  name: string,
  args: readonly string[],
  timeoutMs: number,
  log: string,
): Promise<{ code: number | null; signal: string | null; tail: string }> {
  return new Promise((resolve) => {
    const file = join('bench', `${name}.ts`);
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', file, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const out = createWriteStream(log);
    let tail = '';
    const keep = (piece: Buffer) => {
      out.write(piece);
      process.stdout.write(piece);
      tail = (tail + piece.toString('utf8')).slice(-2000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    // the whole group: a benchmark's own emulator and helpers go with it
    const timer = setTimeout(() => {
      tail += `\n[bench: ${name} ran over ${timeoutMs / 60_000} min and was stopped]`;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      out.end();
      resolve({ code, signal, tail });
    });
  });
}

async function readResults(files: Iterable<string>): Promise<Results> {
  const results: Results = {};
  for (const file of files) {
    try {
      results[file.replace(/\.json$/, '')] = JSON.parse(await readFile(join(RESULTS_DIR, file), 'utf8'));
    } catch {}
  }
  return results;
}

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  await mkdir(RESULTS_DIR, { recursive: true });
  const names = (await discoverBenchmarks(BENCH_DIR)).filter((name) => !flags.only || flags.only.has(name));
  const logDir = join(tmpdir(), `tltop-bench-logs-${Date.now()}`);
  await mkdir(logDir, { recursive: true });
  process.stdout.write(`bench: ${names.join(', ')} (logs in ${logDir})\n`);
  const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  if (build.status !== 0) {
    process.stderr.write('bench: npm run build failed; first-frame and upload-memory need dist/\n');
  }

  const previous = flags.merge
    ? (JSON.parse(await readFile(LATEST, 'utf8').catch(() => '{}')) as Record<string, unknown>)
    : {};
  const runs: BenchRun[] =
    flags.merge && Array.isArray(previous.runs)
      ? (previous.runs as BenchRun[]).filter((run) => !names.includes(run.name))
      : [];
  // kept from the last run: the results of the benchmarks not run now
  const results: Results = Object.fromEntries(
    runs
      .map((run) => [run.name, (previous.results as Results | undefined)?.[run.name]] as const)
      .filter(([, result]) => result),
  );
  const started = new Date();
  for (const name of names) {
    const quick = flags.quickAll || flags.quickNames.has(name);
    const before = await resultMtimes();
    const startedAt = new Date();
    const load = loadavg().map((value) => Number(value.toFixed(2)));
    const args = [...(quick ? ['--quick'] : []), ...(flags.extraArgs.get(name) ?? [])];
    process.stdout.write(`\n=== bench/${name}.ts ${args.join(' ')} (load ${load.join(' ')})\n`);
    const log = join(logDir, `${name}.log`);
    const { code, signal, tail } = await runChild(name, args, flags.timeoutMinutes * 60_000, log);
    const after = await resultMtimes();
    // <name>.json, written during this benchmark (other work on the machine may write other files)
    const written = [...after]
      .filter(([file, mtime]) => file === `${name}.json` && (before.get(file) ?? 0) < mtime)
      .map(([file]) => file);
    Object.assign(results, await readResults(written));
    runs.push({
      name,
      mode: quick ? 'quick' : 'full',
      args,
      exit_code: code,
      signal,
      seconds: Number(((Date.now() - startedAt.getTime()) / 1000).toFixed(1)),
      result_files: written,
      ...(code === 0 ? {} : { error_tail: tail.split('\n').slice(-15).join('\n') }),
      log,
      started_at: startedAt.toISOString(),
      load_average: load,
    });
    await writeLatest(started, flags, runs, results);
  }
  const failed = runs.filter((run) => names.includes(run.name) && run.exit_code !== 0);
  process.stdout.write(`\n${await readFile(join(RESULTS_DIR, 'latest.md'), 'utf8')}`);
  process.stdout.write(
    `\nbench: ${names.length - failed.length} passed, ${failed.length} failed; wrote ${LATEST}\n`,
  );
  process.exitCode = failed.length > 0 ? 1 : 0;
}

async function writeLatest(started: Date, flags: Flags, runs: readonly BenchRun[], results: Results) {
  const goals = evaluateGoals(results);
  const latest = {
    generated_at: new Date().toISOString(),
    started_at: started.toISOString(),
    quick: flags.quickAll,
    quick_benchmarks: flags.quickAll ? 'all' : [...flags.quickNames],
    machine: machine(),
    runs,
    goals,
    results,
  };
  await writeFile(LATEST, `${JSON.stringify(latest, null, 2)}\n`);
  await writeFile(join(RESULTS_DIR, 'latest.md'), latestMarkdown(latest));
}

await main();
