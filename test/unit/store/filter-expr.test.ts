import { describe, expect, it } from 'vitest';
import type { Index } from '../../../src/api/types.js';
import {
  completeFilterWord,
  describeFilter,
  formatFilter,
  parseFilter,
  resolveIndex,
} from '../../../src/store/filter-expr.js';
import { initialState } from '../../../src/store/initial-state.js';
import { localFilterOf, serverParams } from '../../../src/store/tables.js';
import type { TableId, UiState } from '../../../src/store/types.js';

const INDEXES: Record<string, Index> = {
  '65a1b2c3d4e5f60718293a4b': { _id: '65a1b2c3d4e5f60718293a4b', index_name: 'support-calls' },
  '65a1b2c3d4e5f60718293a4c': { _id: '65a1b2c3d4e5f60718293a4c', index_name: 'Marketing 2026' },
};

function uiWith(table: TableId, filter: string, sort = 0): UiState {
  const ui = initialState().ui;
  return { ...ui, filter: { ...ui.filter, [table]: filter }, sort: { ...ui.sort, [table]: sort } };
}

describe('filter expressions', () => {
  it('splits free text, statuses and the index, and writes them back in one order', () => {
    const expr = parseFilter('tasks', 'camera index=support-calls status=failed,QUEUED  b');
    expect(expr).toEqual({ text: 'camera b', statuses: ['failed', 'queued'], index: 'support-calls' });
    expect(formatFilter(expr)).toBe('camera b status=failed,queued index=support-calls');
    expect(parseFilter('tasks', 'status=failed status=failed,ready').statuses).toEqual(['failed', 'ready']);
  });

  it('refuses unknown keys, statuses a table does not have, and index= outside indexing tables', () => {
    expect(() => parseFilter('tasks', 'owner=me')).toThrow(
      'unknown filter key "owner" (use status= or index=)',
    );
    expect(() => parseFilter('assets', 'status=queued')).toThrow(
      'unknown status "queued" here (one of processing, ready, failed)',
    );
    expect(() => parseFilter('analyze', 'status=,')).toThrow('status= needs a value');
    expect(() => parseFilter('embedV2', 'index=x')).toThrow('index= works on indexing tasks');
    expect(() => parseFilter('events', 'status=failed')).toThrow('no status to filter on');
  });

  it('resolves an index by id, exact name, then name in any case; ambiguity and unknowns are refused', () => {
    expect(resolveIndex('support-calls', INDEXES)).toBe('65a1b2c3d4e5f60718293a4b');
    expect(resolveIndex('marketing 2026', INDEXES)).toBe('65a1b2c3d4e5f60718293a4c');
    expect(resolveIndex('0123456789abcdef01234567', INDEXES)).toBe('0123456789abcdef01234567');
    expect(() => resolveIndex('nope', INDEXES)).toThrow('unknown index "nope"');
    const twins = { ...INDEXES, x: { _id: 'x', index_name: 'support-calls' } };
    expect(() => resolveIndex('support-calls', twins)).toThrow('2 indexes are named "support-calls"');
  });

  it('completes keys, statuses after a comma (without repeating one) and index names', () => {
    expect(completeFilterWord('tasks', 'st', INDEXES)).toEqual(['status=']);
    expect(completeFilterWord('embedV1', '', INDEXES)).toEqual(['status=']);
    expect(completeFilterWord('embedV1', 'status=failed,', INDEXES)).toEqual([
      'status=failed,processing',
      'status=failed,ready',
    ]);
    // a name with a space is offered as its id
    expect(completeFilterWord('indexedAssets', 'index=', INDEXES)).toEqual([
      'index=support-calls',
      'index=65a1b2c3d4e5f60718293a4c',
    ]);
    expect(completeFilterWord('events', 'sta', INDEXES)).toEqual([]);
  });

  it('shows index ids by name in the caption', () => {
    expect(describeFilter('status=failed index=65a1b2c3d4e5f60718293a4b', INDEXES)).toBe(
      'status=failed index=support-calls',
    );
  });
});

describe('where a filter runs', () => {
  it('tasks: statuses and the index go to the server in one query', () => {
    const params = serverParams(
      uiWith('tasks', 'clip status=failed,queued index=65a1b2c3d4e5f60718293a4b'),
      'tasks',
    );
    expect(params).toMatchObject({
      filename: 'clip',
      statuses: ['failed', 'queued'],
      indexId: '65a1b2c3d4e5f60718293a4b',
      groups: undefined,
    });
    expect(localFilterOf('tasks', 'clip status=failed')).toBeUndefined();
  });

  it('tasks ordered by status: only the filtered statuses are listed, in status order', () => {
    const statusSort = 4;
    const params = serverParams(uiWith('tasks', 'status=ready,failed', statusSort), 'tasks');
    expect(params.groups).toEqual(['failed', 'ready']);
    expect(params.statuses).toBeUndefined();
  });

  it('one-status lists (analyze, embeddings) list each status on its own; text stays local', () => {
    const params = serverParams(uiWith('analyze', 'promo status=ready,failed'), 'analyze');
    expect(params.groups).toEqual(['failed', 'ready']);
    expect(params.filename).toBeUndefined();
    expect(localFilterOf('analyze', 'promo status=ready,failed')).toEqual({ text: 'promo', statuses: [] });
  });

  it('assets: the text goes to the server, statuses are matched on the loaded rows', () => {
    const params = serverParams(uiWith('assets', 'clip status=failed'), 'assets');
    expect(params.filename).toBe('clip');
    expect(params.groups).toBeUndefined();
    expect(localFilterOf('assets', 'clip status=failed')).toEqual({ text: '', statuses: ['failed'] });
  });

  it('a different filter is a different server query', () => {
    const a = serverParams(uiWith('tasks', 'status=failed'), 'tasks').key;
    const b = serverParams(uiWith('tasks', 'status=ready'), 'tasks').key;
    expect(a).not.toBe(b);
  });
});
