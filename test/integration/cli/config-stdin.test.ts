import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from './run-cli.js';

describe('tltop config set-profile --api-key-stdin (the real binary)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tltop-config-stdin-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stores the first line of stdin as the key, never echoing it', async () => {
    const env = cleanEnv({ HOME: dir, TLTOP_CONFIG_DIR: dir });
    const result = await runCli(
      ['config', 'set-profile', 'prod', '--api-key-stdin', '--use'],
      env,
      'tlk_fromstdinfromstdin42\nignored second line\n',
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).not.toContain('fromstdin');
    const file = path.join(dir, 'config.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8')).profiles.prod).toEqual({
      api_key: 'tlk_fromstdinfromstdin42',
    });
    const list = await runCli(['config', 'list'], env);
    expect(list.stdout).toContain('tlk_…in42');
  });

  it('refuses an empty stdin with one line, exit 2, and writes nothing', async () => {
    const result = await runCli(
      ['config', 'set-profile', 'prod', '--api-key-stdin'],
      cleanEnv({ TLTOP_CONFIG_DIR: dir }),
      '',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('tltop: the API key is empty\n');
    await expect(stat(path.join(dir, 'config.json'))).rejects.toThrow(/ENOENT/);
  });
});
