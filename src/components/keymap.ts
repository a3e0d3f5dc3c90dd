import type { Key } from 'ink';
import { type AppActions, VIEWS, type ViewId } from '../store/types.js';

export { VIEWS, type ViewId };

export const VIEW_TITLES: Record<ViewId, string> = {
  uploads: 'Uploads',
  assets: 'Assets',
  indexing: 'Indexing',
  embeddings: 'Embeddings',
  analyses: 'Analyses',
  events: 'Events',
  failures: 'Failures',
};

/** Which layer owns the keyboard; the dispatcher asks them in this order. */
export type Layer = 'prompt' | 'confirm' | 'help' | 'detail' | 'view';

export interface KeyContext {
  layer: Layer;
  view: ViewId;
}

/** Everything a key can do: the store's actions plus the scroll positions of the UI. */
export interface KeyActions extends AppActions {
  scrollHelp(lines: number): void;
  scrollDetail(lines: number): void;
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
  /** shown in the footer */
  footer: boolean;
  /** the second half of a pair (k of j/k) that the first binding's help line already covers */
  helpHidden?: boolean;
  /** `text` is the typed character (the digit for the view keys) */
  run: (actions: KeyActions, text: string) => void;
}

const input = (text: string): KeyMatcher => ({ input: text });
const named = (name: NamedKey): KeyMatcher => ({ named: name });
const ctrl = (text: string): KeyMatcher => ({ input: text, ctrl: true });
const BROWSE: readonly Layer[] = ['view', 'detail'];

type Spec = Omit<Binding, 'footer'> & { footer?: boolean };
const bind = (spec: Spec): Binding => ({ footer: false, ...spec });

/** THE keymap: it dispatches keys and generates the footer and the help overlay. */
export const KEYMAP: readonly Binding[] = [
  // prompt (any other key types into it)
  bind({
    id: 'prompt.submit',
    keys: [named('return')],
    label: 'Enter',
    hint: 'ok',
    description: 'accept the prompt',
    layers: ['prompt'],
    footer: true,
    run: (a) => void a.promptSubmit(),
  }),
  bind({
    id: 'prompt.complete',
    keys: [named('tab')],
    label: 'Tab',
    hint: 'complete',
    description: 'complete the file path, type=, index name, command or its argument',
    layers: ['prompt'],
    footer: true,
    run: (a) => void a.promptComplete(),
  }),
  bind({
    id: 'prompt.cancel',
    keys: [named('escape')],
    label: 'Esc',
    hint: 'cancel',
    description: 'close the prompt, change nothing (also Ctrl-C)',
    layers: ['prompt'],
    footer: true,
    run: (a) => a.closeOverlay(),
  }),
  bind({
    id: 'prompt.clearLine',
    keys: [ctrl('u')],
    label: 'Ctrl-U',
    hint: 'clear',
    description: 'clear the prompt line',
    layers: ['prompt'],
    run: (a) => a.promptClear('line'),
  }),
  bind({
    id: 'prompt.deleteWord',
    keys: [ctrl('w')],
    label: 'Ctrl-W',
    hint: 'delete word',
    description: 'delete the last word',
    layers: ['prompt'],
    run: (a) => a.promptClear('word'),
  }),
  // confirm
  bind({
    id: 'confirm.yes',
    keys: [input('y'), input('Y'), named('return')],
    label: 'y',
    hint: 'yes',
    description: 'answer yes (also Enter)',
    layers: ['confirm'],
    footer: true,
    run: (a) => void a.confirmYes(),
  }),
  bind({
    id: 'confirm.no',
    keys: [input('n'), input('N'), named('escape')],
    label: 'n/Esc',
    hint: 'no',
    description: 'answer no',
    layers: ['confirm'],
    footer: true,
    run: (a) => a.confirmNo(),
  }),
  // help
  bind({
    id: 'help.close',
    keys: [input('?'), named('escape'), input('q')],
    label: '?/Esc',
    hint: 'close help',
    description: 'close the help (also q)',
    layers: ['help'],
    footer: true,
    run: (a) => a.toggleHelp(),
  }),
  bind({
    id: 'help.down',
    keys: [input('j'), named('downArrow')],
    label: 'j/k',
    hint: 'scroll',
    description: 'scroll the help (also arrows)',
    layers: ['help'],
    footer: true,
    run: (a) => a.scrollHelp(1),
  }),
  bind({
    id: 'help.up',
    keys: [input('k'), named('upArrow')],
    label: 'k',
    hint: 'up',
    description: 'scroll the help up',
    layers: ['help'],
    helpHidden: true,
    run: (a) => a.scrollHelp(-1),
  }),
  // moving around a table
  bind({
    id: 'table.down',
    keys: [input('j'), named('downArrow')],
    label: 'j/k',
    hint: 'move',
    description: 'move the selection down / up (also arrows)',
    layers: ['view'],
    footer: true,
    run: (a) => a.moveSelection(1),
  }),
  bind({
    id: 'table.up',
    keys: [input('k'), named('upArrow')],
    label: 'k',
    hint: 'up',
    description: 'move the selection up',
    layers: ['view'],
    helpHidden: true,
    run: (a) => a.moveSelection(-1),
  }),
  bind({
    id: 'table.pageDown',
    keys: [named('pageDown'), ctrl('f')],
    label: 'PgDn/PgUp',
    hint: 'page',
    description: 'next / previous page (also Ctrl-F / Ctrl-B)',
    layers: ['view'],
    run: (a) => a.pageDown(),
  }),
  bind({
    id: 'table.pageUp',
    keys: [named('pageUp'), ctrl('b')],
    label: 'PgUp',
    hint: 'page up',
    description: 'previous page (Ctrl-B)',
    layers: ['view'],
    helpHidden: true,
    run: (a) => a.pageUp(),
  }),
  bind({
    id: 'table.first',
    keys: [input('g'), named('home')],
    label: 'g/G',
    hint: 'top/end',
    description: 'first / last row of the whole collection (also Home / End)',
    layers: ['view'],
    run: (a) => a.selectFirst(),
  }),
  bind({
    id: 'table.last',
    keys: [input('G'), named('end')],
    label: 'G',
    hint: 'end',
    description: 'last row of the whole collection (End)',
    layers: ['view'],
    helpHidden: true,
    run: (a) => a.selectLast(),
  }),
  bind({
    id: 'table.detail',
    keys: [named('return')],
    label: 'Enter',
    hint: 'detail',
    description: 'open the detail pane of the selected row',
    layers: ['view'],
    footer: true,
    views: ['uploads', 'assets', 'indexing', 'embeddings', 'analyses'],
    run: (a) => a.openDetail(),
  }),
  bind({
    id: 'table.back',
    keys: [named('escape')],
    label: 'Esc',
    hint: 'clear filter',
    description: 'clear the filter; in a failure group, back to the groups; while a bulk d / r runs, stop it',
    layers: ['view'],
    run: (a) => a.back(),
  }),
  bind({
    id: 'table.filter',
    keys: [input('/')],
    label: '/',
    hint: 'filter',
    description: 'filter: text, status=S,S, index=NAME (Tab completes; empty clears)',
    layers: ['view'],
    footer: true,
    run: (a) => a.openFilterPrompt(),
  }),
  bind({
    id: 'table.sort',
    keys: [input('s')],
    label: 's',
    hint: 'sort',
    description: 'cycle the sort order',
    layers: ['view'],
    footer: true,
    run: (a) => a.cycleSort(),
  }),
  bind({
    id: 'indexing.table',
    keys: [input('v')],
    label: 'v',
    hint: 'tasks/indexed',
    description: 'switch between indexing tasks and indexed assets',
    layers: ['view'],
    views: ['indexing'],
    footer: true,
    run: (a) => a.cycleTable(),
  }),
  bind({
    id: 'indexing.index',
    keys: [input(']')],
    label: ']',
    hint: 'next index',
    description: 'show the next index (indexed assets)',
    layers: ['view'],
    views: ['indexing'],
    footer: true,
    run: (a) => a.selectIndex(),
  }),
  bind({
    id: 'embeddings.table',
    keys: [input('v')],
    label: 'v',
    hint: 'v2/v1',
    description: 'switch between embed v2 and v1 tasks',
    layers: ['view'],
    views: ['embeddings'],
    footer: true,
    run: (a) => a.cycleTable(),
  }),
  // detail pane
  bind({
    id: 'detail.down',
    keys: [input('j'), named('downArrow')],
    label: 'j/k',
    hint: 'scroll',
    description: 'scroll the detail pane (also arrows)',
    layers: ['detail'],
    footer: true,
    run: (a) => a.scrollDetail(1),
  }),
  bind({
    id: 'detail.up',
    keys: [input('k'), named('upArrow')],
    label: 'k',
    hint: 'up',
    description: 'scroll the detail pane up',
    layers: ['detail'],
    helpHidden: true,
    run: (a) => a.scrollDetail(-1),
  }),
  bind({
    id: 'detail.pageDown',
    keys: [named('pageDown')],
    label: 'PgDn/PgUp',
    hint: 'page',
    description: 'scroll the detail pane by a page',
    layers: ['detail'],
    run: (a) => a.scrollDetail(10),
  }),
  bind({
    id: 'detail.pageUp',
    keys: [named('pageUp')],
    label: 'PgUp',
    hint: 'page up',
    description: 'scroll the detail pane a page up',
    layers: ['detail'],
    helpHidden: true,
    run: (a) => a.scrollDetail(-10),
  }),
  bind({
    id: 'detail.close',
    keys: [named('escape')],
    label: 'Esc',
    hint: 'back',
    description: 'close the detail pane',
    layers: ['detail'],
    footer: true,
    run: (a) => a.closeDetail(),
  }),
  // work
  bind({
    id: 'upload.new',
    keys: [input('n')],
    label: 'n',
    hint: 'new upload',
    description: 'start an upload: PATH [type=video|audio|image] [index=NAME] (Tab completes; quote spaces)',
    layers: BROWSE,
    views: ['uploads', 'assets'],
    footer: true,
    run: (a) => a.openUploadPrompt(),
  }),
  bind({
    id: 'row.copy',
    keys: [input('y')],
    label: 'y',
    hint: 'copy id',
    description: "copy the selected row's full id to the clipboard (OSC 52)",
    layers: BROWSE,
    views: ['uploads', 'assets', 'indexing', 'embeddings', 'analyses'],
    run: (a) => a.copySelectedId(),
  }),
  bind({
    id: 'upload.retry',
    keys: [input('r')],
    label: 'r',
    hint: 'retry',
    description: 'retry the failed chunks, or restart the failed upload',
    layers: BROWSE,
    views: ['uploads'],
    footer: true,
    run: (a) => void a.retrySelected(),
  }),
  bind({
    id: 'upload.pause',
    keys: [input('x')],
    label: 'x',
    hint: 'pause',
    description: 'pause a running upload, resume a paused one',
    layers: BROWSE,
    views: ['uploads'],
    footer: true,
    run: (a) => void a.pauseSelected(),
  }),
  bind({
    id: 'upload.cancel',
    keys: [input('X')],
    label: 'X',
    hint: 'cancel',
    description: 'cancel the upload (asks first)',
    layers: BROWSE,
    views: ['uploads'],
    footer: true,
    run: (a) => a.cancelSelected(),
  }),
  bind({
    id: 'asset.index',
    keys: [input('i')],
    label: 'i',
    hint: 'index',
    description: 'index the selected ready asset (asks for the index)',
    layers: BROWSE,
    views: ['assets', 'uploads'],
    footer: true,
    run: (a) => a.openIndexPrompt(),
  }),
  bind({
    id: 'task.delete',
    keys: [input('d')],
    label: 'd',
    hint: 'delete',
    description: 'delete the selected finished task (asks first; the API cannot cancel a running one)',
    layers: BROWSE,
    views: ['indexing', 'analyses'],
    footer: true,
    run: (a) => a.deleteSelected(),
  }),
  // failure triage and marks (bulk d / r)
  bind({
    id: 'failures.open',
    keys: [named('return')],
    label: 'Enter',
    hint: 'open',
    description: 'show the failed items of the group (Esc goes back); on an item, its detail in its own view',
    layers: ['view'],
    views: ['failures'],
    footer: true,
    run: (a) => a.openFailureGroup(),
  }),
  bind({
    id: 'failures.retry',
    keys: [input('r')],
    label: 'r',
    hint: 'retry set',
    description: 'retry the group (or the marked items) as a set (asks first, states the count)',
    layers: ['view'],
    views: ['failures'],
    footer: true,
    run: (a) => a.retryMarked(),
  }),
  bind({
    id: 'failures.delete',
    keys: [input('d')],
    label: 'd',
    hint: 'delete set',
    description: 'delete the group (or the marked items) as a set (asks first, states the count)',
    layers: ['view'],
    views: ['failures'],
    footer: true,
    run: (a) => a.deleteMarked(),
  }),
  bind({
    id: 'marks.toggle',
    keys: [input(' ')],
    label: 'space',
    hint: 'mark',
    description: 'mark / unmark the selected row; d and r then act on the marked rows',
    layers: ['view'],
    views: ['uploads', 'assets', 'indexing', 'embeddings', 'analyses', 'failures'],
    footer: true,
    run: (a) => a.toggleMark(),
  }),
  bind({
    id: 'marks.all',
    keys: [input('*')],
    label: '*',
    hint: 'mark all',
    description: 'mark every row matching the filter (the whole collection; says how many)',
    layers: ['view'],
    views: ['uploads', 'assets', 'indexing', 'embeddings', 'analyses', 'failures'],
    run: (a) => void a.markAll(),
  }),
  bind({
    id: 'marks.clear',
    keys: [input('u')],
    label: 'u',
    hint: 'unmark',
    description: 'clear the marks',
    layers: ['view'],
    views: ['uploads', 'assets', 'indexing', 'embeddings', 'analyses', 'failures'],
    run: (a) => a.clearMarks(),
  }),
  bind({
    id: 'marks.retry',
    keys: [input('r')],
    label: 'r',
    hint: 'retry marked',
    description: 'retry the marked rows (asks first, states the count)',
    layers: ['view'],
    views: ['assets', 'indexing', 'embeddings', 'analyses'],
    run: (a) => a.retryMarked(),
  }),
  bind({
    id: 'marks.delete',
    keys: [input('d')],
    label: 'd',
    hint: 'delete marked',
    description: 'delete the marked rows (asks first, states the count)',
    layers: ['view'],
    views: ['uploads', 'assets', 'embeddings'],
    run: (a) => a.deleteMarked(),
  }),
  // lineage: links between items made from the same asset, and follow mode
  bind({
    id: 'detail.nextLink',
    keys: [input('l')],
    label: 'l/L',
    hint: 'links',
    description: 'select the next / previous link (upload, asset, indexed asset, tasks made from it)',
    layers: ['detail'],
    footer: true,
    run: (a) => a.selectLink(1),
  }),
  bind({
    id: 'detail.prevLink',
    keys: [input('L')],
    label: 'L',
    hint: 'previous link',
    description: 'select the previous link',
    layers: ['detail'],
    helpHidden: true,
    run: (a) => a.selectLink(-1),
  }),
  bind({
    id: 'detail.openLink',
    keys: [named('return')],
    label: 'Enter',
    hint: 'open link',
    description: "open the selected link's detail in its view",
    layers: ['detail'],
    footer: true,
    run: (a) => a.openLink(),
  }),
  bind({
    id: 'detail.linkBack',
    keys: [input('b')],
    label: 'b',
    hint: 'back',
    description: 'go back to the detail the link was opened from',
    layers: ['detail'],
    run: (a) => a.linkBack(),
  }),
  bind({
    id: 'lineage.follow',
    keys: [input('f')],
    label: 'f',
    hint: 'follow',
    description:
      'follow the item and its links in a strip above the footer until all are done; f again stops',
    layers: BROWSE,
    views: ['uploads', 'assets', 'indexing', 'embeddings', 'analyses'],
    footer: true,
    run: (a) => a.toggleFollow(),
  }),
  bind({
    id: 'row.curl',
    keys: [input('c')],
    label: 'c',
    hint: 'copy curl',
    description: "copy the selected item's GET call as curl (key as $TWELVELABS_API_KEY, never the key)",
    layers: BROWSE,
    views: ['uploads', 'assets', 'indexing', 'embeddings', 'analyses'],
    run: (a) => a.copySelectedCurl(),
  }),
  bind({
    id: 'app.overview',
    keys: [input('o')],
    label: 'o',
    hint: 'overview',
    description: 'show / hide the overview: work done per hour, upload speed, stuck work, usage, rate limit',
    layers: BROWSE,
    run: (a) => a.toggleOverview(),
  }),
  bind({
    id: 'row.watch',
    keys: [input('w')],
    label: 'w',
    hint: 'watch',
    description:
      'watch / unwatch the selected row (◉): bell or desktop notification when it finishes or fails',
    layers: BROWSE,
    views: ['uploads', 'assets', 'indexing', 'embeddings', 'analyses'],
    run: (a) => a.toggleWatchSelected(),
  }),
  // everywhere
  bind({
    id: 'app.view',
    keys: ['1', '2', '3', '4', '5', '6', '7'].map(input),
    label: '1-7',
    hint: 'views',
    description: 'views: 1 Uploads 2 Assets 3 Indexing 4 Embeddings 5 Analyses 6 Events 7 Failures',
    layers: BROWSE,
    run: (a, text) => a.switchView(VIEWS[Number(text) - 1] ?? 'uploads'),
  }),
  bind({
    id: 'app.nextView',
    keys: [named('tab')],
    label: 'Tab',
    hint: 'next view',
    description: 'next view',
    layers: BROWSE,
    run: (a) => a.nextView(),
  }),
  bind({
    id: 'app.prevView',
    keys: [{ named: 'tab', shift: true }],
    label: 'S-Tab',
    hint: 'previous view',
    description: 'previous view',
    layers: BROWSE,
    run: (a) => a.prevView(),
  }),
  bind({
    id: 'app.command',
    keys: [input(':')],
    label: ':',
    hint: 'command',
    description: 'command mode (:uploads, :help ...; Tab completes)',
    layers: BROWSE,
    footer: true,
    run: (a) => a.openCommandPrompt(),
  }),
  bind({
    id: 'app.pause',
    keys: [input('p')],
    label: 'p',
    hint: 'pause',
    description: 'pause / resume polling',
    layers: BROWSE,
    footer: true,
    run: (a) => a.togglePolling(),
  }),
  bind({
    id: 'app.refresh',
    keys: [input('R')],
    label: 'R',
    hint: 'refresh',
    description: 'refresh now',
    layers: BROWSE,
    run: (a) => a.refreshNow(),
  }),
  bind({
    id: 'app.help',
    keys: [input('?')],
    label: '?',
    hint: 'help',
    description: 'this help: every key and : command',
    layers: BROWSE,
    footer: true,
    run: (a) => a.toggleHelp(),
  }),
  bind({
    id: 'app.quit',
    keys: [input('q'), ctrl('c')],
    label: 'q',
    hint: 'quit',
    description: 'quit, also Ctrl-C (asks first while uploads run; they stay resumable)',
    layers: BROWSE,
    footer: true,
    run: (a) => a.quit(),
  }),
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
 * In a prompt, keys no binding takes are typed into it. Returns whether the key was used.
 */
export function dispatchKey(text: string, key: Key, context: KeyContext, actions: KeyActions): boolean {
  for (const binding of activeBindings(context)) {
    if (binding.keys.some((matcher) => matches(matcher, text, key))) {
      binding.run(actions, text);
      return true;
    }
  }
  if (context.layer !== 'prompt') return false;
  if (key.backspace || key.delete) actions.promptBackspace();
  else if (key.ctrl && text === 'c') actions.closeOverlay();
  else if (!key.ctrl && !key.meta && text !== '') actions.promptInput(text);
  else return false;
  return true;
}
