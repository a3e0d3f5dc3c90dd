/**
 * Marks (space, `*`, `u`) and the bulk work d / r do on a set: the marked rows of a table, or
 * a failure group. Every set is confirmed with its count and family, then runs with bounded
 * concurrency; the outcome is one status line, one summary event and one event per failure.
 */
import { withoutRow } from '../actions/work.js';
import type { StoreContext } from '../context.js';
import { errorLine, shortId } from '../events.js';
import { VIEW_OF_TABLE } from '../lineage.js';
import { governorOf } from '../pollers/rate-governor.js';
import { type CollectionTable, collectionSource } from '../pollers/sources.js';
import { selectActiveTable, selectTableView } from '../selectors.js';
import { idOf } from '../tables.js';
import type { AppActions, AppState, AppStore, EntityOf, ResourceTableId, TableId } from '../types.js';
import { isResourceTable } from '../types.js';
import { type BulkProgress, runBulk } from './bulk-run.js';
import { CAPABILITIES } from './capabilities.js';
import { readOnlyLine, refuseReadOnly } from './read-only.js';
import { selectFailureGroups, selectFailureItems } from './selectors.js';
import type { BulkPlan, BulkTarget, FailureFamily } from './types.js';

/** Requests in flight at once while a set is worked on. */
export const BULK_CONCURRENCY = 4;
/** `*` lists at most this many rows of a collection whose pages are not all loaded. */
export const MAX_MARK_ALL = 2_000;

/** Plural nouns for confirms and summaries ("Retry 12 failed analyze tasks?"). */
export const FAMILY_NOUNS: Readonly<Record<FailureFamily, string>> = {
  uploads: 'uploads',
  assets: 'assets',
  tasks: 'indexing tasks',
  indexedAssets: 'indexed assets',
  embedV2: 'embed v2 tasks',
  embedV1: 'embed v1 tasks',
  analyze: 'analyze tasks',
};

const OP_WORDS = {
  retry: { verb: 'Retry', done: 'retried', readOnly: 'retrying' },
  delete: { verb: 'Delete', done: 'deleted', readOnly: 'deleting' },
} as const;

/** Progress lines are written at most this often (the countdown of a rate-limit wait: each second). */
const PROGRESS_EVERY_MS = 250;

/** The set running in each store (one at a time), so Esc and `:stop` can reach it. */
const running = new WeakMap<AppStore, { stop: AbortController; op: BulkPlan['op'] }>();

/** Whether a bulk d / r runs in this store now. */
export function bulkRunning(context: StoreContext): boolean {
  return running.has(context.store);
}

/**
 * Stops the running set after its requests in flight (nothing more is sent, a rate-limit wait
 * ends); returns false when nothing runs.
 */
export function stopBulk(context: StoreContext): boolean {
  const run = running.get(context.store);
  if (!run) return false;
  if (!run.stop.signal.aborted) run.stop.abort();
  return true;
}

/** The status line while a set runs: how far, a rate-limit wait with its countdown, a stop. */
export function progressLine(verb: string, noun: string, progress: BulkProgress, now: number): string {
  const counts = `${progress.done} of ${progress.total} done${progress.failed > 0 ? `, ${progress.failed} failed` : ''}`;
  if (progress.stopping) return `stopping ${verb} ${noun} after the requests in flight… ${counts}`;
  const head = `${verb} ${progress.total} ${noun}: ${counts}`;
  if (progress.waitingUntil !== undefined) {
    const seconds = Math.max(1, Math.ceil((progress.waitingUntil - now) / 1000));
    const why = progress.waitingFor === 'server' ? 'server unavailable (503)' : 'waiting for rate limit';
    return `${head} · ${why}, resumes in ${seconds}s · Esc stops`;
  }
  return `${head} · Esc stops`;
}

/**
 * Writes a running set's progress to the status line: at most every PROGRESS_EVERY_MS, at once
 * when it starts or stops waiting or stopping, and each second of a rate-limit wait.
 */
function progressReporter(context: StoreContext, verb: string, noun: string, total: number) {
  const { clock } = context;
  let latest: BulkProgress = { total, done: 0, failed: 0, stopping: false, waits: 0, serverWaits: 0 };
  let shownAt = Number.NEGATIVE_INFINITY;
  let shown = '';
  let ticker: unknown;
  const show = (force: boolean): void => {
    const now = clock.now();
    const line = progressLine(verb, noun, latest, now);
    if (line === shown || (!force && now - shownAt < PROGRESS_EVERY_MS)) return;
    shown = line;
    shownAt = now;
    context.setStatus(line);
  };
  const tick = (): void => {
    ticker = undefined;
    if (latest.waitingUntil === undefined || latest.stopping) return;
    show(true);
    ticker = clock.setTimeout(tick, 1_000);
  };
  show(true);
  return {
    update(progress: BulkProgress): void {
      const changed =
        progress.stopping !== latest.stopping ||
        (progress.waitingUntil === undefined) !== (latest.waitingUntil === undefined);
      latest = progress;
      show(changed);
      if (progress.waitingUntil !== undefined && ticker === undefined) ticker = clock.setTimeout(tick, 1_000);
    },
    latest: (): BulkProgress => latest,
    close(): void {
      if (ticker !== undefined) clock.clearTimeout(ticker);
      ticker = undefined;
    },
  };
}

type MarkActions = Pick<
  AppActions,
  'toggleMark' | 'markAll' | 'clearMarks' | 'deleteMarked' | 'retryMarked' | 'openFailureGroup'
>;

export interface BulkActions extends MarkActions {
  /** opens the confirm for d / r here; returns the one-line refusal instead when there is no set */
  ask(op: BulkPlan['op']): string | undefined;
  /** runs a confirmed plan (confirmYes) */
  runPlan(plan: BulkPlan): Promise<void>;
}

function markedIds(state: AppState, table: TableId): string[] {
  return Object.keys(state.ui.marks[table]);
}

/** Every id of the table's current server query (status groups one after the other), bounded. */
async function listAllIds(
  context: StoreContext,
  table: CollectionTable,
): Promise<{ ids: string[]; more: boolean }> {
  const state = context.store.getState();
  const query = collectionSource(context.api, table).query(state);
  if (!query) return { ids: [], more: false };
  const ids: string[] = [];
  const pageSize = state.collections[table].pageSize;
  // the listing is the user's to wait for (the status line says so); nothing aborts it
  const signal = new AbortController().signal;
  for (const status of query.groups ?? [undefined]) {
    for (let page = 1; ; page++) {
      const result = await query.list(page, pageSize, signal, status);
      for (const entity of result.data) {
        if (ids.length >= MAX_MARK_ALL) return { ids, more: true };
        ids.push(idOf(table, entity as EntityOf[CollectionTable]));
      }
      if (page >= result.page_info.total_page || result.data.length === 0) break;
    }
  }
  return { ids, more: false };
}

export function bulkActions(context: StoreContext): BulkActions {
  const { store, setUi } = context;
  const state = () => store.getState();

  const setMarks = (table: TableId, marks: Readonly<Record<string, true>>): void =>
    setUi((ui) => ({ marks: { ...ui.marks, [table]: marks } }));

  const markCountLine = (count: number): string =>
    count === 0 ? 'no rows marked' : `${count} marked · d delete · r retry · u clear`;

  /** The item a row is, with what retry / delete need (its index, asset, model). */
  const targetOf = (table: ResourceTableId, id: string): BulkTarget => {
    const current = state();
    if (table === 'indexedAssets') {
      const entity = current.entities.indexedAssets[id];
      return {
        family: table,
        id,
        indexId: entity?.index_id ?? current.ui.indexId,
        assetId: entity?.asset_id,
      };
    }
    if (table === 'embedV2') return { family: table, id, model: current.entities.embedV2[id]?.model_name };
    if (table === 'uploads')
      return { family: table, id: current.entities.uploads[id]?.local?.id ?? id, key: id };
    return { family: table, id };
  };

  /** The set d / r act on here, or a one-line reason there is none. */
  const currentSet = ():
    | { family: FailureFamily; targets: BulkTarget[]; table: TableId; what: string }
    | string => {
    const current = state();
    const table = selectActiveTable(current);
    if (table === 'failureGroups') {
      const key = selectTableView(current, table).ids[current.ui.selection[table]];
      const group = key ? selectFailureGroups(current).byKey[key] : undefined;
      if (!group) return 'no failure group selected';
      const items = selectFailureItems(current);
      const targets = group.items.flatMap((itemKey) => {
        const item = items[itemKey];
        return item ? [{ ...item }] : [];
      });
      return { family: group.family, targets, table, what: 'failed' };
    }
    if (table === 'failureItems') {
      const items = selectFailureItems(current);
      const marked = markedIds(current, table);
      const keys =
        marked.length > 0 ? marked : (selectTableView(current, table).ids.filter(Boolean) as string[]);
      const targets = keys.flatMap((key) => (items[key] ? [{ ...items[key] }] : []));
      const family = targets[0]?.family;
      if (!family) return 'no failed items here';
      return { family, targets, table, what: marked.length > 0 ? 'marked failed' : 'failed' };
    }
    if (!isResourceTable(table)) return 'nothing to act on here';
    const marked = markedIds(current, table);
    if (marked.length === 0) return 'mark rows first (space marks one, * marks all)';
    return { family: table, targets: marked.map((id) => targetOf(table, id)), table, what: 'marked' };
  };

  const ask = (op: BulkPlan['op']): string | undefined => {
    if (context.readOnly !== undefined) return readOnlyLine(OP_WORDS[op].readOnly);
    const current = running.get(store);
    if (current)
      return `a bulk ${current.op} is still running (Esc or :stop stops it after the requests in flight)`;
    const set = currentSet();
    if (typeof set === 'string') return set;
    const capability = CAPABILITIES[set.family];
    if (!capability[op])
      return `${FAMILY_NOUNS[set.family]}: ${op === 'retry' ? capability.retryText : capability.deleteText}`;
    const count = set.targets.length;
    const noun = count === 1 ? FAMILY_NOUNS[set.family].replace(/s$/, '') : FAMILY_NOUNS[set.family];
    const plan: BulkPlan = { op, family: set.family, targets: set.targets, table: set.table };
    const what = op === 'retry' ? capability.retryText.replace(/^r /, '') : 'this cannot be undone';
    setUi({
      overlay: {
        kind: 'confirm',
        purpose: { action: 'bulk', plan },
        message: `${OP_WORDS[op].verb} ${count} ${set.what} ${noun}? (${what})`,
      },
    });
    return undefined;
  };
  const askOrSay = (op: BulkPlan['op']): void => {
    const refusal = ask(op);
    if (refusal) context.setStatus(refusal, 'warn');
  };

  /** Drops deleted items from the failures, the entity table and its pages. */
  const forget = (plan: BulkPlan, ids: readonly string[]): void => {
    if (ids.length === 0) return;
    store.setState((current) => {
      const gone = new Set(ids);
      const items = Object.fromEntries(
        Object.entries(current.failures.items).filter(
          ([, item]) => !(item.family === plan.family && gone.has(item.id)),
        ),
      );
      const family = plan.family;
      if (family === 'uploads') return { failures: { ...current.failures, items } };
      const entities = Object.fromEntries(
        Object.entries(current.entities[family] as Readonly<Record<string, EntityOf[typeof family]>>).filter(
          ([id]) => !gone.has(id),
        ),
      );
      let collection = current.collections[family];
      for (const id of ids) collection = withoutRow(collection, id);
      return {
        failures: { ...current.failures, items },
        entities: { ...current.entities, [family]: entities },
        collections: { ...current.collections, [family]: collection },
        ui: {
          ...current.ui,
          detail: current.ui.detail && gone.has(current.ui.detail.id) ? null : current.ui.detail,
        },
      };
    });
  };

  /** Enter on a failed item: its own view, with its detail open (uploads: the Uploads view). */
  const openItem = (): void => {
    const current = state();
    const key = selectTableView(current, 'failureItems').ids[current.ui.selection.failureItems];
    const item = key ? selectFailureItems(current)[key] : undefined;
    if (!item) return;
    if (item.family === 'indexedAssets' && item.indexId) current.actions.selectIndex(item.indexId);
    const view = VIEW_OF_TABLE[item.family];
    setUi((ui) => ({
      view,
      tableOf: { ...ui.tableOf, [view]: item.family },
      detail: item.family === 'uploads' ? null : { table: item.family, id: item.id },
    }));
  };

  /** The active table when its rows can be marked; otherwise says why not and returns undefined. */
  const markableTable = (current: AppState): TableId | undefined => {
    const table = selectActiveTable(current);
    if (table !== 'events' && table !== 'failureGroups') return table;
    context.setStatus(
      table === 'events' ? 'events cannot be marked' : 'open a group (Enter) to mark its items',
      'warn',
    );
    return undefined;
  };

  const unmark = (table: TableId, keys: readonly string[]): void => {
    const marks = { ...state().ui.marks[table] };
    for (const key of keys) delete marks[key];
    setMarks(table, marks);
  };

  return {
    toggleMark() {
      const current = state();
      const table = markableTable(current);
      if (!table) return;
      const id = selectTableView(current, table).ids[current.ui.selection[table]];
      if (id === undefined) {
        context.setStatus('no row to mark here', 'warn');
        return;
      }
      const marks = { ...current.ui.marks[table] };
      if (marks[id]) delete marks[id];
      else marks[id] = true;
      setMarks(table, marks);
      context.setStatus(markCountLine(Object.keys(marks).length));
      current.actions.moveSelection(1);
    },
    async markAll() {
      const current = state();
      const table = markableTable(current);
      if (!table) return;
      const view = selectTableView(current, table);
      let ids = view.ids.filter((id): id is string => id !== undefined);
      let note = view.filter ? ' matching the filter' : '';
      if (view.partial) note += ' (loaded rows only: this list cannot be filtered by the server)';
      else if (ids.length < view.total && isResourceTable(table) && table !== 'uploads') {
        context.setStatus(`listing all ${view.total} rows to mark them…`);
        try {
          const all = await listAllIds(context, table);
          ids = all.ids;
          if (all.more) note += ` (the first ${MAX_MARK_ALL} of ${view.total})`;
        } catch (error) {
          context.setStatus(`mark all failed: ${errorLine(error, 160)}`, 'error');
          return;
        }
      }
      setMarks(table, Object.fromEntries(ids.map((id) => [id, true as const])));
      context.setStatus(`marked all ${ids.length} rows${note} · d delete · r retry · u clear`);
    },
    clearMarks() {
      const table = selectActiveTable(state());
      const count = markedIds(state(), table).length;
      if (count > 0) setMarks(table, {});
      context.setStatus(count > 0 ? `cleared ${count} marks` : 'no rows marked');
    },
    ask,
    deleteMarked: () => askOrSay('delete'),
    retryMarked: () => askOrSay('retry'),
    openFailureGroup() {
      const current = state();
      if (current.ui.view !== 'failures') return;
      if (current.ui.tableOf.failures === 'failureItems') {
        openItem();
        return;
      }
      const key = selectTableView(current, 'failureGroups').ids[current.ui.selection.failureGroups];
      if (!key) return;
      setUi((ui) => ({
        tableOf: { ...ui.tableOf, failures: 'failureItems' },
        failureGroup: key,
        selection: { ...ui.selection, failureItems: 0 },
        filter: { ...ui.filter, failureItems: '' },
        marks: { ...ui.marks, failureItems: {} },
      }));
    },
    async runPlan(plan) {
      if (refuseReadOnly(context, OP_WORDS[plan.op].readOnly)) return;
      const action = CAPABILITIES[plan.family][plan.op];
      if (!action) return;
      if (running.has(store)) {
        context.setStatus(ask(plan.op) ?? 'a bulk set is still running', 'warn');
        return;
      }
      const words = OP_WORDS[plan.op];
      const noun = FAMILY_NOUNS[plan.family];
      const stop = new AbortController();
      running.set(store, { stop, op: plan.op });
      const reporter = progressReporter(context, words.readOnly, noun, plan.targets.length);
      let results: Awaited<ReturnType<typeof runBulk<BulkTarget, string>>>;
      try {
        results = await runBulk({
          items: plan.targets,
          concurrency: BULK_CONCURRENCY,
          work: (target, call) => action(target, { api: context.api, uploads: context.uploads, call }),
          // uploads are retried and dismissed by the upload engine, no call of ours to pace
          ...(plan.family !== 'uploads' && { governor: governorOf(context.api) }),
          rate: () => context.api.stats().rateLimit,
          clock: context.clock,
          signal: stop.signal,
          onProgress: reporter.update,
        });
      } finally {
        reporter.close();
        running.delete(store);
      }
      const done: string[] = [];
      const doneKeys: string[] = [];
      const failed: { target: BulkTarget; why: string }[] = [];
      let skipped = 0;
      results.forEach((result, index) => {
        const target = plan.targets[index]!;
        if (result.status === 'fulfilled') {
          done.push(target.id);
          doneKeys.push(target.key ?? target.id);
        } else if (result.status === 'rejected') failed.push({ target, why: errorLine(result.reason, 160) });
        else skipped += 1;
      });
      if (plan.op === 'delete') forget(plan, done);
      unmark(plan.table, doneKeys);
      const { waits, serverWaits } = reporter.latest();
      const times = (count: number): string => (count === 1 ? 'once' : `${count} times`);
      const pauses = [
        ...(waits > 0 ? [`for the rate limit ${times(waits)}`] : []),
        ...(serverWaits > 0 ? [`for the server ${times(serverWaits)}`] : []),
      ];
      const waited = pauses.length > 0 ? ` (waited ${pauses.join(', ')})` : '';
      const summary = `${stop.signal.aborted ? 'stopped: ' : ''}${words.done} ${done.length} of ${plan.targets.length} ${noun}${failed.length > 0 ? `; ${failed.length} failed (see Events)` : ''}${skipped > 0 ? `; ${skipped} not sent (still marked)` : ''}${waited}`;
      // refreshNow() writes its own status line: it goes first, the summary stays
      state().actions.refreshNow();
      context.setStatus(summary, failed.length === 0 ? 'info' : done.length === 0 ? 'error' : 'warn');
      context.log([
        { source: 'bulk', message: summary, level: failed.length === 0 ? 'info' : 'warn' },
        ...failed.map(({ target, why }) => ({
          source: 'bulk',
          message: `${plan.op} ${noun.replace(/s$/, '')} ${shortId(target.id)}: ${why}`,
          level: 'error' as const,
        })),
      ]);
    },
  };
}
