import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { BIN, NODE } from './run-cli.js';
import { Terminal } from './terminal.js';

const KEY = 'tlk_hiddenhiddenhidden9999';
let emulator: TestEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator({ apiKey: KEY });
});
afterAll(async () => {
  await emulator.close();
});

describe('tltop config on a terminal', () => {
  let dir: string;
  let terminal: Terminal;
  const file = () => path.join(dir, 'config.json');
  const command = (args = 'config') =>
    `env -i PATH="${process.env.PATH}" HOME="${dir}" TLTOP_CONFIG_DIR="${dir}" CI=false ` +
    `"${NODE}" "${BIN}" ${args}; echo "EXIT=$?"; sleep 30`;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tltop-config-tty-'));
    terminal = new Terminal();
  });
  afterEach(async () => {
    await terminal.kill();
    await rm(dir, { recursive: true, force: true });
  });

  async function addProfile(key: string) {
    await terminal.start(command());
    await terminal.waitFor('Profile name [default]:');
    await terminal.type('prod');
    await terminal.waitFor('Base URL [https://api.twelvelabs.io/v1.3]:');
    await terminal.type('ftp://nope');
    await terminal.waitFor('expected an http(s) URL');
    await terminal.type(emulator.origin);
    await terminal.waitFor('API key (input hidden');
    await terminal.type(key);
    await terminal.waitFor('Default index id [none]:');
    await terminal.type('idx_42');
    return terminal.waitFor('EXIT=');
  }

  it('adds a profile with the key typed but never shown, and checks the key', async () => {
    const screen = await addProfile(KEY);
    expect(screen).toContain('saved profile "prod"');
    expect(screen).toContain(`checked: ${new URL(emulator.origin).host} accepts the key`);
    expect(screen).toContain('EXIT=0');
    expect(screen).not.toContain('hiddenhidden');

    expect((await stat(file())).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file(), 'utf8'))).toEqual({
      current_profile: 'prod',
      profiles: { prod: { base_url: `${emulator.baseUrl}`, api_key: KEY, default_index: 'idx_42' } },
    });
  });

  it('saves a key the server rejects, with a one-line warning', async () => {
    const screen = await addProfile('tlk_typotypotypotypo0000');
    expect(screen).toContain('saved profile "prod"');
    expect(screen).toMatch(/warning: .* rejected the API key from profile "prod" \(401 api_key_invalid\)/);
    expect(screen).not.toContain('typotypo');
    expect(screen).toContain('EXIT=0');
  });

  it('--api-key-stdin on a terminal is refused, so the key is never typed visibly', async () => {
    await terminal.start(command('config set-profile prod --api-key-stdin'));
    const screen = await terminal.waitFor('EXIT=');
    expect(screen).toContain('tltop: --api-key-stdin reads a pipe');
    expect(screen).toContain('EXIT=2');
    await expect(stat(file())).rejects.toThrow(/ENOENT/);
  });

  it('Ctrl-C at a prompt saves nothing and exits 130', async () => {
    await terminal.start(command());
    await terminal.waitFor('Profile name [default]:');
    await terminal.type('prod');
    await terminal.waitFor('Base URL');
    await terminal.type('');
    await terminal.waitFor('API key (input hidden');
    await terminal.keys('C-c');
    const screen = await terminal.waitFor('EXIT=');
    expect(screen).toContain('interrupted, nothing saved');
    expect(screen).toContain('EXIT=130');
    await expect(stat(file())).rejects.toThrow(/ENOENT/);
  });
});
