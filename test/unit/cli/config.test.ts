import { chmod, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/api/errors.js';
import {
  DEFAULT_BASE_URL,
  describeConnectionError,
  normalizeBaseUrl,
  resolveConnection,
} from '../../../src/cli/config.js';
import { UsageError } from '../../../src/cli/errors.js';
import { type ConfigFile, loadConfig, saveConfig } from '../../../src/cli/profiles.js';

let dir: string;
let env: NodeJS.ProcessEnv;
const file = () => path.join(dir, 'config.json');

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tltop-config-'));
  env = { TLTOP_CONFIG_DIR: dir };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const twoProfiles: ConfigFile = {
  current_profile: 'prod',
  profiles: {
    prod: { base_url: 'https://prod.example.test', api_key: 'tlk_prodkey0001', concurrency: 8 },
    staging: {
      base_url: 'https://staging.example.test/v1.3/',
      api_key: 'tlk_stagingkey02',
      read_only: true,
      poll_intervals: { active: 2.5, window_hidden: 300 },
      default_index: 'idx_1',
    },
  },
};

describe('resolveConnection precedence (flag > env > profile > defaults)', () => {
  it('uses defaults and demo mode when nothing is configured', async () => {
    const connection = await resolveConnection({}, env);
    expect(connection).toMatchObject({
      baseUrl: DEFAULT_BASE_URL,
      profileName: 'default',
      demo: true,
      keySource: 'none',
    });
    expect(connection.apiKey).toBeUndefined();
    expect(connection.settings).toEqual({ pollIntervals: {}, readOnly: false, notifyAllUploads: false });
  });

  it('takes the current profile from the file', async () => {
    await saveConfig(file(), twoProfiles);
    const connection = await resolveConnection({}, env);
    expect(connection).toMatchObject({
      profileName: 'prod',
      apiKey: 'tlk_prodkey0001',
      keySource: 'profile',
      baseUrl: 'https://prod.example.test/v1.3',
      demo: false,
    });
    expect(connection.settings.concurrency).toBe(8);
  });

  it('lets the environment beat the profile and the flag beat the environment', async () => {
    await saveConfig(file(), twoProfiles);
    env.TWELVELABS_API_KEY = 'tlk_fromenv00001';
    env.TWELVELABS_BASE_URL = 'http://127.0.0.1:9999';
    const fromEnv = await resolveConnection({}, env);
    expect(fromEnv).toMatchObject({
      apiKey: 'tlk_fromenv00001',
      keySource: 'env',
      baseUrl: 'http://127.0.0.1:9999/v1.3',
    });
    const fromFlag = await resolveConnection(
      { apiKey: 'tlk_fromflag0001', baseUrl: 'http://127.0.0.1:1234/v1.3' },
      env,
    );
    expect(fromFlag).toMatchObject({
      apiKey: 'tlk_fromflag0001',
      keySource: 'flag',
      baseUrl: 'http://127.0.0.1:1234/v1.3',
    });
  });

  it('accepts TWELVE_LABS_API_KEY when TWELVELABS_API_KEY is unset, and prefers the latter', async () => {
    env.TWELVE_LABS_API_KEY = 'tlk_underscored1';
    const underscored = await resolveConnection({}, env);
    expect(underscored).toMatchObject({ apiKey: 'tlk_underscored1', keyEnvVar: 'TWELVE_LABS_API_KEY' });
    const rejected = new ApiError({
      kind: 'http',
      status: 401,
      code: 'api_key_invalid',
      message: 'x',
      retryable: false,
    });
    expect(describeConnectionError(rejected, underscored)).toBe(
      'api.twelvelabs.io rejected the API key from the TWELVE_LABS_API_KEY environment variable (401 api_key_invalid); check the key or run tltop config',
    );
    env.TWELVELABS_API_KEY = 'tlk_plainname001';
    expect((await resolveConnection({}, env)).apiKey).toBe('tlk_plainname001');
  });

  it('switches profiles by flag over TLTOP_PROFILE over current_profile', async () => {
    await saveConfig(file(), twoProfiles);
    env.TLTOP_PROFILE = 'staging';
    const staging = await resolveConnection({}, env);
    expect(staging).toMatchObject({
      profileName: 'staging',
      apiKey: 'tlk_stagingkey02',
      baseUrl: 'https://staging.example.test/v1.3',
    });
    expect(staging.settings).toMatchObject({
      readOnly: true,
      defaultIndex: 'idx_1',
      pollIntervals: { active: 2500, windowHidden: 300_000 },
    });
    expect((await resolveConnection({ profile: 'prod' }, env)).profileName).toBe('prod');
  });

  it('--read-only wins over a profile that allows writes, and says where it came from', async () => {
    await saveConfig(file(), twoProfiles);
    expect(await resolveConnection({}, env)).toMatchObject({
      settings: { readOnly: false },
      readOnlyBy: undefined,
    });
    expect(await resolveConnection({ readOnly: true }, env)).toMatchObject({
      settings: { readOnly: true },
      readOnlyBy: '--read-only',
    });
    expect(await resolveConnection({ profile: 'staging' }, env)).toMatchObject({
      settings: { readOnly: true },
      readOnlyBy: 'profile "staging"',
    });
  });

  it('refuses an unknown profile naming the known ones', async () => {
    await saveConfig(file(), twoProfiles);
    await expect(resolveConnection({ profile: 'nope' }, env)).rejects.toThrow(
      /unknown profile "nope".*known: prod, staging/,
    );
    env.TLTOP_PROFILE = 'gone';
    await expect(resolveConnection({}, env)).rejects.toBeInstanceOf(UsageError);
  });

  it('--demo wins over any key and never runs key_command', async () => {
    await saveConfig(file(), {
      profiles: { default: { key_command: ['/nonexistent/tltop-key-helper'] } },
    });
    const connection = await resolveConnection({ demo: true }, env);
    expect(connection).toMatchObject({ demo: true, keySource: 'none' });
    expect(connection.apiKey).toBeUndefined();
  });
});

describe('key_command', () => {
  it('runs the command without a shell and takes its first line', async () => {
    const helper = path.join(dir, 'print-key.mjs');
    await writeFile(helper, "console.log(process.argv[2] + '\\nsecond line');\n");
    await saveConfig(file(), {
      profiles: { default: { key_command: [process.execPath, helper, 'tlk_cmd;$(touch pwned)'] } },
    });
    const connection = await resolveConnection({}, env);
    expect(connection).toMatchObject({ apiKey: 'tlk_cmd;$(touch pwned)', keySource: 'command' });
    expect(await readdir(dir)).not.toContain('pwned');
  });

  it('a failing command is one UsageError line with its stderr', async () => {
    await saveConfig(file(), {
      profiles: {
        default: {
          key_command: [process.execPath, '-e', 'console.error("vault locked\\nmore"); process.exit(3)'],
        },
      },
    });
    const error = await resolveConnection({}, env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(
      /key_command of profile "default" .* failed \(exit 3\): vault locked$/,
    );
    expect((error as Error).message).not.toContain('\n');
  });

  it('a missing command and an empty output are clear errors', async () => {
    await saveConfig(file(), { profiles: { default: { key_command: 'tltop-no-such-helper --x' } } });
    await expect(resolveConnection({}, env)).rejects.toThrow(/tltop-no-such-helper\) was not found/);
    await saveConfig(file(), { profiles: { default: { key_command: [process.execPath, '-e', ''] } } });
    await expect(resolveConnection({}, env)).rejects.toThrow(/printed nothing/);
  });
});

describe('config file', () => {
  it('is written mode 0600 atomically, leaving no temp file', async () => {
    await saveConfig(file(), twoProfiles);
    expect((await stat(file())).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['config.json']);
    expect(await loadConfig(file())).toEqual(twoProfiles);
  });

  it('refuses a group- or world-readable file that holds a key', async () => {
    await saveConfig(file(), twoProfiles);
    for (const mode of [0o640, 0o604, 0o644]) {
      await chmod(file(), mode);
      const error = await resolveConnection({}, env).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toContain(`readable by others (mode ${mode.toString(8)})`);
      expect((error as Error).message).toContain('chmod 600');
      expect((error as Error).message).not.toContain('tlk_prodkey0001');
    }
  });

  it('refuses a file others can write, whatever it holds', async () => {
    await saveConfig(file(), { profiles: { default: { base_url: 'https://api.twelvelabs.io' } } });
    for (const mode of [0o620, 0o602, 0o666]) {
      await chmod(file(), mode);
      await expect(resolveConnection({}, env)).rejects.toThrow(
        `${file()} is writable by others (mode ${mode.toString(8)}); run: chmod 600`,
      );
    }
  });

  it('accepts a readable file that holds only a key_command', async () => {
    await saveConfig(file(), {
      profiles: { default: { key_command: [process.execPath, '-e', 'console.log(1)'] } },
    });
    await chmod(file(), 0o644);
    expect((await resolveConnection({}, env)).keySource).toBe('command');
  });

  it('names the bad field in one line', async () => {
    await writeFile(file(), JSON.stringify({ profiles: { prod: { concurrency: 0 } } }), { mode: 0o600 });
    await expect(resolveConnection({}, env)).rejects.toThrow(/config\.json: profiles\.prod\.concurrency: /);
    await writeFile(file(), JSON.stringify({ profiles: { prod: { base_url: 'ftp://x' } } }));
    await expect(resolveConnection({}, env)).rejects.toThrow(
      /profiles\.prod\.base_url: expected an http\(s\) URL/,
    );
    await writeFile(file(), JSON.stringify({ profiles: { prod: { colour: 'red' } } }));
    await expect(resolveConnection({}, env)).rejects.toThrow(/profiles\.prod: .*colour/);
    await writeFile(file(), '{ not json');
    await expect(resolveConnection({}, env)).rejects.toThrow(/config\.json: not valid JSON/);
  });
});

describe('normalizeBaseUrl', () => {
  it.each([
    ['https://api.twelvelabs.io', 'https://api.twelvelabs.io/v1.3'],
    ['https://api.twelvelabs.io/', 'https://api.twelvelabs.io/v1.3'],
    ['https://api.twelvelabs.io/v1.3/', 'https://api.twelvelabs.io/v1.3'],
    ['http://127.0.0.1:8080/proxy/twelvelabs', 'http://127.0.0.1:8080/proxy/twelvelabs/v1.3'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeBaseUrl(input, 'test')).toBe(expected);
  });

  it.each(['https://api.twelvelabs.io/v1.2', 'ftp://x', 'nope', 'https://u:p@host', 'https://h/?q=1'])(
    'refuses %s',
    (input) => {
      expect(() => normalizeBaseUrl(input, 'test')).toThrow(UsageError);
    },
  );
});
