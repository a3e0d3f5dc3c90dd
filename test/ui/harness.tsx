import { render } from 'ink-testing-library';
import { vi } from 'vitest';
import { TwelveLabsClient } from '../../src/api/client.js';
import { maskKey } from '../../src/api/redact.js';
import { App } from '../../src/components/App.js';
import { colorTheme, type Theme } from '../../src/components/theme.js';
import type { EmulatorOptions } from '../../src/emulator/server.js';
import { type AppStore, createAppStore, type Pollers, startPollers } from '../../src/store/index.js';
import { type ViewStateOptions, ViewStateStore } from '../../src/store/saved-views.js';
import type { AppStoreDeps } from '../../src/store/types.js';
import type { UploadManager } from '../../src/upload/types.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/** Keys as a terminal sends them. */
export const KEY = {
  down: '\u001B[B',
  up: '\u001B[A',
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
  pageDown: '\u001B[6~',
  pageUp: '\u001B[5~',
  backspace: '\u007F',
  ctrlU: '\u0015',
  ctrlW: '\u0017',
} as const;

/** Polls fast so tests see fresh data within tens of milliseconds. */
const FAST_POLLS = {
  active: 50,
  activeHidden: 100,
  activeMax: 200,
  activeHiddenMax: 400,
  window: 300,
  windowHidden: 600,
  detail: 50,
  errorBase: 50,
  errorMax: 400,
  heartbeat: 200,
  jitter: 0,
};

export interface DashboardOptions {
  columns?: number;
  rows?: number;
  emulator?: EmulatorOptions;
  theme?: Theme;
  pageSize?: number;
  uploads?: (api: TwelveLabsClient) => UploadManager;
  onQuit?: () => void;
  clipboard?: (text: string) => void;
  /** more store dependencies (profile names, a profile switcher, a starting UI state) */
  deps?: Partial<Omit<AppStoreDeps, 'api' | 'uploads'>>;
  /** the client's key and base URL instead of the harness emulator's (a wrong key, another server) */
  client?: { apiKey?: string; baseUrl?: string };
  /** a view-state file (saved views, last view state), opened before the store and closed by close() */
  viewState?: ViewStateOptions;
  /**
   * Why the store is read-only (as `--read-only` makes it): every write refuses up front. The
   * api is left unguarded, so the emulator's stats show what the store itself let through.
   */
  readOnly?: string;
}

export interface Dashboard {
  emulator: TestEmulator;
  store: AppStore;
  api: TwelveLabsClient;
  frame(): string;
  /** the frame's rows */
  lines(): string[];
  /** frames Ink has drawn so far */
  renders(): number;
  /** writes each key and lets React and the 20 ms Esc timer settle in between */
  press(...keys: string[]): Promise<void>;
  type(text: string): Promise<void>;
  waitFor(predicate: (frame: string) => boolean, what?: string, timeout?: number): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real dashboard (App + store + pollers + TwelveLabsClient) against a real emulator on
 * loopback, rendered by ink-testing-library at a fixed terminal size.
 */
export async function startDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  const emulator = await startTestEmulator({ seed: 'demo', ...options.emulator });
  const apiKey = options.client?.apiKey ?? emulator.apiKey;
  const baseUrl = options.client?.baseUrl ?? emulator.baseUrl;
  const api = new TwelveLabsClient({ apiKey, baseUrl });
  const uploads = options.uploads?.(api);
  const viewState = options.viewState ? await ViewStateStore.open(options.viewState) : undefined;
  const store = createAppStore({
    api,
    uploads,
    clipboard: options.clipboard,
    viewState,
    readOnly: options.readOnly,
    ...options.deps,
  });
  const pollers: Pollers = startPollers(store, { intervals: FAST_POLLS, pageSize: options.pageSize });
  const size = { columns: options.columns ?? 100, rows: options.rows ?? 24 };
  const info = {
    profile: options.readOnly === undefined ? 'test' : 'test (read-only)',
    host: new URL(baseUrl).host,
    maskedKey: maskKey(apiKey),
    demo: false,
  };
  const app = (
    <App
      store={store}
      info={info}
      size={size}
      theme={options.theme ?? colorTheme}
      serverNow={() => Date.parse(emulator.emulator.now())}
      onQuit={options.onQuit}
    />
  );
  const ink = render(app);
  // ink-testing-library's terminal is 100 columns whatever the size: make it as wide as the
  // dashboard, so Ink lays lines out at the width they are drawn for (as in a real terminal)
  Object.defineProperty(ink.stdout, 'columns', { get: () => size.columns });
  ink.rerender(app);
  const frame = () => ink.lastFrame() ?? '';
  const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  return {
    emulator,
    store,
    api,
    frame,
    lines: () => frame().split('\n'),
    renders: () => ink.frames.length,
    async press(...keys) {
      for (const key of keys) {
        ink.stdin.write(key);
        await settle(key === KEY.escape ? 40 : 15);
      }
    },
    async type(text) {
      for (const char of text) {
        ink.stdin.write(char);
        await settle(5);
      }
    },
    async waitFor(predicate, what = 'frame', timeout = 5000) {
      try {
        await vi.waitFor(
          () => {
            if (!predicate(frame())) throw new Error('not yet');
          },
          { timeout, interval: 20 },
        );
      } catch {
        throw new Error(`timed out waiting for ${what}; last frame:\n${frame()}`);
      }
      return frame();
    },
    async close() {
      ink.unmount();
      await viewState?.close();
      await pollers.stop();
      await uploads?.shutdown();
      await api.close();
      await emulator.close();
    },
  };
}

/** The caption row (table name, position, sort, filter) of the current view. */
export function caption(frame: string): string {
  return frame.split('\n')[3] ?? '';
}
