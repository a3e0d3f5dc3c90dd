import { TERMINAL_PHASES } from '../../upload/types.js';
import { useAppState } from '../context.js';
import { formatRate } from '../format.js';
import { ResourceTable } from './ResourceTable.js';
import type { ViewProps } from './view-props.js';

/** Upload sessions (local and server) with progress; context shows how many run and their total speed. */
export function UploadsView({ width, height, now }: ViewProps) {
  const summary = useAppState((state) => {
    let running = 0;
    let speed = 0;
    for (const row of Object.values(state.entities.uploads)) {
      if (row.local && !TERMINAL_PHASES.has(row.local.phase)) {
        running += 1;
        speed += row.local.speed;
      }
    }
    return running === 0 ? '' : `${running} running at ${formatRate(speed)}`;
  });
  return <ResourceTable table="uploads" width={width} height={height} now={now} context={summary} />;
}
