/** Help, prompts (filter, new upload, index an asset) and confirmations. */
import stripAnsi from 'strip-ansi';
import { completeCommandLine, runCommandLine } from '../commands/index.js';
import type { StoreContext } from '../context.js';
import { errorLine } from '../events.js';
import { completeFilterWord } from '../filter-expr.js';
import { selectActiveTable } from '../selectors.js';
import type { AppActions, Overlay } from '../types.js';
import { completeUploadLine } from './upload-line.js';

type PromptActions = Pick<
  AppActions,
  | 'toggleHelp'
  | 'openFilterPrompt'
  | 'openUploadPrompt'
  | 'openIndexPrompt'
  | 'openCommandPrompt'
  | 'promptInput'
  | 'promptBackspace'
  | 'promptClear'
  | 'promptComplete'
  | 'promptSubmit'
  | 'closeOverlay'
>;

type PromptOverlay = Extract<Overlay, { kind: 'prompt' }>;

// what a paste may carry that a one-line prompt must not
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

export interface PromptHandlers {
  /** the new-upload line: `PATH [type=…] [index=…]` */
  submitUpload(line: string): Promise<void>;
  submitIndex(indexRef: string): Promise<void>;
  indexNames(): string[];
}

export function promptActions(context: StoreContext, handlers: PromptHandlers): PromptActions {
  const { store, setUi } = context;
  const prompt = (): PromptOverlay | undefined => {
    const overlay = store.getState().ui.overlay;
    return overlay.kind === 'prompt' ? overlay : undefined;
  };
  const updatePrompt = (patch: Partial<PromptOverlay>): void => {
    const current = prompt();
    if (current) setUi({ overlay: { ...current, ...patch } });
  };
  const open = (purpose: PromptOverlay['purpose'], label: string, value: string): void =>
    setUi({ overlay: { kind: 'prompt', purpose, label, value, completions: [] } });

  return {
    toggleHelp() {
      const open = store.getState().ui.overlay.kind === 'help';
      setUi({ overlay: open ? { kind: 'none' } : { kind: 'help' } });
    },
    openFilterPrompt() {
      const state = store.getState();
      open('filter', 'Filter', state.ui.filter[selectActiveTable(state)]);
    },
    openUploadPrompt() {
      if (!context.uploads) {
        context.setStatus('uploads are not available here', 'warn');
        return;
      }
      open('upload', 'File to upload', '');
    },
    openIndexPrompt() {
      const state = store.getState();
      const current = state.ui.indexId ? state.entities.indexes[state.ui.indexId]?.index_name : undefined;
      open('index', 'Index into', current ?? '');
    },
    openCommandPrompt() {
      open('command', ':', '');
    },
    promptInput(text) {
      const current = prompt();
      const clean = stripAnsi(text).replace(CONTROL_CHARACTERS, '');
      if (current && clean) updatePrompt({ value: current.value + clean, error: undefined });
    },
    promptBackspace() {
      const current = prompt();
      if (current?.value) updatePrompt({ value: current.value.slice(0, -1), error: undefined });
    },
    promptClear(what) {
      const current = prompt();
      if (!current?.value) return;
      const value = what === 'line' ? '' : current.value.replace(/\S*\s*$/, '');
      updatePrompt({ value, error: undefined });
    },
    async promptComplete() {
      const current = prompt();
      if (!current) return;
      // the word being completed starts after `head` (commands complete their last word)
      const wordwise = current.purpose === 'command' || current.purpose === 'filter';
      // the upload line's words may hold escaped spaces: its completer says where the word starts
      const upload =
        current.purpose === 'upload'
          ? await completeUploadLine(current.value, handlers.indexNames)
          : undefined;
      const head = upload ? upload.head : wordwise ? current.value.replace(/\S*$/, '') : '';
      const candidates = upload
        ? upload.words
        : current.purpose === 'index'
          ? handlers.indexNames().filter((name) => name.startsWith(current.value))
          : current.purpose === 'command'
            ? await completeCommandLine(current.value, context)
            : completeFilterWord(
                selectActiveTable(store.getState()),
                current.value.slice(head.length),
                store.getState().entities.indexes,
              );
      const latest = prompt();
      if (!latest || latest.value !== current.value) return;
      const common = head + commonPrefix(candidates);
      // a finished word gets its space; `status=` and `status=failed,` wait for their value
      const single = candidates.length === 1 && wordwise && !/[=,]$/.test(candidates[0]!) ? ' ' : '';
      updatePrompt({
        value: common.length > latest.value.length || single ? common + single : latest.value,
        completions: candidates.length > 1 ? candidates.slice(0, 20) : [],
      });
    },
    async promptSubmit() {
      const current = prompt();
      if (!current) return;
      const value = current.value.trim();
      try {
        if (current.purpose === 'filter') {
          // a bad expression throws before anything changes, and the prompt stays open
          store.getState().actions.setFilter(value);
          setUi({ overlay: { kind: 'none' } });
        } else if (current.purpose === 'command') {
          // closed first: a command may open an overlay of its own (:help); a refusal reopens it
          setUi({ overlay: { kind: 'none' } });
          await runCommandLine(value, context).catch((error: unknown) => {
            setUi({ overlay: { ...current, completions: [] } });
            throw error;
          });
        } else if (current.purpose === 'upload') {
          await handlers.submitUpload(value);
          setUi({ overlay: { kind: 'none' } });
        } else {
          await handlers.submitIndex(value);
          setUi({ overlay: { kind: 'none' } });
        }
      } catch (error) {
        updatePrompt({ error: errorLine(error) });
      }
    },
    closeOverlay() {
      if (store.getState().ui.overlay.kind !== 'none') setUi({ overlay: { kind: 'none' } });
    },
  };
}

function commonPrefix(values: readonly string[]): string {
  if (values.length === 0) return '';
  let prefix = values[0]!;
  for (const value of values) {
    while (!value.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix;
}
