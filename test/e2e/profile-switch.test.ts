/**
 * The real binary in tmux: `:profile NAME` reconnects to another configured profile without
 * leaving the terminal, and `--filter` filters the start view.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TwelveLabsClient } from '../../src/api/client.js';
import { JournalStore } from '../../src/upload/journal.js';
import { requestCount, startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import {
  eventually,
  randomFile,
  removeDir,
  sha256File,
  spawnCli,
  tempDir,
} from '../integration/upload/helpers.js';
import { findOrInstallTmux, TLTOP, TmuxSession } from './tmux.js';

const tmux = findOrInstallTmux();
const KEY_ALPHA = 'tlk_alpha000000000000000000a1a1';
const KEY_BETA = 'tlk_beta0000000000000000000b2b2';
const CHUNK = 64 * 1024;

/** A config dir with two profiles, each on its own emulator with its own key. */
async function twoProfiles(
  dir: string,
  alpha: TestEmulator,
  beta: TestEmulator,
): Promise<Record<string, string>> {
  const configDir = join(dir, 'config');
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  const file = join(configDir, 'config.json');
  const profiles = {
    alpha: { base_url: alpha.baseUrl, api_key: KEY_ALPHA },
    beta: { base_url: beta.baseUrl, api_key: KEY_BETA },
  };
  await writeFile(file, JSON.stringify({ profiles }), { mode: 0o600 });
  await chmod(file, 0o600);
  return {
    CI: 'false',
    TERM: 'xterm-256color',
    HOME: dir,
    TLTOP_CONFIG_DIR: configDir,
    TLTOP_STATE_DIR: join(dir, 'state'),
  };
}

describe.skipIf(!tmux.tmux)(
  `profiles and --filter in tmux${tmux.reason ? ` (skipped: ${tmux.reason})` : ''}`,
  { timeout: 90_000 },
  () => {
    let alpha: TestEmulator | undefined;
    let beta: TestEmulator | undefined;
    let session: TmuxSession | undefined;
    let dir: string | undefined;

    afterEach(async () => {
      session?.kill();
      await alpha?.close();
      await beta?.close();
      await removeDir(dir);
    });

    it(':profile NAME reconnects to the other profile: header, key and data change', async () => {
      // alpha has the demo account; beta is a fresh account with nothing in it
      alpha = await startTestEmulator({ seed: 'demo', apiKey: KEY_ALPHA });
      beta = await startTestEmulator({ seed: 'empty', apiKey: KEY_BETA });
      dir = await tempDir('tltop-profile-switch-');
      const env = await twoProfiles(dir, alpha, beta);
      session = new TmuxSession(tmux.tmux!);
      session.start(`${TLTOP} --profile alpha --no-restore`, 120, 30, env);
      const alphaHost = new URL(alpha.baseUrl).host;
      const betaHost = new URL(beta.baseUrl).host;
      await session.waitFor((s) => s.includes(`profile alpha  ${alphaHost}  key tlk_…a1a1`), 20_000, 'alpha');
      session.send('2');
      await session.waitFor((s) => /Assets\s+1-\d+ of [\d,]+/.test(s), 15_000, "alpha's assets");

      // an unknown profile is one line in the prompt, and nothing changes
      session.send(':');
      session.sendLiteral('profile nope');
      session.send('Enter');
      await session.waitFor((s) => s.includes('✗ unknown profile "nope"'), 10_000, 'the refusal');
      expect(session.screen()[0]).toContain('profile alpha');
      session.send('Escape');
      await session.waitFor((s) => !s.includes(': profile nope'), 5_000, 'the prompt closed');

      // Tab completes the name from the config file
      session.send(':');
      session.sendLiteral('profile be');
      // typed text and a Tab in one read would be one paste: wait for the text first
      await session.waitFor((s) => s.includes(': profile be'), 5_000, 'the typed text');
      session.send('Tab');
      await session.waitFor((s) => s.includes(': profile beta'), 10_000, 'the completed name');
      const betaAssetsBefore = requestCount(beta, 'GET /assets');
      session.send('Enter');
      const screen = await session.waitFor(
        (s) => s.includes(`profile beta  ${betaHost}  key tlk_…b2b2`) && s.includes('Assets  0 of 0'),
        20_000,
        "beta's header and its empty assets",
      );
      expect(screen).not.toContain(alphaHost);
      expect(requestCount(beta, 'GET /assets')).toBeGreaterThan(betaAssetsBefore);
      // alpha is no longer polled
      const alphaAssets = requestCount(alpha, 'GET /assets');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(requestCount(alpha, 'GET /assets')).toBe(alphaAssets);
      // and back
      session.send(':');
      session.sendLiteral('profile alpha');
      session.send('Enter');
      await session.waitFor(
        (s) => s.includes(`profile alpha  ${alphaHost}`) && /Assets\s+1-\d+ of [\d,]+/.test(s),
        20_000,
        'alpha again',
      );
    });

    it(':profile pauses the running uploads (the demo runs one) and switches', async () => {
      alpha = await startTestEmulator({ seed: 'empty', apiKey: KEY_ALPHA });
      beta = await startTestEmulator({ seed: 'empty', apiKey: KEY_BETA });
      dir = await tempDir('tltop-profile-uploads-');
      const env = await twoProfiles(dir, alpha, beta);
      session = new TmuxSession(tmux.tmux!);
      session.start(`${TLTOP} --demo --no-restore`, 120, 30, env);
      await session.waitFor((s) => s.includes('camera-b-morning-shift.mp4'), 20_000, 'the demo upload');
      // once it sends (its session exists): an upload still creating one makes the switch wait
      await new Promise((resolve) => setTimeout(resolve, 1500));
      session.send(':');
      session.sendLiteral('profile beta');
      await session.waitFor((s) => s.includes(': profile beta'), 5_000, 'the typed command');
      session.send('Enter');
      const betaHost = new URL(beta.baseUrl).host;
      await session.waitFor(
        (s) => s.includes(`profile beta  ${betaHost}  key tlk_…b2b2`),
        20_000,
        "beta's header",
      );
      expect(requestCount(beta, 'GET /assets')).toBeGreaterThan(0);
    });

    it(":profile NAME resumes that account's journaled uploads, and only then", async () => {
      alpha = await startTestEmulator({ seed: 'empty', apiKey: KEY_ALPHA });
      beta = await startTestEmulator({ seed: 'empty', apiKey: KEY_BETA, chunkSize: CHUNK, speed: 200 });
      dir = await tempDir('tltop-profile-resume-');
      const env = await twoProfiles(dir, alpha, beta);
      // beta's upload, killed half-way: its journal says it is beta's
      beta.setFaults('put-rate=1MiB/s');
      const file = await randomFile(dir, 'beta-night-shift.mp4', 48 * CHUNK);
      const journal = new JournalStore(join(dir, 'state'));
      const upload = spawnCli(['upload', '--profile', 'beta', file, '--json'], env);
      const record = await eventually(async () => {
        const [first] = (await journal.list()).records;
        return first && Object.keys(first.etags).length >= 6 ? first : undefined;
      });
      upload.child.kill('SIGKILL');
      await upload.exited;
      beta.setFaults('');
      expect(record.account?.profile).toBe('beta');

      session = new TmuxSession(tmux.tmux!);
      session.start(`${TLTOP} --profile alpha --no-restore`, 120, 30, env);
      const alphaHost = new URL(alpha.baseUrl).host;
      await session.waitFor((s) => s.includes(`profile alpha  ${alphaHost}`), 20_000, 'alpha');
      // alpha leaves beta's journal alone: no status call for it, the journal as it was
      const before = await journal.read(record.uploadId);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(requestCount(alpha, 'GET /assets/multipart-uploads/{upload_id}')).toBe(0);
      expect(await journal.read(record.uploadId)).toEqual(before);
      session.send('1');
      await session.waitFor((s) => /^Uploads/m.test(s), 5_000, 'the Uploads view');
      expect(session.screen().join('\n')).not.toContain('beta-night-shift.mp4');

      session.send(':');
      session.sendLiteral('profile beta');
      await session.waitFor((s) => s.includes(': profile beta'), 5_000, 'the typed command');
      session.send('Enter');
      await session.waitFor((s) => s.includes('beta-night-shift.mp4'), 20_000, "beta's resumed upload");
      await eventually(async () => ((await journal.list()).records.length === 0 ? true : undefined), 30_000);
      expect((await beta.digest(record.assetId)).sha256).toBe(await sha256File(file));
    });

    it('--filter filters the start view; a bad one is one line and exit 2', async () => {
      alpha = await startTestEmulator({ seed: 'demo', apiKey: KEY_ALPHA });
      beta = await startTestEmulator({ seed: 'empty', apiKey: KEY_BETA });
      dir = await tempDir('tltop-start-filter-');
      const env = await twoProfiles(dir, alpha, beta);
      session = new TmuxSession(tmux.tmux!);
      session.start(
        `${TLTOP} --profile alpha --no-restore --filter 'status=bogus'; echo "TLTOP-EXIT:$?"; ${TLTOP} --profile alpha --no-restore --filter 'status=failed,expired'`,
        120,
        30,
        env,
      );
      const screen = await session.waitFor((s) => s.includes('TLTOP-EXIT:'), 20_000, 'the refusal');
      expect(screen).toContain('tltop: --filter: unknown status "bogus" here');
      expect(screen).toContain('TLTOP-EXIT:2');
      const filtered = await session.waitFor(
        (s) => s.includes('filter “status=failed,expired”') && /Uploads\s+1-\d+ of \d+/.test(s),
        20_000,
        'the filtered uploads',
      );
      const rows = filtered.split('\n').filter((line) => /^[› ] [✗●✓‖◌]/.test(line));
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row).toMatch(/failed|expired/);
    });

    it("--filter index=NAME on a restored Indexing view lists that index's tasks", async () => {
      alpha = await startTestEmulator({ seed: 'demo', apiKey: KEY_ALPHA });
      beta = await startTestEmulator({ seed: 'empty', apiKey: KEY_BETA });
      dir = await tempDir('tltop-start-filter-index-');
      const env = await twoProfiles(dir, alpha, beta);
      const api = new TwelveLabsClient({ apiKey: KEY_ALPHA, baseUrl: alpha.baseUrl });
      const indexes = await api.listIndexes({ page: 1, page_limit: 50 });
      const support = indexes.data.find((index) => index.index_name === 'support-calls')!;
      const failed = await api.listTasks({
        page: 1,
        page_limit: 1,
        index_id: support._id,
        status: ['failed'],
      });
      await api.close();
      session = new TmuxSession(tmux.tmux!);
      // the first run leaves the Indexing view as the last view state; the second starts on it
      session.start(
        `${TLTOP} --profile alpha --no-restore; ${TLTOP} --profile alpha --filter 'status=failed index=support-calls'`,
        160,
        30,
        env,
      );
      await session.waitFor(
        (s) => /Indexing tasks\s+1-\d+ of/.test(s) || s.includes('profile alpha'),
        20_000,
        'first run',
      );
      session.send('3');
      await session.waitFor((s) => /Indexing tasks\s+1-\d+ of/.test(s), 15_000, 'the tasks');
      session.send('q');
      const total = failed.page_info.total_results;
      const screen = await session.waitFor(
        (s) => s.includes('filter “status=failed index=support-calls”') && s.includes(`of ${total}`),
        20_000,
        `support-calls' ${total} failed tasks`,
      );
      expect(screen).toContain('one index');
    });
  },
);
