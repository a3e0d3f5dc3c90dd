import { ResourceTable } from './ResourceTable.js';
import type { ViewProps } from './view-props.js';

/** The events log: state transitions and errors, newest first. */
export function EventsView({ width, height, now }: ViewProps) {
  return <ResourceTable table="events" width={width} height={height} now={now} />;
}
