import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import type { TwelveLabsClient } from '../../api/client.js';
import { maskKey } from '../../api/redact.js';
import type { Index } from '../../api/types.js';
import type { ConnectionInfo } from '../../components/App.js';
import type { RunningEmulator } from '../../emulator/server.js';
import type { ViewStateStore } from '../../store/saved-views.js';
import { parseStuckAfter } from '../../store/stuck.js';
import type { AppStore, UiState } from '../../store/types.js';
import { TERMINAL_PHASES, type UploadManager } from '../../upload/types.js';
import {
  addConnectionOptions,
  type Connection,
  type ConnectionFlags,
  KEY_ENV_VARS,
  resolveConnection,
} from '../config.js';
import { ExitCode, oneLine, UsageError } from '../errors.js';
import { configPath, loadConfig, PROFILE_NAME } from '../profiles.js';
import { readOnlyApi } from '../profiles-read-only.js';
import type { CommandIo } from '../program.js';

interface DashboardFlags extends ConnectionFlags {
  monochrome?: boolean;
  incremental: boolean;
  /** a saved view to open (`:save NAME` saves one) */
  view?: string;
  /** false with --no-restore: the last view state is not restored */
  restore: boolean;
  /** a filter expression for the start view's table (src/store/filter-expr.ts) */
  filter?: string;
  /** --stuck-after: ms */
  stuckAfter?: number;
}

function parseStuckAfterOption(value: string): number {
  try {
    return parseStuckAfter(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** The demo emulator's clock runs this much faster than real time, so its tasks visibly move. */
const DEMO_SPEED = 10;
/** Any key works against the emulator; this one is not a secret. */
const DEMO_KEY = 'tlk_demo_key_not_a_secret_0000';
/**
 * The demo also runs one live upload so the chunk map has something to show: small chunks,
 * each PUT capped at 1 MiB/s, and a few failed PUTs for the retry machinery. With `activity`
 * new tasks keep arriving, so the demo is still moving after its seeded work has finished.
 */
const DEMO_EMULATOR = { chunkSize: 1024 * 1024, faults: 'put-rate=1MiB/s,put-fail=0.03', activity: true };
const DEMO_UPLOAD_BYTES = 200 * 1024 * 1024;

export function registerTuiCommand(program: Command, io: CommandIo, setExitCode: (code: number) => void) {
  const command = program
    .command('dashboard', { isDefault: true })
    .alias('tui')
    .description('the full-screen dashboard (the default command)')
    .option('--demo', 'run against a built-in emulator with demo data (no key needed)')
    .option('--monochrome', 'no colours (also when NO_COLOR is set)')
    .option('--no-incremental', 'redraw whole frames (for terminals that show stale rows)')
    .option('--view <name>', 'open a saved view (saved in the dashboard with :save NAME)')
    .option('--no-restore', 'start on the default view, filters and sorts instead of the last ones')
    .option('--filter <expr>', "filter the start view's table, e.g. 'status=failed' or 'index=NAME clip'")
    .option(
      '--stuck-after <duration>',
      "flag running work as stuck after this long, e.g. 30m (default: the profile's stuck_after, else derived from finished work)",
      parseStuckAfterOption,
    );
  addConnectionOptions(command).action(async (flags: DashboardFlags) => {
    setExitCode(await runDashboard(flags, io));
  });
}

/** Runs the dashboard until the user quits; returns the exit code. */
export async function runDashboard(flags: DashboardFlags, io: CommandIo): Promise<number> {
  // before the terminal check, so a bad --view or config is one line even in a script
  const connection = await resolveConnection(flags, process.env);
  const viewState = await openViewState(flags, connection);
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    io.stderr.write(
      'tltop: the dashboard needs a terminal; in scripts use `tltop status` (or `tltop status --json`)\n',
    );
    return ExitCode.usage;
  }
  // Loaded here, not at the top: every other command (status, config, upload) starts without React and Ink.
  const { render } = await import('ink');
  const { createElement } = await import('react');
  const { App } = await import('../../components/App.js');
  const { monochromeTheme, themeFromEnv } = await import('../../components/theme.js');
  const theme = flags.monochrome ? monochromeTheme : themeFromEnv(process.env);

  let instance: ReturnType<typeof render> | undefined;
  const hooks: SessionHooks = {
    profileNames: () => configuredProfileNames(),
    // `:profile NAME`: a new session for that profile replaces this one on the same screen
    async switchProfile(name) {
      const state = session.store.getState();
      const local = Object.values(state.entities.uploads).flatMap((row) => (row.local ? [row.local] : []));
      // one without a session has no journal yet: it would be lost, not paused
      if (local.some((upload) => upload.phase === 'creating'))
        throw new Error(
          'an upload is still creating its session: switch once it is sending (it then pauses)',
        );
      // the others pause when this session closes: journaled, resumed when their account is back
      const pausing = local.filter(
        (upload) => !TERMINAL_PHASES.has(upload.phase) && upload.phase !== 'paused',
      ).length;
      state.actions.setStatus(`connecting with profile ${name}…`);
      const next = await profileConnection(name, flags);
      // the view the user is on stays: that profile's last view state is not restored over it
      const nextViewState = await openViewState({ ...flags, view: undefined, restore: false }, next);
      const opened = await openSession(next, nextViewState, flags, {
        ...hooks,
        initialUi: { view: state.ui.view, tableOf: state.ui.tableOf },
        // resumed below, once this session's engine has paused and journaled its uploads
        resumeJournals: false,
      }).catch(async (error: unknown) => {
        await nextViewState.close();
        throw error;
      });
      const previous = session;
      session = opened;
      instance?.rerender(
        createElement(App, { store: opened.store, info: opened.info, theme, serverNow: opened.serverNow }),
      );
      opened.store.getState().actions.logEvent('profile', `switched to profile ${next.profileName}`);
      await previous.close();
      if (pausing > 0)
        opened.store
          .getState()
          .actions.logEvent(
            'upload',
            `paused ${pausing} upload(s) of the previous profile: journaled, resumed with their account`,
          );
      // the new account's journals (and, with the same key and URL, the ones just paused)
      opened.resumeJournaled();
    },
  };
  let session = await openSession(connection, viewState, flags, hooks);
  if (flags.view !== undefined) viewState.show(flags.view);
  if (flags.filter !== undefined) {
    const refusal = await applyStartFilter(session.store, flags.filter);
    if (refusal) {
      await session.close();
      io.stderr.write(`tltop: --filter: ${refusal}\n`);
      return ExitCode.usage;
    }
  }

  instance = render(
    createElement(App, { store: session.store, info: session.info, theme, serverNow: session.serverNow }),
    {
      alternateScreen: true,
      incrementalRendering: flags.incremental,
      maxFps: 15,
      exitOnCtrlC: false,
      patchConsole: true,
    },
  );
  const running = instance;

  let exitCode: number = ExitCode.ok;
  let crash: string | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    exitCode = signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.ok;
    running.unmount();
  };
  const onCrash = (error: unknown) => {
    crash = oneLine(error);
    exitCode = ExitCode.failed;
    running.unmount();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  try {
    await running.waitUntilExit();
  } catch (error) {
    crash ??= oneLine(error);
    exitCode = ExitCode.failed;
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await session.close();
  }
  // written after unmount, so it lands on the normal screen the user returns to
  if (crash) io.stderr.write(`tltop: the dashboard stopped: ${crash}\n`);
  return exitCode;
}

/** One connection's dashboard: its store, pollers, upload engine and clients. */
interface Session {
  store: AppStore;
  info: ConnectionInfo;
  serverNow?: () => number;
  /** stops polling and the upload engine (journaled uploads stay resumable), closes every client */
  close(): Promise<void>;
  /** resumes this account's journaled uploads in the background (not in the demo or read-only) */
  resumeJournaled(): void;
}

interface SessionHooks {
  profileNames(): Promise<readonly string[]>;
  switchProfile(name: string): Promise<void>;
  /** the screen to start on (a profile switch keeps the view the user was on) */
  initialUi?: Partial<UiState>;
  /** resume journaled uploads (default true) */
  resumeJournals?: boolean;
}

async function openSession(
  connection: Connection,
  viewState: ViewStateStore,
  flags: DashboardFlags,
  hooks: SessionHooks,
): Promise<Session> {
  const { TwelveLabsClient } = await import('../../api/client.js');
  const { startEmulator } = await import('../../emulator/server.js');
  const { createAppStore, startPollers } = await import('../../store/index.js');
  const { createUploadApi, createUploadManager } = await import('../../upload/manager.js');
  const { journalAccount } = await import('../../upload/journal.js');
  let emulator: RunningEmulator | undefined;
  let demoDir: string | undefined;
  let apiKey = connection.apiKey ?? DEMO_KEY;
  let baseUrl = connection.baseUrl;
  if (connection.demo) {
    emulator = await startEmulator({
      host: '127.0.0.1',
      port: 0,
      seed: 'demo',
      speed: DEMO_SPEED,
      ...DEMO_EMULATOR,
    });
    baseUrl = emulator.baseUrl;
    apiKey = DEMO_KEY;
    // the demo upload's file and journal live in a temp dir, removed on exit
    demoDir = await mkdtemp(join(tmpdir(), 'tltop-demo-'));
  }
  const client = new TwelveLabsClient({ apiKey, baseUrl });
  // the engine has its own retry rules: its client must not retry as well
  const uploadClient = createUploadApi({ apiKey, baseUrl });
  const readOnly = connection.readOnlyBy !== undefined && !connection.demo;
  const guard = (target: TwelveLabsClient) =>
    readOnly ? readOnlyApi(target, connection.readOnlyBy!) : target;
  const api = guard(client);
  const uploads = createUploadManager({
    api: guard(uploadClient),
    stateDir: demoDir,
    // journals record the account; only this account's are resumed
    account: journalAccount({
      apiKey,
      baseUrl: uploadClient.baseUrl,
      profile: connection.demo ? 'demo' : connection.profileName,
    }),
  });
  const store = createAppStore({
    api,
    uploads,
    clipboard: copyWithOsc52,
    notifications: {
      write: (sequence) => process.stdout.write(sequence),
      mode: connection.settings.notify,
      env: process.env,
      allUploads: connection.settings.notifyAllUploads,
    },
    viewState,
    profileNames: hooks.profileNames,
    switchProfile: hooks.switchProfile,
    initialUi: hooks.initialUi,
    readOnly: readOnly ? connection.readOnlyBy : undefined,
    stuckAfterMs: flags.stuckAfter ?? connection.settings.stuckAfterMs,
  });
  const { defaultIndex } = connection.settings;
  // an index restored from the last view state wins over the profile's default
  if (defaultIndex && !connection.demo && store.getState().ui.indexId === undefined)
    store.getState().actions.selectIndex(defaultIndex);
  const pollers = startPollers(store, { intervals: connection.settings.pollIntervals });
  // not awaited: the demo file, the journal probe (an fsync) and the session are not on the way
  // to the first frame; close() waits for it, so a quick quit does not leave it writing
  const demoStarted = demoDir
    ? startDemoUpload(uploads, demoDir).catch((error: unknown) =>
        store.getState().actions.setStatus(oneLine(error), 'error'),
      )
    : undefined;
  const resumeJournaled = () => {
    if (!demoDir && !readOnly) void resumeJournaledUploads(uploads, store);
  };
  if (hooks.resumeJournals !== false) resumeJournaled();
  return {
    store,
    info: {
      profile: connection.demo ? 'demo' : `${connection.profileName}${readOnly ? ' (read-only)' : ''}`,
      host: new URL(baseUrl).host,
      maskedKey: maskKey(apiKey),
      demo: connection.demo,
    },
    serverNow: emulator ? () => Date.parse(emulator.now()) : undefined,
    resumeJournaled,
    async close() {
      await viewState.close();
      await pollers.stop();
      await demoStarted;
      await uploads.shutdown();
      await client.close();
      await uploadClient.close();
      await emulator?.close();
      // shutdown() returns once every pause has written its journal for the last time (nothing
      // writes after it); retried all the same, as removing a tree can race other file activity
      if (demoDir) await rm(demoDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}

/** The names of the config file's profiles (none when it cannot be read). */
async function configuredProfileNames(): Promise<string[]> {
  try {
    return Object.keys((await loadConfig(configPath(process.env))).profiles);
  } catch {
    return [];
  }
}

/**
 * The connection of a profile named in `:profile`: its own key and base URL (the start's
 * --api-key, --base-url and TWELVELABS_* variables were for the start profile); --read-only stays.
 */
async function profileConnection(name: string, flags: DashboardFlags): Promise<Connection> {
  if (!PROFILE_NAME.test(name)) throw new Error(`bad profile name "${name}"`);
  const env = { ...process.env };
  for (const variable of [...KEY_ENV_VARS, 'TWELVELABS_BASE_URL', 'TLTOP_PROFILE']) delete env[variable];
  const next = await resolveConnection({ profile: name, readOnly: flags.readOnly }, env).catch(
    (error: unknown) => {
      throw new Error(oneLine(error));
    },
  );
  if (next.demo) throw new Error(`profile "${name}" has no API key (set one with tltop config)`);
  return next;
}

/** Applies `--filter` to the start view's table; returns why it was refused. */
async function applyStartFilter(store: AppStore, expression: string): Promise<string | undefined> {
  const { formatFilter, parseFilter, resolveIndex } = await import('../../store/filter-expr.js');
  const { selectActiveTable } = await import('../../store/selectors.js');
  try {
    let expr = parseFilter(selectActiveTable(store.getState()), expression);
    // an index named before the indexes are loaded: one list call finds its id
    if (expr.index !== undefined)
      expr = { ...expr, index: resolveIndex(expr.index, await listIndexes(store)) };
    store.getState().actions.setFilter(formatFilter(expr));
    return undefined;
  } catch (error) {
    return oneLine(error);
  }
}

async function listIndexes(store: AppStore): Promise<Record<string, Index>> {
  const { contextOf } = await import('../../store/create-store.js');
  const { paginate } = await import('../../api/paginate.js');
  const { api } = contextOf(store);
  const indexes: Record<string, Index> = {};
  for await (const index of paginate((request) => api.listIndexes(request), { maxPages: 5 }))
    indexes[index._id] = index;
  return indexes;
}

/** The profile's saved views and last view state; an unknown `--view` is a usage error (exit 2). */
async function openViewState(flags: DashboardFlags, connection: Connection): Promise<ViewStateStore> {
  const { ViewStateStore } = await import('../../store/saved-views.js');
  const { VIEW_STATE_FILE_NAME } = await import('../../store/view-state-file.js');
  const { defaultStateDir } = await import('../../upload/journal.js');
  const profile = connection.demo ? 'demo' : connection.profileName;
  const file = join(defaultStateDir(process.env), VIEW_STATE_FILE_NAME);
  const viewState = await ViewStateStore.open({ file, profile, restore: flags.restore });
  if (flags.view !== undefined && !viewState.get(flags.view)) {
    throw new UsageError(`--view: ${viewState.describeUnknown(flags.view)} for profile "${profile}"`);
  }
  return viewState;
}

/** OSC 52: the terminal (or tmux with set-clipboard on) puts the text on the system clipboard. */
function copyWithOsc52(text: string): void {
  process.stdout.write(`\x1b]52;c;${Buffer.from(text).toString('base64')}\x07`);
}

/**
 * Uploads a crash or Ctrl-C left behind carry on by themselves, this account's only (other
 * accounts' stay journaled for their profiles); refusals are shown, not fatal.
 */
async function resumeJournaledUploads(uploads: UploadManager, store: AppStore): Promise<void> {
  const { actions } = store.getState();
  try {
    const others = (await uploads.listJournaled({ allAccounts: true })).filter(
      (upload) => upload.owner === 'other',
    ).length;
    const resumed = await uploads.resumeJournaled();
    if (resumed.length > 0) actions.logEvent('upload', `resumed ${resumed.length} journaled upload(s)`);
    if (others > 0)
      actions.logEvent('upload', `${others} journaled upload(s) of other accounts left for their profiles`);
  } catch (error) {
    actions.setStatus(oneLine(error), 'error');
    actions.logEvent('upload', oneLine(error), 'error');
  }
}

/** A sparse file of zeros (no disk space used), uploaded in the background. */
async function startDemoUpload(uploads: UploadManager, dir: string): Promise<void> {
  const path = join(dir, 'camera-b-morning-shift.mp4');
  await writeFile(path, '');
  await truncate(path, DEMO_UPLOAD_BYTES);
  await uploads.start({ path, type: 'video', concurrency: 4 });
}
