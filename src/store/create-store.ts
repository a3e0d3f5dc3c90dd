import { createStore } from 'zustand/vanilla';
import { lineageActions } from './actions/lineage.js';
import { monitorActions } from './actions/monitor.js';
import { navigationActions } from './actions/navigation.js';
import { promptActions } from './actions/prompts.js';
import { workActions } from './actions/work.js';
import { createContext, type StoreContext } from './context.js';
import { copySelectedCurl } from './curl.js';
import { initialState } from './initial-state.js';
import { followSelectedItem } from './selection-follow.js';
import { type BaseActions, triageActions } from './triage/wire.js';
import type { AppActions, AppState, AppStore, AppStoreDeps } from './types.js';
import { watchActions } from './watch.js';

const contexts = new WeakMap<AppStore, StoreContext>();

/**
 * Creates tltop's store. It holds no timers: `startPollers(store)` keeps it fresh, and
 * components read it with `useStore(store, selector)` and call `state.actions`.
 */
export function createAppStore(deps: AppStoreDeps): AppStore {
  const store = createStore<AppState>()(() => {
    const initial = initialState();
    return {
      ...initial,
      ui: { ...initial.ui, notify: deps.notifications?.mode ?? initial.ui.notify, ...deps.initialUi },
      monitor: { ...initial.monitor, stuckAfterMs: deps.stuckAfterMs },
      actions: {} as AppActions,
    };
  });
  const context = createContext(store, deps);
  const work = workActions(context);
  const base: BaseActions = {
    ...navigationActions(context),
    ...promptActions(context, work),
    retrySelected: work.retrySelected,
    copySelectedId: work.copySelectedId,
    copySelectedCurl: () => void copySelectedCurl(context),
    pauseSelected: work.pauseSelected,
    cancelSelected: work.cancelSelected,
    deleteSelected: work.deleteSelected,
    quit: work.quit,
    confirmYes: work.confirmYes,
    confirmNo: work.confirmNo,
    setStatus: context.setStatus,
    logEvent: (source, message, level) => context.log([{ source, message, level }]),
    ...monitorActions(context),
    ...lineageActions(context),
    ...watchActions(context),
  };
  // marks, bulk d / r, the failure triage, and read-only refusals wrap the actions above
  const actions: AppActions = { ...base, ...triageActions(context, base) };
  store.setState({ actions });
  contexts.set(store, context);
  // restores the last view state before any poller or render reads the UI
  deps.viewState?.attach(context);
  followSelectedItem(store);
  return store;
}

/** The context a store was created with (pollers share its api, clock and event sequence). */
export function contextOf(store: AppStore): StoreContext {
  const context = contexts.get(store);
  if (!context) throw new Error('not a store made by createAppStore');
  return context;
}
