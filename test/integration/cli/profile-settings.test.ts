import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveConfig } from '../../../src/cli/profiles.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { cleanEnv, runCli } from './run-cli.js';

const CHUNK = 64 * 1024;

/** A profile's settings reach the commands that use them; a flag still wins. */
describe('profile settings in use', () => {
  let emulator: TestEmulator;
  let home: string;
  let video: string;

  beforeAll(async () => {
    // latency keeps the upload running long enough for progress lines (one a second)
    emulator = await startTestEmulator({ chunkSize: CHUNK, faults: 'latency=150ms' });
    home = await mkdtemp(path.join(tmpdir(), 'tltop-profile-settings-'));
    video = path.join(home, 'clip.mp4');
    await writeFile(video, randomBytes(CHUNK * 24));
    await saveConfig(path.join(home, 'config', 'config.json'), {
      current_profile: 'emu',
      profiles: { emu: { base_url: emulator.baseUrl, api_key: emulator.apiKey, concurrency: 3 } },
    });
  });
  afterAll(async () => {
    await emulator.close();
    await rm(home, { recursive: true, force: true });
  });

  async function uploadConcurrency(...flags: string[]): Promise<number[]> {
    const env = cleanEnv({
      HOME: home,
      TLTOP_CONFIG_DIR: path.join(home, 'config'),
      TLTOP_STATE_DIR: path.join(home, 'state'),
    });
    const result = await runCli(['upload', video, '--json', '--no-wait', ...flags], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; concurrency?: number });
    expect(events.at(-1)?.event).toBe('done');
    return events.filter((event) => event.event === 'progress').map((event) => event.concurrency!);
  }

  it('tltop upload uses the profile concurrency, and --concurrency overrides it', async () => {
    const fromProfile = await uploadConcurrency();
    expect(fromProfile.length).toBeGreaterThan(0);
    expect(new Set(fromProfile)).toEqual(new Set([3]));

    const fromFlag = await uploadConcurrency('--concurrency', '5');
    expect(fromFlag.length).toBeGreaterThan(0);
    expect(new Set(fromFlag)).toEqual(new Set([5]));
  });
});
