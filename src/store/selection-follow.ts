import { selectActiveTable, selectTableView, type TableView } from './selectors.js';
import type { AppStore, TableId } from './types.js';

/**
 * The selection stays on its item when the rows move under it: a new task sorted in above it,
 * a status change re-sorting the table. The selection is an index (pages are fetched around it),
 * so without this the cursor would land on another item between two key presses, and space, d or
 * Enter would act on a row the operator never chose. Only moves made by data, in the active
 * table: moves by keys, filter or sort are the operator's own; the first row stays the first row.
 * Returns the unsubscribe function.
 */
export function followSelectedItem(store: AppStore): () => void {
  // the active table's rows at the previous state: kept from the last call rather than computed
  // again from `previous`, which would make the memoized view recompute twice per update
  let seen: { table: TableId; view: TableView } | undefined;
  return store.subscribe((state, previous) => {
    const table = selectActiveTable(state);
    const view = selectTableView(state, table);
    const before = seen?.table === table ? seen.view : undefined;
    seen = { table, view };
    if (!before || view === before) return;
    const index = state.ui.selection[table];
    // on the first row the operator watches the head of the list (newest first): it stays there
    if (
      index === 0 ||
      index !== previous.ui.selection[table] ||
      state.ui.filter[table] !== previous.ui.filter[table] ||
      state.ui.sort[table] !== previous.ui.sort[table]
    )
      return;
    const id = before.ids[index];
    if (id === undefined || view.ids[index] === id) return;
    const found = view.ids.indexOf(id);
    // gone (deleted, or an upload row renamed to its server id) past the end: the last row
    const moved = found !== -1 ? found : index >= view.ids.length ? view.ids.length - 1 : index;
    if (moved === index || moved < 0) return;
    store.setState({ ui: { ...state.ui, selection: { ...state.ui.selection, [table]: moved } } });
  });
}
