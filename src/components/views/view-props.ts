/** What every view gets from the App: its box and the time relative times are computed from. */
export interface ViewProps {
  width: number;
  height: number;
  now: number;
}
