/**
 * Cost of one API call through tltop's client (undici pool, schema validation, error and
 * rate-limit handling) against two baselines measured side by side in the same run:
 *   - bare: an undici Pool request and JSON.parse, nothing checked (the floor)
 *   - sdk: the official twelvelabs-js client (fetch, its own response parsing)
 * The emulator runs in its own process (`tltop emulator --seed demo`), so the CPU figures are
 * the client side's alone. Calls are sequential; rounds of each scenario are interleaved.
 *
 *   npx tsx bench/api-client.ts
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { TwelveLabs } from 'twelvelabs-js';
import { Pool, request } from 'undici';
import { TwelveLabsClient } from '../src/api/client.js';

const API_KEY = 'tlk_bench000000000000000000';
const ROUNDS = 10;
const CALLS_PER_ROUND = 200;

interface Row {
  call: string;
  client: string;
  median_ms_per_call: number;
  cpu_us_per_call: number;
  /** wall time per call relative to `bare` */
  ratio_vs_bare: number;
}

async function startChildEmulator(): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/bin.ts', 'emulator', '--seed', 'demo', '--port', '0'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = /^listening on (\S+)/.exec(line);
    if (match) return { child, origin: match[1]! };
  }
  throw new Error('the emulator exited before listening');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function measure(scenarios: Record<string, () => Promise<unknown>>) {
  const wall: Record<string, number[]> = {};
  const cpu: Record<string, number> = {};
  for (const [name, call] of Object.entries(scenarios)) {
    await call(); // warm-up: connection, schema compilation
    wall[name] = [];
    cpu[name] = 0;
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, call] of Object.entries(scenarios)) {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      for (let i = 0; i < CALLS_PER_ROUND; i++) await call();
      wall[name]!.push((performance.now() - started) / CALLS_PER_ROUND);
      const used = process.cpuUsage(cpuBefore);
      cpu[name]! += (used.user + used.system) / CALLS_PER_ROUND / ROUNDS;
    }
  }
  return Object.keys(scenarios).map((name) => ({ name, wallMs: median(wall[name]!), cpuUs: cpu[name]! }));
}

const { child, origin } = await startChildEmulator();
const baseUrl = `${origin}/v1.3`;
const client = new TwelveLabsClient({ apiKey: API_KEY, baseUrl });
const pool = new Pool(origin, { connections: 8 });
process.env.TWELVELABS_BASE_URL = baseUrl;
const sdk = new TwelveLabs({ apiKey: API_KEY });

try {
  const taskId = (await client.listTasks({ page_limit: 1 })).data[0]!._id;
  const bare = async (path: string) => {
    const response = await request(`${baseUrl}${path}`, {
      dispatcher: pool,
      headers: { 'x-api-key': API_KEY },
    });
    return JSON.parse(await response.body.text());
  };
  const calls = {
    'list tasks (50 per page)': {
      bare: () => bare('/tasks?page_limit=50'),
      tltop: () => client.listTasks({ page_limit: 50 }),
      sdk: () => sdk.tasks.list({ pageLimit: 50 }),
    },
    'retrieve a task': {
      bare: () => bare(`/tasks/${taskId}`),
      tltop: () => client.getTask(taskId),
      sdk: () => sdk.tasks.retrieve(taskId),
    },
  };

  const rows: Row[] = [];
  for (const [callName, scenarios] of Object.entries(calls)) {
    const results = await measure(scenarios);
    const floor = results.find((result) => result.name === 'bare')!.wallMs;
    for (const result of results) {
      rows.push({
        call: callName,
        client: result.name,
        median_ms_per_call: Number(result.wallMs.toFixed(3)),
        cpu_us_per_call: Math.round(result.cpuUs),
        ratio_vs_bare: Number((result.wallMs / floor).toFixed(2)),
      });
    }
  }

  console.table(rows);
  await mkdir('bench/results', { recursive: true });
  await writeFile(
    'bench/results/api-client.json',
    `${JSON.stringify({ generated_at: new Date().toISOString(), node: process.version, rounds: ROUNDS, calls_per_round: CALLS_PER_ROUND, rows }, null, 2)}\n`,
  );
} finally {
  await client.close();
  await pool.close();
  child.kill('SIGTERM');
}
