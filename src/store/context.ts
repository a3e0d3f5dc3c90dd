/** What actions and pollers share: the store, its dependencies and a few write helpers. */
import type { TwelveLabsApi } from '../api/api.js';
import type { AssetType } from '../api/types.js';
import type { UploadManager } from '../upload/types.js';
import { appendEvents, DEFAULT_MAX_EVENTS, type NewEvent } from './events.js';
import { createNotifier, type Notifier } from './notify.js';
import type { AppState, AppStore, AppStoreDeps, Clock, StatusMessage, UiState } from './types.js';

export interface StoreContext {
  store: AppStore;
  api: TwelveLabsApi;
  uploads?: UploadManager;
  clock: Clock;
  uploadType: AssetType;
  clipboard?: (text: string) => void;
  /** bell / desktop notifications for watched items and this dashboard's uploads */
  notifier: Notifier;
  /** set (to why) when every write is refused up front: `--read-only`, a read_only profile */
  readOnly?: string;
  viewState?: AppStoreDeps['viewState'];
  /** where `:export` resolves relative paths and `~`, and its row cap */
  exportOptions?: AppStoreDeps['exportOptions'];
  profileNames?: AppStoreDeps['profileNames'];
  switchProfile?: AppStoreDeps['switchProfile'];
  /** appends entries to the events log (one store write) */
  log(events: readonly NewEvent[]): void;
  /** the events log with entries added, for writers that batch events into their own setState */
  withEvents(events: AppState['events'], added: readonly NewEvent[]): AppState['events'];
  /** replaces parts of the UI slice (one store write) */
  setUi(patch: Partial<UiState> | ((ui: UiState) => Partial<UiState>)): void;
  setStatus(text: string, level?: StatusMessage['level']): void;
  /** a status-bar message stamped now, to include in a setUi patch */
  message(text: string, level?: StatusMessage['level']): StatusMessage;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  random: () => Math.random(),
};

/** Waits `ms` on `clock`; rejects with the signal's reason when it aborts first. */
export function sleepOn(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function createContext(store: AppStore, deps: AppStoreDeps): StoreContext {
  const clock: Clock = { ...systemClock, ...deps.clock };
  const maxEvents = deps.maxEvents ?? DEFAULT_MAX_EVENTS;
  let seq = 0;
  const nextSeq = (): number => {
    seq += 1;
    return seq;
  };
  const setUi: StoreContext['setUi'] = (patch) =>
    store.setState((state: AppState) => ({
      ui: { ...state.ui, ...(typeof patch === 'function' ? patch(state.ui) : patch) },
    }));
  const withEvents: StoreContext['withEvents'] = (events, added) =>
    appendEvents(events, added, clock.now(), nextSeq, maxEvents);
  return {
    store,
    withEvents,
    api: deps.api,
    uploads: deps.uploads,
    clock,
    uploadType: deps.uploadType ?? 'video',
    clipboard: deps.clipboard,
    notifier: createNotifier(deps.notifications, () => store.getState().ui.notify),
    readOnly: deps.readOnly,
    viewState: deps.viewState,
    exportOptions: deps.exportOptions,
    profileNames: deps.profileNames,
    switchProfile: deps.switchProfile,
    log(events) {
      if (events.length === 0) return;
      store.setState((state: AppState) => ({ events: withEvents(state.events, events) }));
    },
    setUi,
    setStatus(text, level = 'info') {
      setUi({ status: { text, level, at: clock.now() } });
    },
    message: (text, level = 'info') => ({ text, level, at: clock.now() }),
  };
}
