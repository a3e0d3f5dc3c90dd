/** Saved views: `:save NAME`, `:view NAME`, `:views`, `:unsave NAME`. */
import type { StoreContext } from '../context.js';
import type { ViewStateStore } from '../saved-views.js';
import { describeSavedView } from '../view-state.js';
import type { CommandSpec } from './types.js';

function savedViews(context: StoreContext): ViewStateStore {
  if (!context.viewState) throw new Error('saved views are off here (no state file)');
  return context.viewState;
}

function oneName(args: readonly string[], usage: string): string {
  if (args.length !== 1) throw new Error(`usage: ${usage}`);
  return args[0]!;
}

const completeNames = (_args: readonly string[], context: StoreContext) => context.viewState?.names() ?? [];

export const SAVED_VIEW_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'save',
    usage: ':save NAME',
    description: 'save the current view, table, filter, sort and index as NAME',
    complete: completeNames,
    async run(args, context) {
      const name = oneName(args, ':save NAME');
      const saved = await savedViews(context).save(name);
      context.setStatus(`saved view ${name}: ${describeSavedView(saved)}`);
    },
  },
  {
    name: 'view',
    usage: ':view NAME',
    description: 'show a saved view (Tab lists them)',
    complete: completeNames,
    run(args, context) {
      const views = savedViews(context);
      const name = oneName(args, `:view NAME (saved: ${views.names().join(', ') || 'none'})`);
      const saved = views.show(name);
      context.setStatus(`view ${name}: ${describeSavedView(saved)}`);
    },
  },
  {
    name: 'views',
    usage: ':views',
    description: 'list the saved views',
    run(_args, context) {
      const names = savedViews(context).names();
      context.setStatus(
        names.length ? `saved views: ${names.join(', ')}` : 'no saved views; :save NAME saves one',
      );
    },
  },
  {
    name: 'unsave',
    usage: ':unsave NAME',
    description: 'delete a saved view',
    complete: completeNames,
    async run(args, context) {
      const name = oneName(args, ':unsave NAME');
      await savedViews(context).remove(name);
      context.setStatus(`deleted saved view ${name}`);
    },
  },
];
