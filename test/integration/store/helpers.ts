/** Shared set-up for store tests against the emulator: a real client, a store, fast pollers. */
import { vi } from 'vitest';
import { TwelveLabsClient } from '../../../src/api/client.js';
import { createAppStore } from '../../../src/store/create-store.js';
import { type StartPollersOptions, startPollers } from '../../../src/store/pollers/index.js';
import type { AppState, AppStore, Pollers, PollIntervals } from '../../../src/store/types.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';

export { requestCount } from '../../helpers/emulator.js';

/** Poll intervals scaled down ~100x so a test sees hundreds of polls in seconds. */
export const FAST_INTERVALS: PollIntervals = {
  active: 20,
  activeHidden: 60,
  activeMax: 60,
  activeHiddenMax: 200,
  window: 100,
  windowHidden: 300,
  detail: 10,
  errorBase: 20,
  errorMax: 200,
  heartbeat: 600_000,
  jitter: 0.2,
};

export interface StoreRig {
  emulator: TestEmulator;
  api: TwelveLabsClient;
  store: AppStore;
  pollers: Pollers;
  close(): Promise<void>;
}

export async function startRig(
  emulatorOptions: Parameters<typeof startTestEmulator>[0],
  pollerOptions: StartPollersOptions = {},
): Promise<StoreRig> {
  const emulator = await startTestEmulator(emulatorOptions);
  // the pollers retry on their own schedule: a client retry would hide what they do
  const api = new TwelveLabsClient({
    apiKey: emulator.apiKey,
    baseUrl: emulator.baseUrl,
    retry: { maxRetries: 0 },
  });
  const store = createAppStore({ api });
  const pollers = startPollers(store, {
    ...pollerOptions,
    intervals: { ...FAST_INTERVALS, ...pollerOptions.intervals },
  });
  return {
    emulator,
    api,
    store,
    pollers,
    async close() {
      await pollers.stop();
      await api.close();
      await emulator.close();
    },
  };
}

/** Waits until the store satisfies `check` (re-evaluated on every poll), or fails after `timeout` ms. */
export async function until<T>(
  store: AppStore,
  check: (state: AppState) => T | undefined | false,
  timeout = 5_000,
): Promise<T> {
  return vi.waitFor(
    () => {
      const value = check(store.getState());
      if (value === undefined || value === false) throw new Error('not yet');
      return value;
    },
    { timeout, interval: 5 },
  );
}

/** Waits until `check()` is true, or fails after `timeout` ms. */
export async function eventually(check: () => boolean, timeout = 5_000): Promise<void> {
  await vi.waitFor(
    () => {
      if (!check()) throw new Error('not yet');
    },
    { timeout, interval: 5 },
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
