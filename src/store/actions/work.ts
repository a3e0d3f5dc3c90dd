/** Work on the selected row: uploads (retry, pause, cancel), indexing, deleting, quitting. */

import { basename } from 'node:path';
import { assetTypeOf } from '../../upload/asset-type.js';
import type { StoreContext } from '../context.js';
import { errorLine, shortId } from '../events.js';
import { hasRunningUploads, selectSelectedItem } from '../selectors.js';
import type { AppActions, Collection, ConfirmPurpose, DetailRef, ResourceTableId } from '../types.js';
import { deleteRefusal, explainDeleteError } from './deletable.js';
import type { PromptHandlers } from './prompts.js';
import { parseUploadLine } from './upload-line.js';

type WorkActions = Pick<
  AppActions,
  | 'retrySelected'
  | 'copySelectedId'
  | 'pauseSelected'
  | 'cancelSelected'
  | 'deleteSelected'
  | 'quit'
  | 'confirmYes'
  | 'confirmNo'
>;

function withoutIn(
  pages: Readonly<Record<number, readonly string[]>>,
  id: string,
): Record<number, readonly string[]> | undefined {
  const entry = Object.entries(pages).find(([, ids]) => ids.includes(id));
  if (!entry) return undefined;
  return { ...pages, [entry[0]]: entry[1].filter((other) => other !== id) };
}

/** The collection without a deleted row (its page and total shrink until the next refresh). */
export function withoutRow(collection: Collection, id: string): Collection {
  const less = (total: number | undefined) => (total === undefined ? undefined : Math.max(0, total - 1));
  if (collection.groups) {
    const groups = collection.groups.map((group) => {
      const pages = withoutIn(group.pages, id);
      return pages ? { ...group, pages, total: less(group.total) } : group;
    });
    return { ...collection, groups };
  }
  const pages = withoutIn(collection.pages, id);
  return pages ? { ...collection, pages, total: less(collection.total) } : collection;
}

export function workActions(context: StoreContext): WorkActions & PromptHandlers {
  const { store, setUi } = context;
  const state = () => store.getState();

  const selected = (): DetailRef | undefined => selectSelectedItem(state());

  /** The engine's id of the selected upload row, when it is one the engine runs. */
  const selectedLocalUpload = (): string | undefined => {
    const row = selected();
    if (row?.table !== 'uploads') return undefined;
    return state().entities.uploads[row.id]?.local?.id;
  };

  const confirm = (purpose: ConfirmPurpose, message: string): void =>
    setUi({ overlay: { kind: 'confirm', purpose, message } });

  /** Runs an engine or API call; its result is a status-bar line and an event, never a throw. */
  const attempt = async (what: string, run: () => Promise<void>, done?: string): Promise<void> => {
    try {
      await run();
      if (done) {
        context.setStatus(done);
        context.log([{ source: 'action', message: done }]);
      }
    } catch (error) {
      const text = `${what} failed: ${errorLine(error)}`;
      context.setStatus(text, 'error');
      context.log([{ source: 'action', message: text, level: 'error' }]);
    }
  };

  const deleteEntity = async (table: ResourceTableId, id: string): Promise<void> => {
    if (table !== 'tasks' && table !== 'analyze') throw new Error('this row cannot be deleted');
    await (table === 'tasks' ? context.api.deleteTask(id) : context.api.deleteAnalyzeTask(id)).catch(
      (error: unknown) => {
        throw explainDeleteError(table, error);
      },
    );
    store.setState((current) => {
      const { [id]: _removed, ...rest } = current.entities[table] as Record<string, unknown>;
      return {
        entities: { ...current.entities, [table]: rest },
        collections: { ...current.collections, [table]: withoutRow(current.collections[table], id) },
        ui: { ...current.ui, detail: current.ui.detail?.id === id ? null : current.ui.detail },
      };
    });
    context.log([{ source: table === 'tasks' ? 'task' : 'analysis', message: `${shortId(id)} deleted` }]);
    state().actions.refreshNow();
  };

  // the table's ID column shows the server's upload id; the engine's own run id is listed nowhere
  const uploadName = (id: string): string => `upload ${shortId(context.uploads?.get(id)?.uploadId ?? id)}`;

  const findIndex = (ref: string): string | undefined => {
    const indexes = state().entities.indexes;
    if (indexes[ref]) return ref;
    return Object.values(indexes).find((index) => index.index_name === ref)?._id;
  };

  return {
    async retrySelected() {
      const id = selectedLocalUpload();
      if (!id || !context.uploads) {
        context.setStatus('nothing to retry here', 'warn');
        return;
      }
      const uploads = context.uploads;
      await attempt('retry', () => uploads.retry(id), `${uploadName(id)}: retrying failed chunks`);
    },
    async pauseSelected() {
      const id = selectedLocalUpload();
      const uploads = context.uploads;
      const snapshot = id ? uploads?.get(id) : undefined;
      if (!id || !uploads || !snapshot) {
        context.setStatus('select an upload started here to pause it', 'warn');
        return;
      }
      const name = uploadName(id);
      if (snapshot.phase === 'paused') await attempt('resume', () => uploads.resume(id), `${name} resumed`);
      else await attempt('pause', () => uploads.pause(id), `${name} paused (x resumes)`);
    },
    cancelSelected() {
      const id = selectedLocalUpload();
      if (!id) {
        context.setStatus('select an upload started here to cancel it', 'warn');
        return;
      }
      confirm({ action: 'cancelUpload', id }, `Cancel ${uploadName(id)}? It cannot be resumed.`);
    },
    copySelectedId() {
      const row = selected();
      if (!row) {
        context.setStatus('select a row to copy its id', 'warn');
        return;
      }
      if (!context.clipboard) {
        context.setStatus(`copy needs a terminal; the id is ${row.id}`, 'warn');
        return;
      }
      context.clipboard(row.id);
      context.setStatus(`copied ${row.id}`);
      context.log([{ source: 'action', message: `copied id ${shortId(row.id)}` }]);
    },
    deleteSelected() {
      const row = selected();
      if (!row || (row.table !== 'tasks' && row.table !== 'analyze')) {
        context.setStatus('only indexing and analyze tasks can be deleted', 'warn');
        return;
      }
      const refusal = deleteRefusal(row.table, state().entities[row.table][row.id]?.status);
      if (refusal) {
        context.setStatus(refusal, 'warn');
        context.log([
          { source: 'action', message: `${shortId(row.id)} not deleted: ${refusal}`, level: 'warn' },
        ]);
        return;
      }
      confirm(
        { action: 'delete', table: row.table, id: row.id },
        `Delete ${shortId(row.id)}? This cannot be undone.`,
      );
    },
    quit() {
      if (hasRunningUploads(state())) {
        confirm({ action: 'quit' }, 'Uploads are running. Quit and leave them resumable?');
        return;
      }
      setUi({ quitRequested: true });
    },
    async confirmYes() {
      const overlay = state().ui.overlay;
      if (overlay.kind !== 'confirm') return;
      setUi({ overlay: { kind: 'none' } });
      const purpose = overlay.purpose;
      if (purpose.action === 'quit') setUi({ quitRequested: true });
      else if (purpose.action === 'delete')
        await attempt(
          'delete',
          () => deleteEntity(purpose.table, purpose.id),
          `deleted ${shortId(purpose.id)}`,
        );
      else if (purpose.action === 'cancelUpload') {
        const uploads = context.uploads;
        if (uploads)
          await attempt('cancel', () => uploads.cancel(purpose.id), `${uploadName(purpose.id)} cancelled`);
      }
    },
    confirmNo() {
      if (state().ui.overlay.kind === 'confirm') setUi({ overlay: { kind: 'none' } });
    },
    async submitUpload(line) {
      const { path, type, index } = parseUploadLine(line);
      if (!context.uploads) throw new Error('uploads are not available here');
      const indexId = index === undefined ? undefined : findIndex(index);
      if (index !== undefined && !indexId) throw new Error(`no index named ${index}`);
      await context.uploads.start({
        path,
        type: type ?? assetTypeOf(path, context.uploadType),
        ...(indexId && { indexId }),
      });
      const then = indexId ? `; indexed into ${index} once ready` : '';
      // the engine's run id is shown nowhere (the table lists the server's upload id): the name is
      setUi({ view: 'uploads', status: context.message(`upload ${basename(path)} started${then}`) });
    },
    async submitIndex(ref) {
      const row = selected();
      const asset = row?.table === 'assets' ? state().entities.assets[row.id] : undefined;
      if (!asset) throw new Error('select an asset first');
      if (asset.status !== 'ready')
        throw new Error(`asset is ${asset.status}; only ready assets can be indexed`);
      const indexId = findIndex(ref);
      if (!indexId) throw new Error(`no index named ${ref || '(empty)'}`);
      const created = await context.api.createIndexedAsset(indexId, { asset_id: asset._id });
      setUi({
        indexId,
        status: context.message(`indexing ${shortId(asset._id)} as ${shortId(created._id)}`),
      });
      context.log([{ source: 'asset', message: `${shortId(asset._id)} sent to index ${shortId(indexId)}` }]);
    },
    indexNames: () => Object.values(state().entities.indexes).map((index) => index.index_name),
  };
}
