import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStore } from '../store/types.js';
import type { ScrollState, ScrollStore } from './overlay.js';

/** The dashboard store and the UI's scroll store, provided once by <App>. */
export interface Stores {
  app: AppStore;
  scroll: ScrollStore;
}

export const StoresContext = createContext<Stores | null>(null);

export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('dashboard components must be rendered inside <App>');
  return stores;
}

/** Reads a narrow slice of the dashboard store; re-renders only when that slice changes. */
export function useAppState<T>(selector: (state: AppState) => T): T {
  return useStore(useStores().app, selector);
}

export function useScroll<T>(selector: (state: ScrollState) => T): T {
  return useStore(useStores().scroll, selector);
}
