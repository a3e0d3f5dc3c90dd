/** The Overview panel and the stuck threshold, from the command line. */
import { parseStuckAfter, shortAge } from '../stuck.js';
import type { CommandSpec } from './types.js';

export const OVERVIEW_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'overview',
    usage: ':overview',
    description: 'show / hide the overview: throughput, stuck work, usage, rate limit (also o)',
    run: (_args, context) => context.store.getState().actions.toggleOverview(),
  },
  {
    name: 'usage',
    usage: ':usage',
    description: 'minutes indexed and queued, and the rate limit (opens the overview)',
    run: (_args, context) => context.store.getState().actions.showOverview(),
  },
  {
    name: 'stuck-after',
    usage: ':stuck-after 30m|2h|auto',
    description: 'flag running work as stuck after this long (auto: derived from the loaded data)',
    complete: () => ['auto', '15m', '30m', '1h', '2h', '6h'],
    run: ([value], context) => {
      const { actions } = context.store.getState();
      if (value === undefined) throw new Error('give a duration like 30m or 2h, or auto');
      if (value === 'auto') {
        actions.setStuckAfter(undefined);
        actions.setStatus('stuck threshold: derived from the loaded data again');
        return;
      }
      let ms: number;
      try {
        ms = parseStuckAfter(value);
      } catch (error) {
        throw new Error(`:stuck-after: ${(error as Error).message}`);
      }
      actions.setStuckAfter(ms);
      actions.setStatus(
        `running work is flagged stuck after ${shortAge(ms)} (slow after ${shortAge(ms / 2)})`,
      );
    },
  },
];
