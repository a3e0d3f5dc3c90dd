import { readFilter } from '../../store/filter-expr.js';
import { useAppState } from '../context.js';
import { ResourceTable } from './ResourceTable.js';
import type { ViewProps } from './view-props.js';

/** Video indexing tasks, or the indexed assets of one index (`v` switches, `]` picks the next index). */
export function IndexingView({ width, height, now }: ViewProps) {
  const table = useAppState((state) => state.ui.tableOf.indexing);
  const indexLabel = useAppState((state) => {
    const ids = Object.keys(state.entities.indexes);
    const id = state.ui.indexId ?? ids[0];
    if (!id) return 'no index yet';
    const index = state.entities.indexes[id];
    const position = ids.indexOf(id) + 1;
    return `index ${index?.index_name ?? id}${ids.length > 1 ? ` (${position}/${ids.length}, ] next)` : ''}`;
  });
  // tasks list every index unless their filter names one (the caption's filter shows which)
  const tasksOfOneIndex = useAppState(
    (state) => readFilter('tasks', state.ui.filter.tasks).index !== undefined,
  );
  const tasksLabel = `${tasksOfOneIndex ? 'one index' : 'all indexes'} · v: indexed assets`;
  return (
    <ResourceTable
      table={table}
      width={width}
      height={height}
      now={now}
      context={table === 'indexedAssets' ? indexLabel : tasksLabel}
    />
  );
}
