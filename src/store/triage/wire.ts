/**
 * Joins marks, bulk work and the failure triage to the store's actions: with marks, d and r
 * act on the marked set; a confirmed bulk plan runs here; and with `readOnly` every action
 * that would write refuses up front with one line, before any prompt or confirm opens.
 * Esc (back) stops a running set before it does anything else.
 */
import type { StoreContext } from '../context.js';
import type { AppActions } from '../types.js';
import { bulkActions, stopBulk } from './actions.js';
import { refuseReadOnly } from './read-only.js';

type Own = 'toggleMark' | 'markAll' | 'clearMarks' | 'deleteMarked' | 'retryMarked' | 'openFailureGroup';

/** The store's actions before this module adds its own and wraps the writers. */
export type BaseActions = Omit<AppActions, Own>;

type Wired = Pick<
  AppActions,
  | Own
  | 'retrySelected'
  | 'deleteSelected'
  | 'pauseSelected'
  | 'cancelSelected'
  | 'openUploadPrompt'
  | 'openIndexPrompt'
  | 'confirmYes'
  | 'back'
>;

export function triageActions(context: StoreContext, base: BaseActions): Wired {
  const bulk = bulkActions(context);
  const state = () => context.store.getState();
  const hasMarks = (): boolean => {
    const current = state();
    return Object.keys(current.ui.marks[current.ui.tableOf[current.ui.view]]).length > 0;
  };
  return {
    toggleMark: bulk.toggleMark,
    markAll: bulk.markAll,
    clearMarks: bulk.clearMarks,
    deleteMarked: bulk.deleteMarked,
    retryMarked: bulk.retryMarked,
    openFailureGroup: bulk.openFailureGroup,
    async retrySelected() {
      if (refuseReadOnly(context, 'retrying')) return;
      if (hasMarks()) bulk.retryMarked();
      else await base.retrySelected();
    },
    deleteSelected() {
      if (refuseReadOnly(context, 'deleting')) return;
      if (hasMarks()) bulk.deleteMarked();
      else base.deleteSelected();
    },
    async pauseSelected() {
      if (!refuseReadOnly(context, 'pausing uploads')) await base.pauseSelected();
    },
    cancelSelected() {
      if (!refuseReadOnly(context, 'cancelling uploads')) base.cancelSelected();
    },
    openUploadPrompt() {
      if (!refuseReadOnly(context, 'uploading')) base.openUploadPrompt();
    },
    openIndexPrompt() {
      if (!refuseReadOnly(context, 'indexing')) base.openIndexPrompt();
    },
    back() {
      // Esc while a set runs stops it (after the requests in flight) before anything else
      if (state().ui.overlay.kind === 'none' && stopBulk(context)) return;
      base.back();
    },
    async confirmYes() {
      const overlay = state().ui.overlay;
      if (overlay.kind === 'confirm' && overlay.purpose.action === 'bulk') {
        const plan = overlay.purpose.plan;
        context.setUi({ overlay: { kind: 'none' } });
        await bulk.runPlan(plan);
        return;
      }
      await base.confirmYes();
    },
  };
}
