/**
 * Commands that show a table, optionally with a filter expression (src/store/filter-expr.ts):
 * `:tasks status=failed index=prod`. Without an expression the table keeps its filter.
 */
import type { StoreContext } from '../context.js';
import { completeFilterWord, filterKeys } from '../filter-expr.js';
import type { TableId, ViewId } from '../types.js';
import { VIEW_TABLES, VIEWS } from '../types.js';
import type { CommandSpec } from './types.js';

interface TableCommand {
  name: string;
  aliases?: readonly string[];
  /** the table shown; a function where it depends on the state (the view's current table) */
  table: TableId | ((context: StoreContext) => TableId);
  /** the table the usage line describes when `table` is a function */
  usageTable?: TableId;
  /** leading words that pick the table (embeddings v1|v2) */
  leading?: Readonly<Record<string, TableId>>;
  description: string;
}

function usageOf(spec: TableCommand, table: TableId): string {
  const lead = spec.leading ? ` [${Object.keys(spec.leading).join('|')}]` : '';
  const keys = filterKeys(table).map((key) => ` [${key}${key === 'index=' ? 'ID|NAME' : 'S,…'}]`);
  return `:${spec.name}${lead}${keys.join('')} [TEXT]`;
}

function tableCommand(spec: TableCommand): CommandSpec {
  const split = (args: readonly string[], context: StoreContext) => {
    const lead = args[0] !== undefined ? spec.leading?.[args[0].toLowerCase()] : undefined;
    const table = lead ?? (typeof spec.table === 'function' ? spec.table(context) : spec.table);
    return { table, expression: (lead ? args.slice(1) : args).join(' ') };
  };
  const sample = typeof spec.table === 'string' ? spec.table : (spec.usageTable ?? 'events');
  return {
    name: spec.name,
    aliases: spec.aliases,
    usage: usageOf(spec, sample),
    description: spec.description,
    complete(args, context) {
      const { table } = split(args.slice(0, -1), context);
      const typed = args[args.length - 1] ?? '';
      const leading = args.length === 1 && spec.leading ? Object.keys(spec.leading) : [];
      const indexes = context.store.getState().entities.indexes;
      return [...leading, ...completeFilterWord(table, typed, indexes)];
    },
    run(args, context) {
      const { table, expression } = split(args, context);
      const { actions } = context.store.getState();
      // the filter first: a bad expression throws before the view changes
      if (expression !== '') actions.setFilter(expression, table);
      actions.showTable(table);
    },
  };
}

const currentTableOf = (view: ViewId) => (context: StoreContext) => context.store.getState().ui.tableOf[view];

const TABLE_COMMANDS: readonly CommandSpec[] = [
  tableCommand({ name: 'uploads', aliases: ['up'], table: 'uploads', description: 'uploads' }),
  tableCommand({ name: 'assets', aliases: ['as'], table: 'assets', description: 'assets (TEXT: file name)' }),
  tableCommand({
    name: 'tasks',
    aliases: ['tk'],
    table: 'tasks',
    description: 'video indexing tasks (TEXT: file name)',
  }),
  tableCommand({
    name: 'indexed',
    aliases: ['ix'],
    table: 'indexedAssets',
    description: 'indexed assets of one index (index= chooses it; TEXT: file name)',
  }),
  tableCommand({
    name: 'embeddings',
    aliases: ['em'],
    table: currentTableOf('embeddings'),
    usageTable: 'embedV2',
    leading: { v2: 'embedV2', v1: 'embedV1' },
    description: 'embedding tasks, v2 or v1',
  }),
  tableCommand({ name: 'analyses', aliases: ['an'], table: 'analyze', description: 'analyze tasks' }),
  tableCommand({ name: 'events', aliases: ['ev'], table: 'events', description: 'the events log' }),
];

/** Views without a command of their own above (indexing, and any view added later) get a plain one. */
const PLAIN_VIEW_COMMANDS: readonly CommandSpec[] = VIEWS.filter(
  (view) => !TABLE_COMMANDS.some((command) => command.name === view),
).map((view) =>
  tableCommand({
    name: view,
    table: currentTableOf(view),
    usageTable: VIEW_TABLES[view][0],
    description: `the ${view} view, on the table it shows`,
  }),
);

export const VIEW_COMMANDS: readonly CommandSpec[] = [...TABLE_COMMANDS, ...PLAIN_VIEW_COMMANDS];
