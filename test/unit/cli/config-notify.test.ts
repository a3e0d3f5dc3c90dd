import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { resolveConnection } from '../../../src/cli/config.js';
import { tempConfigDir } from '../../helpers/config-dir.js';
import { tltop } from '../../helpers/run-in-process.js';

const config = tempConfigDir('tltop-config-notify-');

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
    const stored = JSON.parse(await readFile(config.file, 'utf8'));
    expect(stored.profiles.ops.notify).toBe('bell');
    const listed = await tltop('config', 'list', '--json');
    expect(JSON.parse(listed.out).profiles[0]).toMatchObject({ name: 'ops', notify: 'bell' });
    expect((await tltop('config', 'list')).out).toMatch(/notify=bell/);
    const connection = await resolveConnection({ profile: 'ops' }, { TLTOP_CONFIG_DIR: config.dir });
    expect(connection.settings.notify).toBe('bell');
    expect(connection.settings.notifyAllUploads).toBe(false);
    // a profile without the field: the dashboard's default applies
    await tltop('config', 'set-profile', 'quiet', '--api-key', 'tlk_abcdefghijklmnop9999');
    expect(
      (await resolveConnection({ profile: 'quiet' }, { TLTOP_CONFIG_DIR: config.dir })).settings.notify,
    ).toBeUndefined();
  });
});
