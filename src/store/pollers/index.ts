/**
 * Starts the background pollers that keep a store fresh: one per resource family, each
 * single-flight. They follow the UI slice: `p` pauses them, `R` refreshes everything,
 * and moving the selection, the view, the sort or the filter polls what became needed.
 */
import { contextOf } from '../create-store.js';
import { DEFAULT_PAGE_SIZE } from '../initial-state.js';
import { startThroughputRecorder } from '../throughput.js';
import type { AppStore, PollerOptions, Pollers, PollFamily, PollIntervals, UiState } from '../types.js';
import { POLL_FAMILIES } from '../types.js';
import { CollectionPoller } from './collection.js';
import { ConnectionTracker } from './connection.js';
import { FailuresPoller } from './failures.js';
import { FamilyPoller } from './family.js';
import { gatedApi } from './gated-api.js';
import { IndexesPoller } from './indexes.js';
import { LineagePoller } from './lineage.js';
import { governorOf } from './rate-governor.js';
import {
  analyzeSource,
  assetSource,
  embedV1Source,
  embedV2Source,
  indexedAssetSource,
  taskSource,
} from './sources.js';
import type { PollStep } from './step.js';
import { connectUploads } from './upload-bridge.js';
import { UploadSessionsPoller } from './upload-sessions.js';

/** Rows kept per table (a few pages of scrolling back and forth) before unseen ones are dropped. */
const DEFAULT_MAX_ENTITIES = 5_000;

export const DEFAULT_INTERVALS: PollIntervals = {
  active: 2_000,
  activeHidden: 10_000,
  activeMax: 15_000,
  activeHiddenMax: 60_000,
  window: 30_000,
  windowHidden: 120_000,
  detail: 1_000,
  errorBase: 1_000,
  errorMax: 60_000,
  heartbeat: 10_000,
  jitter: 0.2,
};

/** UI fields whose change may make a poller want something at once. */
const WATCHED: readonly (keyof UiState)[] = [
  'view',
  'tableOf',
  'selection',
  'filter',
  'sort',
  'indexId',
  'detail',
  'pageRows',
  'watched',
];

export interface StartPollersOptions extends PollerOptions {
  /** poll only these families (tests and benchmarks); default all */
  families?: readonly PollFamily[];
}

export function startPollers(store: AppStore, options: StartPollersOptions = {}): Pollers {
  const context = contextOf(store);
  const intervals: PollIntervals = { ...DEFAULT_INTERVALS, ...options.intervals };
  const settings = {
    intervals,
    pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
    maxEntities: options.maxEntities ?? DEFAULT_MAX_ENTITIES,
  };
  // shared with bulk work (src/store/triage/bulk-run.ts): one budget, one 429 block
  const governor = governorOf(context.api);
  const connection = new ConnectionTracker(context.api, intervals.heartbeat);
  const api = gatedApi(context.api, governor, context.clock);

  const steps: Record<PollFamily, () => PollStep[]> = {
    uploads: () => [new UploadSessionsPoller(api)],
    assets: () => [new CollectionPoller(assetSource(api))],
    tasks: () => [new CollectionPoller(taskSource(api))],
    indexes: () => [new IndexesPoller(api), new CollectionPoller(indexedAssetSource(api))],
    embeddings: () => [new CollectionPoller(embedV2Source(api)), new CollectionPoller(embedV1Source(api))],
    analyze: () => [new CollectionPoller(analyzeSource(api))],
    failures: () => [new FailuresPoller(api)],
  };
  const families = (options.families ?? POLL_FAMILIES).map(
    (family) => new FamilyPoller(family, steps[family](), context, settings, governor, connection),
  );

  const disconnectUploads = context.uploads ? connectUploads(context, context.uploads) : undefined;
  const stopThroughput = startThroughputRecorder(store, context.clock);
  // the open detail's links and the followed chain (its own loop: nothing when neither is open)
  const lineage = new LineagePoller(context, api, intervals);

  let ui = store.getState().ui;
  const unsubscribe = store.subscribe((state) => {
    const previous = ui;
    ui = state.ui;
    if (ui === previous) return;
    if (ui.pollingPaused !== previous.pollingPaused) {
      for (const family of families) {
        if (ui.pollingPaused) family.loop.pause();
        else family.loop.resume();
      }
    }
    if (ui.refreshSeq !== previous.refreshSeq) {
      for (const family of families) family.refresh();
    } else if (WATCHED.some((key) => ui[key] !== previous[key])) {
      for (const family of families) family.loop.poke();
    }
  });

  for (const family of families) {
    family.loop.start();
    if (ui.pollingPaused) family.loop.pause();
  }
  lineage.start();

  return {
    refreshNow() {
      for (const family of families) family.refresh();
    },
    async stop() {
      unsubscribe();
      disconnectUploads?.();
      stopThroughput();
      await Promise.all([...families.map((family) => family.loop.stop()), lineage.stop()]);
    },
  };
}
