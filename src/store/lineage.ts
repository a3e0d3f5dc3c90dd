/**
 * Lineage: which items were made from the same asset. An upload session makes an asset; an
 * asset is indexed (indexed assets, mirrored by indexing tasks whose `video_id` is the indexed
 * asset's id), embedded (embed v2 tasks) and analyzed (analyze tasks, `video_source.asset_id`).
 * Every item's links are the other items of its asset's group: what is loaded, plus what the
 * lookup (pollers/lineage.ts) found for the open detail or the followed chain.
 */
import type { AnalyzeTask, EmbedV2Task, IndexedAsset, Task } from '../api/types.js';
import { isTerminal } from '../api/types.js';
import { TERMINAL_PHASES, type UploadPhase } from '../upload/types.js';
import { idOf, nameOf, statusOf } from './tables.js';
import type { AppState, DetailRef, EntityOf, ResourceTableId, ViewId } from './types.js';

/** The items found from one asset by the last lookup. */
export interface LineageGroup {
  assetId: string;
  members: readonly DetailRef[];
  /** ids linked by the same file name only (the API does not return an embed task's asset) */
  inferred: readonly string[];
  /** epoch ms of the lookup */
  resolvedAt: number;
}

/** A detail left by following a link, and which of its links was selected. */
export interface HistoryEntry {
  ref: DetailRef;
  selected: number;
}

export interface FollowState {
  ref: DetailRef;
  /** every item of the chain is terminal: no more polling */
  done: boolean;
}

export interface LineageState {
  /** the asset an item was made from, by refKey; null: it has none (or none the API tells) */
  rootOf: Readonly<Record<string, string | null>>;
  groups: Readonly<Record<string, LineageGroup>>;
  /** refKey of the item being looked up */
  loading: string | null;
  /** the last lookup's failure, one line, for the item it was about */
  error?: { key: string; message: string };
  /** the selected link of the detail named by `key` (another detail starts at 0) */
  selected: { key: string; index: number };
  /** details left by following links (newest last); valid while `head` is the open detail */
  history: readonly HistoryEntry[];
  head: DetailRef | null;
  follow: FollowState | null;
}

export function initialLineage(): LineageState {
  return {
    rootOf: {},
    groups: {},
    loading: null,
    selected: { key: '', index: 0 },
    history: [],
    head: null,
    follow: null,
  };
}

export function refKey(ref: DetailRef): string {
  return `${ref.table}:${ref.id}`;
}

export function sameRef(a: DetailRef | null | undefined, b: DetailRef | null | undefined): boolean {
  return Boolean(a && b && a.table === b.table && a.id === b.id);
}

/** The view that shows a table. */
export const VIEW_OF_TABLE: Readonly<Record<ResourceTableId, ViewId>> = {
  uploads: 'uploads',
  assets: 'assets',
  tasks: 'indexing',
  indexedAssets: 'indexing',
  embedV2: 'embeddings',
  embedV1: 'embeddings',
  analyze: 'analyses',
};

/** Family words of link lines, in the order links are listed (upload first, analyses last). */
export const FAMILY_LABEL: Readonly<Record<ResourceTableId, string>> = {
  uploads: 'Upload',
  assets: 'Asset',
  indexedAssets: 'Indexed asset',
  tasks: 'Indexing task',
  embedV2: 'Embed v2',
  embedV1: 'Embed v1',
  analyze: 'Analysis',
};

const FAMILY_ORDER: readonly ResourceTableId[] = [
  'uploads',
  'assets',
  'indexedAssets',
  'tasks',
  'embedV2',
  'embedV1',
  'analyze',
];

export function entityOf(state: AppState, ref: DetailRef): EntityOf[ResourceTableId] | undefined {
  const map = state.entities[ref.table] as Readonly<Record<string, EntityOf[ResourceTableId]>> | undefined;
  return map?.[ref.id];
}

/** The file name an embed v2 task was made from (retrieve sends `metadata`, list items the older shapes). */
export function embedInputFilename(task: EmbedV2Task): string | undefined {
  const name =
    task.metadata?.input_filename ??
    task.video_embedding?.metadata?.input_filename ??
    task.audio_embedding?.metadata?.input_filename;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/**
 * The asset an item was made from, when the item itself says so: undefined = ask the API
 * (pollers/lineage.ts), null = it has no asset.
 */
export function directRoot(state: AppState, ref: DetailRef): string | null | undefined {
  const entity = entityOf(state, ref);
  switch (ref.table) {
    case 'assets':
      return ref.id;
    case 'uploads': {
      const row = entity as EntityOf['uploads'] | undefined;
      // a session listed by the server does not name its asset; the engine that runs it does
      return row?.local?.assetId ?? null;
    }
    case 'indexedAssets':
      return (entity as IndexedAsset | undefined)?.asset_id ?? undefined;
    case 'analyze': {
      const source = (entity as AnalyzeTask | undefined)?.video_source;
      if (!entity) return undefined;
      if (source?.asset_id) return source.asset_id;
      return source?.video_id && source.index_id ? undefined : null;
    }
    case 'tasks': {
      const task = entity as Task | undefined;
      if (!task) return undefined;
      return task.video_id && task.index_id ? undefined : null;
    }
    case 'embedV2':
      return entity && !embedInputFilename(entity as EmbedV2Task) ? null : undefined;
    // v1 tasks take a file or a URL, never an asset
    case 'embedV1':
      return null;
  }
}

/** The asset of an item: what it says itself, else what a lookup found; undefined = not known yet. */
export function rootOf(state: AppState, ref: DetailRef): string | null | undefined {
  const direct = directRoot(state, ref);
  if (direct !== undefined) return direct;
  const found = state.lineage.rootOf[refKey(ref)];
  return found;
}

/** Why an item has no links, when the API cannot tell its asset; undefined when it may have some. */
export function noLinksReason(state: AppState, ref: DetailRef): string | undefined {
  if (rootOf(state, ref) !== null) return undefined;
  switch (ref.table) {
    case 'uploads':
      return 'the server does not say which asset a session it lists made';
    case 'embedV1':
      return 'v1 embedding tasks take a file or a URL, never an asset';
    case 'embedV2':
      return 'the API does not return its asset, and no one asset has its file name';
    case 'tasks':
      return 'indexed from a file or URL (POST /tasks), not from an asset';
    case 'analyze':
      return 'its source is a URL or a file, not an asset';
    default:
      return undefined;
  }
}

export interface LinkItem {
  ref: DetailRef;
  family: string;
  /** sanitised by the component that renders it */
  status: string;
  name: string;
  /** linked by the same file name only */
  inferred: boolean;
  /** not loaded: status and name unknown */
  missing: boolean;
}

/**
 * Loaded items made from the asset: a scan of the loaded tables, done by the lookup
 * (pollers/lineage.ts) when it runs, never on a render, so an open detail costs nothing per poll.
 */
export function loadedMembers(state: AppState, assetId: string): DetailRef[] {
  const { indexedAssets, tasks, analyze } = state.entities;
  const refs: DetailRef[] = [];
  const indexed = new Set<string>();
  for (const item of Object.values(indexedAssets)) {
    if (item.asset_id !== assetId) continue;
    refs.push({ table: 'indexedAssets', id: item._id });
    indexed.add(`${item.index_id}/${item._id}`);
  }
  // the indexing task that mirrors an indexed asset has its id as video id
  if (indexed.size > 0) {
    for (const task of Object.values(tasks)) {
      if (indexed.has(`${task.index_id}/${task.video_id}`)) refs.push({ table: 'tasks', id: task._id });
    }
  }
  for (const task of Object.values(analyze)) {
    if (task.video_source?.asset_id === assetId) refs.push({ table: 'analyze', id: task.task_id });
  }
  return refs;
}

/** Uploads of this process that made the asset (few: the engine's own uploads). */
function uploadsOf(state: AppState, assetId: string): DetailRef[] {
  const refs: DetailRef[] = [];
  for (const row of Object.values(state.entities.uploads)) {
    if (row.local?.assetId === assetId) refs.push({ table: 'uploads', id: row.id });
  }
  return refs;
}

/** Every item made from the asset (the asset, its uploads, what the last lookup found), in family order. */
export function groupRefs(state: AppState, assetId: string): DetailRef[] {
  const group = state.lineage.groups[assetId];
  const seen = new Set<string>();
  const refs: DetailRef[] = [];
  const candidates = [
    { table: 'assets' as const, id: assetId },
    ...uploadsOf(state, assetId),
    ...(group?.members ?? []),
  ];
  for (const ref of candidates) {
    const key = refKey(ref);
    if (seen.has(key)) continue;
    seen.add(key);
    refs.push(ref);
  }
  const rank = (ref: DetailRef) => FAMILY_ORDER.indexOf(ref.table);
  return refs.sort((a, b) => rank(a) - rank(b));
}

/** List items of embed v2 tasks carry the file name in the older metadata shapes. */
function fallbackName(ref: DetailRef, entity: EntityOf[ResourceTableId]): string {
  return ref.table === 'embedV2' ? (embedInputFilename(entity as EmbedV2Task) ?? '') : '';
}

function linkItem(state: AppState, ref: DetailRef, inferred: ReadonlySet<string>): LinkItem {
  const entity = entityOf(state, ref);
  return {
    ref,
    family: FAMILY_LABEL[ref.table],
    status: entity ? statusOf(ref.table, entity) : '?',
    name: entity ? nameOf(ref.table, entity) || fallbackName(ref, entity) : '',
    inferred: inferred.has(ref.id),
    missing: !entity,
  };
}

function computeLinks(state: AppState, ref: DetailRef): LinkItem[] {
  const root = rootOf(state, ref);
  if (!root) return [];
  const inferred = new Set(state.lineage.groups[root]?.inferred ?? []);
  return groupRefs(state, root)
    .filter((other) => !sameRef(other, ref))
    .map((other) => linkItem(state, other, inferred));
}

interface LinksCacheEntry {
  entities: unknown;
  lineage: unknown;
  links: LinkItem[];
}

/** Per item: the detail pane and the follow strip ask for different items in the same render. */
const linksCache = new Map<string, LinksCacheEntry>();
const LINKS_CACHE_SIZE = 16;

/** The links of an item (same reference while entities and lineage are unchanged). */
export function selectLinks(state: AppState, ref: DetailRef | null): readonly LinkItem[] {
  if (!ref) return NO_LINKS;
  const key = refKey(ref);
  const cached = linksCache.get(key);
  if (cached && cached.entities === state.entities && cached.lineage === state.lineage) return cached.links;
  const links = computeLinks(state, ref);
  if (!cached && linksCache.size >= LINKS_CACHE_SIZE) linksCache.clear();
  linksCache.set(key, { entities: state.entities, lineage: state.lineage, links });
  return links;
}

const NO_LINKS: readonly LinkItem[] = Object.freeze([]);

/** The selected link index of the open detail (0 for a detail just opened), clamped to the links. */
export function selectedLinkIndex(state: AppState, ref: DetailRef | null, count: number): number {
  if (!ref || count === 0) return 0;
  const selected = state.lineage.selected;
  const index = selected.key === refKey(ref) ? selected.index : 0;
  return Math.max(0, Math.min(count - 1, index));
}

/** Whether an item can no longer change (a missing item is not terminal: it is still looked for). */
export function isItemTerminal(state: AppState, ref: DetailRef): boolean {
  const entity = entityOf(state, ref);
  if (!entity) return false;
  if (ref.table === 'uploads') {
    const row = entity as EntityOf['uploads'];
    if (row.local) return TERMINAL_PHASES.has(row.local.phase as UploadPhase);
    return isTerminal(row.session?.status ?? 'unknown');
  }
  return isTerminal(statusOf(ref.table, entity as never));
}

/** The followed item first, then its links. */
export function chainRefs(state: AppState, ref: DetailRef): DetailRef[] {
  return [ref, ...selectLinks(state, ref).map((link) => link.ref)];
}

/** The table an id belongs to, among what is loaded (exact id, or a unique prefix/suffix of 6+ characters). */
export function findLoaded(state: AppState, text: string): DetailRef[] {
  const needle = text.trim().toLowerCase();
  if (needle === '') return [];
  const exact: DetailRef[] = [];
  const partial: DetailRef[] = [];
  for (const table of FAMILY_ORDER) {
    const map = state.entities[table] as Readonly<Record<string, EntityOf[ResourceTableId]>>;
    for (const [id, entity] of Object.entries(map)) {
      const ids = [id, idOf(table, entity)];
      if (table === 'uploads') {
        const row = entity as EntityOf['uploads'];
        if (row.local?.uploadId) ids.push(row.local.uploadId);
      }
      const lower = ids.map((value) => value.toLowerCase());
      if (lower.includes(needle)) exact.push({ table, id });
      else if (
        needle.length >= 6 &&
        lower.some((value) => value.startsWith(needle) || value.endsWith(needle))
      )
        partial.push({ table, id });
    }
  }
  return exact.length > 0 ? exact : partial;
}
