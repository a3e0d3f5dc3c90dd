/**
 * The polling policy for one server collection:
 * - pages around the selection are fetched when missing and refreshed slowly;
 * - only non-terminal items are polled (status-filtered lists, or one by one when the
 *   list has no status filter); an item that leaves the active set is fetched once more
 *   for its final state and then never again;
 * - the open detail is polled faster until it is terminal;
 * - hidden tables poll slower, and the active poll backs off while nothing changes.
 */
import { isApiError } from '../../api/errors.js';
import type { Page } from '../../api/types.js';
import { isTerminal } from '../../api/types.js';
import { shortId } from '../events.js';
import { mergeEntities, removeEntities, sameIds } from '../merge.js';
import { selectActiveTable } from '../selectors.js';
import { ENTITY_NOUN, emptyCollection, idOf, localFilterOf, sortSpec, statusOf } from '../tables.js';
import type { AppState, Collection, EntityOf } from '../types.js';
import { watchedIds } from '../watch.js';
import {
  firstPages,
  idsOnPages,
  isLoaded,
  onlyPages,
  type PageRef,
  union,
  wantedPages,
  withGroupPage,
} from './pages.js';
import type { CollectionSource, CollectionTable, ListPage } from './sources.js';
import type { Draft, PollContext, PollStep, Write } from './step.js';

/** At most this many pages of active items per list call (50 each). */
const MAX_ACTIVE_PAGES = 20;
/** At most this many items fetched one by one per poll. */
const MAX_SINGLE_GETS = 20;

type Entity<T extends CollectionTable> = EntityOf[T];

function versionOf(entity: object): string {
  const { status, updated_at, completed_at } = entity as Record<string, unknown>;
  return `${String(status)}|${String(updated_at)}|${String(completed_at)}`;
}

export class CollectionPoller<T extends CollectionTable> implements PollStep {
  private activeDueAt = 0;
  private windowDueAt = 0;
  private detailDueAt = 0;
  private watchDueAt = 0;
  private activeInterval: number | undefined;
  private wasVisible = false;
  /** ids seen non-terminal at the last active poll */
  private knownActive = new Set<string>();
  /** ids whose stored record came from a detail call */
  private readonly detailed = new Set<string>();
  private nonTerminalCache: { map: object; ids: string[] } | undefined;
  /** size of the entity map last measured against the cap (an unchanged map is not counted again) */
  private counted: { map: object; count: number } | undefined;

  constructor(private readonly source: CollectionSource<T>) {}

  private get table(): T {
    return this.source.table;
  }

  nextDueAt(state: AppState): number {
    if (!this.source.query(state)) return Number.POSITIVE_INFINITY;
    if (this.missingPages(state, state.collections[this.table], this.isVisible(state)).length > 0) return 0;
    let due = Math.min(this.activeDueAt, this.windowDueAt);
    if (this.detailWanted(state)) due = Math.min(due, this.detailDueAt);
    if (this.watchedRunning(state).length > 0) due = Math.min(due, this.watchDueAt);
    if (this.isVisible(state) && !this.wasVisible) due = 0;
    return due;
  }

  async poll(context: PollContext, out: Write[]): Promise<void> {
    const { state, now, force, intervals } = context;
    const query = this.source.query(state);
    if (!query) return;
    const visible = this.isVisible(state);
    const becameVisible = visible && !this.wasVisible;
    this.wasVisible = visible;

    let collection = state.collections[this.table];
    if (collection.queryKey !== query.key) {
      collection = emptyCollection(state.ui, this.table, context.pageSize);
      out.push(this.resetCollection(collection));
      this.windowDueAt = 0;
    }

    // pages around the selection (and, on a refresh, every first page: they tell the totals)
    const refreshWindow = force || becameVisible || now >= this.windowDueAt;
    const wanted = refreshWindow
      ? union(this.wantedPages(state, collection, visible), firstPages(collection))
      : this.missingPages(state, collection, visible);
    let lastPage = Number.POSITIVE_INFINITY;
    for (const ref of wanted) {
      if (ref.group === undefined && ref.page > lastPage) continue;
      const status = ref.group === undefined ? undefined : collection.groups?.[ref.group]?.status;
      const result = await query.list(ref.page, collection.pageSize, context.signal, status);
      if (ref.group === undefined) lastPage = Math.max(1, result.page_info.total_page);
      out.push(this.writePage(query.key, ref, result));
    }
    if (refreshWindow) this.windowDueAt = now + (visible ? intervals.window : intervals.windowHidden);

    // what can still change
    if (force || becameVisible || now >= this.activeDueAt) {
      const changed = await this.pollActive(context, out);
      const base = visible ? intervals.active : intervals.activeHidden;
      // a configured interval above the default cap is kept, not cut back by the cap
      const max = Math.max(base, visible ? intervals.activeMax : intervals.activeHiddenMax);
      const previous = this.activeInterval ?? base;
      this.activeInterval = changed || becameVisible ? base : Math.min(max, Math.max(base, previous * 1.5));
      this.activeDueAt = now + this.activeInterval;
    }

    // the open detail
    if (this.detailWanted(state) && (force || now >= this.detailDueAt)) {
      const id = state.ui.detail!.id;
      this.detailDueAt = now + intervals.detail;
      await this.fetchOne(state, id, context.signal, out);
    }

    // watched items, like the open detail, until they are terminal
    const watched = this.watchedRunning(state);
    if (watched.length > 0 && (force || now >= this.watchDueAt)) {
      this.watchDueAt = now + intervals.detail;
      for (const id of watched.slice(0, MAX_SINGLE_GETS)) await this.fetchOne(state, id, context.signal, out);
    }
    out.push(
      this.prune(
        context.maxEntities,
        union(this.wantedPages(state, collection, visible), firstPages(collection)),
      ),
    );
  }

  private isVisible(state: AppState): boolean {
    return selectActiveTable(state) === this.table;
  }

  private detailWanted(state: AppState): boolean {
    const detail = state.ui.detail;
    if (detail?.table !== this.table) return false;
    const entity = (state.entities[this.table] as Record<string, Entity<T>>)[detail.id];
    return !entity || !isTerminal(statusOf(this.table, entity)) || !this.detailed.has(detail.id);
  }

  /** Watched ids still running (the open detail is polled on its own). */
  private watchedRunning(state: AppState): string[] {
    const map = state.entities[this.table] as Record<string, Entity<T>>;
    return watchedIds(state.ui, this.table).filter((id) => {
      const entity = map[id];
      return entity !== undefined && state.ui.detail?.id !== id && !isTerminal(statusOf(this.table, entity));
    });
  }

  /** Server pages the table needs now: around the selection when visible, else what tells the total. */
  private wantedPages(state: AppState, collection: Collection, visible: boolean): PageRef[] {
    if (!visible) return wantedPages(collection, null);
    const selection = state.ui.selection[this.table];
    const rows = state.ui.pageRows;
    const spec = sortSpec(this.table, state.ui.sort[this.table]);
    const local = !spec.server || localFilterOf(this.table, state.ui.filter[this.table]) !== undefined;
    // a local sort or filter works on loaded rows, so they load from the top down
    const from = local ? 0 : Math.max(0, selection - rows);
    return wantedPages(collection, { from, to: selection + 2 * rows });
  }

  private missingPages(state: AppState, collection: Collection, visible: boolean): PageRef[] {
    const query = this.source.query(state);
    if (query && collection.queryKey !== query.key) return [{ page: 1 }];
    return this.wantedPages(state, collection, visible).filter((ref) => !isLoaded(collection, ref));
  }

  /** Polls the non-terminal items; true when anything they show changed. */
  private async pollActive(context: PollContext, out: Write[]): Promise<boolean> {
    const { state, signal } = context;
    const lists = this.source.active?.(state);
    const items: Entity<T>[] = [];
    const activeIds = new Set<string>();
    let activeTotal = 0;
    for (const list of lists ?? []) {
      const { data, total } = await this.listAll(list, context.pageSize, signal);
      activeTotal += total;
      for (const item of data) {
        items.push(item);
        activeIds.add(idOf(this.table, item));
      }
    }
    const stored = state.entities[this.table] as Readonly<Record<string, Entity<T>>>;
    // items that left the active set (or, without a status filter, every active one)
    const toFetch = new Set<string>();
    for (const id of [...this.knownActive, ...this.nonTerminalIds(stored)]) {
      if (!activeIds.has(id)) toFetch.add(id);
    }
    const singles = [...toFetch].slice(0, MAX_SINGLE_GETS);
    const removed: string[] = [];
    for (const id of singles) {
      try {
        const item = await this.source.get(state, id, signal);
        items.push(item);
        if (!isTerminal(statusOf(this.table, item))) activeIds.add(id);
      } catch (error) {
        if (!isApiError(error) || error.status !== 404) throw error;
        removed.push(id);
      }
    }
    // ids not fetched this time stay known so the next poll gets them
    for (const id of [...toFetch].slice(MAX_SINGLE_GETS)) activeIds.add(id);
    this.knownActive = activeIds;

    const merged = mergeEntities(stored, items, this.mergeOptions());
    const changed = merged.map !== stored || removed.some((id) => id in stored);
    const unseen = items.some((item) => !(idOf(this.table, item) in stored));
    if (unseen) this.windowDueAt = 0;
    out.push(this.writeEntities(items, removed, lists ? activeTotal : undefined));
    return changed;
  }

  private async listAll(
    list: ListPage<Entity<T>>,
    pageSize: number,
    signal: AbortSignal,
  ): Promise<{ data: Entity<T>[]; total: number }> {
    const data: Entity<T>[] = [];
    let total = 0;
    for (let page = 1; page <= MAX_ACTIVE_PAGES; page++) {
      const result: Page<Entity<T>> = await list(page, pageSize, signal);
      data.push(...result.data);
      total = result.page_info.total_results;
      if (page >= result.page_info.total_page || result.data.length === 0) break;
    }
    return { data, total };
  }

  private async fetchOne(state: AppState, id: string, signal: AbortSignal, out: Write[]): Promise<void> {
    try {
      const item = await this.source.get(state, id, signal);
      this.detailed.add(id);
      out.push(this.writeEntities([item], [], undefined, true));
    } catch (error) {
      if (!isApiError(error) || error.status !== 404) throw error;
      out.push(this.writeEntities([], [id], undefined));
    }
  }

  private nonTerminalIds(map: Readonly<Record<string, Entity<T>>>): string[] {
    if (this.nonTerminalCache?.map !== map) {
      const ids = Object.entries(map)
        .filter(([, entity]) => !isTerminal(statusOf(this.table, entity)))
        .map(([id]) => id);
      this.nonTerminalCache = { map, ids };
    }
    return this.nonTerminalCache.ids;
  }

  private mergeOptions() {
    return {
      idOf: (item: Entity<T>) => idOf(this.table, item),
      statusOf: (item: Entity<T>) => statusOf(this.table, item),
      detailed: this.detailed,
      versionOf,
    };
  }

  // ---- writes (applied to the draft of the whole poll) ----

  private resetCollection(collection: Collection): Write {
    return (draft) => {
      draft.state = {
        ...draft.state,
        collections: { ...draft.state.collections, [this.table]: collection },
      };
    };
  }

  private writeEntities(
    items: readonly Entity<T>[],
    removed: readonly string[],
    activeTotal: number | undefined,
    fromDetail = false,
  ): Write {
    return (draft) => {
      const table = this.table;
      const current = draft.state.entities[table] as Readonly<Record<string, Entity<T>>>;
      const options = fromDetail ? { ...this.mergeOptions(), detailed: undefined } : this.mergeOptions();
      const merged = mergeEntities(current, items, options);
      const map = removeEntities(merged.map, removed);
      for (const { id, from, to } of merged.transitions) {
        draft.events.push({
          source: ENTITY_NOUN[table],
          message: `${ENTITY_NOUN[table]} ${shortId(id)} ${from} -> ${to}`,
          level: to === 'failed' ? 'error' : 'info',
        });
      }
      if (map !== current)
        draft.state = { ...draft.state, entities: { ...draft.state.entities, [table]: map } };
      const collection = draft.state.collections[table];
      if (activeTotal !== undefined && collection.activeTotal !== activeTotal) {
        this.setCollection(draft, { ...collection, activeTotal });
      }
    };
  }

  private writePage(queryKey: string, ref: PageRef, result: Page<Entity<T>>): Write {
    const ids = result.data.map((item) => idOf(this.table, item));
    const total = result.page_info.total_results;
    const entities = this.writeEntities(result.data, [], undefined);
    return (draft: Draft) => {
      entities(draft);
      const collection = draft.state.collections[this.table];
      if (collection.queryKey !== queryKey) return;
      if (ref.group !== undefined) {
        const group = collection.groups?.[ref.group];
        if (!group || (sameIds(group.pages[ref.page], ids) && group.total === total)) return;
        const groups = collection.groups!.map((other, index) =>
          index === ref.group ? withGroupPage(other, ref.page, ids, total) : other,
        );
        this.setCollection(draft, { ...collection, groups });
        return;
      }
      if (sameIds(collection.pages[ref.page], ids) && collection.total === total) return;
      // when the total moved, rows shifted between pages: the others are fetched again
      const pages =
        collection.total === total ? { ...collection.pages, [ref.page]: ids } : { [ref.page]: ids };
      this.setCollection(draft, { ...collection, pages, total });
    };
  }

  /**
   * Beyond `max` entities: pages other than `keep` (the window and the first pages) are let go,
   * then every entity no remaining page shows that is neither running nor open.
   */
  private prune(max: number, keep: readonly PageRef[]): Write {
    return (draft) => {
      const map = draft.state.entities[this.table] as Readonly<Record<string, Entity<T>>>;
      if (map !== this.counted?.map) this.counted = { map, count: Object.keys(map).length };
      if (this.counted.count <= max) return;
      const ids = Object.keys(map);
      const collection = onlyPages(draft.state.collections[this.table], keep);
      if (collection !== draft.state.collections[this.table]) this.setCollection(draft, collection);
      const kept = idsOnPages(collection);
      for (const id of this.knownActive) kept.add(id);
      const open = draft.state.ui.detail;
      if (open?.table === this.table) kept.add(open.id);
      for (const id of watchedIds(draft.state.ui, this.table)) kept.add(id);
      const dropped = ids.filter((id) => !kept.has(id));
      if (dropped.length === 0) return;
      for (const id of dropped) this.detailed.delete(id);
      const entities = { ...draft.state.entities, [this.table]: removeEntities(map, dropped) };
      draft.state = { ...draft.state, entities };
    };
  }

  private setCollection(draft: Draft, collection: Collection): void {
    draft.state = { ...draft.state, collections: { ...draft.state.collections, [this.table]: collection } };
  }
}
