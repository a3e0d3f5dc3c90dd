/**
 * The view-state file: per profile, the last view state and the saved views. One small JSON
 * file in the state dir, replaced atomically (temp file, fsync, rename), mode 0600. Every
 * write re-reads the file and changes only its own profile's entries, so two dashboards on
 * different profiles do not undo each other.
 */
import { mkdir, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { writeFileAtomically } from '../atomic-file.js';
import { describeFsError, errnoCode } from '../upload/errors.js';
import { TABLES, VIEWS } from './types.js';
import type { LastViewState, SavedView } from './view-state.js';
import { MAX_FILTER_LENGTH, VIEW_NAME } from './view-state.js';

export const VIEW_STATE_FILE_NAME = 'view-state.json';
const VERSION = 1;

const viewId = z.enum(VIEWS);
const tableId = z.enum(TABLES);
const filterText = z.string().max(MAX_FILTER_LENGTH);
const sortLabel = z.string().max(100);

const lastStateSchema = z.object({
  view: viewId,
  tables: z.partialRecord(viewId, tableId),
  filters: z.partialRecord(tableId, filterText),
  sorts: z.partialRecord(tableId, sortLabel),
  indexId: z.string().max(200).optional(),
});

const savedViewSchema = z.object({
  view: viewId,
  table: tableId,
  filter: filterText,
  sort: sortLabel,
  indexId: z.string().max(200).optional(),
  savedAt: z.string().max(100),
});

const profileSchema = z.object({
  last: lastStateSchema.optional(),
  views: z.record(z.string().regex(VIEW_NAME), savedViewSchema).default({}),
});

const fileSchema = z.object({
  version: z.literal(VERSION),
  profiles: z.record(z.string().max(64), profileSchema).default({}),
});

export type ViewStateFile = z.infer<typeof fileSchema>;
export type ProfileViewState = z.infer<typeof profileSchema>;

export interface ReadResult {
  file: ViewStateFile;
  /** why the file on disk was not used (a few words); absent when it was read or did not exist */
  problem?: string;
  /** true when the file is from a newer tltop: it is left as it is, never rewritten */
  newer?: boolean;
  /** true when the content is broken (not unreadable): it is kept as `<file>.bad` on the next write */
  broken?: boolean;
}

const EMPTY: ViewStateFile = { version: VERSION, profiles: {} };

/** Reads the file; a missing one is empty, a broken or foreign one is reported, never thrown. */
export async function readViewStateFile(path: string): Promise<ReadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { file: EMPTY };
    return { file: EMPTY, problem: `cannot read it: ${describeFsError(error)}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { file: EMPTY, broken: true, problem: 'not valid JSON' };
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > VERSION) {
    return { file: EMPTY, newer: true, problem: `written by a newer tltop (version ${version})` };
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return {
      file: EMPTY,
      broken: true,
      problem: `not a tltop view-state file: ${where}${issue?.message ?? ''}`,
    };
  }
  return { file: parsed.data };
}

export function profileState(file: ViewStateFile, profile: string): ProfileViewState {
  return file.profiles[profile] ?? { views: {} };
}

export type ProfileUpdate = (current: ProfileViewState) => ProfileViewState;

/**
 * Re-reads the file, applies `update` to one profile's entry and replaces the file. A file
 * that could not be read as ours is first kept beside it as `<file>.bad`.
 */
export async function updateViewStateFile(
  path: string,
  profile: string,
  update: ProfileUpdate,
): Promise<void> {
  const current = await readViewStateFile(path);
  if (current.newer) throw new Error(`${path}: ${current.problem}; not changed`);
  if (current.broken) await rename(path, `${path}.bad`).catch(() => undefined);
  const next: ViewStateFile = {
    ...current.file,
    profiles: { ...current.file.profiles, [profile]: update(profileState(current.file, profile)) },
  };
  await writeAtomically(path, `${JSON.stringify(next, null, 2)}\n`);
}

async function writeAtomically(path: string, text: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 }).catch((error: unknown) => {
      // recursive mkdir says EEXIST when a file stands where the directory should be
      throw errnoCode(error) === 'EEXIST' ? Object.assign(new Error(), { code: 'ENOTDIR' }) : error;
    });
    await writeFileAtomically(path, text);
  } catch (error) {
    throw new Error(`cannot write ${path}: ${describeFsError(error)}`);
  }
}

export function withLastState(last: LastViewState): ProfileUpdate {
  return (current) => ({ ...current, last });
}

export function withSavedView(name: string, view: SavedView | undefined): ProfileUpdate {
  return (current) => {
    const { [name]: _previous, ...others } = current.views;
    return { ...current, views: view ? { ...others, [name]: view } : others };
  };
}
