/**
 * Looks up lineage (src/store/lineage.ts) for the open detail and the followed chain, and polls
 * the followed chain's items at the detail rate until all are terminal. One single-flight loop;
 * a lookup runs when a detail opens whose group is unknown or old, never on every poll.
 */
import type { TwelveLabsApi } from '../../api/api.js';
import { isApiError } from '../../api/errors.js';
import { type Asset, type EmbedTask, isTerminal } from '../../api/types.js';
import type { StoreContext } from '../context.js';
import { errorLine, shortId } from '../events.js';
import {
  chainRefs,
  embedInputFilename,
  entityOf,
  FAMILY_LABEL,
  isItemTerminal,
  type LineageGroup,
  type LineageState,
  loadedMembers,
  refKey,
  rootOf,
  sameRef,
} from '../lineage.js';
import { mergeEntities, removeEntities } from '../merge.js';
import { ENTITY_NOUN, idOf, statusOf } from '../tables.js';
import type { AppState, DetailRef, EntityOf, PollIntervals, ResourceTableId } from '../types.js';
import { watchNotices } from '../watch.js';
import { PollLoop } from './loop.js';

/** A group looked up for an open detail is looked up again after this long. */
const GROUP_TTL_MS = 60_000;
/** While following, the chain's membership is looked up again every this many detail polls. */
const FOLLOW_REFRESH_POLLS = 10;
/** Embed v2 tasks are matched to an asset over at most this many pages (50 each). */
const EMBED_PAGES = 4;
/** Items of a chain fetched per poll. */
const MAX_CHAIN_GETS = 20;
/** Nothing to do: check again this late (a change of the detail or of follow pokes the loop). */
const IDLE_MS = 60_000;

type FetchedTable = Exclude<ResourceTableId, 'uploads'>;
type Fetched = { [T in FetchedTable]?: EntityOf[T][] };

function notFound(error: unknown): boolean {
  return isApiError(error) && (error.status === 404 || error.status === 400);
}

function versionOf(entity: object): string {
  const { status, updated_at, completed_at } = entity as Record<string, unknown>;
  return `${String(status)}|${String(updated_at)}|${String(completed_at)}`;
}

/** Lookups remembered (a long session opens many details; the oldest are forgotten). */
const MAX_ROOTS = 2_000;
const MAX_GROUPS = 500;

/** The last `max` entries of a map in insertion order. */
function newest<T>(map: Readonly<Record<string, T>>, max: number): Readonly<Record<string, T>> {
  const keys = Object.keys(map);
  return keys.length <= max ? map : Object.fromEntries(keys.slice(-max).map((key) => [key, map[key]!]));
}

function newestGroups(
  groups: Readonly<Record<string, LineageGroup>>,
  max: number,
): Readonly<Record<string, LineageGroup>> {
  const entries = Object.entries(groups);
  if (entries.length <= max) return groups;
  return Object.fromEntries(entries.sort(([, a], [, b]) => a.resolvedAt - b.resolvedAt).slice(-max));
}

/** The lineage without items the server no longer has. */
function withoutMembers(lineage: LineageState, gone: readonly DetailRef[]): LineageState {
  const groups: Record<string, LineageGroup> = {};
  for (const [assetId, group] of Object.entries(lineage.groups)) {
    const members = group.members.filter((member) => !gone.some((ref) => sameRef(ref, member)));
    groups[assetId] = members.length === group.members.length ? group : { ...group, members };
  }
  return { ...lineage, groups };
}

export class LineagePoller {
  readonly loop: PollLoop;
  private refreshSeq: number;
  private pollsSinceLookup = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly context: StoreContext,
    private readonly api: TwelveLabsApi,
    private readonly intervals: PollIntervals,
  ) {
    this.loop = new PollLoop(context.clock, (signal) => this.run(signal), intervals.jitter);
    const state = context.store.getState();
    this.refreshSeq = state.ui.refreshSeq;
    let previous = state;
    this.unsubscribe = context.store.subscribe((next) => {
      const before = previous;
      previous = next;
      if (next.ui.pollingPaused !== before.ui.pollingPaused) {
        if (next.ui.pollingPaused) this.loop.pause();
        else this.loop.resume();
      }
      if (
        next.ui.detail !== before.ui.detail ||
        next.lineage.follow !== before.lineage.follow ||
        next.ui.refreshSeq !== before.ui.refreshSeq
      ) {
        this.loop.poke(next.ui.refreshSeq !== before.ui.refreshSeq);
      }
    });
  }

  start(): void {
    this.loop.start();
    if (this.context.store.getState().ui.pollingPaused) this.loop.pause();
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    await this.loop.stop();
  }

  private get state(): AppState {
    return this.context.store.getState();
  }

  private async run(signal: AbortSignal): Promise<number> {
    const start = this.state;
    const follow = start.lineage.follow;
    const following = follow !== null && !follow.done;
    const refreshed = start.ui.refreshSeq !== this.refreshSeq;
    this.refreshSeq = start.ui.refreshSeq;
    // `R`: what was looked up is looked up again
    if (refreshed) this.writeLineage({ rootOf: {} });
    const detail = start.ui.detail;
    let current: DetailRef | null = null;
    try {
      if (detail && !sameRef(detail, follow?.ref)) {
        current = detail;
        await this.ensureResolved(detail, refreshed ? 0 : GROUP_TTL_MS, signal);
      }
      if (following) {
        current = follow.ref;
        const relook = refreshed || this.pollsSinceLookup >= FOLLOW_REFRESH_POLLS;
        const looked = await this.ensureResolved(
          follow.ref,
          relook ? 0 : FOLLOW_REFRESH_POLLS * this.intervals.detail,
          signal,
        );
        this.pollsSinceLookup = looked ? 0 : this.pollsSinceLookup + 1;
        await this.pollChain(follow.ref, signal);
        this.markDoneIfTerminal(follow.ref);
      }
      if (this.state.lineage.error) this.writeLineage({ error: undefined });
    } catch (error) {
      if (signal.aborted) return 0;
      const message = errorLine(error);
      this.writeLineage({ loading: null, error: { key: current ? refKey(current) : '', message } });
      return Math.max(this.intervals.detail, this.intervals.errorBase * 4);
    }
    const after = this.state;
    const still = after.lineage.follow;
    // an open detail whose item has not arrived yet is looked up as soon as it does
    const waiting = after.ui.detail !== null && rootOf(after, after.ui.detail) === undefined;
    return (still && !still.done) || waiting ? this.intervals.detail : IDLE_MS;
  }

  /** Finds the item's asset and the asset's group when unknown or older than `maxAge`; true when it looked. */
  private async ensureResolved(ref: DetailRef, maxAge: number, signal: AbortSignal): Promise<boolean> {
    let root = rootOf(this.state, ref);
    let inferred = false;
    if (root === undefined) {
      if (!entityOf(this.state, ref)) return false;
      this.writeLineage({ loading: refKey(ref) });
      const found = await this.lookUpRoot(ref, signal);
      root = found.root;
      inferred = found.inferred;
      const rootOfMap = { ...this.state.lineage.rootOf, [refKey(ref)]: root };
      this.writeLineage({ rootOf: rootOfMap, loading: root ? refKey(ref) : null });
    }
    if (!root) return false;
    const group = this.state.lineage.groups[root];
    if (group && this.context.clock.now() - group.resolvedAt <= maxAge) return false;
    this.writeLineage({ loading: refKey(ref) });
    await this.lookUpGroup(root, inferred ? ref : undefined, signal);
    return true;
  }

  /** The asset of an item whose own fields do not name it. */
  private async lookUpRoot(
    ref: DetailRef,
    signal: AbortSignal,
  ): Promise<{ root: string | null; inferred: boolean }> {
    const entity = entityOf(this.state, ref);
    const none = { root: null, inferred: false };
    if (ref.table === 'tasks' || ref.table === 'analyze') {
      // an indexing task's video id, or an analysis's video id, is the indexed asset's id
      const { indexId, videoId } =
        ref.table === 'tasks'
          ? {
              indexId: (entity as EntityOf['tasks']).index_id,
              videoId: (entity as EntityOf['tasks']).video_id,
            }
          : {
              indexId: (entity as EntityOf['analyze']).video_source?.index_id,
              videoId: (entity as EntityOf['analyze']).video_source?.video_id,
            };
      if (!indexId || !videoId) return none;
      try {
        const item = await this.api.getIndexedAsset(indexId, videoId, { signal });
        this.writeEntities({ indexedAssets: [item] });
        return { root: item.asset_id ?? null, inferred: false };
      } catch (error) {
        if (notFound(error)) return none;
        throw error;
      }
    }
    if (ref.table === 'embedV2') {
      // the API does not return the asset of an embed task: the one asset of the same file name
      const task = entity as EntityOf['embedV2'];
      const filename = embedInputFilename(task);
      if (!filename) return none;
      const page = await this.api.listAssets({ filename, page_limit: 50 }, { signal });
      const created = task.created_at ?? '';
      const matches = page.data.filter(
        (asset) => asset.filename === filename && (!created || (asset.created_at ?? '') <= created),
      );
      this.writeEntities({ assets: matches });
      return matches.length === 1 ? { root: matches[0]!._id, inferred: true } : none;
    }
    return none;
  }

  private async lookUpGroup(
    assetId: string,
    inferredRef: DetailRef | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    const fetched: Fetched = {};
    const members: DetailRef[] = [];
    const inferred: string[] = [];
    let asset: Asset | undefined = this.state.entities.assets[assetId];
    // a stored asset still processing may be older than the lookup: ask
    if (!asset || !isTerminal(asset.status)) {
      try {
        asset = await this.api.getAsset(assetId, { signal });
        fetched.assets = [asset];
      } catch (error) {
        if (!notFound(error)) throw error;
      }
    }
    const filename = asset?.filename;
    let indexIds = Object.keys(this.state.entities.indexes);
    if (indexIds.length === 0) {
      indexIds = (await this.api.listIndexes({ page_limit: 50 }, { signal })).data.map((index) => index._id);
    }
    const indexed: EntityOf['indexedAssets'][] = [];
    for (const indexId of indexIds) {
      try {
        const page = await this.api.listIndexedAssets(indexId, { page_limit: 50, filename }, { signal });
        indexed.push(...page.data.filter((item) => item.asset_id === assetId));
      } catch (error) {
        if (!notFound(error)) throw error;
      }
    }
    fetched.indexedAssets = indexed;
    const tasks: EntityOf['tasks'][] = [];
    for (const item of indexed) {
      const page = await this.api.listTasks(
        { index_id: item.index_id, filename: item.system_metadata?.filename ?? filename, page_limit: 50 },
        { signal },
      );
      tasks.push(...page.data.filter((task) => task.video_id === item._id));
    }
    fetched.tasks = tasks;
    fetched.analyze = (
      await this.api.listAnalyzeTasks({ asset_id: assetId, page_limit: 50 }, { signal })
    ).data;
    const embeds: EntityOf['embedV2'][] = [];
    if (filename) {
      for (let page = 1; page <= EMBED_PAGES; page++) {
        const result = await this.api.listEmbedV2Tasks(
          { page, page_limit: 50, started_at: asset?.created_at },
          { signal },
        );
        embeds.push(...result.data.filter((task) => embedInputFilename(task) === filename));
        if (page >= result.page_info.total_page || result.data.length === 0) break;
      }
    }
    fetched.embedV2 = embeds;
    for (const [table, items] of Object.entries(fetched) as [FetchedTable, EntityOf[FetchedTable][]][]) {
      if (table === 'assets') continue;
      for (const item of items) members.push({ table, id: idOf(table, item) });
    }
    // what is loaded but the lookup's filters missed (an asset without a file name, another page)
    members.push(...loadedMembers(this.state, assetId));
    for (const task of embeds) inferred.push(task._id);
    if (inferredRef && !members.some((ref) => sameRef(ref, inferredRef))) {
      members.push(inferredRef);
      inferred.push(inferredRef.id);
    }
    this.writeEntities(fetched);
    const group: LineageGroup = { assetId, members, inferred, resolvedAt: this.context.clock.now() };
    this.writeLineage({ groups: { ...this.state.lineage.groups, [assetId]: group }, loading: null });
  }

  /** Fetches the chain's items that can still change. */
  private async pollChain(ref: DetailRef, signal: AbortSignal): Promise<void> {
    const state = this.state;
    const refs = chainRefs(state, ref)
      .filter((item) => item.table !== 'uploads' && !isItemTerminal(state, item))
      .slice(0, MAX_CHAIN_GETS);
    const fetched: Fetched = {};
    const gone: DetailRef[] = [];
    for (const item of refs) {
      try {
        const entity = await this.fetchOne(state, item, signal);
        if (!entity) continue;
        const table = item.table as FetchedTable;
        (fetched[table] as unknown[] | undefined) ??= [];
        (fetched[table] as unknown[]).push(entity);
      } catch (error) {
        if (!notFound(error)) throw error;
        gone.push(item);
      }
    }
    this.writeEntities(fetched, gone, false);
    if (gone.some((item) => sameRef(item, ref))) {
      this.finishFollow(
        ref,
        `follow: ${FAMILY_LABEL[ref.table].toLowerCase()} ${ref.id.slice(-8)} no longer exists`,
      );
    }
  }

  private async fetchOne(
    state: AppState,
    ref: DetailRef,
    signal: AbortSignal,
  ): Promise<EntityOf[FetchedTable] | undefined> {
    const options = { signal };
    switch (ref.table) {
      case 'assets':
        return this.api.getAsset(ref.id, options);
      case 'tasks':
        return this.api.getTask(ref.id, options);
      case 'indexedAssets': {
        const indexId = state.entities.indexedAssets[ref.id]?.index_id;
        return indexId ? this.api.getIndexedAsset(indexId, ref.id, options) : undefined;
      }
      case 'embedV2':
        return this.api.getEmbedV2Task(ref.id, options);
      case 'embedV1': {
        const status = await this.api.getEmbedTaskStatus(ref.id, options);
        const merged: EmbedTask = { ...state.entities.embedV1[ref.id], ...status };
        return merged;
      }
      case 'analyze':
        return this.api.getAnalyzeTask(ref.id, options);
      default:
        return undefined;
    }
  }

  private markDoneIfTerminal(ref: DetailRef): void {
    const state = this.state;
    const follow = state.lineage.follow;
    if (!follow || follow.done || !sameRef(follow.ref, ref)) return;
    if (rootOf(state, ref) === undefined) return;
    const chain = chainRefs(state, ref);
    // an upload row the server no longer lists (its session ended) has nothing left to wait for
    const settled = (item: DetailRef) =>
      isItemTerminal(state, item) || (item.table === 'uploads' && !entityOf(state, item));
    if (!chain.every(settled)) return;
    this.finishFollow(
      ref,
      `follow: ${FAMILY_LABEL[ref.table].toLowerCase()} ${ref.id.slice(-8)} and its ${chain.length - 1} link(s) are done`,
    );
  }

  /** Ends the follow of `ref`: the strip says done and nothing of it is polled any more. */
  private finishFollow(ref: DetailRef, text: string): void {
    const follow = this.state.lineage.follow;
    if (!follow || follow.done || !sameRef(follow.ref, ref)) return;
    this.context.store.setState((current) => ({
      lineage: { ...current.lineage, follow: { ...follow, done: true } },
      ui: { ...current.ui, status: this.context.message(text) },
      events: this.context.withEvents(current.events, [{ source: 'follow', message: text }]),
    }));
  }

  // ---- writes ----

  private writeLineage(patch: Partial<LineageState>): void {
    const bounded = { ...patch };
    if (patch.rootOf) bounded.rootOf = newest(patch.rootOf, MAX_ROOTS);
    if (patch.groups) bounded.groups = newestGroups(patch.groups, MAX_GROUPS);
    this.context.store.setState((current) => ({ lineage: { ...current.lineage, ...bounded } }));
  }

  /** Merges fetched items into the entity tables (unchanged ones keep their references). */
  private writeEntities(fetched: Fetched, gone: readonly DetailRef[] = [], fromList = true): void {
    const tables = Object.keys(fetched) as FetchedTable[];
    if (tables.length === 0 && gone.length === 0) return;
    let notifyWatchers = (): void => {};
    this.context.store.setState((current) => {
      let entities = current.entities;
      const events: { source: string; message: string; level?: 'info' | 'error' }[] = [];
      for (const table of tables) {
        const map = entities[table] as Readonly<Record<string, EntityOf[FetchedTable]>>;
        // a list item (fewer fields) replaces a stored record only when its status or times moved
        const merged = mergeEntities<EntityOf[FetchedTable]>(map, fetched[table] ?? [], {
          idOf: (item) => idOf(table, item as never),
          statusOf: (item) => statusOf(table, item as never),
          detailed: fromList ? new Set(Object.keys(map)) : undefined,
          versionOf,
        });
        for (const { id, from, to } of merged.transitions) {
          events.push({
            source: ENTITY_NOUN[table],
            message: `${ENTITY_NOUN[table]} ${shortId(id)} ${from} -> ${to}`,
            level: to === 'failed' ? 'error' : 'info',
          });
        }
        if (merged.map !== map) entities = { ...entities, [table]: merged.map };
      }
      for (const ref of gone) {
        const map = entities[ref.table] as Readonly<Record<string, unknown>>;
        const next = removeEntities(map, [ref.id]);
        if (next !== map) entities = { ...entities, [ref.table]: next };
      }
      const lineage = gone.length > 0 ? withoutMembers(current.lineage, gone) : current.lineage;
      // a followed item may be watched too: it notifies wherever its last state lands
      notifyWatchers = watchNotices(this.context, current, { ...current, entities }, events);
      if (entities === current.entities && events.length === 0 && lineage === current.lineage) return {};
      return { entities, lineage, events: this.context.withEvents(current.events, events) };
    });
    notifyWatchers();
  }
}
