import { useEffect, useReducer, useRef } from 'react';
import type { AppState } from '../store/types.js';
import { useStores } from './context.js';

/** How often a sampled value may be recomputed while the store keeps changing. */
export const SAMPLE_MS = 1000;

/**
 * A value derived from the store by a selector that walks every loaded row (thresholds,
 * sparklines, counts): computed when `key` changes, then at most once per `intervalMs` after
 * store changes (trailing), never while the store is idle. A store update (one row of 10,000
 * changed) therefore never pays for the walk on its way to the frame, and an unchanged result
 * renders nothing.
 */
export function useSampled<T>(select: (state: AppState) => T, key: string, intervalMs = SAMPLE_MS): T {
  const store = useStores().app;
  const selectRef = useRef(select);
  selectRef.current = select;
  const cache = useRef<{ key: string; value: T } | undefined>(undefined);
  if (cache.current?.key !== key) cache.current = { key, value: select(store.getState()) };
  const [, rerender] = useReducer((count: number) => count + 1, 0);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastAt = 0;
    const run = (): void => {
      timer = undefined;
      lastAt = Date.now();
      const current = cache.current;
      if (!current) return;
      const value = selectRef.current(store.getState());
      if (Object.is(value, current.value)) return;
      cache.current = { key: current.key, value };
      rerender();
    };
    const unsubscribe = store.subscribe(() => {
      if (timer === undefined) timer = setTimeout(run, Math.max(0, lastAt + intervalMs - Date.now()));
    });
    return () => {
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [store, intervalMs]);
  return cache.current.value;
}
