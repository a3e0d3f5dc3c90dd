import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveConnection } from '../../../src/cli/config.js';
import { tltop } from '../../helpers/run-in-process.js';

let dir: string;
let savedDir: string | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tltop-config-notify-'));
  savedDir = process.env.TLTOP_CONFIG_DIR;
  process.env.TLTOP_CONFIG_DIR = dir;
});
afterEach(async () => {
  if (savedDir === undefined) delete process.env.TLTOP_CONFIG_DIR;
  else process.env.TLTOP_CONFIG_DIR = savedDir;
  await rm(dir, { recursive: true, force: true });
});

describe('profile notify setting', () => {
  it('set-profile --notify stores it, list shows it, the dashboard settings carry it', async () => {
    const saved = await tltop(
      'config',
      'set-profile',
      'ops',
      '--api-key',
      'tlk_abcdefghijklmnop1234',
      '--notify',
      'bell',
    );
    expect(saved).toMatchObject({ code: 0, err: '' });
    const stored = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8'));
    expect(stored.profiles.ops.notify).toBe('bell');
    const listed = await tltop('config', 'list', '--json');
    expect(JSON.parse(listed.out).profiles[0]).toMatchObject({ name: 'ops', notify: 'bell' });
    expect((await tltop('config', 'list')).out).toMatch(/notify=bell/);
    const connection = await resolveConnection({ profile: 'ops' }, { TLTOP_CONFIG_DIR: dir });
    expect(connection.settings.notify).toBe('bell');
    expect(connection.settings.notifyAllUploads).toBe(false);
    // a profile without the field: the dashboard's default applies
    await tltop('config', 'set-profile', 'quiet', '--api-key', 'tlk_abcdefghijklmnop9999');
    expect(
      (await resolveConnection({ profile: 'quiet' }, { TLTOP_CONFIG_DIR: dir })).settings.notify,
    ).toBeUndefined();
  });
});
