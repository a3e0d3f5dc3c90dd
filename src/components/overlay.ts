import { createStore } from 'zustand/vanilla';

/**
 * Scroll positions of the help overlay and the detail pane: pure presentation state the
 * dashboard store does not need. Like the store, it changes only through these actions.
 */
export interface ScrollState {
  help: number;
  detail: number;
  scrollHelp(lines: number): void;
  scrollDetail(lines: number): void;
  /** the pane found it cannot scroll past `top`: keep j/k/PgUp from counting past the end */
  clampDetail(top: number): void;
  clampHelp(top: number): void;
  reset(): void;
}

export type ScrollStore = ReturnType<typeof createScrollStore>;

export function createScrollStore() {
  return createStore<ScrollState>()((set) => ({
    help: 0,
    detail: 0,
    scrollHelp: (lines) => set((state) => ({ help: Math.max(0, state.help + lines) })),
    scrollDetail: (lines) => set((state) => ({ detail: Math.max(0, state.detail + lines) })),
    clampDetail: (top) => set((state) => (state.detail > top ? { detail: top } : {})),
    clampHelp: (top) => set((state) => (state.help > top ? { help: top } : {})),
    reset: () => set({ help: 0, detail: 0 }),
  }));
}
