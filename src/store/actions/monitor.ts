/** The Overview panel and the stuck threshold. */
import type { StoreContext } from '../context.js';
import type { AppActions } from '../types.js';

type MonitorActions = Pick<AppActions, 'toggleOverview' | 'showOverview' | 'setStuckAfter'>;

export function monitorActions(context: StoreContext): MonitorActions {
  const { store, setUi } = context;
  return {
    toggleOverview() {
      setUi((ui) => ({ overview: !ui.overview }));
    },
    showOverview() {
      if (!store.getState().ui.overview) setUi({ overview: true });
    },
    setStuckAfter(ms) {
      store.setState((state) => ({ monitor: { ...state.monitor, stuckAfterMs: ms } }));
    },
  };
}
