/**
 * Secrets never leave: with a marker API key and marker presigned-URL signatures (the real
 * ones the emulator signs, recorded by a proxy, plus a marker parameter the proxy adds to
 * every chunk URL), run uploads that fail and retry, get killed and resume, a status report,
 * a refused key and the dashboard with an upload in it; then search every screen, output,
 * error, journal, log and file written for the markers.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TwelveLabsClient } from '../../src/api/client.js';
import { createUploadManager } from '../../src/upload/manager.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import {
  chunkPuts,
  eventually,
  FAST_POLICY,
  randomFile,
  removeDir,
  spawnCli,
  tempDir,
} from '../integration/upload/helpers.js';
import { KEY, startDashboard } from '../ui/harness.js';

const MARKER_KEY = 'tlk_SECRETKEYMARKER_4f9c2e7b1a_q8Zx';
const WRONG_KEY = 'tlk_WRONGKEYMARKER_77aa31c9_k2Lp';
const MARKER_SIGNATURE = 'SIGMARKER0d9e8f7a6b5c4d3e2f1a';
const CHUNK = 64 * 1024;

/** Forwards API calls to the emulator; records every chunk URL signature and adds a marker one. */
async function startSigningProxy(
  target: string,
): Promise<{ baseUrl: string; signatures: Set<string>; close(): Promise<void> }> {
  const signatures = new Set<string>();
  const server: Server = createServer((incoming, outgoing) => {
    const upstream = request(
      `${target}${incoming.url}`,
      { method: incoming.method, headers: { ...incoming.headers, host: new URL(target).host } },
      async (answer) => {
        const pieces: Buffer[] = [];
        for await (const piece of answer) pieces.push(piece as Buffer);
        let body = Buffer.concat(pieces).toString('utf8');
        body = body.replace(/"url":"([^"]+)"/g, (_match, url: string) => {
          const signature = /X-Signature=([^&"]+)/.exec(url)?.[1];
          if (signature) signatures.add(signature);
          return `"url":"${url}&X-Amz-Signature=${MARKER_SIGNATURE}"`;
        });
        const headers = { ...answer.headers };
        delete headers['content-length'];
        delete headers['transfer-encoding'];
        outgoing.writeHead(answer.statusCode ?? 502, headers);
        outgoing.end(body);
      },
    );
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1.3`,
    signatures,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Every file under dir, as text. */
async function filesUnder(dir: string): Promise<{ path: string; text: string }[]> {
  const found: { path: string; text: string }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (path.endsWith('.mp4')) continue;
    found.push({ path, text: await readFile(path, 'utf8') });
  }
  return found;
}

let emulator: TestEmulator;
let proxy: Awaited<ReturnType<typeof startSigningProxy>>;
let dir: string;
/** everything a user or a log reader could see, by where it came from */
const captured: { where: string; text: string }[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator({ chunkSize: CHUNK, speed: 200, apiKey: MARKER_KEY });
  proxy = await startSigningProxy(emulator.origin);
  dir = await tempDir('tltop-reliability-secrets-');
});

afterAll(async () => {
  await proxy?.close();
  await emulator?.close();
  await removeDir(dir);
});

function env(key = MARKER_KEY): NodeJS.ProcessEnv {
  return {
    HOME: dir,
    TLTOP_CONFIG_DIR: join(dir, 'config'),
    TLTOP_STATE_DIR: join(dir, 'state'),
    TWELVELABS_API_KEY: key,
    TWELVELABS_BASE_URL: proxy.baseUrl,
  };
}

async function cli(name: string, args: string[], key?: string): Promise<number> {
  const run = spawnCli(args, env(key));
  const started = performance.now();
  const code = await run.exited;
  if (process.env.DEBUG_SECRETS)
    process.stderr.write(`${name}: exit ${code} in ${Math.round(performance.now() - started)} ms\n`);
  captured.push(
    { where: `${name} stdout`, text: run.stdout() },
    { where: `${name} stderr`, text: run.stderr() },
  );
  return code;
}

describe('secrets never appear in output, screens, errors, journals or logs', () => {
  it('the CLI: uploads with failing chunks, a kill and resume, status, a refused key, a failed upload', async () => {
    const file = await randomFile(dir, 'clip.mp4', 16 * CHUNK);
    emulator.setFaults('put-fail=0.15,api-5xx=0.05,url-ttl=30s');
    expect(await cli('upload --json with faults', ['upload', file, '--json'])).toBe(0);
    emulator.setFaults('url-ttl=30s');
    expect(await cli('upload plain', ['upload', file])).toBe(0);

    emulator.setFaults('put-rate=512KiB/s');
    const big = await randomFile(dir, 'long.mp4', 64 * CHUNK);
    const killed = spawnCli(['upload', big, '--json', '--no-wait'], env());
    await eventually(async () =>
      (await readdir(join(dir, 'state', 'uploads')).catch(() => [])).length > 0 ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    killed.child.kill('SIGKILL');
    await killed.exited;
    captured.push({ where: 'killed upload stdout', text: killed.stdout() });
    // the journal as the kill left it
    for (const { path, text } of await filesUnder(join(dir, 'state')))
      captured.push({ where: `journal ${path}`, text });
    expect(await cli('status --json with a journal', ['status', '--json'])).toBeLessThanOrEqual(1);
    expect(await cli('status with a journal', ['status'])).toBeLessThanOrEqual(1);
    emulator.setFaults('');
    expect(await cli('resume --json', ['resume', '--json'])).toBe(0);

    expect(await cli('status --json with a refused key', ['status', '--json'], WRONG_KEY)).not.toBe(0);
    expect(await cli('upload with a refused key', ['upload', file], WRONG_KEY)).not.toBe(0);
    // the server refuses every API call: the upload fails fast with its error line
    emulator.setFaults('api-5xx=1');
    expect(await cli('upload the server refuses', ['upload', file, '--json'])).not.toBe(0);
    expect(await cli('status --json after a failure', ['status', '--json'])).toBeLessThanOrEqual(1);
    emulator.setFaults('');
    expect(proxy.signatures.size).toBeGreaterThan(10);
  }, 120_000);

  it('the dashboard: upload detail and the events log while chunks fail', async () => {
    const uploadClient = new TwelveLabsClient({
      apiKey: MARKER_KEY,
      baseUrl: proxy.baseUrl,
      retry: { maxRetries: 0 },
    });
    const dashboard = await startDashboard({
      columns: 160,
      rows: 40,
      emulator: { apiKey: MARKER_KEY, chunkSize: CHUNK, speed: 200 },
      uploads: () =>
        createUploadManager({
          api: uploadClient,
          stateDir: join(dir, 'dashboard-state'),
          policy: FAST_POLICY,
        }),
    });
    // the upload goes through the signing proxy to the first emulator, whose chunk PUTs now fail often
    emulator.setFaults('put-fail=0.3');
    try {
      const frames: string[] = [];
      const file = await randomFile(dir, 'dash.mp4', 60 * CHUNK);
      await dashboard.press('1', 'n');
      await dashboard.type(file);
      await dashboard.press(KEY.enter);
      frames.push(await dashboard.waitFor((frame) => frame.includes('dash.mp4'), 'the upload row', 10_000));
      await dashboard.press(KEY.enter);
      for (let index = 0; index < 10; index++) {
        frames.push(dashboard.frame());
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await dashboard.press(KEY.escape, '6');
      frames.push(await dashboard.waitFor((frame) => /^Events/m.test(frame.split('\n')[3] ?? ''), 'events'));
      for (const view of ['2', '3', '4', '5']) {
        await dashboard.press(view);
        frames.push(dashboard.frame());
      }
      // the failures were real, and shown while they happened
      expect(chunkPuts(emulator, '500')).toBeGreaterThan(0);
      for (const [position, frame] of frames.entries())
        captured.push({ where: `dashboard frame ${position}`, text: frame });
      const events = dashboard.store.getState().events;
      captured.push({ where: 'store events log', text: JSON.stringify(events) });
    } finally {
      await dashboard.close();
      await uploadClient.close();
      emulator.setFaults('');
    }
  }, 60_000);

  it('no marker anywhere: outputs, screens, journals, every file written', async () => {
    for (const { path, text } of await filesUnder(dir)) captured.push({ where: `file ${path}`, text });
    const secrets = [
      MARKER_KEY,
      'SECRETKEYMARKER',
      WRONG_KEY,
      'WRONGKEYMARKER',
      MARKER_SIGNATURE,
      ...proxy.signatures,
    ];
    expect(captured.length).toBeGreaterThan(20);
    for (const { where, text } of captured) {
      for (const secret of secrets) {
        expect(text.includes(secret), `${where} contains a secret (${secret.slice(0, 12)}…)`).toBe(false);
      }
      expect(text, where).not.toMatch(/X-Signature=|X-Amz-Signature=/);
    }
  });
});
