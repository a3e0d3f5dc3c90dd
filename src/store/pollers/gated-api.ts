/**
 * The API as the pollers see it: every call first waits while the rate-limit budget is
 * spent or a 429 asked to wait, so a poll that makes several calls cannot overrun it.
 */
import type { CallOptions, TwelveLabsApi } from '../../api/api.js';
import { sleepOn } from '../context.js';
import type { Clock } from '../types.js';
import type { RateGovernor } from './rate-governor.js';

export function gatedApi(api: TwelveLabsApi, governor: RateGovernor, clock: Clock): TwelveLabsApi {
  const ready = async (signal: AbortSignal | undefined): Promise<void> => {
    for (;;) {
      const wait = governor.waitMs(api.stats().rateLimit, clock.now());
      if (wait <= 0) return;
      await sleepOn(clock, wait, signal);
    }
  };
  // every method but stats() takes its CallOptions last
  return new Proxy(api, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || key === 'stats') return value;
      return async (...args: unknown[]) => {
        const options = args.at(-1) as CallOptions | undefined;
        await ready(typeof options === 'object' ? options?.signal : undefined);
        return value.apply(target, args);
      };
    },
  });
}
