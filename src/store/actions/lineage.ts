/** Walking lineage links from the detail pane, its history, follow mode and `:open ID`. */
import { isApiError } from '../../api/errors.js';
import type { StoreContext } from '../context.js';
import {
  FAMILY_LABEL,
  findLoaded,
  type HistoryEntry,
  refKey,
  sameRef,
  selectedLinkIndex,
  selectLinks,
  VIEW_OF_TABLE,
} from '../lineage.js';
import { selectActiveTable, selectSelectedId } from '../selectors.js';
import {
  type AppActions,
  type DetailRef,
  type EntityOf,
  isResourceTable,
  type ResourceTableId,
} from '../types.js';

type LineageActions = Pick<AppActions, 'selectLink' | 'openLink' | 'linkBack' | 'toggleFollow' | 'openById'>;

/** Details kept to go back to. */
const MAX_HISTORY = 50;
const ID = /^[0-9a-f]{24}$/i;

function describe(ref: DetailRef): string {
  return `${FAMILY_LABEL[ref.table].toLowerCase()} ${ref.id.slice(-8)}`;
}

export function lineageActions(context: StoreContext): LineageActions {
  const { store } = context;
  const state = () => store.getState();

  /** Opens an item's detail in its view; `history` becomes the way back. */
  const open = (target: DetailRef, history: readonly HistoryEntry[], selected = 0): void => {
    store.setState((current) => {
      const view = VIEW_OF_TABLE[target.table];
      return {
        ui: {
          ...current.ui,
          view,
          tableOf: { ...current.ui.tableOf, [view]: target.table },
          detail: target,
        },
        lineage: {
          ...current.lineage,
          history: history.slice(-MAX_HISTORY),
          head: target,
          selected: { key: refKey(target), index: selected },
        },
      };
    });
  };

  /** The way back from the open detail: the history when we got here by a link, else a fresh one. */
  const historyFrom = (detail: DetailRef | null): readonly HistoryEntry[] => {
    if (!detail) return [];
    const { head, history } = state().lineage;
    const links = selectLinks(state(), detail);
    const entry = { ref: detail, selected: selectedLinkIndex(state(), detail, links.length) };
    return sameRef(head, detail) ? [...history, entry] : [entry];
  };

  const putEntity = <T extends ResourceTableId>(table: T, id: string, entity: EntityOf[T]): void => {
    store.setState((current) => ({
      entities: { ...current.entities, [table]: { ...current.entities[table], [id]: entity } },
    }));
  };

  /** Asks the server which family an id belongs to; undefined when none has it. */
  const lookUp = async (id: string): Promise<DetailRef | undefined> => {
    const { api } = context;
    const tries: [ResourceTableId, () => Promise<unknown>][] = [
      ['assets', () => api.getAsset(id)],
      ['tasks', () => api.getTask(id)],
      ['embedV2', () => api.getEmbedV2Task(id)],
      ['analyze', () => api.getAnalyzeTask(id)],
      ['embedV1', () => api.getEmbedTaskStatus(id)],
      ...Object.keys(state().entities.indexes).map((indexId): [ResourceTableId, () => Promise<unknown>] => [
        'indexedAssets',
        () => api.getIndexedAsset(indexId, id),
      ]),
    ];
    for (const [table, get] of tries) {
      try {
        const entity = (await get()) as EntityOf[typeof table];
        putEntity(table, id, entity);
        return { table, id };
      } catch (error) {
        if (isApiError(error) && (error.status === 404 || error.status === 400)) continue;
        throw new Error(`open: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return undefined;
  };

  return {
    selectLink(delta) {
      const detail = state().ui.detail;
      const links = selectLinks(state(), detail);
      if (!detail || links.length === 0) {
        context.setStatus(detail ? 'no links' : 'open a detail first (Enter)');
        return;
      }
      const current = selectedLinkIndex(state(), detail, links.length);
      const index = (current + delta + links.length * 2) % links.length;
      store.setState((s) => ({ lineage: { ...s.lineage, selected: { key: refKey(detail), index } } }));
    },
    openLink() {
      const detail = state().ui.detail;
      const links = selectLinks(state(), detail);
      if (!detail || links.length === 0) {
        context.setStatus('no links to open');
        return;
      }
      const target = links[selectedLinkIndex(state(), detail, links.length)]!.ref;
      open(target, historyFrom(detail));
    },
    linkBack() {
      const { ui, lineage } = state();
      const previous = lineage.history.at(-1);
      if (!ui.detail || !previous || !sameRef(lineage.head, ui.detail)) {
        context.setStatus('no link to go back along (b goes back after Enter on a link)');
        return;
      }
      open(previous.ref, lineage.history.slice(0, -1), previous.selected);
    },
    toggleFollow() {
      const current = state();
      if (current.lineage.follow) {
        store.setState((s) => ({
          lineage: { ...s.lineage, follow: null },
          ui: { ...s.ui, status: context.message('stopped following') },
        }));
        return;
      }
      let ref = current.ui.detail;
      if (!ref) {
        const table = selectActiveTable(current);
        const id = isResourceTable(table) ? selectSelectedId(current, table) : undefined;
        ref = id === undefined || !isResourceTable(table) ? null : { table, id };
      }
      if (!ref) {
        context.setStatus('nothing to follow: select a row first');
        return;
      }
      const target = ref;
      store.setState((s) => ({
        lineage: { ...s.lineage, follow: { ref: target, done: false } },
        ui: { ...s.ui, status: context.message(`following ${describe(target)} and its links (f stops)`) },
      }));
    },
    async openById(text) {
      const id = text.trim();
      if (id === '') throw new Error('usage: :open ID');
      const found = findLoaded(state(), id);
      if (found.length > 1) throw new Error(`${id} matches ${found.length} items; type more of the id`);
      let target = found[0];
      if (!target) {
        if (!ID.test(id)) throw new Error(`no loaded item has the id ${id}`);
        target = await lookUp(id);
      }
      if (!target) throw new Error(`no item has the id ${id}`);
      open(target, historyFrom(state().ui.detail));
    },
  };
}
