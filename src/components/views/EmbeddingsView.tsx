import { useAppState } from '../context.js';
import { ResourceTable } from './ResourceTable.js';
import type { ViewProps } from './view-props.js';

/** Embedding tasks of the v2 API, or the v1 ones (`v` switches). */
export function EmbeddingsView({ width, height, now }: ViewProps) {
  const table = useAppState((state) => state.ui.tableOf.embeddings);
  return (
    <ResourceTable
      table={table}
      width={width}
      height={height}
      now={now}
      context={table === 'embedV2' ? 'v: show v1' : 'v: show v2'}
    />
  );
}
