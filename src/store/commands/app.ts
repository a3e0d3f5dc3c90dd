/** Commands that drive the dashboard itself: help, refreshing, profiles, quitting. */
import type { CommandSpec } from './types.js';

export const APP_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'help',
    aliases: ['h'],
    usage: ':help',
    description: 'all keys and commands (same as ?)',
    run: (_args, context) => context.store.getState().actions.toggleHelp(),
  },
  {
    name: 'refresh',
    usage: ':refresh',
    description: 'poll everything now (same as R)',
    run: (_args, context) => context.store.getState().actions.refreshNow(),
  },
  {
    name: 'profile',
    aliases: ['ctx'],
    usage: ':profile NAME',
    description: 'reconnect with another profile of the config file',
    complete: async (_args, context) => [...((await context.profileNames?.().catch(() => [])) ?? [])],
    async run(args, context) {
      if (!context.switchProfile) throw new Error('profiles cannot be switched here');
      const name = args.join(' ');
      if (!name) throw new Error('which profile? (Tab lists them)');
      await context.switchProfile(name);
    },
  },
  {
    name: 'quit',
    aliases: ['q'],
    usage: ':quit',
    description: 'quit (asks first while uploads run)',
    run: (_args, context) => context.store.getState().actions.quit(),
  },
];
