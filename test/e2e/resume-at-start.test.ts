import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JournalStore } from '../../src/upload/journal.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import {
  cliEnv,
  eventually,
  randomFile,
  removeDir,
  sha256File,
  spawnCli,
  tempDir,
} from '../integration/upload/helpers.js';
import { findOrInstallTmux, TLTOP, TmuxSession } from './tmux.js';

const CHUNK = 64 * 1024;
const tmux = findOrInstallTmux();

/** An upload killed mid-way is picked up by the dashboard when it starts, with no key pressed. */
describe.skipIf(!tmux.tmux)(
  `the dashboard resumes journaled uploads at start${tmux.reason ? ` (skipped: ${tmux.reason})` : ''}`,
  { timeout: 90_000 },
  () => {
    let emulator: TestEmulator | undefined;
    let session: TmuxSession | undefined;
    let dir: string | undefined;

    afterEach(async () => {
      session?.kill();
      await emulator?.close();
      await removeDir(dir);
    });

    it('finishes an upload that kill -9 interrupted, byte for byte', async () => {
      emulator = await startTestEmulator({ chunkSize: CHUNK, speed: 200, faults: 'put-rate=1MiB/s' });
      dir = await tempDir('tltop-resume-at-start-');
      const env = cliEnv(dir, emulator);
      const journal = new JournalStore(join(dir, 'state'));
      const file = await randomFile(dir, 'night-shift.mp4', 64 * CHUNK);
      const upload = spawnCli(['upload', file, '--json'], env);
      const record = await eventually(async () => {
        const [first] = (await journal.list()).records;
        return first && Object.keys(first.etags).length >= 10 ? first : undefined;
      });
      upload.child.kill('SIGKILL');
      await upload.exited;
      emulator.setFaults('');

      session = new TmuxSession(tmux.tmux!);
      session.start(TLTOP, 120, 30, { ...env, CI: 'false' });
      await session.waitFor((screen) => screen.includes('night-shift.mp4'), 30_000, 'the resumed upload');
      await eventually(async () => ((await journal.list()).records.length === 0 ? true : undefined));
      expect((await emulator.digest(record.assetId)).sha256).toBe(await sha256File(file));
    });
  },
);
