/**
 * Watching: `w` marks a row; when a watched item reaches a terminal state (ready, failed,
 * completed, expired) the dashboard rings the bell and/or posts a desktop notification,
 * and logs it. Unwatched items never notify; uploads this dashboard runs always do.
 * Detection happens where entity updates land: a family poll (pollers/family.ts), the
 * lineage poller's fetches (pollers/lineage.ts) and the upload bridge's engine events.
 */
import { redactUrlsInText } from '../api/redact.js';
import { isTerminal } from '../api/types.js';
import type { UploadEvent, UploadSnapshot } from '../upload/types.js';
import type { StoreContext } from './context.js';
import type { NewEvent } from './events.js';
import { NOTIFY_MODES, type Notice, type NotifyMode } from './notify.js';
import { selectSelectedItem } from './selectors.js';
import { ENTITY_NOUN, nameOf, statusOf } from './tables.js';
import type { AppState, EntityOf, ResourceTableId, TableId, UiState } from './types.js';
import { isResourceTable } from './types.js';

/** At most this many rows watched at once: each is polled like the open detail. */
export const MAX_WATCHED = 50;

const TITLE = 'tltop';

/** An id as the tables show it (its last 8 characters), so a notification names the row you see. */
function rowId(id: string): string {
  return id.length > 10 ? id.slice(-8) : id;
}

type Watched = UiState['watched'];

/** Ids watched in a table. */
export function watchedIds(ui: UiState, table: TableId): string[] {
  return Object.keys(ui.watched[table] ?? {});
}

function watchCount(watched: Watched): number {
  return Object.values(watched).reduce((sum, ids) => sum + Object.keys(ids).length, 0);
}

function withWatch(watched: Watched, table: TableId, id: string, on: boolean): Watched {
  const current = watched[table] ?? {};
  if (on === (current[id] === true)) return watched;
  const { [id]: _dropped, ...rest } = current;
  return { ...watched, [table]: on ? { ...current, [id]: true } : rest };
}

function entityOf(
  state: AppState,
  table: ResourceTableId,
  id: string,
): EntityOf[ResourceTableId] | undefined {
  return (state.entities[table] as Readonly<Record<string, EntityOf[ResourceTableId]>>)[id];
}

/** "analysis 64f8… ready (clip.mp4)": the status before the name, which may be long. */
function describeFinish(
  table: ResourceTableId,
  id: string,
  entity: EntityOf[ResourceTableId],
  status: string,
): string {
  const name = nameOf(table, entity);
  return `${ENTITY_NOUN[table]} ${rowId(id)} ${status}${name ? ` (${name})` : ''}`;
}

/** A notification: a URL in a name (an analysis of a presigned URL) loses its query. */
function noticeOf(body: string): Notice {
  return { title: TITLE, body: redactUrlsInText(body) };
}

function eventFor(notice: Notice, level: NewEvent['level'], how: string): NewEvent {
  return { source: 'notify', message: `${notice.body} (${how})`, level };
}

export interface WatchActions {
  toggleWatchSelected(): void;
}

/** Watches (on) or unwatches the selected row; throws a one-line Error when there is none. */
export function setWatchSelected(context: StoreContext, on: boolean): string {
  const state = context.store.getState();
  const row = selectSelectedItem(state);
  if (!row) throw new Error('select a row to watch it');
  const entity = entityOf(state, row.table, row.id);
  // short: the status line is one line, the name is in the row
  const label = `${ENTITY_NOUN[row.table]} ${rowId(row.id)}`;
  const watching = state.ui.watched[row.table]?.[row.id] === true;
  if (on === watching) return on ? `already watching ${label}` : `${label} is not watched`;
  if (on && watchCount(state.ui.watched) >= MAX_WATCHED)
    throw new Error(`already watching ${MAX_WATCHED} rows; unwatch some first (:unwatch all)`);
  context.setUi((ui) => ({ watched: withWatch(ui.watched, row.table, row.id, on) }));
  if (!on) return `stopped watching ${label}`;
  const status = entity ? statusOf(row.table, entity) : undefined;
  const mode = state.ui.notify;
  if (status && isTerminal(status)) return `watching ${label}; it is already ${status}`;
  if (mode === 'off') return `watching ${label}, but notifications are off (:notify both)`;
  return `watching ${label}: notifies when it finishes (${context.notifier.describe(mode)})`;
}

export function clearWatches(context: StoreContext): number {
  const count = watchCount(context.store.getState().ui.watched);
  context.setUi((ui) => ({
    watched: Object.fromEntries(Object.keys(ui.watched).map((table) => [table, {}])) as Watched,
  }));
  return count;
}

export function setNotifyMode(context: StoreContext, mode: string): string {
  if (!(NOTIFY_MODES as readonly string[]).includes(mode))
    throw new Error(`expected one of ${NOTIFY_MODES.join(', ')}, got "${mode}"`);
  context.setUi({ notify: mode as NotifyMode });
  return `notifications: ${context.notifier.describe(mode as NotifyMode)}`;
}

export function watchActions(context: StoreContext): WatchActions {
  return {
    toggleWatchSelected() {
      const state = context.store.getState();
      const row = selectSelectedItem(state);
      const on = !(row && state.ui.watched[row.table]?.[row.id] === true);
      try {
        context.setStatus(setWatchSelected(context, on));
      } catch (error) {
        context.setStatus(error instanceof Error ? error.message : String(error), 'warn');
      }
    },
  };
}

/** Ids to check in a table: the watched ones, and with `notify_all_uploads` every upload row. */
function idsToCheck(context: StoreContext, after: AppState, table: ResourceTableId): string[] {
  const watched = Object.keys(after.ui.watched[table] ?? {});
  if (table !== 'uploads' || !context.notifier.allUploads) return watched;
  return Object.keys(after.entities.uploads);
}

/**
 * Watched items a poll moved into a terminal state: their events go into the poll's batch
 * (`events`); the returned function writes the notifications once the batch is stored.
 */
export function watchNotices(
  context: StoreContext,
  before: AppState,
  after: AppState,
  events: NewEvent[],
): () => void {
  const watched = after.ui.watched;
  const nothingWatched = watchCount(watched) === 0 && !context.notifier.allUploads;
  if (before.entities === after.entities || nothingWatched) return () => {};
  const notices: Notice[] = [];
  const tables = new Set([...Object.keys(watched), 'uploads'] as TableId[]);
  for (const table of tables) {
    if (!isResourceTable(table) || before.entities[table] === after.entities[table]) continue;
    for (const id of idsToCheck(context, after, table)) {
      const previous = entityOf(before, table, id);
      const next = entityOf(after, table, id);
      // uploads this dashboard runs notify through their engine events
      if (!previous || !next || (table === 'uploads' && (next as EntityOf['uploads']).local)) continue;
      const from = statusOf(table, previous);
      const to = statusOf(table, next);
      if (from === to || !isTerminal(to)) continue;
      const notice = noticeOf(describeFinish(table, id, next, to));
      notices.push(notice);
      if (after.ui.notify !== 'off')
        events.push(
          eventFor(notice, to === 'failed' ? 'error' : 'info', context.notifier.describe(after.ui.notify)),
        );
    }
  }
  return () => {
    for (const notice of notices) context.notifier.emit(notice);
  };
}

function uploadNotice(event: UploadEvent, snapshot: UploadSnapshot | undefined): Notice | undefined {
  if (!snapshot) return undefined;
  const name = `upload ${snapshot.fileName}`;
  switch (event.type) {
    case 'done': {
      const asset = snapshot.assetId ? ` (asset ${rowId(snapshot.assetId)})` : '';
      const what = snapshot.indexedAssetId
        ? 'indexed'
        : snapshot.assetStatus === 'ready'
          ? 'ready'
          : 'uploaded';
      return noticeOf(`${name} ${what}${asset}`);
    }
    case 'failed':
    case 'expired':
      return noticeOf(`${name} ${event.type}${snapshot.lastError ? `: ${snapshot.lastError}` : ''}`);
    case 'blocked':
      return noticeOf(`${name} stopped: every chunk left failed (r retries)`);
    default:
      return undefined;
  }
}

/** An upload this dashboard runs finished, failed or stopped on failed chunks: notify. */
export function notifyUploadEvent(context: StoreContext, event: UploadEvent): void {
  const snapshot = 'snapshot' in event ? event.snapshot : context.uploads?.get(event.id);
  const notice = uploadNotice(event, snapshot);
  const mode = context.store.getState().ui.notify;
  if (!notice || mode === 'off') return;
  const level = event.type === 'done' ? 'info' : 'error';
  context.log([eventFor(notice, level, context.notifier.describe(mode))]);
  context.notifier.emit(notice);
}
