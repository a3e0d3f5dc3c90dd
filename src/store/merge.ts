/**
 * Structural sharing: server data merged into the store keeps the old references for
 * everything that did not change, so an unchanged poll changes nothing and renders nothing.
 */
import { isDeepStrictEqual } from 'node:util';

export interface Transition {
  id: string;
  from: string;
  to: string;
}

export interface MergeResult<T> {
  /** the same object as the input map when no entity changed */
  map: Readonly<Record<string, T>>;
  transitions: Transition[];
}

export interface MergeOptions<T> {
  idOf(item: T): string;
  statusOf(item: T): string;
  /**
   * Ids whose stored record came from a detail call. A list item (which may carry fewer
   * fields) replaces such a record only when its version (status, timestamps) moved.
   */
  detailed?: ReadonlySet<string>;
  versionOf?(item: T): string;
}

export function mergeEntities<T>(
  map: Readonly<Record<string, T>>,
  items: readonly T[],
  options: MergeOptions<T>,
): MergeResult<T> {
  let next: Record<string, T> | undefined;
  const transitions: Transition[] = [];
  for (const item of items) {
    const id = options.idOf(item);
    const current = (next ?? map)[id];
    if (current !== undefined) {
      if (isDeepStrictEqual(current, item)) continue;
      if (options.detailed?.has(id) && options.versionOf?.(current) === options.versionOf?.(item)) continue;
      const from = options.statusOf(current);
      const to = options.statusOf(item);
      if (from !== to) transitions.push({ id, from, to });
    }
    next ??= { ...map };
    next[id] = item;
  }
  return { map: next ?? map, transitions };
}

/** Removes ids from a map; the same map when none of them is in it. */
export function removeEntities<T>(
  map: Readonly<Record<string, T>>,
  ids: Iterable<string>,
): Readonly<Record<string, T>> {
  let next: Record<string, T> | undefined;
  for (const id of ids) {
    if (!(id in (next ?? map))) continue;
    next ??= { ...map };
    delete next[id];
  }
  return next ?? map;
}

export function sameIds(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((id, i) => id === b[i]);
}
