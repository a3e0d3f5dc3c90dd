import { type Command, InvalidArgumentError, Option } from 'commander';
import { API_VERSION_PATH, normalizeApiBaseUrl } from '../api/base-url.js';
import { ApiError } from '../api/errors.js';
import { oneLine, UsageError } from './errors.js';
import { parseHttpUrl } from './parse.js';
import {
  type ConfigFile,
  configPath,
  loadConfig,
  PROFILE_NAME,
  type ProfileSettings,
  settingsOf,
} from './profiles.js';
import { runKeyCommand } from './profiles-key-command.js';

export type { ProfileSettings } from './profiles.js';

export const DEFAULT_BASE_URL = 'https://api.twelvelabs.io/v1.3';
export const DEFAULT_PROFILE = 'default';

/** The flags addConnectionOptions adds (plus the dashboard's --demo). */
export interface ConnectionFlags {
  apiKey?: string;
  baseUrl?: string;
  profile?: string;
  /** Refuse every API call that changes the account, whatever the profile says. */
  readOnly?: boolean;
  demo?: boolean;
}

/** The key's environment variables, the first set wins (the second is the official JS SDK's name). */
export const KEY_ENV_VARS = ['TWELVELABS_API_KEY', 'TWELVE_LABS_API_KEY'] as const;

export type KeySource = 'flag' | 'env' | 'profile' | 'command' | 'none';

export interface Connection {
  apiKey?: string;
  /** Always ends with /v1.3, no trailing slash. */
  baseUrl: string;
  profileName: string;
  /** True when --demo was given or no key is configured anywhere. */
  demo: boolean;
  keySource: KeySource;
  /** Which variable held the key when keySource is 'env'. */
  keyEnvVar?: (typeof KEY_ENV_VARS)[number];
  settings: ProfileSettings;
  /** Why settings.readOnly is set, for messages: `--read-only` or `profile "prod"`. */
  readOnlyBy?: string;
}

export function parseProfileName(value: string): string {
  if (!PROFILE_NAME.test(value)) {
    throw new InvalidArgumentError(`bad profile name "${value}" (letters, digits, . _ - ; up to 64)`);
  }
  return value;
}

/** Commander parser for --base-url: an http(s) URL, normalised to end with /v1.3. */
export function parseBaseUrl(value: string): string {
  try {
    return normalizeBaseUrl(parseHttpUrl(value), '--base-url');
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message.replace(/^--base-url: /, '') : '');
  }
}

/** Adds --api-key, --base-url, --profile and --read-only to a command. */
export function addConnectionOptions(command: Command): Command {
  return command
    .addOption(new Option('--api-key <key>', 'TwelveLabs API key (prefer TWELVELABS_API_KEY or a profile)'))
    .addOption(
      new Option('--base-url <url>', `API base URL (default ${DEFAULT_BASE_URL})`).argParser(parseBaseUrl),
    )
    .addOption(new Option('--profile <name>', 'profile from the config file').argParser(parseProfileName))
    .addOption(
      new Option('--read-only', 'refuse every API call that changes the account (upload, index, delete)'),
    );
}

/**
 * Brings a base URL to the form every client uses: `<origin>[/prefix]/v1.3`. A URL without a
 * version gets /v1.3 appended; another API version is refused (tltop speaks v1.3 only).
 */
export function normalizeBaseUrl(value: string, origin: string): string {
  let url: URL;
  try {
    url = normalizeApiBaseUrl(value);
  } catch (error) {
    throw new UsageError(`${origin}: ${oneLine(error)}`);
  }
  const version = /\/v\d+(\.\d+)?$/.exec(url.pathname)?.[0] ?? '';
  if (version !== API_VERSION_PATH) {
    throw new UsageError(`${origin}: tltop speaks API ${API_VERSION_PATH.slice(1)}, not ${version.slice(1)}`);
  }
  return url.href;
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function pickProfileName(flags: ConnectionFlags, env: NodeJS.ProcessEnv, config: ConfigFile) {
  if (flags.profile) return { name: flags.profile, origin: '--profile' };
  const fromEnv = envValue(env, 'TLTOP_PROFILE');
  if (fromEnv) {
    if (!PROFILE_NAME.test(fromEnv)) throw new UsageError(`TLTOP_PROFILE: bad profile name "${fromEnv}"`);
    return { name: fromEnv, origin: 'TLTOP_PROFILE' };
  }
  if (config.current_profile) return { name: config.current_profile, origin: 'current_profile' };
  return { name: DEFAULT_PROFILE, origin: undefined };
}

/**
 * Resolves where to connect and with which key. Precedence: flag > environment > profile >
 * defaults. Throws UsageError (exit 2) on an unknown profile, an insecure or invalid config
 * file, a bad base URL or a failing key_command.
 */
export async function resolveConnection(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Connection> {
  const file = configPath(env);
  const config = await loadConfig(file);
  const chosen = pickProfileName(flags, env, config);
  const profile = config.profiles[chosen.name];
  if (!profile && chosen.origin) {
    const known = Object.keys(config.profiles);
    throw new UsageError(
      `unknown profile "${chosen.name}" (from ${chosen.origin}); ${
        known.length ? `known: ${known.join(', ')}` : 'none configured, see tltop config'
      }`,
    );
  }

  const baseUrl = flags.baseUrl
    ? normalizeBaseUrl(flags.baseUrl, '--base-url')
    : envValue(env, 'TWELVELABS_BASE_URL')
      ? normalizeBaseUrl(envValue(env, 'TWELVELABS_BASE_URL')!, 'TWELVELABS_BASE_URL')
      : profile?.base_url
        ? normalizeBaseUrl(profile.base_url, `profile "${chosen.name}" base_url`)
        : DEFAULT_BASE_URL;

  const settings = settingsOf(profile);
  const readOnlyBy = flags.readOnly
    ? '--read-only'
    : settings.readOnly
      ? `profile "${chosen.name}"`
      : undefined;
  settings.readOnly = readOnlyBy !== undefined;
  const base = { baseUrl, profileName: chosen.name, settings, readOnlyBy };
  if (flags.demo) return { ...base, demo: true, keySource: 'none' };

  if (flags.apiKey !== undefined && flags.apiKey.trim() === '') throw new UsageError('--api-key is empty');
  const keyEnvVar = KEY_ENV_VARS.find((name) => envValue(env, name) !== undefined);
  if (flags.apiKey) return { ...base, apiKey: flags.apiKey.trim(), demo: false, keySource: 'flag' };
  if (keyEnvVar)
    return { ...base, apiKey: envValue(env, keyEnvVar), demo: false, keySource: 'env', keyEnvVar };
  if (profile?.api_key) return { ...base, apiKey: profile.api_key, demo: false, keySource: 'profile' };
  if (profile?.key_command) {
    const apiKey = await runKeyCommand(profile.key_command, chosen.name);
    return { ...base, apiKey, demo: false, keySource: 'command' };
  }
  return { ...base, demo: true, keySource: 'none' };
}

function keyOrigin({ keySource, profileName, keyEnvVar }: Connection): string {
  switch (keySource) {
    case 'flag':
      return '--api-key';
    case 'env':
      return `the ${keyEnvVar ?? KEY_ENV_VARS[0]} environment variable`;
    case 'profile':
      return `profile "${profileName}"`;
    case 'command':
      return `the key_command of profile "${profileName}"`;
    case 'none':
      return 'nowhere';
  }
}

function isAuthError(error: unknown): error is ApiError {
  return error instanceof ApiError && (error.status === 401 || error.status === 403);
}

function isUnreachable(error: unknown): error is ApiError {
  return error instanceof ApiError && (error.kind === 'network' || error.kind === 'timeout');
}

/** A wrong key or an unreachable host: every call would fail the same way. */
export function isConnectionFailure(error: unknown): boolean {
  return isAuthError(error) || isUnreachable(error);
}

/** One line saying what is wrong with the connection and what to fix. */
export function describeConnectionError(error: unknown, connection: Connection): string {
  const host = new URL(connection.baseUrl).host;
  if (isAuthError(error)) {
    return `${host} rejected the API key from ${keyOrigin(connection)} (${error.status} ${error.code}); check the key or run tltop config`;
  }
  if (isUnreachable(error)) {
    return `cannot reach the API: ${error.message}; check the base URL (${connection.baseUrl}) and your network`;
  }
  return oneLine(error);
}
