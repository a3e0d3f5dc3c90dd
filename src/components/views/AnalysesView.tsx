import { ResourceTable } from './ResourceTable.js';
import type { ViewProps } from './view-props.js';

export function AnalysesView({ width, height, now }: ViewProps) {
  return <ResourceTable table="analyze" width={width} height={height} now={now} />;
}
