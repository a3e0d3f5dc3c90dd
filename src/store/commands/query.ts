/** Commands that change what the active table lists and how: filter, sort, index, polling. */
import { completeFilterWord, indexChoices, resolveIndex } from '../filter-expr.js';
import { selectActiveTable } from '../selectors.js';
import { sortOptions, TABLE_LABELS } from '../tables.js';
import type { SortSpec } from '../types.js';
import type { CommandSpec } from './types.js';

/** A sort label as one word: "recently updated" -> recently-updated, "oldest (loaded)" -> oldest. */
export function sortWord(spec: SortSpec): string {
  return spec.label
    .replace(/\s*\(.*\)$/, '')
    .trim()
    .replace(/\s+/g, '-');
}

export const QUERY_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'filter',
    aliases: ['f'],
    usage: ':filter [TEXT] [status=S,…] [index=ID|NAME]',
    description: "the active table's filter (nothing: clears it); same as /",
    complete(args, context) {
      const state = context.store.getState();
      return completeFilterWord(
        selectActiveTable(state),
        args[args.length - 1] ?? '',
        state.entities.indexes,
      );
    },
    run: (args, context) => context.store.getState().actions.setFilter(args.join(' ')),
  },
  {
    name: 'sort',
    usage: ':sort ORDER',
    description: "the active table's order, e.g. newest, oldest, status (Tab lists them)",
    complete: (_args, context) => sortOptions(selectActiveTable(context.store.getState())).map(sortWord),
    run(args, context) {
      const state = context.store.getState();
      const table = selectActiveTable(state);
      const options = sortOptions(table);
      const wanted = args.join(' ').toLowerCase();
      const position = options.findIndex(
        (spec) => sortWord(spec).toLowerCase() === wanted || spec.label.toLowerCase() === wanted,
      );
      if (position < 0) {
        const words = options.map(sortWord).join(', ');
        throw new Error(
          `${wanted ? `no order "${wanted}"` : 'which order?'} for ${TABLE_LABELS[table]} (one of ${words})`,
        );
      }
      state.actions.setSort(position);
    },
  },
  {
    name: 'index',
    aliases: ['idx'],
    usage: ':index NAME|ID',
    description: 'the index whose indexed assets are listed',
    complete: (_args, context) => indexChoices(context.store.getState().entities.indexes),
    run(args, context) {
      const state = context.store.getState();
      const ref = args.join(' ');
      if (!ref) throw new Error('which index? (Tab lists them)');
      state.actions.selectIndex(resolveIndex(ref, state.entities.indexes));
    },
  },
  {
    name: 'pause',
    usage: ':pause',
    description: 'pause polling (same as p)',
    run(_args, context) {
      const { ui, actions } = context.store.getState();
      if (ui.pollingPaused) actions.setStatus('polling is already paused (:resume)');
      else actions.togglePolling();
    },
  },
  {
    name: 'resume',
    usage: ':resume',
    description: 'resume polling (same as p again; uploads resume with x)',
    run(_args, context) {
      const { ui, actions } = context.store.getState();
      if (ui.pollingPaused) actions.togglePolling();
      else actions.setStatus('polling is running');
    },
  },
];
