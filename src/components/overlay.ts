import { createStore } from 'zustand/vanilla';

/** One input line of a prompt. With `choices`, Tab cycles them instead of completing a path. */
export interface PromptField {
  name: string;
  label: string;
  value: string;
  choices?: readonly string[];
  /** Tab completes a file path */
  completePath?: boolean;
  placeholder?: string;
}

export interface PromptState {
  title: string;
  fields: PromptField[];
  focus: number;
  /** one line shown under the fields (completion candidates, a validation error) */
  message?: string;
  /** resolve to an error line to keep the prompt open, or undefined to close it */
  submit: (values: Record<string, string>) => Promise<string | undefined> | string | undefined;
}

export interface ConfirmState {
  question: string;
  yes: () => void;
}

/**
 * UI-only state the dashboard store does not need to know about: overlays and scroll
 * positions. Like the store, it is changed only through these actions.
 */
export interface OverlayState {
  help: boolean;
  helpScroll: number;
  detailScroll: number;
  prompt?: PromptState;
  confirm?: ConfirmState;
  /** a one-line notice in the footer, e.g. an action's result or error */
  flash?: { text: string; tone: 'info' | 'error'; at: number };
  toggleHelp(): void;
  scrollHelp(lines: number): void;
  scrollDetail(lines: number): void;
  resetDetailScroll(): void;
  openPrompt(prompt: Omit<PromptState, 'focus'>): void;
  updatePrompt(change: (prompt: PromptState) => PromptState): void;
  closePrompt(): void;
  ask(question: string, yes: () => void): void;
  closeConfirm(): void;
  showFlash(text: string, tone?: 'info' | 'error'): void;
}

export type OverlayStore = ReturnType<typeof createOverlayStore>;

export function createOverlayStore() {
  return createStore<OverlayState>()((set) => ({
    help: false,
    helpScroll: 0,
    detailScroll: 0,
    toggleHelp: () => set((state) => ({ help: !state.help, helpScroll: 0 })),
    scrollHelp: (lines) => set((state) => ({ helpScroll: Math.max(0, state.helpScroll + lines) })),
    scrollDetail: (lines) => set((state) => ({ detailScroll: Math.max(0, state.detailScroll + lines) })),
    resetDetailScroll: () => set({ detailScroll: 0 }),
    openPrompt: (prompt) => set({ prompt: { ...prompt, focus: 0 } }),
    updatePrompt: (change) => set((state) => (state.prompt ? { prompt: change(state.prompt) } : {})),
    closePrompt: () => set({ prompt: undefined }),
    ask: (question, yes) => set({ confirm: { question, yes } }),
    closeConfirm: () => set({ confirm: undefined }),
    showFlash: (text, tone = 'info') => set({ flash: { text, tone, at: Date.now() } }),
  }));
}
