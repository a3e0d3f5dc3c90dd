/**
 * The shape of tltop's one store and the actions that are its only writers.
 * Components read narrow slices with `useStore(store, selector)` and call actions from
 * `state.actions`; pollers and the upload engine write through the same store.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { RateLimitState, TwelveLabsApi } from '../api/api.js';
import type {
  AnalyzeTask,
  Asset,
  AssetType,
  EmbedTask,
  EmbedV2Task,
  IncompleteUpload,
  Index,
  IndexedAsset,
  Task,
} from '../api/types.js';
import type { UploadManager, UploadSnapshot } from '../upload/types.js';
import type { ExportOptions } from './export.js';
import type { LineageState } from './lineage.js';
import type { NotificationDeps, NotifyMode } from './notify.js';
import type { ViewStateStore } from './saved-views.js';
import type { BulkPlan, FailuresState } from './triage/types.js';

// ---- views and tables -----------------------------------------------------------

/** The screens, in key order (`1`..`7`). */
export const VIEWS = [
  'uploads',
  'assets',
  'indexing',
  'embeddings',
  'analyses',
  'events',
  'failures',
] as const;
export type ViewId = (typeof VIEWS)[number];

/**
 * One table per collection. A view shows one of its tables at a time
 * (indexing: tasks | indexedAssets, embeddings: embedV2 | embedV1).
 */
export const TABLES = [
  'uploads',
  'assets',
  'tasks',
  'indexedAssets',
  'embedV2',
  'embedV1',
  'analyze',
  'events',
  'failureGroups',
  'failureItems',
] as const;
export type TableId = (typeof TABLES)[number];

export const VIEW_TABLES: Readonly<Record<ViewId, readonly TableId[]>> = {
  uploads: ['uploads'],
  assets: ['assets'],
  indexing: ['tasks', 'indexedAssets'],
  embeddings: ['embedV2', 'embedV1'],
  analyses: ['analyze'],
  events: ['events'],
  // the groups, and the items of the group Enter opened
  failures: ['failureGroups', 'failureItems'],
};

/** Server-backed tables (everything except the local events log and the failure triage). */
export type ResourceTableId = Exclude<TableId, 'events' | FailureTableId>;
/** The failure triage's tables: groups of failures, and the failed items of one group. */
export type FailureTableId = 'failureGroups' | 'failureItems';

export function isResourceTable(table: TableId): table is ResourceTableId {
  return table !== 'events' && table !== 'failureGroups' && table !== 'failureItems';
}

// ---- entities -------------------------------------------------------------------

/** An upload row: the server session and/or the local engine's snapshot, joined by upload id. */
export interface UploadRow {
  /** the server upload id, or the engine's local id before the session exists */
  id: string;
  session?: IncompleteUpload;
  local?: UploadSnapshot;
  /** the server's chunk counts for a session this process does not run (fetched while its detail is open) */
  remote?: RemoteUploadProgress;
}

export interface RemoteUploadProgress {
  chunksCompleted: number;
  chunksFailed: number;
  chunksPending: number;
  uploadedSize: number;
  totalSize: number;
}

/** Entity tables, normalized by id. Unchanged entities keep their object identity across polls. */
export interface Entities {
  uploads: Readonly<Record<string, UploadRow>>;
  assets: Readonly<Record<string, Asset>>;
  tasks: Readonly<Record<string, Task>>;
  indexes: Readonly<Record<string, Index>>;
  indexedAssets: Readonly<Record<string, IndexedAsset>>;
  embedV1: Readonly<Record<string, EmbedTask>>;
  embedV2: Readonly<Record<string, EmbedV2Task>>;
  /** keyed by task_id */
  analyze: Readonly<Record<string, AnalyzeTask>>;
}

export interface EntityOf {
  uploads: UploadRow;
  assets: Asset;
  tasks: Task;
  indexedAssets: IndexedAsset;
  embedV2: EmbedV2Task;
  embedV1: EmbedTask;
  analyze: AnalyzeTask;
}

// ---- server collections (paged tables) ------------------------------------------

/**
 * The rows of one table for its current server query, fetched page by page as the
 * selection moves. `pages[n]` holds the ids of server page n (1-based).
 */
export interface Collection {
  /** identifies the server query (sort, filter, index) the pages belong to */
  queryKey: string;
  pageSize: number;
  pages: Readonly<Record<number, readonly string[]>>;
  /** total_results of the current query; undefined until the first page arrives */
  total?: number;
  /** total_results of the non-terminal query (active items), when known */
  activeTotal?: number;
  /**
   * Set when the table is ordered by status: one server query per status (status filter),
   * shown one after the other; `pages` and `total` are then unused.
   */
  groups?: readonly CollectionGroup[];
}

export interface CollectionGroup {
  status: string;
  total?: number;
  pages: Readonly<Record<number, readonly string[]>>;
}

// ---- sorting and filtering ------------------------------------------------------

export interface SortSpec {
  key: 'created_at' | 'updated_at' | 'status' | 'name';
  direction: 'asc' | 'desc';
  /** true: the server orders the whole collection; false: loaded rows are sorted locally */
  server: boolean;
  label: string;
  /** status order listed one status at a time with the server's status filter */
  groups?: readonly string[];
}

// ---- connection -----------------------------------------------------------------

export type PollFamily = 'uploads' | 'assets' | 'tasks' | 'indexes' | 'embeddings' | 'analyze' | 'failures';
export const POLL_FAMILIES: readonly PollFamily[] = [
  'uploads',
  'assets',
  'tasks',
  'indexes',
  'embeddings',
  'analyze',
  'failures',
];

/** Freshness of one poller's data. Written only when it changes (not on every poll). */
export interface FamilyHealth {
  /** the last poll failed; data shown is the last good data */
  stale: boolean;
  /** epoch ms of the last good data (set when it went stale, and at most every heartbeat) */
  lastSuccessAt?: number;
  /** one line, sanitised */
  lastError?: string;
}

export type Health = 'unknown' | 'ok' | 'degraded' | 'down';

export interface ConnectionState {
  health: Health;
  /** rounded; refreshed when it moves noticeably or at the heartbeat */
  lastLatencyMs?: number;
  lastSuccessAt?: number;
  lastErrorAt?: number;
  /** one line, sanitised */
  lastError?: string;
  rateLimit: RateLimitState;
  /** epoch ms until which polling waits because of a 429 */
  rateLimitedUntil?: number;
  families: Readonly<Record<PollFamily, FamilyHealth>>;
  /** set while the dashboard has nothing to show: the key is refused, or no answer ever came */
  problem?: ConnectionProblem;
}

/**
 * auth: the key was refused (401, or 403 before any success); unreachable: no answer (network,
 * DNS, timeout, 5xx); failing: any other error before the first success.
 */
export type ConnectionProblemKind = 'auth' | 'unreachable' | 'failing';

export interface ConnectionProblem {
  kind: ConnectionProblemKind;
  /** one sanitised line */
  message: string;
  /** epoch ms (the store's clock) of the next poll that tries again */
  nextTryAt?: number;
}

// ---- UI -------------------------------------------------------------------------

export type Overlay =
  | { kind: 'none' }
  | { kind: 'help' }
  | {
      kind: 'prompt';
      purpose: PromptPurpose;
      label: string;
      value: string;
      /** candidates from the last completion, shown under the prompt */
      completions: readonly string[];
      error?: string;
    }
  | { kind: 'confirm'; purpose: ConfirmPurpose; message: string };

export type PromptPurpose = 'filter' | 'upload' | 'index' | 'command';
export type ConfirmPurpose =
  | { action: 'quit' }
  | { action: 'delete'; table: ResourceTableId; id: string }
  | { action: 'cancelUpload'; id: string }
  | { action: 'bulk'; plan: BulkPlan };

export interface StatusMessage {
  text: string;
  level: 'info' | 'warn' | 'error';
  at: number;
}

export interface DetailRef {
  table: ResourceTableId;
  id: string;
}

export interface UiState {
  view: ViewId;
  /** which of the view's tables is shown (VIEW_TABLES) */
  tableOf: Readonly<Record<ViewId, TableId>>;
  /** selected row index per table, in the table's current (filtered, sorted) order */
  selection: Readonly<Record<TableId, number>>;
  filter: Readonly<Record<TableId, string>>;
  /** index into sortOptions(table) */
  sort: Readonly<Record<TableId, number>>;
  /** the index whose indexed assets are listed; the first index by default */
  indexId?: string;
  detail: DetailRef | null;
  pollingPaused: boolean;
  overlay: Overlay;
  status: StatusMessage | null;
  /** rows the table body shows; PgUp/PgDn move by this much (set by the UI on resize) */
  pageRows: number;
  /** set by quit(); the app exits when it is true */
  quitRequested: boolean;
  /** bumped by refreshNow(); pollers poll at once when it changes */
  refreshSeq: number;
  /** `o`: the Overview panel (throughput, stuck work, usage, rate limit) above the view */
  overview: boolean;
  /** marked row ids per table (space marks, `*` marks all, `u` clears); d and r act on them */
  marks: Readonly<Record<TableId, Readonly<Record<string, true>>>>;
  /** watched row ids per table (`w`): they notify when they reach a terminal state */
  watched: Readonly<Record<TableId, Readonly<Record<string, true>>>>;
  /** how notifications reach the user (`:notify`); off: never */
  notify: NotifyMode;
  /** the failure group whose items the Failures view shows (Enter opened it) */
  failureGroup?: string;
}

// ---- monitoring: stuck work and throughput (src/store/stuck.ts, throughput.ts) -------

export interface ThroughputSample {
  /** epoch ms, this machine's clock */
  at: number;
  /** all running local uploads together */
  uploadBytesPerSecond: number;
}

export interface MonitorState {
  /** `stuck_after` (profile, `--stuck-after`, `:stuck-after`) in ms; undefined: derived from the loaded data */
  stuckAfterMs?: number;
  /** upload speed samples, oldest first: the last hour, written only when the value changed */
  uploadSamples: readonly ThroughputSample[];
}

// ---- events log -----------------------------------------------------------------

export interface LogEvent {
  /** increasing sequence number, as a string (the events table's row id) */
  id: string;
  at: number;
  level: 'info' | 'warn' | 'error';
  /** e.g. "task", "upload", "poll" */
  source: string;
  /** one line, sanitised */
  message: string;
}

// ---- the store ------------------------------------------------------------------

export interface AppState {
  entities: Entities;
  collections: Readonly<Record<ResourceTableId, Collection>>;
  connection: ConnectionState;
  ui: UiState;
  /** newest last; bounded (oldest dropped) */
  events: readonly LogEvent[];
  /** failed items of every family, for the Failures view (src/store/pollers/failures.ts) */
  failures: FailuresState;
  /** links between items made from the same asset, their walk history and follow mode (src/store/lineage.ts) */
  lineage: LineageState;
  /** stuck threshold setting and throughput samples */
  monitor: MonitorState;
  actions: AppActions;
}

/**
 * The only writers. Every action reads the current state itself, so a key handler calls
 * e.g. `moveSelection(1)` and never passes values computed at render time.
 */
export interface AppActions {
  // navigation
  switchView(view: ViewId | number): void;
  nextView(): void;
  prevView(): void;
  /** shows the view's next table (indexing: tasks <-> indexed assets; embeddings: v2 <-> v1) */
  cycleTable(): void;
  moveSelection(delta: number): void;
  pageDown(): void;
  pageUp(): void;
  selectFirst(): void;
  selectLast(): void;
  setPageRows(rows: number): void;
  openDetail(): void;
  /** Esc: closes the overlay, else the detail, else clears the filter */
  back(): void;
  closeDetail(): void;
  // query
  /**
   * Sets a filter expression (src/store/filter-expr.ts) on a table (the active one by default);
   * a bad expression throws an Error with one line and changes nothing.
   */
  setFilter(text: string, table?: TableId): void;
  cycleSort(): void;
  /** chooses the active table's sort by its position in sortOptions(table) */
  setSort(index: number): void;
  /** shows a table: its view, and that view's table */
  showTable(table: TableId): void;
  /** chooses the index whose indexed assets are listed (cycles through indexes without an id) */
  selectIndex(indexId?: string): void;
  // polling
  togglePolling(): void;
  refreshNow(): void;
  // overlays
  toggleHelp(): void;
  openFilterPrompt(): void;
  openUploadPrompt(): void;
  openIndexPrompt(): void;
  /** `:`: the command line (Tab completes commands and their arguments) */
  openCommandPrompt(): void;
  promptInput(text: string): void;
  promptBackspace(): void;
  /** Ctrl-U clears the line, Ctrl-W the last word (and the blanks after it) */
  promptClear(what: 'line' | 'word'): void;
  /** Tab in the upload prompt: completes the file path */
  promptComplete(): Promise<void>;
  promptSubmit(): Promise<void>;
  closeOverlay(): void;
  confirmYes(): Promise<void>;
  confirmNo(): void;
  // work on the selected row
  /** `r`: retries failed chunks, or the failed upload */
  retrySelected(): Promise<void>;
  /** `y`: the selected row's full id to the clipboard */
  copySelectedId(): void;
  /** `w`: watches / unwatches the selected row (notifies when it finishes or fails) */
  toggleWatchSelected(): void;
  /** `c`: the selected item's GET call as a curl command (key as $TWELVELABS_API_KEY) to the clipboard */
  copySelectedCurl(): void;
  /** `x`: pauses a running upload, resumes a paused one */
  pauseSelected(): Promise<void>;
  /** asks, then cancels the selected upload */
  cancelSelected(): void;
  /** asks, then deletes the selected task / analyze task */
  deleteSelected(): void;
  /** `q`: asks first while uploads are running */
  quit(): void;
  // writers used by pollers and the upload bridge
  setStatus(text: string, level?: StatusMessage['level']): void;
  logEvent(source: string, message: string, level?: LogEvent['level']): void;
  // overview and stuck work (src/store/actions/monitor.ts)
  /** `o`: shows / hides the Overview panel */
  toggleOverview(): void;
  /** `:usage`: shows the Overview panel */
  showOverview(): void;
  /** `:stuck-after 30m|auto`: the stuck threshold for every table (undefined: derived) */
  setStuckAfter(ms: number | undefined): void;
  // marks and bulk work (src/store/triage)
  /** space: marks / unmarks the selected row */
  toggleMark(): void;
  /** `*`: marks every row matching the filter (the whole collection; pages not loaded are listed) */
  markAll(): Promise<void>;
  /** `u`: clears the marks of the table */
  clearMarks(): void;
  /** d with marks (or on a failure group): asks, then deletes the set */
  deleteMarked(): void;
  /** r with marks (or on a failure group): asks, then retries the set */
  retryMarked(): void;
  /** Enter in the Failures view: the items of the selected group; on an item, its detail in its view */
  openFailureGroup(): void;
  // lineage and follow (src/store/actions/lineage.ts)
  /** `l` / `L`: selects the next / previous link of the open detail */
  selectLink(delta: number): void;
  /** Enter in the detail: opens the selected link's detail in its view */
  openLink(): void;
  /** `b`: back to the detail the last link was opened from */
  linkBack(): void;
  /** `f`: pins the chain of the open detail (or the selected row) in the follow strip; again stops */
  toggleFollow(): void;
  /** `:open ID`: the item with this id in any family (asked of the server when not loaded) */
  openById(id: string): Promise<void>;
}

export type AppStore = StoreApi<AppState>;

// ---- dependencies ---------------------------------------------------------------

/** Timers and time, injectable so tests and benchmarks can drive them. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** 0 <= x < 1, for jitter */
  random(): number;
}

/** Poll intervals in ms; every value can be overridden (tests use tiny ones). */
export interface PollIntervals {
  /** active (non-terminal) items of the visible table */
  active: number;
  /** active items of hidden tables */
  activeHidden: number;
  /** longest the active poll backs off to when nothing changes (visible / hidden) */
  activeMax: number;
  activeHiddenMax: number;
  /** refresh of the loaded pages (discovers new items, total changes) */
  window: number;
  windowHidden: number;
  /** the open detail while it is not terminal */
  detail: number;
  /** first retry after an error; doubles up to errorMax */
  errorBase: number;
  errorMax: number;
  /** latency, last success and rate-limit figures are rewritten at most this often, unless they moved a lot */
  heartbeat: number;
  /** jitter fraction, e.g. 0.2 = +-20% */
  jitter: number;
}

export interface AppStoreDeps {
  /** `stuck_after` from the profile or `--stuck-after`, in ms; absent: derived from the loaded data */
  stuckAfterMs?: number;
  api: TwelveLabsApi;
  uploads?: UploadManager;
  clock?: Partial<Clock>;
  /** asset type for `n` (new upload) when the file name has no extension (default video) */
  uploadType?: AssetType;
  /** bounded events log size (default 500) */
  maxEvents?: number;
  /** puts text on the terminal's clipboard (OSC 52); absent where the terminal cannot */
  clipboard?: (text: string) => void;
  /** rings the bell / posts desktop notifications (escape sequences to the terminal); absent: never */
  notifications?: NotificationDeps;
  /** saved views and the last view state (restored on attach); absent: nothing is remembered */
  viewState?: ViewStateStore;
  /** where `:export` resolves relative paths and `~` (default: the process's cwd and home), and its row cap */
  exportOptions?: ExportOptions;
  /** the configured profile names, for `:profile` completion */
  profileNames?: () => Promise<readonly string[]>;
  /**
   * `:profile NAME`: reconnects the dashboard with another profile; a refusal (unknown profile,
   * uploads running) throws an Error with one line
   */
  switchProfile?: (name: string) => Promise<void>;
  /** UI state to start from (kept across a profile switch) */
  initialUi?: Partial<UiState>;
  /** why the account is read-only (`--read-only`, `profile "prod"`): every write is refused up front */
  readOnly?: string;
}

export interface PollerOptions {
  intervals?: Partial<PollIntervals>;
  /** page size for table pages (default 50, the API maximum) */
  pageSize?: number;
  /**
   * entities kept per table (default 5,000): beyond it, those on no loaded page, not running
   * and not open in the detail are dropped, so memory stays flat over days
   */
  maxEntities?: number;
}

/** What `startPollers` returns. */
export interface Pollers {
  /** polls every family now (what `R` does through the store) */
  refreshNow(): void;
  /** stops every timer and aborts requests in flight; resolves when all polls have ended */
  stop(): Promise<void>;
}
