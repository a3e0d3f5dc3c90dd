/** Commands that drive the dashboard itself: views, help, polling, quitting. */
import { VIEWS } from '../types.js';
import type { CommandSpec } from './types.js';

const viewCommands: CommandSpec[] = VIEWS.map((view) => ({
  name: view,
  usage: `:${view}`,
  description: `show the ${view} view`,
  run: (_args, context) => context.store.getState().actions.switchView(view),
}));

export const APP_COMMANDS: readonly CommandSpec[] = [
  ...viewCommands,
  {
    name: 'help',
    usage: ':help',
    description: 'all keys and commands',
    run: (_args, context) => context.store.getState().actions.toggleHelp(),
  },
  {
    name: 'refresh',
    usage: ':refresh',
    description: 'poll everything now',
    run: (_args, context) => context.store.getState().actions.refreshNow(),
  },
  {
    name: 'quit',
    aliases: ['q'],
    usage: ':quit',
    description: 'quit (asks first while uploads run)',
    run: (_args, context) => context.store.getState().actions.quit(),
  },
];
