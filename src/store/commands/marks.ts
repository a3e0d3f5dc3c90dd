/** Marks and bulk work from the command line: the same actions as space, `*`, `u`, d, r and Esc (stop). */
import { bulkActions, stopBulk } from '../triage/actions.js';
import type { CommandSpec } from './types.js';

function ask(op: 'retry' | 'delete'): CommandSpec['run'] {
  return (_args, context) => {
    const refusal = bulkActions(context).ask(op);
    if (refusal) throw new Error(refusal);
  };
}

export const MARK_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'mark',
    usage: ':mark all',
    description: 'mark every row matching the filter (the whole collection), like *',
    complete: () => ['all'],
    async run(args, context) {
      if (args[0] !== 'all') throw new Error('usage: :mark all (space marks one row)');
      await context.store.getState().actions.markAll();
    },
  },
  {
    name: 'unmark',
    usage: ':unmark',
    description: 'clear the marks of the table, like u',
    run: (_args, context) => context.store.getState().actions.clearMarks(),
  },
  {
    name: 'delete',
    usage: ':delete',
    description: 'delete the marked rows, or the open failure group (asks first, states the count)',
    mutates: true,
    run: ask('delete'),
  },
  {
    name: 'retry',
    usage: ':retry',
    description: 'retry the marked rows, or the open failure group (asks first, states the count)',
    mutates: true,
    run: ask('retry'),
  },
  {
    name: 'stop',
    usage: ':stop',
    description: 'stop the running bulk delete / retry after the requests in flight, like Esc',
    run(_args, context) {
      if (!stopBulk(context)) throw new Error('no bulk delete or retry is running');
    },
  },
];
