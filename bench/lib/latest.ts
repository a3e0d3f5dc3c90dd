/** The run record bench/run.ts keeps per benchmark, and latest.md rendered from latest.json. */
import { evaluateGoals, goalsMarkdown, type Results } from './goals.js';
import type { Machine } from './stats.js';

export interface BenchRun {
  name: string;
  mode: 'quick' | 'full';
  args: string[];
  exit_code: number | null;
  signal: string | null;
  seconds: number;
  result_files: string[];
  /** last lines of its output when it failed */
  error_tail?: string;
  log: string;
  started_at: string;
  load_average: number[];
}

export interface Latest {
  generated_at: string;
  machine: Machine;
  runs: readonly BenchRun[];
  results: Results;
}

export function latestMarkdown(latest: Latest): string {
  const m = latest.machine;
  const runs = latest.runs
    .map((run) => {
      const size = [
        run.mode,
        ...(run.args ?? [])
          .filter((arg) => arg !== '--quick')
          .map((arg) =>
            arg.startsWith('--compare=') ? '--compare (a build before the change, same rounds)' : arg,
          ),
      ].join(' ');
      const outcome = run.exit_code === 0 ? 'ok' : `failed (${run.signal ?? `exit ${run.exit_code}`})`;
      return `| ${run.name} | ${size} | ${outcome} | ${run.seconds} s | ${run.load_average.join(' ')} |`;
    })
    .join('\n');
  return [
    `# Benchmarks, ${latest.generated_at.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${m.cores} cores (${m.cpu}), ${m.memory_gib} GiB, Node ${m.node}, ${m.platform}. Emulator on 127.0.0.1.`,
    '',
    goalsMarkdown(evaluateGoals(latest.results)),
    '| benchmark | size | outcome | time | load average at start |',
    '|---|---|---|---|---|',
    runs,
    '',
  ].join('\n');
}
