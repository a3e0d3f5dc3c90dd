import { ResourceTable } from './ResourceTable.js';
import type { ViewProps } from './view-props.js';

export function AssetsView({ width, height, now }: ViewProps) {
  return <ResourceTable table="assets" width={width} height={height} now={now} />;
}
