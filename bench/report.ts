/**
 * Regenerates the README's "Performance" and "Reliability" sections from
 * bench/results/latest.json (npm run bench) and bench/results/reliability-*.json
 * (npm run test:reliability), with the date and the machine; refreshes latest.md and the
 * goals in latest.json with the current rules.
 *
 *   npx tsx bench/report.ts
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { evaluateGoals, goalsMarkdown, type Results } from './lib/goals.js';
import { type Latest, latestMarkdown } from './lib/latest.js';
import type { Machine } from './lib/stats.js';

const ROOT = process.cwd();
const RESULTS = join(ROOT, 'bench', 'results');
type Json = Record<string, unknown>;

async function readJson(file: string): Promise<Json | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Json;
  } catch {
    return undefined;
  }
}

function machineLine(machine: Machine, load?: number[]): string {
  return `${machine.cores} cores (${machine.cpu}), ${machine.memory_gib} GiB, Node ${machine.node}${load ? `, load average ${load.join(' ')} at the start (the machine is shared)` : ''}`;
}

function performance(latest: Json): string {
  const machine = latest.machine as Machine;
  const runs =
    (latest.runs as {
      name: string;
      mode: string;
      args?: string[];
      exit_code: number | null;
      load_average: number[];
    }[]) ?? [];
  // evaluated again, so the verdicts and notes follow the current rules
  const goals = evaluateGoals(latest.results as Results);
  const sizes = runs
    .map(
      (run) =>
        `\`${run.name}\` ${
          run.exit_code === 0
            ? [
                run.mode,
                ...(run.args ?? [])
                  .filter((arg) => arg !== '--quick')
                  .map((arg) =>
                    arg.startsWith('--compare=') ? '--compare (a build before the change, same rounds)' : arg,
                  ),
              ].join(' ')
            : 'failed'
        }`,
    )
    .join(', ');
  const notes = goals.map((goal) => `- **${goal.goal}** — ${goal.met}: ${goal.note}.`).join('\n');
  return [
    '## Performance',
    '',
    `Measured ${String(latest.generated_at).slice(0, 10)} with \`npm run bench\` on ${machineLine(machine, runs[0]?.load_average)}.`,
    'Every benchmark in `bench/` runs in its own process against the emulator on 127.0.0.1 and',
    'writes `bench/results/<name>.json`; each figure sits next to a baseline measured side by side in',
    'the same run, because the machine is noisy. Full table: `bench/results/latest.md`; regenerate',
    'this section with `npx tsx bench/report.ts`.',
    '',
    goalsMarkdown(goals).trimEnd(),
    '',
    `Sizes in this run: ${sizes}.`,
    '',
    notes,
    '',
  ].join('\n');
}

async function reliability(): Promise<string> {
  const parts: Record<string, Json> = {};
  for (const file of (await readdir(RESULTS)).filter((name) => /^reliability-.*\.json$/.test(name))) {
    const data = await readJson(join(RESULTS, file));
    if (data) parts[String(data.part)] = data;
  }
  const lines = [
    '## Reliability',
    '',
    '`npm run test:reliability` runs `test/reliability/` at full size (`npm test` runs the same',
    'files smaller) and writes what it saw to `bench/results/reliability-*.json`:',
    '',
  ];
  const faults = parts['upload-faults'];
  if (faults) {
    const cases = faults.cases as Json[];
    lines.push(
      `**Upload fault matrix** (${String(faults.generated_at).slice(0, 10)}, ${String(faults.chunks)} chunks of 64 KiB, concurrency ${String(faults.concurrency)}; every case ends with the emulator's SHA-256 of the asset equal to the file's):`,
      '',
      '| faults | byte-exact | time | retries | 429/503 seen | URL refreshes | blocked, retried | PUTs failed / ok |',
      '|---|---|---|---|---|---|---|---|',
      ...cases.map(
        (c) =>
          `| ${String(c.case)} | ${c.ok ? 'yes' : '**no**'} | ${String(c.seconds)} s | ${String(c.retries)} | ${String(c.throttles)} | ${String(c.url_refreshes)} | ${String(c.user_retries)} | ${String(c.puts_failed)} / ${String(c.puts_ok)} |`,
      ),
      '',
    );
  }
  const kill = parts['kill-resume'];
  if (kill) {
    const runs = kill.runs as Json[];
    lines.push(
      `**kill -9, then resume** (real binary, ${String(kill.chunks)} chunks, concurrency ${String(kill.concurrency)}): ${String(kill.byte_exact)} byte-exact; chunks re-sent per run ${runs.map((run) => String(run.resent_chunks)).join(', ')} (most ${String(kill.max_resent)}, limit ${String(kill.concurrency)}); killed after ${runs.map((run) => String(run.journaled_at_kill)).join(', ')} chunks journaled.`,
      '',
    );
  }
  const outage = parts.outage;
  if (outage) {
    lines.push(
      `**Outage** (real binary in tmux, default poll intervals, emulator down for ${String(outage.outage_emulator_seconds)} s of its clock): alive throughout, the header said stale while it was down (${String(outage.failed_requests_during_outage)} requests refused), and the first poll after it came back made it live again, with ${String(outage.failed_requests_after_outage)} failed requests after the outage; that poll came ${String(outage.seconds_from_outage_end_to_live)} s after the end, because polls back off (1 s doubling up to 60 s) while the server is down.`,
      '',
    );
  }
  const hostile = parts.hostile;
  if (hostile) {
    const results = (hostile.results ?? []) as Json[];
    const hung = results
      .filter((result) => result.upload_exit === 137)
      .map((result) => `"${String(result.case)}"`);
    const statusRuns = results.filter((result) => result.status_exit !== undefined).length;
    const uploadRuns = results.filter((result) => result.upload_exit !== undefined).length;
    lines.push(
      `**Hostile server** (${String(hostile.cases)} answers: wrong types, missing fields, 1 MiB strings, escape sequences, negative counts, 10 MB bodies, slow drip, cut connections, bad Retry-After…; the dashboard saw each, \`tltop status --json\` ${statusRuns} and \`tltop upload\` ${uploadRuns} of them): no crash, no stack trace, one clear line or an \`errors[]\` entry, no raw control byte in any frame or output.${hung.length > 0 ? ` **Open:** \`tltop upload\` waited silently for over 30 s on ${hung.join(', ')} (it honours the server's Retry-After, capped at 5 minutes, before creating the session).` : ''}`,
      '',
    );
  }
  lines.push(
    '**Secrets**: with a marker API key and marker presigned-URL signatures, no screen, output, error, journal, log or written file contains either (`test/reliability/secrets.test.tsx`, in every `npm test`).',
    '',
  );
  return lines.join('\n');
}

/** Replaces `## title` up to the next `## ` heading, or appends it. */
function replaceSection(readme: string, title: string, body: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start < 0) return `${readme.trimEnd()}\n\n${body}`;
  const next = readme.indexOf('\n## ', start + 1);
  return `${readme.slice(0, start + 1)}${body}${next < 0 ? '' : `\n${readme.slice(next + 1)}`}`;
}

const latest = await readJson(join(RESULTS, 'latest.json'));
if (!latest) {
  process.stderr.write('report: no bench/results/latest.json; run npm run bench first\n');
  process.exit(1);
}
await writeFile(join(RESULTS, 'latest.md'), latestMarkdown(latest as unknown as Latest));
await writeFile(
  join(RESULTS, 'latest.json'),
  `${JSON.stringify({ ...latest, goals: evaluateGoals(latest.results as Results) }, null, 2)}\n`,
);
const readmePath = join(ROOT, 'README.md');
let readme = await readFile(readmePath, 'utf8');
readme = replaceSection(readme, 'Performance', performance(latest));
readme = replaceSection(readme, 'Reliability', await reliability());
await writeFile(readmePath, readme.endsWith('\n') ? readme : `${readme}\n`);
process.stdout.write(`wrote the Performance and Reliability sections of ${readmePath}\n`);
