/**
 * Server upload sessions: the incomplete list is polled; a session that leaves it is
 * fetched once for its final status and then left alone.
 */
import { isDeepStrictEqual } from 'node:util';
import type { TwelveLabsApi } from '../../api/api.js';
import { isApiError } from '../../api/errors.js';
import type { IncompleteUpload } from '../../api/types.js';
import { shortId } from '../events.js';
import type { AppState, RemoteUploadProgress, UploadRow } from '../types.js';
import type { PollContext, PollStep, Write } from './step.js';

const MAX_PAGES = 10;
const MAX_SINGLE_GETS = 20;

export class UploadSessionsPoller implements PollStep {
  private dueAt = 0;
  private detailDueAt = 0;
  private interval: number | undefined;
  private listed = new Set<string>();

  constructor(private readonly api: TwelveLabsApi) {}

  nextDueAt(state: AppState): number {
    return remoteDetailOf(state) ? Math.min(this.dueAt, this.detailDueAt) : this.dueAt;
  }

  async poll(context: PollContext, out: Write[]): Promise<void> {
    const { state, now, force, intervals, signal } = context;
    const detail = remoteDetailOf(state);
    if (detail && (force || now >= this.detailDueAt)) {
      this.detailDueAt = now + intervals.detail;
      const status = await this.api.getUploadStatus(detail.id, { page: 1, page_limit: 1 }, { signal });
      out.push(
        writeRemote(detail.id, {
          chunksCompleted: status.chunks_completed,
          chunksFailed: status.chunks_failed,
          chunksPending: status.chunks_pending,
          uploadedSize: status.uploaded_size,
          totalSize: status.total_size,
        }),
      );
    }
    if (!force && now < this.dueAt) return;
    const sessions: IncompleteUpload[] = [];
    let total = 0;
    for (let page = 1; page <= MAX_PAGES; page++) {
      const result = await this.api.listIncompleteUploads({ page, page_limit: context.pageSize }, { signal });
      sessions.push(...result.data);
      total = result.page_info.total_results;
      if (page >= result.page_info.total_page || result.data.length === 0) break;
    }
    const listed = new Set(sessions.map((session) => session.upload_id));
    const gone = [...this.listed].filter((id) => !listed.has(id)).slice(0, MAX_SINGLE_GETS);
    const removed: string[] = [];
    for (const id of gone) {
      const stored = state.entities.uploads[id]?.session;
      try {
        const status = await this.api.getUploadStatus(id, { page: 1, page_limit: 1 }, { signal });
        if (stored) sessions.push({ ...stored, status: status.status });
      } catch (error) {
        if (!isApiError(error) || error.status !== 404) throw error;
        removed.push(id);
      }
    }
    this.listed = listed;
    const changed = sessions.some(
      (session) => !isDeepStrictEqual(state.entities.uploads[session.upload_id]?.session, session),
    );
    const visible = state.ui.view === 'uploads';
    const base = visible ? intervals.active : intervals.activeHidden;
    // a configured interval above the default cap is kept, not cut back by the cap
    const max = Math.max(base, visible ? intervals.activeMax : intervals.activeHiddenMax);
    this.interval = changed ? base : Math.min(max, Math.max(base, (this.interval ?? base) * 1.5));
    this.dueAt = now + this.interval;
    out.push(writeSessions(sessions, removed, total));
  }
}

/** The open detail, when it is a session this process does not run and its counts can still move. */
function remoteDetailOf(state: AppState): UploadRow | undefined {
  const detail = state.ui.detail;
  if (detail?.table !== 'uploads') return undefined;
  const row = state.entities.uploads[detail.id];
  if (!row?.session || row.local) return undefined;
  return row.session.status === 'active' || !row.remote ? row : undefined;
}

function writeRemote(id: string, remote: RemoteUploadProgress): Write {
  return (draft) => {
    const row = draft.state.entities.uploads[id];
    if (!row || isDeepStrictEqual(row.remote, remote)) return;
    const uploads = { ...draft.state.entities.uploads, [id]: { ...row, remote } };
    draft.state = { ...draft.state, entities: { ...draft.state.entities, uploads } };
  };
}

function writeSessions(
  sessions: readonly IncompleteUpload[],
  removed: readonly string[],
  total: number,
): Write {
  return (draft) => {
    const current = draft.state.entities.uploads;
    let rows: Record<string, UploadRow> | undefined;
    for (const session of sessions) {
      const id = session.upload_id;
      const row = (rows ?? current)[id];
      if (row?.session && isDeepStrictEqual(row.session, session)) continue;
      if (row?.session && row.session.status !== session.status) {
        draft.events.push({
          source: 'upload',
          message: `upload ${shortId(id)} ${row.session.status} -> ${session.status}`,
          level: session.status === 'failed' || session.status === 'expired' ? 'error' : 'info',
        });
      }
      rows ??= { ...current };
      rows[id] = { ...(row ?? { id }), session };
    }
    for (const id of removed) {
      const row = (rows ?? current)[id];
      if (!row?.session) continue;
      rows ??= { ...current };
      if (row.local) rows[id] = { id, local: row.local };
      else delete rows[id];
    }
    if (rows) draft.state = { ...draft.state, entities: { ...draft.state.entities, uploads: rows } };
    const collection = draft.state.collections.uploads;
    if (collection.total !== total || collection.activeTotal !== total) {
      draft.state = {
        ...draft.state,
        collections: { ...draft.state.collections, uploads: { ...collection, total, activeTotal: total } },
      };
    }
  };
}
