/**
 * Time to the first frame of `tltop --demo`: the built binary (dist/bin.js) in a pseudo-
 * terminal (util-linux `script`), from spawn until the header "tltop DEMO" has been written.
 * Baselines, measured side by side in alternate rounds through the same pseudo-terminal: a
 * bare `node -e` that prints one line (process start-up, the floor any Node CLI pays), and
 * `tltop --version` (start-up plus loading the CLI's modules, no dashboard).
 *
 *   npx tsx bench/first-frame.ts [--quick]     (run `npm run build` first)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, quickMode, round, writeResultFile } from './lib/stats.js';

const quick = quickMode();
const ROUNDS = quick ? 3 : 10;
const NODE = join(process.cwd(), 'node_modules', '.bin', 'node');
const BIN = join(process.cwd(), 'dist', 'bin.js');

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Runs `command` in a 120x40 pty; resolves with ms until `marker` appears in its output. */
function timeToMarker(command: string, marker: string, home: string): Promise<number> {
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
try {
  const bare: number[] = [];
  const version: number[] = [];
  const demo: number[] = [];
  const versionCommand = `${shellQuote(NODE)} ${shellQuote(BIN)} --version`;
  const versionText = JSON.parse(await readFile(join(process.cwd(), 'package.json'), 'utf8'))
    .version as string;
  // one warm-up of each: page cache
  await timeToMarker(`${shellQuote(NODE)} -e "console.log('node-ready')"`, 'node-ready', home);
  await timeToMarker(`${shellQuote(NODE)} ${shellQuote(BIN)} --demo`, 'tltop DEMO', home);
  for (let index = 0; index < ROUNDS; index++) {
    bare.push(await timeToMarker(`${shellQuote(NODE)} -e "console.log('node-ready')"`, 'node-ready', home));
    version.push(await timeToMarker(versionCommand, versionText, home));
    demo.push(await timeToMarker(`${shellQuote(NODE)} ${shellQuote(BIN)} --demo`, 'tltop DEMO', home));
  }
  const result = {
    quick,
    rounds: ROUNDS,
    baseline_median_ms: round(median(bare), 1),
    version_median_ms: round(median(version), 1),
    first_frame_median_ms: round(median(demo), 1),
    first_frame_max_ms: round(Math.max(...demo), 1),
    ratio_vs_baseline: round(median(demo) / median(bare)),
    samples_ms: {
      baseline: bare.map((v) => round(v, 1)),
      version: version.map((v) => round(v, 1)),
      first_frame: demo.map((v) => round(v, 1)),
    },
    budget_ms: 500,
  };
  const file = await writeResultFile('first-frame', result);
  process.stdout.write(
    `\nfirst frame of tltop --demo in a 120x40 pty (median of ${ROUNDS})\n` +
      `  bare node -e start-up   ${result.baseline_median_ms} ms\n` +
      `  tltop --version         ${result.version_median_ms} ms (start-up + the CLI's modules)\n` +
      `  tltop --demo header     ${result.first_frame_median_ms} ms (max ${result.first_frame_max_ms}; ${result.ratio_vs_baseline}x the bare start-up; budget < 500 ms)\n` +
      `wrote ${file}\n`,
  );
} finally {
  await rm(home, { recursive: true, force: true });
}
