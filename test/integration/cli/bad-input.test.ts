import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/program.js';
import { cleanEnv, ROOT, runCli } from './run-cli.js';

interface BadInput {
  name: string;
  args: string[];
  /** What the one line must say. */
  says: RegExp;
  env?: NodeJS.ProcessEnv;
  /** config.json content written (mode 0600 unless `mode`) before the run. */
  config?: unknown;
  mode?: number;
  /** Only when another helper's command is registered. */
  command?: string;
}

/** A key and an address that answers nothing, so no case can reach a real host. */
const OFFLINE = { TWELVELABS_API_KEY: 'tlk_offlineoffline00001', TWELVELABS_BASE_URL: 'http://127.0.0.1:9' };
const PROFILES = { current_profile: 'prod', profiles: { prod: { api_key: 'tlk_secretsecret1234' } } };

const BAD_INPUTS: BadInput[] = [
  { name: 'unknown flag', args: ['--no-such-flag'], says: /unknown option '--no-such-flag'/ },
  { name: 'unknown command', args: ['frobnicate', 'x'], says: /unknown command 'frobnicate'/ },
  { name: 'missing value', args: ['emulator', '--port'], says: /option '--port <n>' argument missing/ },
  { name: 'bad number', args: ['emulator', '--port', 'abc'], says: /expected a whole number, got "abc"/ },
  {
    name: 'port out of range',
    args: ['emulator', '--port', '70000'],
    says: /expected 0\.\.65535, got 70000/,
  },
  { name: 'zero speed', args: ['emulator', '--speed', '0'], says: /expected a positive number/ },
  { name: 'unknown seed', args: ['emulator', '--seed', 'lots'], says: /expected one of demo, empty/ },
  { name: 'bad URL', args: ['status', '--base-url', 'not a url'], says: /not a URL/ },
  { name: 'non-http URL', args: ['status', '--base-url', 'ftp://example.test'], says: /http\(s\) URL/ },
  {
    name: 'other API version',
    args: ['status', '--base-url', 'https://api.twelvelabs.io/v1.2'],
    says: /speaks API v1\.3, not v1\.2/,
  },
  {
    name: 'unknown profile',
    args: ['status', '--profile', 'nope'],
    config: PROFILES,
    says: /unknown profile "nope"/,
  },
  { name: 'bad profile name', args: ['status', '--profile', 'no/slash'], says: /bad profile name/ },
  {
    name: 'unknown profile from TLTOP_PROFILE',
    args: ['status'],
    env: { TLTOP_PROFILE: 'ghost' },
    config: PROFILES,
    says: /unknown profile "ghost" \(from TLTOP_PROFILE\)/,
  },
  {
    name: 'bad TWELVELABS_BASE_URL',
    args: ['status'],
    env: { TWELVELABS_BASE_URL: 'nope' },
    says: /TWELVELABS_BASE_URL/,
  },
  { name: 'no key for status', args: ['status'], says: /no API key/ },
  { name: 'empty --api-key', args: ['status', '--api-key', ''], says: /--api-key is empty/ },
  { name: 'extra argument', args: ['status', 'extra'], says: /too many arguments/ },
  {
    name: 'world-readable config holding a key',
    args: ['status'],
    config: PROFILES,
    mode: 0o644,
    says: /readable by others \(mode 644\).*chmod 600/,
  },
  { name: 'config not JSON', args: ['status'], config: '{oops', says: /not valid JSON/ },
  {
    name: 'config with a bad field',
    args: ['status'],
    config: { profiles: { prod: { concurrency: 'many' } } },
    says: /profiles\.prod\.concurrency/,
  },
  { name: 'interactive config without a terminal', args: ['config'], says: /needs a terminal/ },
  {
    name: 'config use unknown profile',
    args: ['config', 'use', 'nope'],
    config: PROFILES,
    says: /unknown profile "nope"/,
  },
  {
    name: 'config set-profile without a name',
    args: ['config', 'set-profile'],
    says: /missing required argument 'name'/,
  },
  {
    name: 'config --concurrency 0',
    args: ['config', 'set-profile', 'p', '--concurrency', '0'],
    says: /expected 1\.\.16, got 0/,
  },
  {
    name: 'config --poll for an unknown interval',
    args: ['config', 'set-profile', 'p', '--poll', 'tasks=5'],
    says: /expected NAME=SECONDS with NAME one of active, active_hidden/,
  },
  {
    name: 'config key and key command together',
    args: ['config', 'set-profile', 'p', '--api-key', 'k', '--key-command', 'pass show tl'],
    says: /only one of/,
  },
  {
    name: 'config --notify with an unknown mode',
    args: ['config', 'set-profile', 'p', '--notify', 'loud'],
    says: /expected one of off, bell, desktop, both, got "loud"/,
  },
  {
    name: 'config with a bad notify mode',
    args: ['status'],
    config: { profiles: { prod: { notify: 'loud' } } },
    says: /profiles\.prod\.notify/,
  },
  { name: 'config unknown subcommand', args: ['config', 'lst'], says: /unknown config command 'lst'/ },
  // Commands other helpers own join the table once they are registered.
  {
    name: 'upload missing file',
    command: 'upload',
    args: ['upload', '/nonexistent/tltop.mp4'],
    env: OFFLINE,
    says: /\/nonexistent\/tltop\.mp4: no such file/,
  },
  {
    name: 'upload bad --type',
    command: 'upload',
    args: ['upload', '--type', 'movie', 'x.mp4'],
    says: /expected one of video, audio, image, got "movie"/,
  },
  {
    name: 'upload --concurrency 0',
    command: 'upload',
    args: ['upload', '--concurrency', '0', 'x.mp4'],
    says: /option '--concurrency <n>' argument '0' is invalid. expected 1..16, got 0/,
  },
  {
    name: 'upload with --read-only',
    command: 'upload',
    args: ['upload', '--read-only', `${ROOT}package.json`],
    env: OFFLINE,
    says: /read-only \(--read-only\): uploading is turned off/,
  },
  {
    name: 'upload with a read_only profile',
    command: 'upload',
    args: ['upload', `${ROOT}package.json`],
    config: {
      current_profile: 'ro',
      profiles: { ro: { api_key: 'tlk_secretsecret1234', base_url: 'http://127.0.0.1:9', read_only: true } },
    },
    says: /read-only \(profile "ro"\): uploading is turned off/,
  },
  { name: 'upload without a file', command: 'upload', args: ['upload'], says: /missing required argument/ },
  {
    name: 'upload bad --progress',
    command: 'upload',
    args: ['upload', '--progress', 'fancy', 'x.mp4'],
    says: /option '--progress <mode>' argument 'fancy' is invalid. expected one of auto, bar, plain, none/,
  },
  {
    name: 'upload --progress with --json',
    command: 'upload',
    args: ['upload', '--json', '--progress', 'plain', 'x.mp4'],
    says: /option '--progress <mode>' cannot be used with option '--json'/,
  },
  {
    name: 'resume unknown upload',
    command: 'resume',
    args: ['resume', 'no-such-upload'],
    env: OFFLINE,
    says: /no unfinished upload no-such-upload/,
  },
  { name: 'dashboard without a terminal', command: 'dashboard', args: [], says: /tltop status/ },
  {
    name: 'dashboard with a bad flag value',
    command: 'dashboard',
    args: ['--base-url', 'x'],
    says: /not a URL/,
  },
  {
    name: 'dashboard with an unknown saved view',
    command: 'dashboard',
    args: ['--view', 'nope'],
    says: /--view: no saved view "nope" \(none saved yet; :save NAME saves one\) for profile "demo"/,
  },
];

function registeredCommands(): Set<string> {
  const sink = new PassThrough();
  const program = buildProgram({ stdout: sink, stderr: sink }, () => {});
  return new Set(program.commands.map((command) => command.name()));
}

describe('bad command-line input: one line on stderr, exit 2, no stack trace', () => {
  let home: string;
  const available = registeredCommands();
  const cases = BAD_INPUTS.filter((input) => !input.command || available.has(input.command));

  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'tltop-bad-input-'));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('covers at least 20 inputs', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.concurrent.each(cases.map((input, position) => [input.name, input, position] as const))(
    '%s',
    async (_name, input, position) => {
      const configDir = path.join(home, String(position));
      if (input.config !== undefined) {
        await mkdir(configDir, { recursive: true });
        const file = path.join(configDir, 'config.json');
        const text = typeof input.config === 'string' ? input.config : JSON.stringify(input.config);
        await writeFile(file, text, { mode: 0o600 });
        if (input.mode !== undefined) await chmod(file, input.mode);
      }
      const env = cleanEnv({
        HOME: home,
        TLTOP_CONFIG_DIR: configDir,
        TLTOP_STATE_DIR: path.join(configDir, 'state'),
        ...input.env,
      });
      const result = await runCli(input.args, env);
      const lines = result.stderr.split('\n').filter((line) => line !== '');
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^tltop: /);
      expect(lines[0]).toMatch(input.says);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stderr).not.toContain('tlk_secretsecret1234');
      expect(result.code, result.stderr).toBe(2);
    },
  );
});
