/** Joins the upload engine's snapshots into the uploads table and its events into the log. */
import type { UploadEvent, UploadManager, UploadSnapshot } from '../../upload/types.js';
import type { StoreContext } from '../context.js';
import type { NewEvent } from '../events.js';
import { shortId } from '../events.js';
import type { UploadRow } from '../types.js';
import { notifyUploadEvent } from '../watch.js';

function rowIdOf(snapshot: UploadSnapshot): string {
  return snapshot.uploadId ?? snapshot.id;
}

function describeEvent(event: UploadEvent, uploads: UploadManager): NewEvent {
  const snapshot = 'snapshot' in event ? event.snapshot : uploads.get(event.id);
  const name = `upload ${shortId(snapshot ? rowIdOf(snapshot) : event.id)}`;
  switch (event.type) {
    case 'chunk_failed':
      return {
        source: 'upload',
        message: `${name} chunk ${event.chunk.index} failed: ${event.chunk.error}`,
        level: 'error',
      };
    case 'failed':
    case 'expired':
      return {
        source: 'upload',
        message: `${name} ${event.type}${event.snapshot.lastError ? `: ${event.snapshot.lastError}` : ''}`,
        level: 'error',
      };
    case 'started':
      return { source: 'upload', message: `${name} started: ${event.snapshot.fileName}` };
    default:
      return { source: 'upload', message: `${name} ${event.type}` };
  }
}

export function connectUploads(context: StoreContext, uploads: UploadManager): () => void {
  const { store } = context;
  /** engine id -> row id it was last stored under (changes once the session exists) */
  const rowOf = new Map<string, string>();

  const applySnapshots = (snapshots: readonly UploadSnapshot[]): void => {
    const current = store.getState().entities.uploads;
    let rows: Record<string, UploadRow> | undefined;
    const edit = (): Record<string, UploadRow> => {
      rows ??= { ...current };
      return rows;
    };
    const seen = new Set<string>();
    /** a detail pane open on a row that moves to its upload id follows it */
    let detailMovedTo: string | undefined;
    for (const snapshot of snapshots) {
      const rowId = rowIdOf(snapshot);
      seen.add(snapshot.id);
      const previous = rowOf.get(snapshot.id);
      if (previous !== undefined && previous !== rowId) {
        const detail = store.getState().ui.detail;
        if (detail?.table === 'uploads' && detail.id === previous) detailMovedTo = rowId;
        const old = (rows ?? current)[previous];
        if (old?.session) edit()[previous] = { id: previous, session: old.session };
        else if (old) delete edit()[previous];
      }
      rowOf.set(snapshot.id, rowId);
      const row = (rows ?? current)[rowId];
      if (row?.local === snapshot) continue;
      edit()[rowId] = { ...(row ?? { id: rowId }), local: snapshot };
    }
    for (const [localId, rowId] of rowOf) {
      if (seen.has(localId)) continue;
      rowOf.delete(localId);
      const row = (rows ?? current)[rowId];
      if (row?.session) edit()[rowId] = { id: rowId, session: row.session };
      else if (row) delete edit()[rowId];
    }
    if (rows) {
      store.setState((state) => ({
        entities: { ...state.entities, uploads: rows! },
        ...(detailMovedTo
          ? { ui: { ...state.ui, detail: { table: 'uploads' as const, id: detailMovedTo } } }
          : {}),
      }));
    }
  };

  applySnapshots(uploads.list());
  const unsubscribe = uploads.subscribe(applySnapshots);
  const unlisten = uploads.onEvent((event) => {
    context.log([describeEvent(event, uploads)]);
    notifyUploadEvent(context, event);
  });
  return () => {
    unsubscribe();
    unlisten();
  };
}
