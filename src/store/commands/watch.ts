/** Watching and notifications from the command line: the same as `w`, plus the notify mode. */
import { NOTIFY_MODES } from '../notify.js';
import { clearWatches, setNotifyMode, setWatchSelected } from '../watch.js';
import type { CommandSpec } from './types.js';

export const WATCH_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'watch',
    usage: ':watch',
    description: 'watch the selected row: bell / desktop notification when it finishes or fails (like w)',
    run(_args, context) {
      context.setStatus(setWatchSelected(context, true));
    },
  },
  {
    name: 'unwatch',
    usage: ':unwatch [all]',
    description: 'stop watching the selected row, or every watched row',
    complete: () => ['all'],
    run(args, context) {
      if (args[0] === 'all') {
        const count = clearWatches(context);
        context.setStatus(`stopped watching ${count} row${count === 1 ? '' : 's'}`);
        return;
      }
      if (args.length > 0) throw new Error('usage: :unwatch [all]');
      context.setStatus(setWatchSelected(context, false));
    },
  },
  {
    name: 'notify',
    usage: `:notify ${NOTIFY_MODES.join('|')}|test`,
    description: 'how watched rows and uploads notify (no argument: show it; test: notify now)',
    complete: () => [...NOTIFY_MODES, 'test'],
    run(args, context) {
      const [mode] = args;
      if (mode === undefined) {
        context.setStatus(`notifications: ${context.notifier.describe(context.store.getState().ui.notify)}`);
        return;
      }
      if (mode === 'test') {
        const sent = context.notifier.emit({ title: 'tltop', body: 'test notification' });
        context.setStatus(
          sent ? 'test notification sent' : 'notifications are off (or there is no terminal)',
        );
        return;
      }
      const message = setNotifyMode(context, mode);
      context.setStatus(message);
      context.log([{ source: 'notify', message }]);
    },
  },
];
