import { describe, expect, it } from 'vitest';
import type { AnalyzeTask, Asset, IndexedAsset, Task } from '../../../src/api/types.js';
import { findLoaded, loadedMembers, noLinksReason, selectLinks } from '../../../src/store/lineage.js';
import type { AppStore } from '../../../src/store/types.js';
import { offlineStore } from './fixtures.js';

/** Loaded data: an asset, its indexed asset and the task mirroring it, two analyses. */
const ASSET = 'a0000000000000000000aaaa';
const INDEXED = 'b0000000000000000000bbbb';
const INDEX = 'c0000000000000000000cccc';
const TASK = 'd0000000000000000000dddd';

function load(store: AppStore) {
  const asset: Asset = { _id: ASSET, status: 'ready', filename: 'clip.mp4' };
  const indexed: IndexedAsset = { _id: INDEXED, asset_id: ASSET, index_id: INDEX, status: 'indexing' };
  const task: Task = { _id: TASK, video_id: INDEXED, index_id: INDEX, status: 'indexing' };
  const analysis = (id: string, source: AnalyzeTask['video_source']): AnalyzeTask => ({
    task_id: id,
    custom_id: null,
    status: 'ready',
    created_at: '2026-01-01T00:00:00Z',
    video_source: source,
  });
  store.setState((state) => ({
    entities: {
      ...state.entities,
      assets: { [ASSET]: asset },
      indexedAssets: { [INDEXED]: indexed },
      tasks: { [TASK]: task },
      analyze: {
        ee00000000000000000000e1: analysis('ee00000000000000000000e1', { type: 'asset_id', asset_id: ASSET }),
        ee00000000000000000000f2: analysis('ee00000000000000000000f2', {
          type: 'url',
          url: 'https://x/y.mp4',
        }),
      },
    },
  }));
}

describe('lineage from loaded data', () => {
  it('finds what was made from an asset among loaded items: indexed asset, the task mirroring it, analyses', () => {
    const store = offlineStore();
    load(store);
    const members = loadedMembers(store.getState(), ASSET);
    expect(members.map((ref) => `${ref.table}:${ref.id.slice(-4)}`)).toEqual([
      'indexedAssets:bbbb',
      'tasks:dddd',
      'analyze:00e1',
    ]);
    // before a lookup, an item links only to what it names itself
    expect(selectLinks(store.getState(), { table: 'analyze', id: 'ee00000000000000000000e1' })).toHaveLength(
      1,
    );
    store.setState((state) => ({
      lineage: {
        ...state.lineage,
        groups: { [ASSET]: { assetId: ASSET, members, inferred: [], resolvedAt: 1 } },
      },
    }));
    const links = selectLinks(store.getState(), { table: 'assets', id: ASSET });
    expect(links.map((link) => link.ref.table)).toEqual(['indexedAssets', 'tasks', 'analyze']);
    // the same reference while nothing changed (components select it on every store update)
    expect(selectLinks(store.getState(), { table: 'assets', id: ASSET })).toBe(links);
    // and back: the analysis links to the asset and the rest, never to itself
    const back = selectLinks(store.getState(), { table: 'analyze', id: 'ee00000000000000000000e1' });
    expect(back.map((link) => link.ref.table)).toEqual(['assets', 'indexedAssets', 'tasks']);
  });

  it('says why an item has no links', () => {
    const store = offlineStore();
    load(store);
    const state = store.getState();
    expect(selectLinks(state, { table: 'analyze', id: 'ee00000000000000000000f2' })).toHaveLength(0);
    expect(noLinksReason(state, { table: 'analyze', id: 'ee00000000000000000000f2' })).toMatch(/URL/);
    expect(noLinksReason(state, { table: 'assets', id: ASSET })).toBeUndefined();
  });

  it('finds an id in any family: exact, a unique prefix or suffix of 6+, and every match when ambiguous', () => {
    const store = offlineStore();
    load(store);
    const state = store.getState();
    expect(findLoaded(state, TASK)).toEqual([{ table: 'tasks', id: TASK }]);
    expect(findLoaded(state, '00bbbb')).toEqual([{ table: 'indexedAssets', id: INDEXED }]);
    expect(findLoaded(state, 'bbbb')).toEqual([]);
    expect(findLoaded(state, 'ee0000').map((ref) => ref.table)).toEqual(['analyze', 'analyze']);
  });

  it(':open refuses an ambiguous id in one line', async () => {
    const store = offlineStore();
    load(store);
    await expect(store.getState().actions.openById('ee0000')).rejects.toThrow(
      'ee0000 matches 2 items; type more of the id',
    );
    await expect(store.getState().actions.openById('nope')).rejects.toThrow('no loaded item has the id nope');
    expect(store.getState().ui.detail).toBeNull();
  });
});
