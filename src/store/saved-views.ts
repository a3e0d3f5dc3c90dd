/**
 * Saved views and the last view state of one profile, backed by the view-state file
 * (view-state-file.ts). The last state is restored when a store attaches, then written at
 * most every `writeIntervalMs` while it changes, and once more on close.
 */
import type { StoreContext } from './context.js';
import { errorLine, oneLineText } from './events.js';
import type { AppState, UiState } from './types.js';
import {
  type LastViewState,
  lastViewStateOf,
  type SavedView,
  savedViewOf,
  uiWithLastState,
  uiWithSavedView,
  VIEW_NAME,
  withUi,
} from './view-state.js';
import {
  profileState,
  readViewStateFile,
  updateViewStateFile,
  withLastState,
  withSavedView,
} from './view-state-file.js';

export interface ViewStateOptions {
  /** the view-state file, e.g. `<state dir>/view-state.json` */
  file: string;
  /** whose entries to use (a profile name; the demo uses "demo") */
  profile: string;
  /** false: start with the default view and filters (the last state is still written) */
  restore?: boolean;
  /** the last state is written at most this often while it changes (default 2000 ms) */
  writeIntervalMs?: number;
}

/** The UI fields the last view state is made of; a change to any of them is written. */
const REMEMBERED = [
  'view',
  'tableOf',
  'filter',
  'sort',
  'indexId',
] as const satisfies readonly (keyof UiState)[];

export class ViewStateStore {
  private readonly views = new Map<string, SavedView>();
  private writes: Promise<void> = Promise.resolve();
  private context?: StoreContext;
  private unsubscribe?: () => void;
  private timer: unknown;
  private dirty = false;
  private closed = false;
  private lastWriteError?: string;

  private constructor(
    readonly options: ViewStateOptions,
    private readonly last: LastViewState | undefined,
    views: Readonly<Record<string, SavedView>>,
    /** why the file on disk was ignored, shown as an event once attached */
    readonly problem: string | undefined,
    /** the file is a newer tltop's: it is never rewritten */
    private readonly readOnly: boolean,
    /** the file's content is broken: it is set aside as `.bad` on the next write */
    private readonly broken: boolean,
  ) {
    for (const [name, view] of Object.entries(views)) this.views.set(name, view);
  }

  /** Reads the file. Never throws: a broken or foreign file is ignored and reported once attached. */
  static async open(options: ViewStateOptions): Promise<ViewStateStore> {
    const read = await readViewStateFile(options.file);
    const entry = profileState(read.file, options.profile);
    return new ViewStateStore(
      options,
      entry.last,
      entry.views,
      read.problem,
      read.newer === true,
      read.broken === true,
    );
  }

  /** Saved view names, sorted. */
  names(): string[] {
    return [...this.views.keys()].sort();
  }

  get(name: string): SavedView | undefined {
    return this.views.get(name);
  }

  /** Restores the last state (unless told not to) and starts writing it as it changes. */
  attach(context: StoreContext): void {
    // a store made again (a profile switch) carries its UI over: it is watched, not restored
    const first = this.context === undefined;
    this.unsubscribe?.();
    this.context = context;
    const { store } = context;
    if (first && this.problem) {
      const kept = this.readOnly
        ? 'left as it is'
        : this.broken
          ? 'kept as view-state.json.bad when next written'
          : 'replaced when next written';
      const message = `view state ignored (${this.problem}): ${this.options.file}; ${kept}`;
      context.log([{ source: 'views', message, level: 'warn' }]);
    }
    if (first && this.last && this.options.restore !== false) {
      const last = this.last;
      store.setState((state) => withUi(state, uiWithLastState(state.ui, last)));
    }
    let seen = store.getState().ui;
    this.unsubscribe = store.subscribe((state: AppState) => {
      const ui = state.ui;
      if (ui === seen) return;
      const changed = REMEMBERED.some((key) => ui[key] !== seen[key]);
      seen = ui;
      if (changed) this.markDirty();
    });
  }

  /** Shows a saved view in the attached store. Throws a one-line Error for an unknown name. */
  show(name: string): SavedView {
    const saved = this.views.get(name);
    if (!saved) throw new Error(this.describeUnknown(name));
    this.context?.store.setState((state) => withUi(state, uiWithSavedView(state.ui, saved)));
    return saved;
  }

  /** Saves what the attached store shows under `name` and writes the file. */
  async save(name: string): Promise<SavedView> {
    if (!VIEW_NAME.test(name)) {
      throw new Error(`bad view name "${oneLineText(name, 40)}" (letters, digits, . _ - ; up to 40)`);
    }
    const context = this.attached();
    const view = savedViewOf(context.store.getState().ui, new Date(context.clock.now()).toISOString());
    this.views.set(name, view);
    await this.write(withSavedView(name, view));
    return view;
  }

  async remove(name: string): Promise<void> {
    if (!this.views.delete(name)) throw new Error(this.describeUnknown(name));
    await this.write(withSavedView(name, undefined));
  }

  /** Stops watching the store and writes the last state if it changed since the last write. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.unsubscribe?.();
    if (this.timer !== undefined) this.context?.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.writeLast();
    this.closed = true;
    await this.writes;
  }

  /** `no saved view "x" (saved: a, b)` */
  describeUnknown(name: string): string {
    const names = this.names();
    const known = names.length ? `saved: ${names.join(', ')}` : 'none saved yet; :save NAME saves one';
    return `no saved view "${oneLineText(name, 40)}" (${known})`;
  }

  private attached(): StoreContext {
    if (!this.context) throw new Error('saved views are not attached to a dashboard');
    return this.context;
  }

  private markDirty(): void {
    this.dirty = true;
    if (this.timer !== undefined || this.closed || !this.context) return;
    this.timer = this.context.clock.setTimeout(() => {
      this.timer = undefined;
      this.writeLast();
    }, this.options.writeIntervalMs ?? 2000);
  }

  private writeLast(): void {
    if (!this.dirty || !this.context) return;
    this.dirty = false;
    const last = lastViewStateOf(this.context.store.getState().ui);
    this.write(withLastState(last)).catch(() => undefined);
  }

  /** Queues one read-modify-write of the file; failures are reported once each, then rethrown. */
  private write(update: Parameters<typeof updateViewStateFile>[2]): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.readOnly) {
      return Promise.reject(new Error(`${this.options.file}: ${this.problem}; not changed`));
    }
    const run = this.writes.then(() => updateViewStateFile(this.options.file, this.options.profile, update));
    this.writes = run.then(
      () => {
        this.lastWriteError = undefined;
      },
      (error: unknown) => {
        const message = errorLine(error);
        if (message !== this.lastWriteError) {
          this.context?.log([{ source: 'views', message, level: 'error' }]);
        }
        this.lastWriteError = message;
      },
    );
    return run;
  }
}
