/** The indexes list (rarely changes: polled at the slow window rate) and the default index choice. */
import { isDeepStrictEqual } from 'node:util';
import type { TwelveLabsApi } from '../../api/api.js';
import type { Index } from '../../api/types.js';
import type { PollContext, PollStep, Write } from './step.js';

const MAX_PAGES = 5;

export class IndexesPoller implements PollStep {
  private dueAt = 0;

  constructor(private readonly api: TwelveLabsApi) {}

  nextDueAt(): number {
    return this.dueAt;
  }

  async poll(context: PollContext, out: Write[]): Promise<void> {
    const { state, now, force, intervals, signal } = context;
    if (!force && now < this.dueAt) return;
    const indexes: Index[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const result = await this.api.listIndexes({ page, page_limit: context.pageSize }, { signal });
      indexes.push(...result.data);
      if (page >= result.page_info.total_page || result.data.length === 0) break;
    }
    this.dueAt = now + (state.ui.view === 'indexing' ? intervals.window : intervals.windowHidden);
    out.push(writeIndexes(indexes));
  }
}

function writeIndexes(indexes: readonly Index[]): Write {
  return (draft) => {
    const current = draft.state.entities.indexes;
    const next: Record<string, Index> = {};
    let changed = Object.keys(current).length !== indexes.length;
    for (const index of indexes) {
      const stored = current[index._id];
      const keep = stored !== undefined && isDeepStrictEqual(stored, index);
      next[index._id] = keep ? stored : index;
      if (!keep) changed = true;
    }
    if (changed) draft.state = { ...draft.state, entities: { ...draft.state.entities, indexes: next } };
    // the chosen index may have been given by name (a profile's default_index)
    const chosen = draft.state.ui.indexId;
    const resolved =
      chosen !== undefined && chosen in next
        ? chosen
        : (indexes.find((index) => index.index_name === chosen)?._id ?? indexes[0]?._id);
    if (resolved !== undefined && resolved !== chosen) {
      draft.state = { ...draft.state, ui: { ...draft.state.ui, indexId: resolved } };
    }
  };
}
