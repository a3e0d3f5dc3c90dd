import { selectActiveTable, selectTableView } from './selectors.js';
import type { AppStore } from './types.js';

/**
 * The selection stays on its item when the rows move under it: a new task sorted in above it,
 * a status change re-sorting the table. The selection is an index (pages are fetched around it),
 * so without this the cursor would land on another item between two key presses, and space, d or
 * Enter would act on a row the operator never chose. Only moves made by data, in the active
 * table: moves by keys, filter or sort are the operator's own; the first row stays the first row.
 * Returns the unsubscribe function.
 */
export function followSelectedItem(store: AppStore): () => void {
  return store.subscribe((state, previous) => {
    const table = selectActiveTable(state);
    if (table !== selectActiveTable(previous)) return;
    const index = state.ui.selection[table];
    // on the first row the operator watches the head of the list (newest first): it stays there
    if (
      index === 0 ||
      index !== previous.ui.selection[table] ||
      state.ui.filter[table] !== previous.ui.filter[table] ||
      state.ui.sort[table] !== previous.ui.sort[table]
    )
      return;
    const view = selectTableView(state, table);
    const before = selectTableView(previous, table);
    if (view === before) return;
    const id = before.ids[index];
    if (id === undefined || view.ids[index] === id) return;
    const found = view.ids.indexOf(id);
    // gone (deleted, or an upload row renamed to its server id) past the end: the last row
    const moved = found !== -1 ? found : index >= view.ids.length ? view.ids.length - 1 : index;
    if (moved === index || moved < 0) return;
    store.setState({ ui: { ...state.ui, selection: { ...state.ui.selection, [table]: moved } } });
  });
}
