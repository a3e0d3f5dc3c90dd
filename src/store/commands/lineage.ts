/** `:open ID` and `:follow`: lineage from the command line. */
import { idOf } from '../tables.js';
import type { EntityOf, ResourceTableId } from '../types.js';
import type { CommandSpec } from './types.js';

/** Completion candidates are capped: ids are long and the prompt shows a few. */
const MAX_CANDIDATES = 20;

export const LINEAGE_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'open',
    usage: ':open ID',
    description:
      'open the detail of any item by id (upload, asset, indexed asset, task, embedding, analysis)',
    complete(args, context) {
      const typed = (args[args.length - 1] ?? '').toLowerCase();
      if (typed === '') return [];
      const { entities } = context.store.getState();
      const ids: string[] = [];
      for (const [table, map] of Object.entries(entities) as [string, Readonly<Record<string, unknown>>][]) {
        if (table === 'indexes') continue;
        for (const entity of Object.values(map)) {
          const id = idOf(table as ResourceTableId, entity as EntityOf[ResourceTableId]);
          if (id.toLowerCase().startsWith(typed)) ids.push(id);
          if (ids.length >= MAX_CANDIDATES) return ids;
        }
      }
      return ids;
    },
    async run(args, context) {
      if (args.length !== 1) throw new Error('usage: :open ID');
      await context.store.getState().actions.openById(args[0]!);
    },
  },
  {
    name: 'follow',
    usage: ':follow',
    description: 'follow the open detail (or the selected row) and its links until done; again stops',
    run(args, context) {
      if (args.length > 0) throw new Error('usage: :follow (it takes no arguments)');
      context.store.getState().actions.toggleFollow();
    },
  },
];
