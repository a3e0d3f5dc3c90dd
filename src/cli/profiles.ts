import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import envPaths from 'env-paths';
import { z } from 'zod';
import { writeFileAtomically } from '../atomic-file.js';
import { NOTIFY_MODES, type NotifyMode } from '../store/notify.js';
import { MAX_STUCK_AFTER_MS, MIN_STUCK_AFTER_MS, parseStuckAfter } from '../store/stuck.js';
import type { PollIntervals } from '../store/types.js';
import { MAX_CONCURRENCY } from '../upload/policy.js';
import { UsageError } from './errors.js';

/**
 * The poll intervals a profile may change (in seconds), and the store's names for them
 * (src/store/types.ts PollIntervals, in milliseconds).
 */
export const POLL_KEYS = {
  active: 'active',
  active_hidden: 'activeHidden',
  window: 'window',
  window_hidden: 'windowHidden',
  detail: 'detail',
  heartbeat: 'heartbeat',
} as const satisfies Record<string, keyof PollIntervals>;
export type PollKey = keyof typeof POLL_KEYS;
export const POLL_KEY_NAMES = Object.keys(POLL_KEYS) as PollKey[];

export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const pollIntervalsSchema = z.strictObject(
  Object.fromEntries(POLL_KEY_NAMES.map((key) => [key, z.number().min(0.5).max(3600).optional()])) as Record<
    PollKey,
    z.ZodOptional<z.ZodNumber>
  >,
);

const profileSchema = z
  .strictObject({
    base_url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
    api_key: z.string().min(1).optional(),
    key_command: z.union([z.string().trim().min(1), z.tuple([z.string().min(1)], z.string())]).optional(),
    poll_intervals: pollIntervalsSchema.optional(),
    default_index: z.string().min(1).optional(),
    concurrency: z.int().min(1).max(MAX_CONCURRENCY).optional(),
    read_only: z.boolean().optional(),
    /** how watched rows and this dashboard's uploads notify: off, bell, desktop or both */
    notify: z.enum(NOTIFY_MODES).optional(),
    /** also notify for upload sessions other processes run (unwatched) */
    notify_all_uploads: z.boolean().optional(),
    /** running work is flagged stuck after this long: "30m", "2h", or seconds */
    stuck_after: z
      .union([
        z
          .number()
          .min(MIN_STUCK_AFTER_MS / 1000)
          .max(MAX_STUCK_AFTER_MS / 1000),
        z.string().refine(isStuckAfter, { error: 'expected a duration like 30m, 2h or 1d (10s to 30d)' }),
      ])
      .optional(),
  })
  .refine((profile) => !(profile.api_key && profile.key_command), {
    error: 'set api_key or key_command, not both',
  });

const configSchema = z.strictObject({
  current_profile: z.string().regex(PROFILE_NAME).optional(),
  profiles: z.record(z.string().regex(PROFILE_NAME, 'bad profile name'), profileSchema).default({}),
});

/** One profile as stored in config.json (snake_case, like the file). */
export type StoredProfile = z.infer<typeof profileSchema>;
export type ConfigFile = z.infer<typeof configSchema>;

/** The non-connection settings of a profile, as the rest of tltop uses them. */
export interface ProfileSettings {
  /** Only the intervals the profile overrides; pass to startPollers({ intervals }). */
  pollIntervals: Partial<PollIntervals>;
  defaultIndex?: string;
  /** Upload workers per file. */
  concurrency?: number;
  /** When true, every API call that changes the account (upload, index, delete) is refused. */
  readOnly: boolean;
  /** the dashboard's notifications at start (`:notify` changes them); absent: both */
  notify?: NotifyMode;
  /** upload sessions other processes run notify too, watched or not */
  notifyAllUploads: boolean;
  /** `stuck_after` in ms; absent: the dashboard derives the threshold from the account's finished work */
  stuckAfterMs?: number;
}

function isStuckAfter(text: string): boolean {
  try {
    parseStuckAfter(text);
    return true;
  } catch {
    return false;
  }
}

function stuckAfterMs(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'number' ? Math.round(value * 1000) : parseStuckAfter(value);
}

export function settingsOf(profile: StoredProfile | undefined): ProfileSettings {
  const pollIntervals: Partial<PollIntervals> = {};
  for (const key of POLL_KEY_NAMES) {
    const seconds = profile?.poll_intervals?.[key];
    if (seconds !== undefined) pollIntervals[POLL_KEYS[key]] = Math.round(seconds * 1000);
  }
  return {
    pollIntervals,
    defaultIndex: profile?.default_index,
    concurrency: profile?.concurrency,
    readOnly: profile?.read_only ?? false,
    notify: profile?.notify,
    notifyAllUploads: profile?.notify_all_uploads ?? false,
    stuckAfterMs: stuckAfterMs(profile?.stuck_after),
  };
}

/** `TLTOP_CONFIG_DIR`, else the XDG config dir (`~/.config/tltop` on Linux). */
function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.TLTOP_CONFIG_DIR?.trim();
  if (override) return path.resolve(override);
  return envPaths('tltop', { suffix: '' }).config;
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDir(env), 'config.json');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.map(String).join('.');
  return where ? `${where}: ${issue.message}` : issue.message;
}

/** Parses config.json text; any problem becomes one UsageError line naming the field. */
function parseConfig(text: string, file: string): ConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not valid JSON (${error instanceof Error ? error.message : error})`);
  }
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    const [first] = parsed.error.issues;
    throw new UsageError(`${file}: ${first ? describeIssue(first) : 'invalid'}`);
  }
  return parsed.data;
}

function holdsKey(config: ConfigFile): boolean {
  return Object.values(config.profiles).some((profile) => profile.api_key !== undefined);
}

/**
 * Reads config.json; a missing file is an empty config. Refused: a file others can write
 * (they could point base_url elsewhere or plant a key_command), and one that holds an API
 * key and is readable by group or others (the key may already have leaked).
 */
export async function loadConfig(file: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const config = parseConfig(text, file);
  if (process.platform !== 'win32') {
    const mode = (await stat(file)).mode & 0o777;
    const fix = `run: chmod 600 '${file}'`;
    if ((mode & 0o022) !== 0) {
      throw new UsageError(`${file} is writable by others (mode ${mode.toString(8)}); ${fix}`);
    }
    if ((mode & 0o044) !== 0 && holdsKey(config)) {
      throw new UsageError(
        `${file} holds an API key but is readable by others (mode ${mode.toString(8)}); ${fix}`,
      );
    }
  }
  return config;
}

/** Writes config.json atomically (temp file + rename), mode 0600, in a 0700 directory. */
export async function saveConfig(file: string, config: ConfigFile): Promise<void> {
  const valid = configSchema.parse(config);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomically(file, `${JSON.stringify(valid, null, 2)}\n`);
}
