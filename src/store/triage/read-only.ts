/** The one line every write refuses with when the account is read-only. */
import type { StoreContext } from '../context.js';

export type WriteKind =
  | 'deleting'
  | 'retrying'
  | 'uploading'
  | 'indexing'
  | 'pausing uploads'
  | 'cancelling uploads';

export function readOnlyLine(what: WriteKind | string): string {
  return `read-only: ${what} is off`;
}

/** True (and the status line says why) when the store was made read-only. */
export function refuseReadOnly(context: StoreContext, what: WriteKind | string): boolean {
  if (context.readOnly === undefined) return false;
  context.setStatus(readOnlyLine(what), 'warn');
  return true;
}
