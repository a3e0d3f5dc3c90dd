import { totalUploadSpeed } from '../../store/throughput.js';
import { TERMINAL_PHASES } from '../../upload/types.js';
import { useAppState } from '../context.js';
import { formatRate } from '../format.js';
import { ResourceTable } from './ResourceTable.js';
import type { ViewProps } from './view-props.js';

/** Upload sessions (local and server) with progress; context shows how many run and their total speed. */
export function UploadsView({ width, height, now }: ViewProps) {
  const summary = useAppState((state) => {
    let running = 0;
    let paused = 0;
    for (const row of Object.values(state.entities.uploads)) {
      if (!row.local || TERMINAL_PHASES.has(row.local.phase)) continue;
      if (row.local.phase === 'paused') paused += 1;
      else running += 1;
    }
    // the same speed as the header's and the overview's
    const speed =
      running === 0 ? '' : `${running} running at ${formatRate(totalUploadSpeed(state.entities.uploads))}`;
    return [speed, paused === 0 ? '' : `${paused} paused`].filter(Boolean).join(' · ');
  });
  return <ResourceTable table="uploads" width={width} height={height} now={now} context={summary} />;
}
