/**
 * The `:` command mode: parses a command line, completes it and runs it.
 * Add a command by adding its CommandSpec to COMMANDS.
 */
import type { StoreContext } from '../context.js';
import { APP_COMMANDS } from './app.js';
import { CURL_COMMANDS } from './curl.js';
import { EXPORT_COMMANDS } from './export.js';
import { LINEAGE_COMMANDS } from './lineage.js';
import { MARK_COMMANDS } from './marks.js';
import { OVERVIEW_COMMANDS } from './overview.js';
import { QUERY_COMMANDS } from './query.js';
import { SAVED_VIEW_COMMANDS } from './saved-views.js';
import type { CommandSpec } from './types.js';
import { VIEW_COMMANDS } from './views.js';
import { WATCH_COMMANDS } from './watch.js';

export type { CommandSpec } from './types.js';

export const COMMANDS: readonly CommandSpec[] = [
  ...VIEW_COMMANDS,
  ...QUERY_COMMANDS,
  ...SAVED_VIEW_COMMANDS,
  ...EXPORT_COMMANDS,
  ...CURL_COMMANDS,
  ...LINEAGE_COMMANDS,
  ...MARK_COMMANDS,
  ...OVERVIEW_COMMANDS,
  ...WATCH_COMMANDS,
  ...APP_COMMANDS,
];

/** Words of a command line; a trailing space starts a new (empty) word. */
export function splitCommandLine(line: string): string[] {
  const words = line.trimStart().split(/\s+/);
  return words.length === 1 && words[0] === '' ? [] : words;
}

/** The command a word names: its name, an alias, or the only command it is a prefix of. */
export function findCommand(word: string): CommandSpec | undefined {
  const exact = COMMANDS.find((command) => command.name === word || command.aliases?.includes(word));
  if (exact) return exact;
  const prefixed = COMMANDS.filter((command) => command.name.startsWith(word));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** Runs one command line; throws a one-line Error for an unknown or refused command. */
export async function runCommandLine(line: string, context: StoreContext): Promise<void> {
  const [name, ...args] = splitCommandLine(line);
  if (!name) return;
  const command = findCommand(name);
  if (!command) throw new Error(`unknown command :${name} (Tab lists them)`);
  if (command.mutates && context.readOnly !== undefined)
    throw new Error(`read-only: :${command.name} is off (${context.readOnly})`);
  await command.run(
    args.filter((arg) => arg !== ''),
    context,
  );
}

/** Candidates for the word being typed: command names first, then the command's own. */
export async function completeCommandLine(line: string, context: StoreContext): Promise<readonly string[]> {
  const words = splitCommandLine(line);
  if (words.length <= 1) {
    const typed = words[0] ?? '';
    return COMMANDS.map((command) => command.name).filter((name) => name.startsWith(typed));
  }
  const command = findCommand(words[0]!);
  if (!command?.complete) return [];
  const args = words.slice(1);
  const typed = args[args.length - 1] ?? '';
  const candidates = await command.complete(args, context);
  return candidates.filter((candidate) => candidate.startsWith(typed));
}
