import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TwelveLabsClient } from '../../../src/api/client.js';
import { isTerminal } from '../../../src/api/types.js';
import { type StatusDocument, statusDocumentSchema } from '../../../src/cli/commands/status-schema.js';
import { takeStatusSnapshot } from '../../../src/cli/commands/status-snapshot.js';
import { JournalStore } from '../../../src/upload/journal.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { cliEnv } from '../upload/helpers.js';
import { cleanEnv, runCli } from './run-cli.js';

let emulator: TestEmulator;
let client: TwelveLabsClient;
let home: string;

function env(extra: NodeJS.ProcessEnv = {}) {
  return cleanEnv({ ...cliEnv(home, emulator), ...extra });
}

async function statusJson(extra: NodeJS.ProcessEnv = {}): Promise<StatusDocument> {
  const result = await runCli(['status', '--json'], env(extra));
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout.split('\n')).toHaveLength(2);
  return statusDocumentSchema.parse(JSON.parse(result.stdout));
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  emulator = await startTestEmulator({ seed: 'demo', apiKey: 'tlk_statustest000000000001' });
  client = new TwelveLabsClient({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl });
  home = await mkdtemp(path.join(tmpdir(), 'tltop-status-'));
});
afterAll(async () => {
  await client.close();
  await emulator.close();
  await rm(home, { recursive: true, force: true });
});

describe('tltop status against the emulator', () => {
  it('--json prints one document matching its schema, with every unfinished item of every family', async () => {
    const document = await statusJson();
    expect(document.profile).toBe('default');
    expect(document.base_url).toBe(emulator.baseUrl);
    expect(document.errors).toEqual([]);
    for (const item of document.tasks) expect(isTerminal(item.status), JSON.stringify(item)).toBe(false);
    // the demo seed has running work in every family
    for (const count of Object.values(document.counts.tasks)) expect(count).toBeGreaterThan(0);
    expect(document.counts.uploads).toBe(document.uploads.length);
    expect(document.counts.uploads).toBeGreaterThan(0);

    // The filtered server-side listing finds exactly what a full unfiltered listing holds unfinished.
    const all = [];
    for (let page = 1; ; page++) {
      const { data } = await client.listTasks({ page, page_limit: 50 });
      if (data.length === 0) break;
      all.push(...data);
    }
    const unfinished = all.filter((task) => !isTerminal(task.status)).map((task) => task._id);
    const listed = document.tasks.filter((task) => task.family === 'indexing_task').map((task) => task.id);
    expect(listed.sort()).toEqual(unfinished.sort());
  });

  it('--schema prints a JSON Schema that real --json output satisfies (checked by ajv, not by our zod)', async () => {
    const printed = await runCli(['status', '--schema'], cleanEnv({ HOME: home }));
    expect(printed).toMatchObject({ code: 0, stderr: '' });
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(printed.stdout));
    const document = JSON.parse((await runCli(['status', '--json'], env())).stdout);
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...document, tasks: [{ family: 'nope' }] })).toBe(false);
  });

  it('shows a new upload session, and its local journal next to it', async () => {
    const session = await client.createUpload({
      filename: 'clip.mp4',
      type: 'video',
      total_size: 25_000_000,
    });
    const before = await statusJson();
    const fromServer = before.uploads.find((upload) => upload.upload_id === session.upload_id);
    expect(fromServer).toMatchObject({
      source: 'server',
      total_size: 25_000_000,
      total_chunks: session.total_chunks,
      chunks_completed: 0,
      file: null,
    });

    const journals = new JournalStore(path.join(home, 'state'));
    await journals.write({
      version: 1,
      uploadId: session.upload_id,
      assetId: session.asset_id,
      type: 'video',
      followAsset: true,
      file: { path: '/videos/clip.mp4', size: 25_000_000, mtimeMs: 1, ino: 1, fingerprint: 'f' },
      chunkSize: session.chunk_size,
      totalChunks: session.total_chunks,
      sessionExpiresAt: session.expires_at,
      uploadHeaders: {},
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      etags: { '0': '"a"' },
      sessionCompleted: false,
    });
    const after = await statusJson();
    expect(after.uploads.find((upload) => upload.upload_id === session.upload_id)).toMatchObject({
      source: 'both',
      asset_id: session.asset_id,
      file: '/videos/clip.mp4',
    });
    await journals.remove(session.upload_id);
  });

  it('strips escape sequences and control characters that came from the server', async () => {
    await client.createUpload({ filename: '会議録画-週次.mp4', type: 'video', total_size: 1_000_000 });
    const session = await client.createUpload({
      filename: 'evil\u001b[2J\u001b]0;pwned\u0007\u009b31m.mp4',
      type: 'video',
      total_size: 1_000_000,
    });
    const document = await statusJson();
    const asset = document.tasks.find((task) => task.id === session.asset_id);
    expect(asset?.name).toBeDefined();
    expect(asset!.name).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    const table = await runCli(['status'], env());
    expect(table.stdout).toContain('evil');
    // columns stay aligned by display width with wide characters in a name
    const lines = table.stdout.split('\n');
    const header = lines.find((line) => line.includes('CREATED'))!;
    const wide = lines.find((line) => line.includes('会議録画'))!;
    const createdAt = wide.search(/(\d+\w ago|just now)$/);
    expect(stringWidth(wide.slice(0, createdAt))).toBe(
      stringWidth(header.slice(0, header.indexOf('CREATED'))),
    );
    expect(table.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('prints a compact table without --json', async () => {
    const document = await statusJson();
    const result = await runCli(['status'], env());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`UPLOADS (${document.uploads.length})`);
    expect(result.stdout).toContain(`TASKS (${document.tasks.length})`);
    expect(result.stdout).toMatch(/FAMILY\s+ID\s+STATUS\s+INDEX\s+NAME\s+CREATED/);
    expect(result.stdout).not.toContain(emulator.apiKey);
  });

  it('a family that fails is listed in errors, and the exit code is 1', async () => {
    emulator.setFaults({ 'api-5xx': 1 });
    try {
      const result = await runCli(['status', '--json'], env());
      expect(result.code).toBe(1);
      const document = statusDocumentSchema.parse(JSON.parse(result.stdout));
      expect(document.errors.map((error) => error.family).sort()).toEqual(
        [
          'analyze_task',
          'asset',
          'embed_task',
          'embed_v2_task',
          'indexed_asset',
          'indexing_task',
          'uploads',
        ].sort(),
      );
    } finally {
      emulator.setFaults({});
    }
  });

  it('a wrong key is one line naming where the key came from, exit 1', async () => {
    const result = await runCli(['status', '--json'], env({ TWELVELABS_API_KEY: 'tlk_wrongwrongwrong0000' }));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /rejected the API key from the TWELVELABS_API_KEY environment variable \(401/,
    );
    expect(result.stderr).not.toContain('wrongwrong');
  });

  it('an unreachable host is one line, exit 1', async () => {
    const port = await closedPort();
    const result = await runCli(['status'], env({ TWELVELABS_BASE_URL: `http://127.0.0.1:${port}` }));
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^tltop: cannot reach the API: connection refused by 127\.0\.0\.1:\d+/);
  });

  it('a profile with a key_command supplies the key', async () => {
    await runCli(
      [
        'config',
        'set-profile',
        'emu',
        '--base-url',
        emulator.baseUrl,
        '--use',
        '--key-command',
        `echo ${emulator.apiKey}`,
      ],
      env(),
    );
    const result = await runCli(
      ['status', '--json'],
      env({ TWELVELABS_API_KEY: '', TWELVELABS_BASE_URL: '' }),
    );
    expect(result.stderr).toBe('');
    expect(statusDocumentSchema.parse(JSON.parse(result.stdout)).profile).toBe('emu');
  });

  it('reports the lists cut at the page cap as truncated', async () => {
    const full = await statusJson();
    const options = { api: client, profile: 'p', journals: { uploads: [], problems: [] } };
    const capped = await takeStatusSnapshot({
      ...options,
      isFatal: () => true,
      describeError: String,
      paging: { pageCap: 1, pageLimit: 2 },
    });
    statusDocumentSchema.parse(capped);
    // families filtered by status on the server: cut exactly when more than one page of 2 is unfinished
    for (const family of ['indexing_task', 'embed_task', 'embed_v2_task'] as const) {
      expect(capped.truncated.includes(family), family).toBe(full.counts.tasks[family] > 2);
      expect(capped.counts.tasks[family]).toBe(Math.min(2, full.counts.tasks[family]));
    }
  });

  it('once the emulator clock has moved on, no task is left running', async () => {
    emulator.advanceClock(24 * 3600);
    const document = await statusJson();
    // assets of multipart uploads that never finished stay `processing`; every task family is done
    expect(document.tasks.filter((task) => task.family !== 'asset')).toEqual([]);
    expect(document.counts.tasks).toMatchObject({ indexing_task: 0, indexed_asset: 0, analyze_task: 0 });
  });
});
