import { readFile, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { resolveConnection } from '../../../src/cli/config.js';
import { tempConfigDir } from '../../helpers/config-dir.js';
import { tltop } from '../../helpers/run-in-process.js';

const config = tempConfigDir('tltop-config-cmd-');

describe('tltop config', () => {
  it('set-profile creates a 0600 file; the first profile becomes current', async () => {
    const result = await tltop(
      'config',
      'set-profile',
      'prod',
      '--base-url',
      'https://api.twelvelabs.io',
      '--api-key',
      'tlk_abcdefghijklmnop1234',
      '--concurrency',
      '6',
      '--poll',
      'active=3',
      '--poll',
      'detail=1.5',
      '--read-only',
    );
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('saved profile "prod"');
    expect(result.out).not.toContain('tlk_abcdefghijklmnop1234');
    expect((await stat(config.file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(config.file, 'utf8'))).toEqual({
      current_profile: 'prod',
      profiles: {
        prod: {
          base_url: 'https://api.twelvelabs.io/v1.3',
          api_key: 'tlk_abcdefghijklmnop1234',
          concurrency: 6,
          poll_intervals: { active: 3, detail: 1.5 },
          read_only: true,
        },
      },
    });
  });

  it('updates only the given fields and swaps a key for a key command', async () => {
    await tltop(
      'config',
      'set-profile',
      'prod',
      '--api-key',
      'tlk_abcdefghijklmnop1234',
      '--default-index',
      'i1',
    );
    await tltop(
      'config',
      'set-profile',
      'prod',
      '--key-command',
      'pass show twelvelabs/prod',
      '--no-read-only',
    );
    const stored = JSON.parse(await readFile(config.file, 'utf8')).profiles.prod;
    expect(stored).toEqual({
      key_command: 'pass show twelvelabs/prod',
      default_index: 'i1',
      read_only: false,
    });
  });

  it('list masks keys, shows key commands and marks the current profile', async () => {
    await tltop('config', 'set-profile', 'prod', '--api-key', 'tlk_abcdefghijklmnop1234');
    await tltop(
      'config',
      'set-profile',
      'staging',
      '--key-command',
      'pass show tl',
      '--base-url',
      'http://127.0.0.1:4000',
    );
    const { code, out } = await tltop('config', 'list');
    expect(code).toBe(0);
    expect(out).not.toContain('abcdefghijklmnop');
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s+PROFILE\s+BASE URL\s+KEY\s+OPTIONS$/);
    expect(lines[1]).toMatch(/^\*\s+prod\s+https:\/\/api\.twelvelabs\.io\/v1\.3\s+tlk_…1234\s+-$/);
    expect(lines[2]).toMatch(/^\s+staging\s+http:\/\/127\.0\.0\.1:4000\/v1\.3\s+command: pass show tl/);

    const json = JSON.parse((await tltop('config', 'list', '--json')).out);
    expect(json.current_profile).toBe('prod');
    expect(json.profiles.map((profile: { key: string | null }) => profile.key)).toEqual(['tlk_…1234', null]);
  });

  it('use switches the profile resolveConnection picks', async () => {
    await tltop('config', 'set-profile', 'prod', '--api-key', 'tlk_prodprodprodprod0001');
    await tltop('config', 'set-profile', 'staging', '--api-key', 'tlk_stagingstaging0002');
    expect((await resolveConnection({}, { TLTOP_CONFIG_DIR: config.dir })).profileName).toBe('prod');
    expect(await tltop('config', 'use', 'staging')).toMatchObject({
      code: 0,
      out: 'using profile "staging"\n',
    });
    const connection = await resolveConnection({}, { TLTOP_CONFIG_DIR: config.dir });
    expect(connection).toMatchObject({ profileName: 'staging', apiKey: 'tlk_stagingstaging0002' });
    expect((await stat(config.file)).mode & 0o777).toBe(0o600);
  });

  it('list marks the profile TLTOP_PROFILE picks, and says it overrides the file', async () => {
    await tltop('config', 'set-profile', 'prod', '--api-key', 'tlk_prodprodprodprod0001');
    await tltop('config', 'set-profile', 'staging', '--api-key', 'tlk_stagingstaging0002');
    process.env.TLTOP_PROFILE = 'staging';
    try {
      const lines = (await tltop('config', 'list')).out.trimEnd().split('\n');
      expect(lines[1]).toMatch(/^\s+prod\s/);
      expect(lines[2]).toMatch(/^\*\s+staging\s/);
      expect(lines[3]).toBe('* TLTOP_PROFILE=staging overrides current_profile prod');
      const json = JSON.parse((await tltop('config', 'list', '--json')).out);
      expect(json).toMatchObject({ current_profile: 'prod', active_profile: 'staging' });
    } finally {
      delete process.env.TLTOP_PROFILE;
    }
  });

  it('remove deletes a profile and clears it as current', async () => {
    await tltop('config', 'set-profile', 'prod', '--api-key', 'tlk_prodprodprodprod0001');
    expect((await tltop('config', 'remove', 'prod')).code).toBe(0);
    expect(JSON.parse(await readFile(config.file, 'utf8'))).toEqual({ profiles: {} });
    expect((await tltop('config', 'remove', 'prod')).code).toBe(2);
  });

  it('path prints where the file lives', async () => {
    expect((await tltop('config', 'path')).out).toBe(`${config.file}\n`);
  });
});
