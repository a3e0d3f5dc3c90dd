import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JournalStore } from '../../../src/upload/journal.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import {
  chunkPuts,
  eventually,
  jsonLines,
  randomFile,
  removeDir,
  resentChunks,
  sha256File,
  spawnCli,
  tempDir,
} from './helpers.js';

const KiB = 1024;
const CHUNK = 64 * KiB;

let emulator: TestEmulator | undefined;
let dir: string;

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    HOME: dir,
    TLTOP_CONFIG_DIR: join(dir, 'config'),
    TLTOP_STATE_DIR: join(dir, 'state'),
    TWELVELABS_API_KEY: emulator!.apiKey,
    TWELVELABS_BASE_URL: emulator!.baseUrl,
    ...extra,
  };
}

function createCalls(): number {
  const requests = emulator!.stats().requests as Record<string, Record<string, number>>;
  return Object.values(requests['POST /assets/multipart-uploads'] ?? {}).reduce(
    (sum, count) => sum + count,
    0,
  );
}

async function journaledChunks(): Promise<number | undefined> {
  const { records } = await new JournalStore(join(dir, 'state')).list();
  const count = records[0] ? Object.keys(records[0].etags).length : 0;
  return count;
}

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  await removeDir(dir);
});

async function setUp(faults = '') {
  // speed 200: an asset is ready 0.1 s after its upload completes
  emulator = await startTestEmulator({ chunkSize: CHUNK, speed: 200, faults });
  dir = await tempDir('tltop-upload-cli-');
}

describe('tltop upload', () => {
  it('uploads under faults, prints JSON lines, waits for ready and exits 0; bytes identical', async () => {
    // 100 chunks at 12%: no PUT failing (0.88^100) or a chunk failing all 6 attempts (100 x 0.12^6)
    // happens about once in 3,000 runs; 24 chunks at 20% did about once in 160
    await setUp('put-fail=0.12,api-5xx=0.05');
    const first = await randomFile(dir, 'first.mp4', 96 * CHUNK + 7);
    const second = await randomFile(dir, 'second.mp4', 3 * CHUNK);
    const run = spawnCli(['upload', first, second, '--json', '--concurrency', '3'], env());
    expect(await run.exited, run.stderr()).toBe(0);
    const lines = jsonLines(run.stdout());
    for (const file of [first, second]) {
      const events = lines.filter((line) => line.file === file).map((line) => line.event);
      expect(events[0]).toBe('started');
      expect(events).toContain('uploaded');
      expect(events).toContain('ready');
      const done = lines.filter((line) => line.file === file).at(-1)!;
      expect(done).toMatchObject({ event: 'done', status: 'ready', asset_id: expect.any(String) });
      const digest = await emulator!.digest(done.asset_id as string);
      expect(digest.sha256).toBe(await sha256File(file));
    }
    expect(run.stderr()).toBe('');
    expect(chunkPuts(emulator!, '500')).toBeGreaterThan(0);
  });

  it('prints one clear line per bad file and uploads nothing (exit 2)', async () => {
    await setUp();
    const good = await randomFile(dir, 'good.mp4', CHUNK);
    const empty = join(dir, 'empty.mp4');
    await writeFile(empty, '');
    const huge = join(dir, 'huge.png');
    await writeFile(huge, '');
    await truncate(huge, 40 * 1024 * KiB); // sparse: 40 MiB over the 32 MiB image limit
    const folder = join(dir, 'folder');
    await mkdir(folder);
    const missing = join(dir, 'missing.mp4');

    const run = spawnCli(['upload', good, missing, folder, empty], env());
    expect(await run.exited).toBe(2);
    expect(run.stderr().trimEnd().split('\n')).toEqual([
      `tltop: ${missing}: no such file (ENOENT)`,
      `tltop: ${folder}: is a directory, not a file`,
      `tltop: ${empty}: file is empty`,
    ]);
    // no --type: the .png name makes it an image, with the image size limit
    const image = spawnCli(['upload', huge], env());
    expect(await image.exited).toBe(2);
    expect(image.stderr()).toBe(`tltop: ${huge}: 40.0 MiB is over the 32.0 MiB limit for image uploads\n`);
    expect(createCalls()).toBe(0);
    expect(run.stdout() + image.stdout()).toBe('');
  });

  it('--index takes a name, the type comes from the file name, and an unknown index is one line (exit 2)', async () => {
    await setUp();
    const created = await fetch(`${emulator!.baseUrl}/indexes`, {
      method: 'POST',
      headers: { 'x-api-key': emulator!.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({
        index_name: 'podcasts',
        models: [{ model_name: 'marengo3.0', model_options: ['visual', 'audio'] }],
      }),
    });
    const { _id: indexId } = (await created.json()) as { _id: string };
    // .opus: not in the emulator's MIME map, so the asset's file_type shows the type tltop sent
    const audio = await randomFile(dir, 'episode.opus', 2 * CHUNK);

    const unknown = spawnCli(['upload', audio, '--index', 'no-such-index'], env());
    expect(await unknown.exited).toBe(2);
    expect(unknown.stderr()).toBe('tltop: --index: no index has the id or name "no-such-index"\n');
    expect(createCalls()).toBe(0);

    const run = spawnCli(['upload', audio, '--index', 'podcasts', '--json'], env());
    expect(await run.exited, run.stderr()).toBe(0);
    const indexed = jsonLines(run.stdout()).find((line) => line.event === 'indexed');
    expect(indexed).toMatchObject({ index_id: indexId });
    const done = jsonLines(run.stdout()).at(-1)!;
    const asset = await fetch(`${emulator!.baseUrl}/assets/${done.asset_id as string}`, {
      headers: { 'x-api-key': emulator!.apiKey },
    });
    expect(((await asset.json()) as { file_type?: string }).file_type).toBe('audio/mpeg');
  });

  it('refuses to start when the journal cannot be written, before creating a session (exit 1)', async () => {
    await setUp();
    const file = await randomFile(dir, 'clip.mp4', CHUNK);
    const notADir = join(dir, 'plain-file');
    await writeFile(notADir, 'x');
    const run = spawnCli(['upload', file], env({ TLTOP_STATE_DIR: join(notADir, 'state') }));
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toBe(
      `tltop: cannot write the upload journal in ${join(notADir, 'state', 'uploads')}: a parent is not a directory (ENOTDIR)\n`,
    );
    expect(createCalls()).toBe(0);
  });
});

describe('tltop resume', () => {
  it('says there is nothing to resume (exit 0), and refuses an unknown upload id (exit 2)', async () => {
    await setUp();
    const nothing = spawnCli(['resume'], env());
    expect(await nothing.exited).toBe(0);
    expect(nothing.stderr()).toBe('tltop: nothing to resume\n');
    const unknown = spawnCli(['resume', 'abc123'], env());
    expect(await unknown.exited).toBe(2);
    expect(unknown.stderr()).toBe(`tltop: no unfinished upload abc123 in ${join(dir, 'state', 'uploads')}\n`);
  });
});

describe('crash and resume', () => {
  it('after kill -9, tltop resume sends only what is missing (re-sent <= concurrency) and the bytes match', async () => {
    await setUp('put-rate=1MiB/s');
    const concurrency = 4;
    const totalChunks = 96;
    const file = await randomFile(dir, 'crash.mp4', totalChunks * CHUNK);
    const run = spawnCli(['upload', file, '--json', '--concurrency', String(concurrency)], env());
    await eventually(async () => ((await journaledChunks())! >= 30 ? true : undefined));
    run.child.kill('SIGKILL');
    expect(await run.exited).toBe(137);
    const { records } = await new JournalStore(join(dir, 'state')).list();
    expect(records).toHaveLength(1);
    expect(Object.keys(records[0]!.etags).length).toBeLessThan(totalChunks);

    emulator!.setFaults('');
    const resume = spawnCli(['resume', '--json', '--concurrency', String(concurrency)], env());
    expect(await resume.exited, resume.stderr()).toBe(0);
    const lines = jsonLines(resume.stdout());
    expect(lines[0]).toMatchObject({ event: 'resumed', upload_id: records[0]!.uploadId });
    const done = lines.at(-1)!;
    expect(done).toMatchObject({ event: 'done', status: 'ready', upload_id: records[0]!.uploadId });
    expect((await emulator!.digest(done.asset_id as string)).sha256).toBe(await sha256File(file));

    expect(resentChunks(emulator!, totalChunks, done.tail_duplicates as number)).toBeLessThanOrEqual(
      concurrency,
    );
    expect(await readdir(join(dir, 'state', 'uploads'))).toEqual([]);
  });

  it('Ctrl-C pauses with a consistent journal and exit 130; resume finishes the same bytes', async () => {
    await setUp('put-rate=1MiB/s');
    const file = await randomFile(dir, 'interrupt.mp4', 64 * CHUNK);
    const run = spawnCli(['upload', file, '--json'], env());
    await eventually(async () => ((await journaledChunks())! >= 10 ? true : undefined));
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    const done = jsonLines(run.stdout()).at(-1)!;
    expect(done).toMatchObject({ event: 'done', status: 'paused', file });
    expect(run.stderr()).toMatch(/^tltop: interrupted; pausing uploads/);

    // the journal parses and every ETag in it is the MD5 of its byte range
    const { records } = await new JournalStore(join(dir, 'state')).list();
    expect(records).toHaveLength(1);
    const bytes = await readFile(file);
    for (const [index, etag] of Object.entries(records[0]!.etags)) {
      const start = (Number(index) - 1) * CHUNK;
      expect(
        createHash('md5')
          .update(bytes.subarray(start, start + CHUNK))
          .digest('hex'),
      ).toBe(etag);
    }

    emulator!.setFaults('');
    const resume = spawnCli(['resume', records[0]!.uploadId], env());
    expect(await resume.exited, resume.stderr()).toBe(0);
    const [status, assetId] = resume.stdout().trim().split('\t');
    expect(status).toBe('ready');
    expect((await emulator!.digest(assetId!)).sha256).toBe(await sha256File(file));
  });

  it('reports an expired session clearly (exit 1) and drops its journal', async () => {
    await setUp('put-rate=1MiB/s');
    const file = await randomFile(dir, 'late.mp4', 32 * CHUNK);
    const run = spawnCli(['upload', file], env());
    await eventually(async () => ((await journaledChunks())! >= 2 ? true : undefined));
    run.child.kill('SIGKILL');
    await run.exited;
    const [record] = (await new JournalStore(join(dir, 'state')).list()).records;
    emulator!.advanceClock(25 * 3600);

    const resume = spawnCli(['resume'], env());
    expect(await resume.exited).toBe(1);
    expect(resume.stderr()).toContain(
      `tltop: ${file} expired: upload session ${record!.uploadId} expired (sessions last 24 h); start the upload again\n`,
    );
    expect(await readdir(join(dir, 'state', 'uploads'))).toEqual([]);
  });
});

function canMountTmpfs(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.runIf(canMountTmpfs())('journal on a full disk', () => {
  let mountPoint: string | undefined;
  beforeAll(async () => {
    mountPoint = await tempDir('tltop-full-');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint]);
  });
  afterAll(async () => {
    if (mountPoint) execFileSync('umount', [mountPoint]);
    await removeDir(mountPoint);
  });

  it('pauses with one clear line when the journal no longer fits; the journal on disk stays readable', async () => {
    emulator = await startTestEmulator({ chunkSize: KiB, speed: 200 });
    dir = await tempDir('tltop-upload-cli-');
    // 3000 chunks: the journal outgrows 64 KiB part-way
    const file = await randomFile(dir, 'many.mp4', 3000 * KiB);
    const stateDir = join(mountPoint!, 'state');
    const run = spawnCli(['upload', file, '--concurrency', '8'], env({ TLTOP_STATE_DIR: stateDir }));
    expect(await run.exited).toBe(1);
    const message = run.stderr().trim().split('\n').at(-1)!;
    expect(message).toMatch(
      new RegExp(
        `^tltop: ${file} paused: cannot write the upload journal .*: disk full \\(ENOSPC\\); the previous copy is intact; continue with: tltop resume \\w+$`,
      ),
    );
    const { records, problems } = await new JournalStore(stateDir).list();
    expect(problems).toEqual([]);
    expect(records).toHaveLength(1);
    expect(Object.keys(records[0]!.etags).length).toBeGreaterThan(0);
  });
});
