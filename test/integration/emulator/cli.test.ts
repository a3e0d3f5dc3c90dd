import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';

/** Runs the built binary (dist/bin.js, built by the global setup) on the project's Node 22. */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const NODE = `${ROOT}node_modules/.bin/node`;
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function tltop(...args: string[]) {
  const child = spawn(NODE, ['dist/bin.js', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let stderr = '';
  child.stderr!.on('data', (piece: Buffer) => {
    stderr += piece.toString();
  });
  const lines = createInterface({ input: child.stdout! });
  const firstLine = new Promise<string>((resolve) => lines.once('line', resolve));
  return { child, exited, firstLine, stderr: () => stderr };
}

describe('chunk storage', () => {
  test('a process that exits without close() still removes the temp dir', async () => {
    const script = `
      const { startEmulator } = await import('./dist/emulator/server.js');
      const emulator = await startEmulator({ chunkSize: 1024 });
      const headers = { 'x-api-key': 'k', 'content-type': 'application/json' };
      const created = await (await fetch(emulator.baseUrl + '/assets/multipart-uploads', {
        method: 'POST', headers, body: JSON.stringify({ filename: 'a.mp4', type: 'video', total_size: 2048 }),
      })).json();
      await fetch(created.upload_urls[0].url, { method: 'PUT', body: new Uint8Array(1024) });
      console.log(emulator.storageDir);
      process.exit(0);
    `;
    const child = spawn(NODE, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (piece: Buffer) => {
      output += piece.toString();
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    const dir = output.trim();
    expect(dir).toContain('tltop-emulator-');
    expect(existsSync(dir)).toBe(false);
  });
});

describe('tltop emulator', () => {
  test.each(['SIGTERM', 'SIGINT'] as const)(
    'prints "listening on http://127.0.0.1:PORT" first, serves, exits 0 on %s',
    async (signal) => {
      const run = tltop('emulator', '--port', '0', '--seed', 'demo', '--speed', '2', '--activity');
      const line = await run.firstLine;
      expect(line).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
      const origin = line.slice('listening on '.length);
      const health = await fetch(`${origin}/_emulator/health`);
      expect(await health.json()).toEqual({ ok: true });
      const tasks = await fetch(`${origin}/v1.3/tasks?page_limit=1`, { headers: { 'x-api-key': 'tlk_cli' } });
      expect(
        ((await tasks.json()) as { page_info: { total_results: number } }).page_info.total_results,
      ).toBeGreaterThan(200);
      run.child.kill(signal);
      expect(await run.exited).toEqual({ code: 0, signal: null });
      expect(run.stderr()).toBe('');
    },
  );

  test('--api-key, --faults, --chunk-size and --log take effect', async () => {
    const run = tltop(
      'emulator',
      '--seed',
      'empty',
      '--api-key',
      'tlk_only',
      '--faults',
      'latency=1ms,rate-limit=5/s',
      '--chunk-size',
      '2048',
      '--log',
    );
    const origin = (await run.firstLine).slice('listening on '.length);
    expect((await fetch(`${origin}/v1.3/tasks`, { headers: { 'x-api-key': 'tlk_other' } })).status).toBe(401);
    const created = await fetch(`${origin}/v1.3/assets/multipart-uploads`, {
      method: 'POST',
      headers: { 'x-api-key': 'tlk_only', 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'a.mp4', type: 'video', total_size: 5000 }),
    });
    expect(created.headers.get('x-ratelimit-limit')).toBe('5');
    expect(((await created.json()) as { chunk_size: number }).chunk_size).toBe(2048);
    const faults = (await (await fetch(`${origin}/_emulator/faults`)).json()) as Record<string, unknown>;
    expect(faults).toMatchObject({ latency: '1ms', 'rate-limit': '5/s' });
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
    const log = run.stderr().trim().split('\n');
    expect(log[0]).toMatch(/^401 GET \/tasks \d+\.\dms$/);
    expect(log[1]).toMatch(/^201 POST \/assets\/multipart-uploads \d+\.\dms$/);
    expect(log[2]).toMatch(/^200 GET \/_emulator\/faults /);
    expect(run.stderr()).not.toContain('tlk_only');
  });

  test.each([
    [['--faults', 'put-fail=2'], 'put-fail'],
    [['--faults', 'boom=1'], 'unknown fault'],
    [['--seed', 'full'], 'demo, empty'],
    [['--speed', '0'], 'positive number'],
    [['--port', '70000'], '0..65535'],
    [['--bogus'], 'unknown option'],
  ])('bad usage %j: one line on stderr, exit 2', async (args, words) => {
    const run = tltop('emulator', ...args);
    expect((await run.exited).code).toBe(2);
    const lines = run.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(words);
  });

  test('a port in use: one line, exit 2', async () => {
    const first = tltop('emulator', '--seed', 'empty');
    const port = new URL((await first.firstLine).slice('listening on '.length)).port;
    const second = tltop('emulator', '--seed', 'empty', '--port', port);
    expect((await second.exited).code).toBe(2);
    expect(second.stderr().trim()).toBe(`tltop: port ${port} on 127.0.0.1 is already in use`);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
  });
});
