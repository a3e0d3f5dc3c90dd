import { TABLE_LABELS } from '../../store/tables.js';
import { CAPABILITIES } from '../../store/triage/capabilities.js';
import { selectFailureGroups } from '../../store/triage/selectors.js';
import type { AppState } from '../../store/types.js';
import { useAppState } from '../context.js';
import { formatCount } from '../format.js';
import { ResourceTable } from './ResourceTable.js';
import type { ViewProps } from './view-props.js';

/** "26 failed · tasks 50 of 63 loaded", or what r / d do for the open group. */
function contextLine(state: AppState): string {
  const { failures, ui } = state;
  if (!failures.loaded) return 'looking for failures…';
  if (ui.tableOf.failures === 'failureItems') {
    const group = ui.failureGroup ? selectFailureGroups(state).byKey[ui.failureGroup] : undefined;
    if (!group) return 'Esc: back to the groups';
    const capability = CAPABILITIES[group.family];
    const retry = capability.retry ? 'r retries' : 'no retry';
    const remove = capability.delete ? 'd deletes' : 'no delete';
    return `${TABLE_LABELS[group.family]} · ${group.code} · ${retry} · ${remove} (as a set, or the marked) · Esc back`;
  }
  const groups = selectFailureGroups(state);
  const count = groups.order.reduce((sum, key) => sum + (groups.byKey[key]?.count ?? 0), 0);
  const partial = Object.entries(failures.totals)
    .map(([family, total]) => {
      const loaded = Object.values(failures.items).filter((item) => item.family === family).length;
      return total !== undefined && total > loaded
        ? `${TABLE_LABELS[family as keyof typeof TABLE_LABELS]} ${loaded} of ${formatCount(total)}`
        : '';
    })
    .filter(Boolean);
  const loaded = partial.length > 0 ? ` · newest only: ${partial.join(', ')}` : '';
  return `${formatCount(count)} failed item${count === 1 ? '' : 's'} · Enter: items · r/d: the group as a set${loaded}`;
}

/** Failed items of every family, grouped by family and reason; Enter shows a group's items. */
export function FailuresView({ width, height, now }: ViewProps) {
  const table = useAppState((state) => state.ui.tableOf.failures);
  const context = useAppState(contextLine);
  return <ResourceTable table={table} width={width} height={height} now={now} context={context} />;
}
