/**
 * The real dashboard (App + store, optionally with pollers) rendered by Ink 8 to a fake
 * TTY, the way `tltop` renders it (incremental rendering), counting frames and bytes.
 */
import { render } from 'ink';
import { TwelveLabsClient } from '../../src/api/client.js';
import { maskKey } from '../../src/api/redact.js';
import { App } from '../../src/components/App.js';
import { type AppStore, createAppStore } from '../../src/store/index.js';
import { FakeStdin, FakeStdout } from './fake-tty.js';

export const BENCH_KEY = 'tlk_bench_key_not_a_secret_000';

export interface DashboardRig {
  store: AppStore;
  api: TwelveLabsClient;
  stdout: FakeStdout;
  /** frames Ink has rendered so far */
  renders(): number;
  /** resolves after the next frame */
  nextFrame(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface RigOptions {
  baseUrl: string;
  columns: number;
  rows: number;
  /** frames per second cap; tltop uses 15 */
  maxFps: number;
  serverNow?: () => number;
  /** called after every frame, with performance.now() */
  onFrame?: (at: number) => void;
}

export function startDashboardRig(options: RigOptions): DashboardRig {
  const api = new TwelveLabsClient({ apiKey: BENCH_KEY, baseUrl: options.baseUrl });
  const store = createAppStore({ api });
  const stdout = new FakeStdout(options.columns, options.rows);
  let renders = 0;
  let waiter: (() => void) | undefined;
  const info = {
    profile: 'bench',
    host: new URL(options.baseUrl).host,
    maskedKey: maskKey(BENCH_KEY),
    demo: false,
  };
  const instance = render(
    <App
      store={store}
      info={info}
      size={{ columns: options.columns, rows: options.rows }}
      serverNow={options.serverNow}
    />,
    {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
      interactive: true,
      incrementalRendering: true,
      maxFps: options.maxFps,
      patchConsole: false,
      exitOnCtrlC: false,
      onRender: () => {
        renders += 1;
        options.onFrame?.(performance.now());
        const resolve = waiter;
        waiter = undefined;
        resolve?.();
      },
    },
  );
  return {
    store,
    api,
    stdout,
    renders: () => renders,
    nextFrame: (timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no frame within ${timeoutMs} ms`)), timeoutMs);
        waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      }),
    async close() {
      instance.unmount();
      await api.close();
    },
  };
}
