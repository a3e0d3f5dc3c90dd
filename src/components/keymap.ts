import type { Key } from 'ink';

/** The six views, in tab order (keys 1..6). */
export const VIEWS = ['uploads', 'assets', 'indexing', 'embeddings', 'analyses', 'events'] as const;
export type ViewId = (typeof VIEWS)[number];

export const VIEW_TITLES: Record<ViewId, string> = {
  uploads: 'Uploads',
  assets: 'Assets',
  indexing: 'Indexing',
  embeddings: 'Embeddings',
  analyses: 'Analyses',
  events: 'Events',
};

/** Which layer owns the keyboard; the dispatcher asks them in this order. */
export type Layer = 'prompt' | 'confirm' | 'help' | 'detail' | 'view';

export interface KeyContext {
  layer: Layer;
  view: ViewId;
}

/** Everything a key can do. The App builds this from store actions; keys never touch state directly. */
export interface Commands {
  switchView(view: ViewId): void;
  nextView(step: 1 | -1): void;
  moveSelection(delta: number): void;
  movePage(pages: number): void;
  selectEdge(edge: 'first' | 'last'): void;
  openDetail(): void;
  closeDetail(): void;
  scrollDetail(lines: number): void;
  openFilter(): void;
  cycleSort(): void;
  cycleIndex(): void;
  toggleEmbedVersion(): void;
  newUpload(): void;
  retry(): void;
  pauseOrCancel(): void;
  indexAsset(): void;
  deleteSelected(): void;
  togglePolling(): void;
  refreshNow(): void;
  toggleHelp(): void;
  quit(): void;
  confirmYes(): void;
  confirmNo(): void;
  promptSubmit(): void;
  promptCancel(): void;
  promptComplete(): void;
  promptNextField(): void;
}

/** Named keys as Ink reports them in `Key`. */
type NamedKey =
  | 'upArrow'
  | 'downArrow'
  | 'pageUp'
  | 'pageDown'
  | 'return'
  | 'escape'
  | 'tab'
  | 'home'
  | 'end';

export type KeyMatcher = { input: string; ctrl?: boolean } | { named: NamedKey; shift?: boolean };

export interface Binding {
  id: string;
  keys: readonly KeyMatcher[];
  /** how the key is written in the footer and help, e.g. "j/k" */
  label: string;
  /** short word for the footer */
  hint: string;
  /** one line for the help overlay */
  description: string;
  layers: readonly Layer[];
  /** views where the binding works; all views when absent */
  views?: readonly ViewId[];
  /** shown in the footer (the help overlay shows every binding) */
  footer: boolean;
  /** `text` is the typed character (the digit for the view keys) */
  run: (commands: Commands, text: string) => void;
}

const input = (text: string): KeyMatcher => ({ input: text });
const named = (name: NamedKey): KeyMatcher => ({ named: name });
const BROWSE: readonly Layer[] = ['view', 'detail'];

/** THE keymap: it dispatches keys and generates the footer and the help overlay. */
export const KEYMAP: readonly Binding[] = [
  // prompt
  {
    id: 'prompt.submit',
    keys: [named('return')],
    label: 'Enter',
    hint: 'ok',
    description: 'accept the prompt',
    layers: ['prompt'],
    footer: true,
    run: (c) => c.promptSubmit(),
  },
  {
    id: 'prompt.complete',
    keys: [named('tab')],
    label: 'Tab',
    hint: 'complete',
    description: 'complete the file path / next choice',
    layers: ['prompt'],
    footer: true,
    run: (c) => c.promptComplete(),
  },
  {
    id: 'prompt.field',
    keys: [named('downArrow'), named('upArrow')],
    label: '↑/↓',
    hint: 'field',
    description: 'move between the fields of the prompt',
    layers: ['prompt'],
    footer: true,
    run: (c) => c.promptNextField(),
  },
  {
    id: 'prompt.cancel',
    keys: [named('escape')],
    label: 'Esc',
    hint: 'cancel',
    description: 'close the prompt without doing anything',
    layers: ['prompt'],
    footer: true,
    run: (c) => c.promptCancel(),
  },
  // confirm
  {
    id: 'confirm.yes',
    keys: [input('y'), input('Y'), named('return')],
    label: 'y',
    hint: 'yes',
    description: 'confirm',
    layers: ['confirm'],
    footer: true,
    run: (c) => c.confirmYes(),
  },
  {
    id: 'confirm.no',
    keys: [input('n'), input('N'), named('escape')],
    label: 'n/Esc',
    hint: 'no',
    description: 'cancel',
    layers: ['confirm'],
    footer: true,
    run: (c) => c.confirmNo(),
  },
  // help
  {
    id: 'help.close',
    keys: [input('?'), named('escape'), input('q')],
    label: '?/Esc',
    hint: 'close help',
    description: 'close this help',
    layers: ['help'],
    footer: true,
    run: (c) => c.toggleHelp(),
  },
  // moving around
  {
    id: 'nav.down',
    keys: [input('j'), named('downArrow')],
    label: 'j/k',
    hint: 'move',
    description: 'move the selection down / up (scrolls in a detail pane)',
    layers: ['view'],
    footer: true,
    run: (c) => c.moveSelection(1),
  },
  {
    id: 'nav.up',
    keys: [input('k'), named('upArrow')],
    label: 'k',
    hint: 'up',
    description: 'move the selection up',
    layers: ['view'],
    footer: false,
    run: (c) => c.moveSelection(-1),
  },
  {
    id: 'detail.down',
    keys: [input('j'), named('downArrow')],
    label: 'j/k',
    hint: 'scroll',
    description: 'scroll the detail pane',
    layers: ['detail'],
    footer: true,
    run: (c) => c.scrollDetail(1),
  },
  {
    id: 'detail.up',
    keys: [input('k'), named('upArrow')],
    label: 'k',
    hint: 'scroll up',
    description: 'scroll the detail pane up',
    layers: ['detail'],
    footer: false,
    run: (c) => c.scrollDetail(-1),
  },
  {
    id: 'nav.pageDown',
    keys: [named('pageDown'), { input: 'f', ctrl: true }],
    label: 'PgDn/PgUp',
    hint: 'page',
    description: 'next / previous page',
    layers: ['view'],
    footer: false,
    run: (c) => c.movePage(1),
  },
  {
    id: 'nav.pageUp',
    keys: [named('pageUp'), { input: 'b', ctrl: true }],
    label: 'PgUp',
    hint: 'page up',
    description: 'previous page',
    layers: ['view'],
    footer: false,
    run: (c) => c.movePage(-1),
  },
  {
    id: 'detail.pageDown',
    keys: [named('pageDown')],
    label: 'PgDn/PgUp',
    hint: 'page',
    description: 'scroll the detail pane by a page',
    layers: ['detail'],
    footer: false,
    run: (c) => c.scrollDetail(10),
  },
  {
    id: 'detail.pageUp',
    keys: [named('pageUp')],
    label: 'PgUp',
    hint: 'page up',
    description: 'scroll the detail pane up by a page',
    layers: ['detail'],
    footer: false,
    run: (c) => c.scrollDetail(-10),
  },
  {
    id: 'nav.first',
    keys: [input('g'), named('home')],
    label: 'g/G',
    hint: 'top/end',
    description: 'first / last row',
    layers: ['view'],
    footer: false,
    run: (c) => c.selectEdge('first'),
  },
  {
    id: 'nav.last',
    keys: [input('G'), named('end')],
    label: 'G',
    hint: 'end',
    description: 'last row',
    layers: ['view'],
    footer: false,
    run: (c) => c.selectEdge('last'),
  },
  {
    id: 'detail.open',
    keys: [named('return')],
    label: 'Enter',
    hint: 'detail',
    description: 'open the detail pane of the selected row',
    layers: ['view'],
    footer: true,
    run: (c) => c.openDetail(),
  },
  {
    id: 'detail.close',
    keys: [named('escape')],
    label: 'Esc',
    hint: 'back',
    description: 'close the detail pane',
    layers: ['detail'],
    footer: true,
    run: (c) => c.closeDetail(),
  },
  {
    id: 'view.filter',
    keys: [input('/')],
    label: '/',
    hint: 'filter',
    description: 'filter the rows (Esc in the prompt keeps the old filter, empty clears it)',
    layers: ['view'],
    footer: true,
    run: (c) => c.openFilter(),
  },
  {
    id: 'view.sort',
    keys: [input('s')],
    label: 's',
    hint: 'sort',
    description: 'cycle the sort column and direction',
    layers: ['view'],
    footer: true,
    run: (c) => c.cycleSort(),
  },
  {
    id: 'indexing.index',
    keys: [input('[')],
    label: '[',
    hint: 'index',
    description: 'choose the index (indexing tasks and indexed assets)',
    layers: ['view'],
    views: ['indexing'],
    footer: true,
    run: (c) => c.cycleIndex(),
  },
  {
    id: 'embeddings.version',
    keys: [input('v')],
    label: 'v',
    hint: 'v1/v2',
    description: 'switch between embed v1 and v2 tasks',
    layers: ['view'],
    views: ['embeddings'],
    footer: true,
    run: (c) => c.toggleEmbedVersion(),
  },
  // actions
  {
    id: 'upload.new',
    keys: [input('n')],
    label: 'n',
    hint: 'new upload',
    description: 'start a new upload (file path with Tab completion, type, optional index)',
    layers: BROWSE,
    views: ['uploads', 'assets'],
    footer: true,
    run: (c) => c.newUpload(),
  },
  {
    id: 'upload.retry',
    keys: [input('r')],
    label: 'r',
    hint: 'retry',
    description: 'retry the failed chunks (or restart the failed upload)',
    layers: BROWSE,
    views: ['uploads'],
    footer: true,
    run: (c) => c.retry(),
  },
  {
    id: 'upload.pause',
    keys: [input('x')],
    label: 'x',
    hint: 'pause/cancel',
    description: 'pause, resume or cancel the upload (asks first)',
    layers: BROWSE,
    views: ['uploads'],
    footer: true,
    run: (c) => c.pauseOrCancel(),
  },
  {
    id: 'asset.index',
    keys: [input('i')],
    label: 'i',
    hint: 'index',
    description: 'index the selected ready asset',
    layers: BROWSE,
    views: ['assets', 'uploads'],
    footer: true,
    run: (c) => c.indexAsset(),
  },
  {
    id: 'task.delete',
    keys: [input('d')],
    label: 'd',
    hint: 'delete',
    description: 'delete the selected task (asks first)',
    layers: BROWSE,
    views: ['indexing', 'analyses'],
    footer: true,
    run: (c) => c.deleteSelected(),
  },
  // global
  {
    id: 'app.views',
    keys: ['1', '2', '3', '4', '5', '6'].map(input),
    label: '1-6',
    hint: 'views',
    description: 'switch view: 1 Uploads 2 Assets 3 Indexing 4 Embeddings 5 Analyses 6 Events',
    layers: BROWSE,
    footer: false,
    run: (c, text) => c.switchView(VIEWS[Number(text) - 1] ?? 'uploads'),
  },
  {
    id: 'app.nextView',
    keys: [named('tab')],
    label: 'Tab',
    hint: 'next view',
    description: 'next view',
    layers: BROWSE,
    footer: false,
    run: (c) => c.nextView(1),
  },
  {
    id: 'app.previousView',
    keys: [{ named: 'tab', shift: true }],
    label: 'S-Tab',
    hint: 'previous view',
    description: 'previous view',
    layers: BROWSE,
    footer: false,
    run: (c) => c.nextView(-1),
  },
  {
    id: 'app.pause',
    keys: [input('p')],
    label: 'p',
    hint: 'pause',
    description: 'pause / resume polling',
    layers: BROWSE,
    footer: true,
    run: (c) => c.togglePolling(),
  },
  {
    id: 'app.refresh',
    keys: [input('R')],
    label: 'R',
    hint: 'refresh',
    description: 'refresh now',
    layers: BROWSE,
    footer: false,
    run: (c) => c.refreshNow(),
  },
  {
    id: 'app.help',
    keys: [input('?')],
    label: '?',
    hint: 'help',
    description: 'show every key',
    layers: BROWSE,
    footer: true,
    run: (c) => c.toggleHelp(),
  },
  {
    id: 'app.quit',
    keys: [input('q'), { input: 'c', ctrl: true }],
    label: 'q',
    hint: 'quit',
    description: 'quit (asks first while uploads are running; they stay resumable)',
    layers: BROWSE,
    footer: true,
    run: (c) => c.quit(),
  },
];

function matches(matcher: KeyMatcher, text: string, key: Key): boolean {
  if ('named' in matcher) {
    if (matcher.named === 'tab') return key.tab && key.shift === Boolean(matcher.shift);
    return key[matcher.named];
  }
  if (Boolean(matcher.ctrl) !== key.ctrl) return false;
  return text === matcher.input;
}

/** Bindings that work in this context, in table order. */
export function activeBindings(context: KeyContext): Binding[] {
  return KEYMAP.filter(
    (binding) =>
      binding.layers.includes(context.layer) && (!binding.views || binding.views.includes(context.view)),
  );
}

/** Footer entries for the context: the bindings marked `footer`, deduplicated by label. */
export function footerBindings(context: KeyContext): Binding[] {
  return activeBindings(context).filter((binding) => binding.footer);
}

/**
 * The one key dispatcher. Overlays own the keyboard in priority order
 * (prompt > confirm > help > detail > view); the caller computes the layer.
 * Returns whether a binding handled the key (the prompt then treats the rest as text).
 */
export function dispatchKey(text: string, key: Key, context: KeyContext, commands: Commands): boolean {
  for (const binding of activeBindings(context)) {
    if (binding.keys.some((matcher) => matches(matcher, text, key))) {
      binding.run(commands, text);
      return true;
    }
  }
  return false;
}
