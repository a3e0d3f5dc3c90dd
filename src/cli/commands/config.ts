import { type Command, InvalidArgumentError, Option } from 'commander';
import { TwelveLabsClient } from '../../api/client.js';
import { maskKey } from '../../api/redact.js';
import { NOTIFY_MODES, type NotifyMode } from '../../store/notify.js';
import { parseStuckAfter } from '../../store/stuck.js';
import { MAX_CONCURRENCY } from '../../upload/policy.js';
import {
  type Connection,
  DEFAULT_BASE_URL,
  DEFAULT_PROFILE,
  describeConnectionError,
  parseBaseUrl,
  parseProfileName,
  resolveConnection,
} from '../config.js';
import { ExitCode, oneLine, UsageError } from '../errors.js';
import { parseChoice, parseIntegerInRange } from '../parse.js';
import {
  type ConfigFile,
  configPath,
  loadConfig,
  POLL_KEY_NAMES,
  type PollKey,
  PROFILE_NAME,
  type StoredProfile,
  saveConfig,
} from '../profiles.js';
import { describeKeyCommand } from '../profiles-key-command.js';
import { createPrompter, type Prompter, PromptInterrupted } from '../profiles-prompt.js';
import type { CommandIo } from '../program.js';

interface SetProfileFlags {
  baseUrl?: string;
  apiKey?: string;
  apiKeyStdin?: boolean;
  keyCommand?: string;
  clearKey?: boolean;
  defaultIndex?: string;
  concurrency?: number;
  poll?: Partial<Record<PollKey, number>>;
  readOnly?: boolean;
  notify?: NotifyMode;
  /** as typed ("30m"): stored as the user wrote it */
  stuckAfter?: string;
  use?: boolean;
}

function parsePoll(value: string, previous: Partial<Record<PollKey, number>> = {}) {
  const match = /^([a-z_]+)=(\d+(?:\.\d+)?)$/.exec(value.trim());
  const key = match?.[1] as PollKey | undefined;
  const seconds = Number(match?.[2]);
  if (!key || !POLL_KEY_NAMES.includes(key) || !(seconds >= 0.5 && seconds <= 3600)) {
    throw new InvalidArgumentError(
      `expected NAME=SECONDS with NAME one of ${POLL_KEY_NAMES.join(', ')} and 0.5..3600 seconds, got "${value}"`,
    );
  }
  return { ...previous, [key]: seconds };
}

/** Checks a --stuck-after value and keeps the text the user typed ("30m" reads better in the file). */
function parseStuckAfterText(value: string): string {
  try {
    parseStuckAfter(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return value.trim();
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => {
      text += chunk;
    });
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', reject);
  });
}

function withKey(profile: StoredProfile, key: { apiKey?: string; keyCommand?: string }): StoredProfile {
  const { api_key: _key, key_command: _command, ...rest } = profile;
  if (key.apiKey) return { ...rest, api_key: key.apiKey };
  if (key.keyCommand) return { ...rest, key_command: key.keyCommand };
  return rest;
}

async function applyProfile(
  name: string,
  update: (profile: StoredProfile) => StoredProfile,
  makeCurrent: boolean | 'if-none',
): Promise<{ file: string; config: ConfigFile }> {
  const file = configPath();
  const config = await loadConfig(file);
  const profile = update(config.profiles[name] ?? {});
  const current =
    makeCurrent === true || (makeCurrent === 'if-none' && !config.current_profile)
      ? name
      : config.current_profile;
  const next: ConfigFile = {
    ...config,
    current_profile: current,
    profiles: { ...config.profiles, [name]: profile },
  };
  await saveConfig(file, next);
  return { file, config: next };
}

async function setProfile(name: string, flags: SetProfileFlags, io: CommandIo) {
  const keyChoices = [
    flags.apiKey !== undefined,
    flags.apiKeyStdin,
    flags.keyCommand !== undefined,
    flags.clearKey,
  ];
  if (keyChoices.filter(Boolean).length > 1) {
    throw new UsageError('use only one of --api-key, --api-key-stdin, --key-command, --clear-key');
  }
  let apiKey = flags.apiKey?.trim();
  if (flags.apiKeyStdin && process.stdin.isTTY) {
    throw new UsageError(
      '--api-key-stdin reads a pipe (echo "$KEY" | …); on a terminal run tltop config, which hides the key',
    );
  }
  if (flags.apiKeyStdin) apiKey = (await readStdin()).split('\n')[0]?.trim();
  if ((flags.apiKey !== undefined || flags.apiKeyStdin) && !apiKey)
    throw new UsageError('the API key is empty');
  const keyCommand = flags.keyCommand?.trim();
  if (flags.keyCommand !== undefined && !keyCommand) throw new UsageError('--key-command is empty');

  const { file } = await applyProfile(
    name,
    (profile) => {
      let next: StoredProfile = { ...profile };
      if (apiKey || keyCommand || flags.clearKey) next = withKey(next, { apiKey, keyCommand });
      if (flags.baseUrl) next.base_url = flags.baseUrl;
      if (flags.defaultIndex !== undefined) next.default_index = flags.defaultIndex;
      if (flags.concurrency !== undefined) next.concurrency = flags.concurrency;
      if (flags.poll) next.poll_intervals = { ...next.poll_intervals, ...flags.poll };
      if (flags.readOnly !== undefined) next.read_only = flags.readOnly;
      if (flags.notify !== undefined) next.notify = flags.notify;
      if (flags.stuckAfter !== undefined) next.stuck_after = flags.stuckAfter;
      return next;
    },
    flags.use === true ? true : 'if-none',
  );
  io.stdout.write(`saved profile "${name}" to ${file} (mode 0600)\n`);
}

function describeKey(profile: StoredProfile): string {
  if (profile.api_key) return maskKey(profile.api_key);
  if (profile.key_command) return `command: ${describeKeyCommand(profile.key_command)}`;
  return '-';
}

function describeOptions(profile: StoredProfile): string {
  const parts: string[] = [];
  if (profile.default_index) parts.push(`index=${profile.default_index}`);
  if (profile.concurrency) parts.push(`concurrency=${profile.concurrency}`);
  for (const [target, seconds] of Object.entries(profile.poll_intervals ?? {})) {
    parts.push(`poll.${target}=${seconds}s`);
  }
  if (profile.read_only) parts.push('read-only');
  if (profile.notify) parts.push(`notify=${profile.notify}`);
  if (profile.stuck_after !== undefined) parts.push(`stuck_after=${profile.stuck_after}`);
  return parts.join(' ') || '-';
}

async function listProfiles(json: boolean, io: CommandIo) {
  const file = configPath();
  const config = await loadConfig(file);
  const names = Object.keys(config.profiles).sort();
  // what tltop would use now: TLTOP_PROFILE overrides the file's current_profile
  const active = process.env.TLTOP_PROFILE?.trim() || config.current_profile;
  if (json) {
    const profiles = names.map((name) => {
      const profile = config.profiles[name]!;
      return {
        name,
        current: name === config.current_profile,
        active: name === active,
        base_url: profile.base_url ?? DEFAULT_BASE_URL,
        key: profile.api_key ? maskKey(profile.api_key) : null,
        key_command: profile.key_command ? describeKeyCommand(profile.key_command) : null,
        default_index: profile.default_index ?? null,
        concurrency: profile.concurrency ?? null,
        poll_intervals: profile.poll_intervals ?? {},
        read_only: profile.read_only ?? false,
        notify: profile.notify ?? null,
        stuck_after: profile.stuck_after ?? null,
      };
    });
    const document = {
      config_path: file,
      current_profile: config.current_profile ?? null,
      active_profile: active ?? null,
      profiles,
    };
    io.stdout.write(`${JSON.stringify(document)}\n`);
    return;
  }
  if (names.length === 0) {
    io.stdout.write(`no profiles in ${file}; add one with: tltop config\n`);
    return;
  }
  const rows = [
    ['', 'PROFILE', 'BASE URL', 'KEY', 'OPTIONS'],
    ...names.map((name) => {
      const profile = config.profiles[name]!;
      return [
        name === active ? '*' : '',
        name,
        profile.base_url ?? DEFAULT_BASE_URL,
        describeKey(profile),
        describeOptions(profile),
      ];
    }),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) {
    io.stdout.write(
      `${row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd()}\n`,
    );
  }
  if (active !== config.current_profile) {
    io.stdout.write(
      `* TLTOP_PROFILE=${active} overrides current_profile ${config.current_profile ?? '(none)'}\n`,
    );
  }
}

async function useProfile(name: string, io: CommandIo) {
  const file = configPath();
  const config = await loadConfig(file);
  if (!config.profiles[name]) {
    const known = Object.keys(config.profiles);
    throw new UsageError(
      `unknown profile "${name}"; ${known.length ? `known: ${known.join(', ')}` : 'none configured, see tltop config'}`,
    );
  }
  await saveConfig(file, { ...config, current_profile: name });
  io.stdout.write(`using profile "${name}"\n`);
}

async function removeProfile(name: string, io: CommandIo) {
  const file = configPath();
  const config = await loadConfig(file);
  if (!config.profiles[name]) throw new UsageError(`unknown profile "${name}"`);
  const { [name]: _removed, ...profiles } = config.profiles;
  const current = config.current_profile === name ? undefined : config.current_profile;
  await saveConfig(file, { current_profile: current, profiles });
  io.stdout.write(`removed profile "${name}"\n`);
}

async function askUntilValid<T>(
  prompter: Prompter,
  question: string,
  parse: (answer: string) => T,
): Promise<T> {
  for (;;) {
    const answer = await prompter.ask(question);
    try {
      return parse(answer);
    } catch (error) {
      prompter.say(`  ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

async function interactive(io: CommandIo) {
  if (!process.stdin.isTTY) {
    throw new UsageError(
      'tltop config is interactive and needs a terminal; use: tltop config set-profile NAME --base-url URL --key-command CMD',
    );
  }
  const file = configPath();
  const config = await loadConfig(file);
  const prompter = createPrompter(process.stdin, io.stdout);
  try {
    io.stdout.write(`Add or update a tltop profile in ${file}\n`);
    const suggested = config.current_profile ?? DEFAULT_PROFILE;
    const name = await askUntilValid(prompter, `Profile name [${suggested}]: `, (answer) => {
      const value = answer || suggested;
      if (!PROFILE_NAME.test(value)) throw new Error('letters, digits, . _ - (up to 64)');
      return value;
    });
    const existing = config.profiles[name] ?? {};
    const currentUrl = existing.base_url ?? DEFAULT_BASE_URL;
    const baseUrl = await askUntilValid(prompter, `Base URL [${currentUrl}]: `, (answer) =>
      answer ? parseBaseUrl(answer) : existing.base_url,
    );
    const keyHint = existing.api_key
      ? `Enter keeps ${maskKey(existing.api_key)}`
      : 'Enter to use a command that prints it instead';
    const apiKey = await prompter.askHidden(`API key (input hidden; ${keyHint}): `);
    let keyCommand: string | undefined;
    if (!apiKey && !existing.api_key) {
      const currentCommand = existing.key_command ? describeKeyCommand(existing.key_command) : 'none';
      keyCommand = await prompter.ask(
        `Command that prints the key, e.g. "pass show twelvelabs" [${currentCommand}]: `,
      );
    }
    const indexHint = existing.default_index ?? 'none';
    const defaultIndex = await prompter.ask(`Default index id [${indexHint}]: `);
    const makeCurrent =
      config.current_profile === undefined || config.current_profile === name
        ? true
        : /^y/i.test(await prompter.ask(`Make "${name}" the current profile? [y/N]: `));

    await applyProfile(
      name,
      (profile) => {
        let next: StoredProfile = { ...profile };
        if (apiKey || keyCommand) next = withKey(next, { apiKey, keyCommand });
        if (baseUrl) next.base_url = baseUrl;
        if (defaultIndex) next.default_index = defaultIndex;
        return next;
      },
      makeCurrent,
    );
    io.stdout.write(`saved profile "${name}" to ${file} (mode 0600)${makeCurrent ? ', now current' : ''}\n`);
    io.stdout.write(`${await checkProfile(name)}\n`);
  } finally {
    prompter.close();
  }
}

/** One call with the profile's own key and URL (the environment left out), to catch a typo now. */
async function checkProfile(name: string): Promise<string> {
  const { TWELVELABS_API_KEY, TWELVE_LABS_API_KEY, TWELVELABS_BASE_URL, ...env } = process.env;
  let connection: Connection;
  try {
    connection = await resolveConnection({ profile: name }, env);
  } catch (error) {
    return `warning: ${oneLine(error)}`;
  }
  if (!connection.apiKey) return 'no key yet: tltop will open the demo until one is set';
  const api = new TwelveLabsClient({
    apiKey: connection.apiKey,
    baseUrl: connection.baseUrl,
    retry: { maxRetries: 0 },
  });
  try {
    await api.listIndexes({ page_limit: 1 });
    return `checked: ${new URL(connection.baseUrl).host} accepts the key`;
  } catch (error) {
    return `warning: ${describeConnectionError(error, connection)} (the profile is saved)`;
  } finally {
    await api.close();
  }
}

export function registerConfigCommand(program: Command, io: CommandIo, setExitCode: (code: number) => void) {
  const config = program
    .command('config')
    .description('add or change connection profiles (interactive without a subcommand)')
    .addHelpText(
      'after',
      `
Examples:
  tltop config                                      prompts; the key is read without echo
  echo "$KEY" | tltop config set-profile prod --api-key-stdin --use
  tltop config set-profile staging --base-url https://staging.example.com --key-command "pass show tl/staging"
  tltop config set-profile prod --concurrency 8 --poll active=5 --read-only
  tltop config list --json
  tltop config use staging`,
    )
    .allowExcessArguments()
    .action(async (_flags: object, command: Command) => {
      const [unknown] = command.args;
      if (unknown !== undefined) {
        throw new UsageError(
          `unknown config command '${unknown}' (set-profile, list, use, remove, path; none for prompts)`,
        );
      }
      try {
        await interactive(io);
      } catch (error) {
        if (!(error instanceof PromptInterrupted)) throw error;
        io.stderr.write('tltop: interrupted, nothing saved\n');
        setExitCode(ExitCode.interrupted);
      }
    });

  config
    .command('set-profile')
    .description('create or update a profile without prompts')
    .argument('<name>', 'profile name', parseProfileName)
    .addOption(new Option('--base-url <url>', 'API base URL').argParser(parseBaseUrl))
    .option(
      '--api-key <key>',
      'store this key in the file (visible in shell history: prefer --api-key-stdin)',
    )
    .option('--api-key-stdin', 'read the key from the first line of stdin')
    .option('--key-command <command>', 'a command that prints the key, run without a shell at start')
    .option('--clear-key', 'remove the stored key or key command')
    .option('--default-index <id>', 'index the dashboard opens on and i (index an asset) proposes')
    .option(
      '--concurrency <n>',
      `upload workers per file (1..${MAX_CONCURRENCY})`,
      parseIntegerInRange(1, MAX_CONCURRENCY),
    )
    .option(
      '--poll <name=seconds>',
      `poll interval in seconds, repeatable (${POLL_KEY_NAMES.join(', ')})`,
      parsePoll,
    )
    .option('--read-only', 'refuse every API call that changes the account (upload, index, delete)')
    .option('--no-read-only', 'allow actions that change the account')
    .addOption(
      new Option(
        '--notify <mode>',
        'dashboard notifications: off, bell, desktop or both (default both)',
      ).argParser(parseChoice(NOTIFY_MODES)),
    )
    .option(
      '--stuck-after <duration>',
      'flag running work in the dashboard as stuck after this long, e.g. 30m or 2h',
      parseStuckAfterText,
    )
    .option('--use', 'also make it the current profile')
    .action((name: string, flags: SetProfileFlags) => setProfile(name, flags, io));

  config
    .command('list')
    .description('show the profiles, keys masked; * marks the one tltop uses now')
    .option('--json', 'one JSON document')
    .action((flags: { json?: boolean }) => listProfiles(flags.json === true, io));

  config
    .command('use')
    .description('make a profile the current one')
    .argument('<name>', 'profile name', parseProfileName)
    .action((name: string) => useProfile(name, io));

  config
    .command('remove')
    .description('delete a profile')
    .argument('<name>', 'profile name', parseProfileName)
    .action((name: string) => removeProfile(name, io));

  config
    .command('path')
    .description('print the config file path')
    .action(() => {
      io.stdout.write(`${configPath()}\n`);
    });
}
