/**
 * The Failures view's data: the failed items of every server family, listed with each list's
 * status=failed filter where it has one (assets have none: their newest pages are scanned).
 * Bounded: the newest pages only, a few indexes, a few embed v2 lookups per poll. Failed items
 * are terminal, so an embed v2 task's reason (only its retrieve says it) is fetched once.
 * Visible: polled at the active backoff cap; hidden: at the slow window rate.
 */
import { isDeepStrictEqual } from 'node:util';
import type { TwelveLabsApi } from '../../api/api.js';
import type { Page } from '../../api/types.js';
import { reasonOf } from '../triage/reasons.js';
import type { FailureFamily, FailureItem, FailuresState } from '../triage/types.js';
import type { AppState, PollIntervals } from '../types.js';
import type { PollContext, PollStep, Write } from './step.js';

/** Pages of failed items per family (newest first). */
const MAX_PAGES = 2;
/** Newest pages of the assets list scanned for failed ones (the list has no status filter). */
const ASSET_PAGES = 2;
const MAX_INDEXES = 10;
/** Embed v2 tasks retrieved per poll for their reason. */
const MAX_REASON_GETS = 10;

type Found = { items: FailureItem[]; total?: number };

async function pages<T>(
  list: (page: number) => Promise<Page<T>>,
  maxPages: number,
): Promise<{ data: T[]; total: number }> {
  const data: T[] = [];
  let total = 0;
  for (let page = 1; page <= maxPages; page++) {
    const result = await list(page);
    data.push(...result.data);
    total = result.page_info.total_results;
    if (page >= result.page_info.total_page || result.data.length === 0) break;
  }
  return { data, total };
}

function item(
  family: FailureFamily,
  id: string,
  reason: { code: string; message: string },
  at: string | null | undefined,
  extra: Partial<FailureItem> = {},
): FailureItem {
  return { key: `${family}:${id}`, family, id, ...reason, at: at ?? '', name: '', ...extra };
}

export class FailuresPoller implements PollStep {
  private lastAt: number | undefined;
  private lastIndexes = 0;
  private intervals: Pick<PollIntervals, 'activeMax' | 'windowHidden'> | undefined;
  /** embed v2 reasons by task id (terminal: fetched once) */
  private readonly embedReasons = new Map<string, { code: string; message: string }>();

  constructor(private readonly api: TwelveLabsApi) {}

  /** Soon after the view is opened (its interval is shorter), and when the indexes first arrive. */
  nextDueAt(state: AppState): number {
    if (this.lastAt === undefined || !this.intervals) return 0;
    if (Object.keys(state.entities.indexes).length !== this.lastIndexes) return 0;
    const visible = state.ui.view === 'failures';
    return this.lastAt + (visible ? this.intervals.activeMax : this.intervals.windowHidden);
  }

  async poll(context: PollContext, out: Write[]): Promise<void> {
    const { state, now, force, intervals } = context;
    this.intervals = intervals;
    if (!force && now < this.nextDueAt(state)) return;
    this.lastAt = now;
    this.lastIndexes = Object.keys(state.entities.indexes).length;
    const found: Partial<Record<FailureFamily, Found>> = {};
    // one family after the other, so a slow account is not hit with a burst
    found.tasks = await this.tasks(context);
    found.indexedAssets = await this.indexedAssets(context);
    found.assets = await this.assets(context);
    found.embedV2 = await this.embedV2(context);
    found.embedV1 = await this.embedV1(context);
    found.analyze = await this.analyze(context);
    out.push(writeFailures(found));
  }

  private async tasks({ pageSize, signal }: PollContext): Promise<Found> {
    const { data, total } = await pages(
      (page) =>
        this.api.listTasks(
          { page, page_limit: pageSize, status: ['failed'], sort_by: 'updated_at', sort_option: 'desc' },
          { signal },
        ),
      MAX_PAGES,
    );
    const items = data.map((task) =>
      item('tasks', task._id, reasonOf(task.error_reason), task.updated_at ?? task.created_at, {
        name: task.system_metadata?.filename ?? '',
        indexId: task.index_id,
      }),
    );
    return { items, total };
  }

  private async indexedAssets({ state, pageSize, signal }: PollContext): Promise<Found> {
    const items: FailureItem[] = [];
    let total = 0;
    for (const indexId of Object.keys(state.entities.indexes).slice(0, MAX_INDEXES)) {
      const found = await pages(
        (page) =>
          this.api.listIndexedAssets(
            indexId,
            { page, page_limit: pageSize, status: ['failed'], sort_by: 'updated_at', sort_option: 'desc' },
            { signal },
          ),
        MAX_PAGES,
      );
      total += found.total;
      for (const asset of found.data) {
        items.push(
          item(
            'indexedAssets',
            asset._id,
            reasonOf(asset.error_reason),
            asset.updated_at ?? asset.created_at,
            {
              name: asset.system_metadata?.filename ?? '',
              indexId: asset.index_id ?? indexId,
              assetId: asset.asset_id,
            },
          ),
        );
      }
    }
    return { items, total };
  }

  private async assets({ pageSize, signal }: PollContext): Promise<Found> {
    const { data } = await pages(
      (page) => this.api.listAssets({ page, page_limit: pageSize }, { signal }),
      ASSET_PAGES,
    );
    const items = data
      .filter((asset) => asset.status === 'failed')
      .map((asset) =>
        item('assets', asset._id, reasonOf(asset.error?.message), asset.created_at, {
          name: asset.filename ?? '',
        }),
      );
    // no status filter: the total of failed assets beyond the scanned pages is unknown
    return { items };
  }

  private async embedV2({ pageSize, signal }: PollContext): Promise<Found> {
    const { data, total } = await pages(
      (page) => this.api.listEmbedV2Tasks({ page, page_limit: pageSize, status: 'failed' }, { signal }),
      MAX_PAGES,
    );
    let gets = 0;
    const items: FailureItem[] = [];
    for (const task of data) {
      let reason = this.embedReasons.get(task._id) ?? (task.error ? reasonOf(task.error.message) : undefined);
      if (!reason && gets < MAX_REASON_GETS) {
        gets += 1;
        const full = await this.api.getEmbedV2Task(task._id, { signal });
        reason = reasonOf(full.error?.message);
        this.embedReasons.set(task._id, reason);
      }
      const metadata = task.video_embedding?.metadata ?? task.audio_embedding?.metadata;
      items.push(
        item(
          'embedV2',
          task._id,
          reason ?? { code: 'loading', message: 'reason not fetched yet' },
          task.updated_at ?? task.created_at,
          {
            name: String(task.custom_id ?? metadata?.input_filename ?? metadata?.input_url ?? ''),
            model: task.model_name,
          },
        ),
      );
    }
    return { items, total };
  }

  private async embedV1({ pageSize, signal }: PollContext): Promise<Found> {
    const { data, total } = await pages(
      (page) => this.api.listEmbedTasks({ page, page_limit: pageSize, status: 'failed' }, { signal }),
      MAX_PAGES,
    );
    const items = data.map((task) => {
      const metadata = task.video_embedding?.metadata ?? task.audio_embedding?.metadata;
      return item(
        'embedV1',
        task._id,
        reasonOf(undefined, 'the API gives no reason for failed v1 embed tasks'),
        task.updated_at ?? task.created_at,
        { name: String(metadata?.input_filename ?? metadata?.input_url ?? ''), model: task.model_name },
      );
    });
    return { items, total };
  }

  private async analyze({ pageSize, signal }: PollContext): Promise<Found> {
    const { data, total } = await pages(
      (page) => this.api.listAnalyzeTasks({ page, page_limit: pageSize, status: 'failed' }, { signal }),
      MAX_PAGES,
    );
    const items = data.map((task) =>
      item('analyze', task.task_id, reasonOf(task.error?.message), task.completed_at ?? task.created_at, {
        name: task.custom_id ?? task.video_source?.url ?? task.video_source?.asset_id ?? '',
        assetId: task.video_source?.asset_id,
      }),
    );
    return { items, total };
  }
}

/** Replaces the failures slice; unchanged items keep their objects, an unchanged poll writes nothing. */
function writeFailures(found: Partial<Record<FailureFamily, Found>>): Write {
  return (draft) => {
    const current = draft.state.failures;
    const items: Record<string, FailureItem> = {};
    const totals: Partial<Record<FailureFamily, number>> = {};
    let changed = !current.loaded;
    let count = 0;
    for (const [family, result] of Object.entries(found) as [FailureFamily, Found][]) {
      if (result.total !== undefined) totals[family] = result.total;
      for (const next of result.items) {
        const stored = current.items[next.key];
        const keep = stored !== undefined && isDeepStrictEqual(stored, next);
        items[next.key] = keep ? stored : next;
        if (!keep) changed = true;
        count += 1;
      }
    }
    if (count !== Object.keys(current.items).length) changed = true;
    const sameTotals = isDeepStrictEqual(current.totals, totals);
    if (!changed && sameTotals) return;
    const failures: FailuresState = {
      items: changed ? items : current.items,
      totals: sameTotals ? current.totals : totals,
      loaded: true,
    };
    draft.state = { ...draft.state, failures };
  };
}
