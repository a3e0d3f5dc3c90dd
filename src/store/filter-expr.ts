/**
 * Filter expressions, as `/`, the `:` commands and `--filter` take them:
 *   free text       the server's file-name filter where the list has one, a local match otherwise
 *   status=S[,S..]  only rows in these statuses (the server filters where its list can)
 *   index=ID|NAME   indexing tasks of one index; for indexed assets, the index listed
 * e.g. `status=failed,pending index=prod-videos clip`.
 */
import type { Index } from '../api/types.js';
import type { TableId } from './types.js';

export interface FilterExpr {
  /** the words that are not `key=value` terms, joined by one space */
  text: string;
  /** empty: every status */
  statuses: readonly string[];
  /** an index id or name, as given */
  index?: string;
}

const UPLOAD_STATUSES = [
  'creating',
  'uploading',
  'paused',
  'reporting',
  'waiting_asset',
  'indexing',
  'done',
  'failed',
  'cancelled',
  'expired',
  // a server session this process does not run
  'active',
  'completed',
];
const TASK_STATUSES = ['uploading', 'validating', 'pending', 'queued', 'indexing', 'ready', 'failed'];
const EMBED_STATUSES = ['processing', 'ready', 'failed'];

/** The statuses a `status=` term may name, per table (none listed: the table has no status). */
const TABLE_STATUSES: Readonly<Partial<Record<TableId, readonly string[]>>> = {
  uploads: UPLOAD_STATUSES,
  assets: ['processing', 'ready', 'failed'],
  tasks: TASK_STATUSES,
  indexedAssets: ['pending', 'queued', 'indexing', 'ready', 'failed'],
  embedV2: EMBED_STATUSES,
  embedV1: EMBED_STATUSES,
  analyze: ['queued', 'pending', 'processing', 'ready', 'failed'],
};

export function statusesOf(table: TableId): readonly string[] {
  return TABLE_STATUSES[table] ?? [];
}

/** Tables an `index=` term applies to. */
export const INDEX_TABLES: ReadonlySet<TableId> = new Set(['tasks', 'indexedAssets']);

/** The `key=` terms a table's filter takes, as completion offers them. */
export function filterKeys(table: TableId): string[] {
  const keys: string[] = [];
  if (statusesOf(table).length > 0) keys.push('status=');
  if (INDEX_TABLES.has(table)) keys.push('index=');
  return keys;
}

const TERM = /^([A-Za-z_]+)=(.*)$/;

/** Parses an expression for a table; a bad one throws an Error whose message is one line. */
export function parseFilter(table: TableId, input: string): FilterExpr {
  const words: string[] = [];
  const statuses: string[] = [];
  let index: string | undefined;
  for (const word of input.trim().split(/\s+/)) {
    if (word === '') continue;
    const term = TERM.exec(word);
    if (!term) {
      words.push(word);
      continue;
    }
    const key = term[1]!.toLowerCase();
    const value = term[2]!;
    if (key === 'status') statuses.push(...parseStatuses(table, value));
    else if (key === 'index') index = parseIndexTerm(table, value);
    else {
      const keys = filterKeys(table);
      throw new Error(
        `unknown filter key "${key}" (${keys.length ? `use ${keys.join(' or ')}` : 'text only here'})`,
      );
    }
  }
  return { text: words.join(' '), statuses: [...new Set(statuses)], index };
}

function parseStatuses(table: TableId, value: string): string[] {
  const known = statusesOf(table);
  if (known.length === 0) throw new Error('this table has no status to filter on (text only here)');
  const statuses = value
    .split(',')
    .map((status) => status.trim().toLowerCase())
    .filter(Boolean);
  if (statuses.length === 0) throw new Error(`status= needs a value: ${known.join(', ')}`);
  for (const status of statuses) {
    if (!known.includes(status))
      throw new Error(`unknown status "${status}" here (one of ${known.join(', ')})`);
  }
  return statuses;
}

function parseIndexTerm(table: TableId, value: string): string {
  if (!INDEX_TABLES.has(table)) throw new Error('index= works on indexing tasks and indexed assets only');
  if (value.trim() === '') throw new Error('index= needs an index name or id (Tab lists them)');
  return value.trim();
}

/** The canonical text of an expression: free text, then `status=`, then `index=`. */
export function formatFilter(expr: FilterExpr): string {
  return [
    expr.text,
    expr.statuses.length ? `status=${expr.statuses.join(',')}` : '',
    expr.index ? `index=${expr.index}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

const NO_FILTER: FilterExpr = { text: '', statuses: [] };
const readCache = new Map<string, FilterExpr>();

/**
 * A stored filter, read without throwing (stored filters were checked when set; anything else
 * is matched as plain text). Cached: selectors and pollers read it on every tick.
 */
export function readFilter(table: TableId, stored: string): FilterExpr {
  if (stored.trim() === '') return NO_FILTER;
  const cacheKey = `${table}\u0000${stored}`;
  let expr = readCache.get(cacheKey);
  if (!expr) {
    try {
      expr = parseFilter(table, stored);
    } catch {
      expr = { text: stored.trim(), statuses: [] };
    }
    if (readCache.size > 200) readCache.clear();
    readCache.set(cacheKey, expr);
  }
  return expr;
}

const INDEX_ID = /^[0-9a-f]{24}$/;

/**
 * The id of the index a term names: an id, or the name of one of `indexes` (exact, then
 * ignoring case). A well-formed id not loaded yet is taken as is.
 */
export function resolveIndex(ref: string, indexes: Readonly<Record<string, Index>>): string {
  if (ref in indexes || INDEX_ID.test(ref)) return ref;
  const all = Object.values(indexes);
  const exact = all.filter((index) => index.index_name === ref);
  const matches =
    exact.length > 0 ? exact : all.filter((i) => i.index_name.toLowerCase() === ref.toLowerCase());
  if (matches.length === 1) return matches[0]!._id;
  if (matches.length > 1) throw new Error(`${matches.length} indexes are named "${ref}"; use the id`);
  throw new Error(`unknown index "${ref}" (Tab lists them)`);
}

/** What completion offers for an index: names without spaces, else the id. */
export function indexChoices(indexes: Readonly<Record<string, Index>>): string[] {
  return Object.values(indexes).map((index) => (/\s/.test(index.index_name) ? index._id : index.index_name));
}

/** Candidates for the word being typed in an expression (free text is not completed). */
export function completeFilterWord(
  table: TableId,
  word: string,
  indexes: Readonly<Record<string, Index>>,
): string[] {
  const term = TERM.exec(word);
  if (!term) return filterKeys(table).filter((key) => key.startsWith(word.toLowerCase()));
  const key = term[1]!.toLowerCase();
  const value = term[2]!;
  if (key === 'status') {
    const done = value.includes(',') ? value.slice(0, value.lastIndexOf(',') + 1) : '';
    const given = done.split(',').filter(Boolean);
    return statusesOf(table)
      .filter((status) => !given.includes(status))
      .map((status) => `${term[1]}=${done}${status}`);
  }
  if (key === 'index' && INDEX_TABLES.has(table)) {
    return indexChoices(indexes).map((choice) => `${term[1]}=${choice}`);
  }
  return [];
}

/** The expression as the caption shows it: index ids given as their names where known. */
export function describeFilter(stored: string, indexes: Readonly<Record<string, Index>>): string {
  return stored.replace(/\bindex=([0-9a-f]{24})\b/g, (term, id: string) => {
    const name = indexes[id]?.index_name;
    return name ? `index=${name}` : term;
  });
}
