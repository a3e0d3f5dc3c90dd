/**
 * Which server pages a table needs: the rows around the selection, mapped onto the plain
 * query's pages or, for a status order, onto the pages of each status's own query.
 */
import type { Collection, CollectionGroup } from '../types.js';

/** A page of the plain query (group undefined) or of one status group. */
export interface PageRef {
  group?: number;
  page: number;
}

/** Never want more than this many pages at once. */
const MAX_WINDOW_PAGES = 20;

export interface RowRange {
  from: number;
  to: number;
}

function pagesOf(range: RowRange, size: number, total: number | undefined, group?: number): PageRef[] {
  const lastPage = total === undefined ? Number.POSITIVE_INFINITY : Math.max(1, Math.ceil(total / size));
  const refs: PageRef[] = [];
  for (let page = Math.floor(range.from / size) + 1; page <= Math.floor(range.to / size) + 1; page++) {
    if (page > lastPage) break;
    refs.push(group === undefined ? { page } : { group, page });
  }
  return refs;
}

/**
 * Pages covering `range` (null: just enough to know the totals). Status groups whose total
 * is unknown always want their first page, since it places every group after them.
 */
export function wantedPages(collection: Collection, range: RowRange | null): PageRef[] {
  const size = collection.pageSize;
  const groups = collection.groups;
  if (!groups)
    return range ? pagesOf(range, size, collection.total).slice(0, MAX_WINDOW_PAGES) : [{ page: 1 }];
  const refs: PageRef[] = [];
  groups.forEach((group, index) => {
    if (group.total === undefined || !range) refs.push({ group: index, page: 1 });
  });
  if (!range) return refs;
  let offset = 0;
  groups.forEach((group, index) => {
    const total = group.total ?? 0;
    const from = Math.max(range.from, offset) - offset;
    const to = Math.min(range.to, offset + total - 1) - offset;
    if (total > 0 && from <= to) {
      for (const ref of pagesOf({ from, to }, size, total, index)) {
        if (!refs.some((other) => other.group === ref.group && other.page === ref.page)) refs.push(ref);
      }
    }
    offset += total;
  });
  return refs.slice(0, MAX_WINDOW_PAGES);
}

/** The first page of every group (or of the plain query): what tells totals. */
export function firstPages(collection: Collection): PageRef[] {
  return collection.groups ? collection.groups.map((_, group) => ({ group, page: 1 })) : [{ page: 1 }];
}

/** Every id on a loaded page of the collection. */
export function idsOnPages(collection: Collection): Set<string> {
  const ids = new Set<string>();
  for (const pages of collection.groups?.map((group) => group.pages) ?? [collection.pages]) {
    for (const pageIds of Object.values(pages)) for (const id of pageIds) ids.add(id);
  }
  return ids;
}

/** The collection with only the `keep` pages loaded (the same object when nothing else was). */
export function onlyPages(collection: Collection, keep: readonly PageRef[]): Collection {
  const filter = (pages: Readonly<Record<number, readonly string[]>>, group?: number) => {
    const kept = Object.entries(pages).filter(([page]) =>
      keep.some((ref) => ref.group === group && ref.page === Number(page)),
    );
    return kept.length === Object.keys(pages).length ? pages : Object.fromEntries(kept);
  };
  if (collection.groups) {
    const groups = collection.groups.map((group, index) => {
      const pages = filter(group.pages, index);
      return pages === group.pages ? group : { ...group, pages };
    });
    return groups.every((group, index) => group === collection.groups![index])
      ? collection
      : { ...collection, groups };
  }
  const pages = filter(collection.pages);
  return pages === collection.pages ? collection : { ...collection, pages };
}

export function isLoaded(collection: Collection, ref: PageRef): boolean {
  const pages = ref.group === undefined ? collection.pages : collection.groups?.[ref.group]?.pages;
  return pages?.[ref.page] !== undefined;
}

/** `a` plus the refs of `b` it does not have, in order. */
export function union(a: readonly PageRef[], b: readonly PageRef[]): PageRef[] {
  const refs = [...a];
  for (const ref of b) {
    if (!refs.some((other) => other.group === ref.group && other.page === ref.page)) refs.push(ref);
  }
  return refs;
}

/** A group with one page replaced; when the total moved, its other pages are dropped (rows shifted). */
export function withGroupPage(
  group: CollectionGroup,
  page: number,
  ids: readonly string[],
  total: number,
): CollectionGroup {
  const pages = group.total === total ? { ...group.pages, [page]: ids } : { [page]: ids };
  return { ...group, pages, total };
}
