/**
 * Time to the first frame of `tltop --demo`: the built binary (dist/bin.js) in a pseudo-
 * terminal (util-linux `script`), from spawn until the header "tltop DEMO" has been written.
 * Baselines, measured side by side in alternate rounds through the same pseudo-terminal: a
 * bare `node -e` that prints one line (process start-up, the floor any Node CLI pays), and
 * `tltop --version` (start-up plus loading the CLI's modules, no dashboard).
 *
 * The home has a ~/.cache, as a user's does, so tltop keeps Node's compile cache there (the
 * warm-up run fills it): the demo is also timed with NODE_DISABLE_COMPILE_CACHE=1, a first start.
 *
 * With --compare=PATH (another build's bin.js, e.g. the commit before a change, built in a
 * copy of the tree) that build's --version and --demo run in the same alternating rounds, so a
 * before/after ratio is measured side by side on the same machine load.
 *
 *   npx tsx bench/first-frame.ts [--quick] [--rounds=N] [--compare=PATH]   (run `npm run build` first)
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, quickMode, round, writeResultFile } from './lib/stats.js';

const quick = quickMode();
const roundsFlag = process.argv.find((arg) => arg.startsWith('--rounds='));
const ROUNDS = roundsFlag ? Number(roundsFlag.slice(9)) : quick ? 3 : 10;
const compareBin = process.argv.find((arg) => arg.startsWith('--compare='))?.slice(10);
const NODE = join(process.cwd(), 'node_modules', '.bin', 'node');
const BIN = join(process.cwd(), 'dist', 'bin.js');

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Runs `command` in a 120x40 pty; resolves with ms until `marker` appears in its output. */
function timeToMarker(
  command: string,
  marker: string,
  home: string,
  extraEnv: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('script', ['-qfec', `stty cols 120 rows 40; exec ${command}`, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: home,
        TERM: 'xterm-256color',
        CI: 'false',
        TLTOP_STATE_DIR: join(home, 'state'),
        ...extraEnv,
      },
    });
    let output = '';
    let elapsed: number | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (piece: Buffer) => {
      output += piece.toString('utf8');
      if (elapsed === undefined && output.includes(marker)) {
        elapsed = performance.now() - started;
        // quit the way a user does; the pty forwards the key
        child.stdin.write('q');
        setTimeout(() => child.kill('SIGTERM'), 3000).unref();
      }
    });
    child.on('close', () => {
      clearTimeout(timer);
      if (elapsed === undefined)
        reject(new Error(`"${marker}" never appeared; output: ${JSON.stringify(output.slice(-300))}`));
      else resolve(elapsed);
    });
  });
}

const home = await mkdtemp(join(tmpdir(), 'tltop-bench-first-frame-'));
await mkdir(join(home, '.cache'));
try {
  const bare: number[] = [];
  const version: number[] = [];
  const demo: number[] = [];
  const demoNoCache: number[] = [];
  const compareVersion: number[] = [];
  const compareDemo: number[] = [];
  const versionText = JSON.parse(await readFile(join(process.cwd(), 'package.json'), 'utf8'))
    .version as string;
  const versionOf = (bin: string) =>
    timeToMarker(`${shellQuote(NODE)} ${shellQuote(bin)} --version`, versionText, home);
  const demoOf = (bin: string, extraEnv: Record<string, string> = {}) =>
    timeToMarker(`${shellQuote(NODE)} ${shellQuote(bin)} --demo`, 'tltop DEMO', home, extraEnv);
  // one warm-up of each: page cache
  await timeToMarker(`${shellQuote(NODE)} -e "console.log('node-ready')"`, 'node-ready', home);
  await demoOf(BIN);
  if (compareBin) await demoOf(compareBin);
  for (let index = 0; index < ROUNDS; index++) {
    bare.push(await timeToMarker(`${shellQuote(NODE)} -e "console.log('node-ready')"`, 'node-ready', home));
    // which build goes first alternates, so neither always runs right after the other
    const order = compareBin && index % 2 === 1 ? ['compare', 'this'] : ['this', 'compare'];
    for (const which of order) {
      if (which === 'this') {
        version.push(await versionOf(BIN));
        demo.push(await demoOf(BIN));
        demoNoCache.push(await demoOf(BIN, { NODE_DISABLE_COMPILE_CACHE: '1' }));
      } else if (compareBin) {
        compareVersion.push(await versionOf(compareBin));
        compareDemo.push(await demoOf(compareBin));
      }
    }
  }
  const compare = compareBin
    ? {
        bin: compareBin,
        version_median_ms: round(median(compareVersion), 1),
        first_frame_median_ms: round(median(compareDemo), 1),
        /** this build over the compared one: below 1 is faster */
        version_ratio: round(median(version) / median(compareVersion)),
        first_frame_ratio: round(median(demo) / median(compareDemo)),
        samples_ms: {
          version: compareVersion.map((v) => round(v, 1)),
          first_frame: compareDemo.map((v) => round(v, 1)),
        },
      }
    : undefined;
  const result = {
    quick,
    rounds: ROUNDS,
    baseline_median_ms: round(median(bare), 1),
    version_median_ms: round(median(version), 1),
    first_frame_median_ms: round(median(demo), 1),
    first_frame_max_ms: round(Math.max(...demo), 1),
    /** without Node's compile cache: a first start, or NODE_DISABLE_COMPILE_CACHE */
    first_frame_no_compile_cache_median_ms: round(median(demoNoCache), 1),
    ratio_vs_baseline: round(median(demo) / median(bare)),
    version_ratio_vs_baseline: round(median(version) / median(bare)),
    samples_ms: {
      baseline: bare.map((v) => round(v, 1)),
      version: version.map((v) => round(v, 1)),
      first_frame: demo.map((v) => round(v, 1)),
      first_frame_no_compile_cache: demoNoCache.map((v) => round(v, 1)),
    },
    budget_ms: 500,
    ...(compare ? { compare } : {}),
  };
  const file = await writeResultFile('first-frame', result);
  process.stdout.write(
    `\nfirst frame of tltop --demo in a 120x40 pty (median of ${ROUNDS})\n` +
      `  bare node -e start-up   ${result.baseline_median_ms} ms\n` +
      `  tltop --version         ${result.version_median_ms} ms (start-up + the CLI's modules)\n` +
      `  tltop --demo header     ${result.first_frame_median_ms} ms (max ${result.first_frame_max_ms}; ${result.ratio_vs_baseline}x the bare start-up; budget < 500 ms)\n` +
      `    without compile cache ${result.first_frame_no_compile_cache_median_ms} ms\n` +
      (compare
        ? `compared with ${compare.bin} in the same rounds\n` +
          `  its --version           ${compare.version_median_ms} ms (this build: ${compare.version_ratio}x)\n` +
          `  its --demo header       ${compare.first_frame_median_ms} ms (this build: ${compare.first_frame_ratio}x)\n`
        : '') +
      `wrote ${file}\n`,
  );
} finally {
  await rm(home, { recursive: true, force: true });
}
