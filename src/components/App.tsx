import { Box, type Key, useApp, useInput, useWindowSize } from 'ink';
import { useCallback, useEffect, useMemo } from 'react';
import { withErrorHelp } from '../api/error-help.js';
import { selectStaleAge } from '../store/selectors.js';
import {
  BUCKET_MS,
  type FinishedSeries,
  finishedSeriesAt,
  selectFinishTimes,
  selectUploadSeries,
  totalUploadSpeed,
} from '../store/throughput.js';
import { selectFailureCount } from '../store/triage/selectors.js';
import type { AppState, AppStore } from '../store/types.js';
import { CONFIRM_HEIGHT, Confirm } from './Confirm.js';
import { ConnectionProblem } from './ConnectionProblem.js';
import { StoresContext, useAppState, useScroll, useStores } from './context.js';
import { DetailView } from './details/DetailView.js';
import { ErrorBoundary } from './ErrorBoundary.js';
import { FollowStrip, followStripRows, selectChainLength } from './FollowStrip.js';
import { Footer } from './Footer.js';
import { Header, type HeaderProps, headerSegments, type PollingState } from './Header.js';
import { Help } from './Help.js';
import { installInkFrameCache } from './ink-frame-cache.js';
import { dispatchKey, type KeyActions, type Layer } from './keymap.js';
import { OVERVIEW_ROWS, Overview } from './Overview.js';
import { createScrollStore } from './overlay.js';
import { PROMPT_HEIGHT, Prompt } from './Prompt.js';
import { sanitize } from './sanitize.js';
import { Tabs } from './Tabs.js';
import { isTooSmall, TooSmall } from './TooSmall.js';
import { colorTheme, type Theme, ThemeContext, useTheme } from './theme.js';
import {
  type ClockReading,
  createTicker,
  type Ticker,
  TickerContext,
  useClock,
  useRerenderAt,
  useTickingNow,
  useTickProbe,
} from './use-now.js';
import { useSampled } from './use-sampled.js';
import { VIEW_COMPONENTS } from './views/index.js';

// Ink tokenizes every line of every frame again; keep the last frame's work (half the CPU of an update)
await installInkFrameCache();

/** Who the dashboard talks to, for the header. The key arrives already masked. */
export interface ConnectionInfo {
  profile: string;
  host: string;
  maskedKey: string;
  demo: boolean;
}

export interface AppProps {
  store: AppStore;
  info: ConnectionInfo;
  theme?: Theme;
  /** a fixed terminal size (tests); the real terminal size otherwise */
  size?: { columns: number; rows: number };
  /** called once the store asks to quit (after any confirmation) */
  onQuit?: () => void;
  /**
   * The server's clock, for relative times of server timestamps ("3m ago"). The demo
   * emulator runs its clock faster than real time; the wall clock otherwise.
   */
  serverNow?: () => number;
}

const HEADER_ROWS = 2;
const TABS_ROWS = 1;
const FOOTER_ROWS = 1;
/** rows the body keeps when the follow strip is shown (caption, column header, two rows) */
const MIN_BODY_ROWS = 4;
/** a status message stays in the footer this long */
const STATUS_MS = 4000;

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** The Key Ink would report for one plain character. */
function keyOf(char: string): Key {
  return {
    ...NO_KEY,
    return: char === '\r',
    tab: char === '\t',
    backspace: char === '\u007f',
    shift: char !== char.toLowerCase(),
  };
}

export function layerOf(state: AppState): Layer {
  const { overlay, detail } = state.ui;
  if (overlay.kind !== 'none') return overlay.kind;
  return detail ? 'detail' : 'view';
}

/** The whole dashboard: exactly the terminal's size, never a row more. */
export function App({ store, info, theme = colorTheme, size, onQuit, serverNow }: AppProps) {
  const scroll = useMemo(createScrollStore, []);
  const stores = useMemo(() => ({ app: store, scroll }), [store, scroll]);
  return (
    <StoresContext.Provider value={stores}>
      <ThemeContext.Provider value={theme}>
        <Screen info={info} size={size} onQuit={onQuit} serverNow={serverNow} />
      </ThemeContext.Provider>
    </StoresContext.Provider>
  );
}

function Screen({ info, size, onQuit, serverNow }: Omit<AppProps, 'store' | 'theme'>) {
  const live = useWindowSize();
  const { columns, rows } = size ?? live;
  const stores = useStores();
  const { exit } = useApp();
  const quitRequested = useAppState((state) => state.ui.quitRequested);

  useEffect(() => {
    if (!quitRequested) return;
    onQuit?.();
    exit();
  }, [quitRequested, onQuit, exit]);

  // a new detail (or none) starts at the top; so does the help
  useEffect(
    () =>
      stores.app.subscribe((state, previous) => {
        if (state.ui.detail !== previous.ui.detail) stores.scroll.getState().reset();
        if (state.ui.overlay.kind === 'help' && previous.ui.overlay.kind !== 'help')
          stores.scroll.getState().reset();
      }),
    [stores],
  );

  useInput((text, key) => {
    // read the state at key time, never render-time values: several keys may arrive in one tick
    const state = stores.app.getState();
    const scrollActions = stores.scroll.getState();
    const actions: KeyActions = {
      ...state.actions,
      scrollHelp: scrollActions.scrollHelp,
      scrollDetail: scrollActions.scrollDetail,
    };
    if (isTooSmall(columns, rows)) {
      if (text === 'q' || (key.ctrl && text === 'c')) state.actions.quit();
      return;
    }
    if (text.length > 1 && layerOf(state) === 'prompt' && /[\r\n]/.test(text) && !key.ctrl && !key.meta) {
      // typed or pasted into a prompt with Enter in the same read: the text, then Enter, then
      // whatever follows in the layer Enter left (a command line pasted with its newline runs)
      const dispatchNow = (input: string, inputKey: Key) => {
        const now = stores.app.getState();
        dispatchKey(input, inputKey, { layer: layerOf(now), view: now.ui.view }, actions);
      };
      for (const part of text.split(/(\r\n|\r|\n)/)) {
        if (part === '') continue;
        if (/^[\r\n]+$/.test(part)) dispatchNow('\r', keyOf('\r'));
        else if (layerOf(stores.app.getState()) === 'prompt') dispatchNow(part, NO_KEY);
        else for (const char of part) dispatchNow(char, keyOf(char));
      }
      return;
    }
    if (text.length > 1 && layerOf(state) !== 'prompt' && !key.ctrl && !key.meta) {
      // keys typed faster than one read (or a paste) arrive together: take them one by one,
      // each in the layer the previous one left (after "/", the rest goes to the prompt)
      for (const char of text) {
        const now = stores.app.getState();
        dispatchKey(char, keyOf(char), { layer: layerOf(now), view: now.ui.view }, actions);
      }
      return;
    }
    dispatchKey(text, key, { layer: layerOf(state), view: state.ui.view }, actions);
  });

  if (isTooSmall(columns, rows)) return <TooSmall columns={columns} rows={rows} />;
  return <Dashboard info={info} columns={columns} rows={rows} serverNow={serverNow} />;
}

interface DashboardProps {
  info: ConnectionInfo;
  columns: number;
  rows: number;
  serverNow?: () => number;
}

function Dashboard(props: DashboardProps) {
  const { serverNow } = props;
  const ticker = useMemo(() => createTicker(serverNow), [serverNow]);
  return (
    <TickerContext.Provider value={ticker}>
      <DashboardBody {...props} ticker={ticker} />
    </TickerContext.Provider>
  );
}

function DashboardBody({ info, columns, rows, serverNow, ticker }: DashboardProps & { ticker: Ticker }) {
  // every part that reads the clock (tables, header, overview, detail) has a tick probe: a tick
  // renders only when one of them shows other text at the new time
  const overviewOpen = useAppState((state) => state.ui.overview);
  const clock = useTickingNow(ticker, serverNow, false);
  const { now, dataNow } = clock;
  const view = useAppState((state) => state.ui.view);
  const layer = useAppState(layerOf);
  const overlay = useAppState((state) => state.ui.overlay);
  const status = useAppState((state) => state.ui.status);
  const hasDetail = useAppState((state) => state.ui.detail !== null);
  const setPageRows = useAppState((state) => state.actions.setPageRows);
  const helpScroll = useScroll((state) => state.help);
  const problem = useAppState((state) => state.connection.problem);

  const overlayRows =
    overlay.kind === 'prompt' ? PROMPT_HEIGHT : overlay.kind === 'confirm' ? CONFIRM_HEIGHT : 0;
  // `o`: the overview sits above the view and yields to it (the table keeps MIN_BODY_ROWS)
  const overviewRoom = rows - HEADER_ROWS - TABS_ROWS - FOOTER_ROWS - overlayRows - MIN_BODY_ROWS;
  const overviewRows =
    overviewOpen && layer !== 'help' && !problem && overviewRoom >= 3
      ? Math.min(OVERVIEW_ROWS, overviewRoom)
      : 0;
  // the follow strip yields to the body: the table keeps at least MIN_BODY_ROWS
  const chainLength = useAppState(selectChainLength);
  const stripRows = followStripRows(
    chainLength,
    rows - HEADER_ROWS - TABS_ROWS - FOOTER_ROWS - overlayRows - overviewRows - MIN_BODY_ROWS,
  );
  const bodyRows = Math.max(
    1,
    rows - HEADER_ROWS - TABS_ROWS - FOOTER_ROWS - overlayRows - stripRows - overviewRows,
  );
  // caption + column header take two rows of the body
  const tableRows = Math.max(1, bodyRows - 2);
  useEffect(() => setPageRows(tableRows), [setPageRows, tableRows]);

  const ViewComponent = VIEW_COMPONENTS[view];
  const failureCount = useAppState(selectFailureCount);
  const badges = useMemo(
    () => (failureCount > 0 ? { failures: `${failureCount}✗` } : undefined),
    [failureCount],
  );
  // a question or a prompt keeps its keys in the footer; messages wait for the tables
  useRerenderAt(status ? status.at + STATUS_MS : undefined);
  const flash =
    status && (layer === 'view' || layer === 'detail') && Date.now() - status.at < STATUS_MS
      ? {
          text: withErrorHelp(sanitize(status.text)),
          tone: status.level === 'info' ? ('info' as const) : ('error' as const),
        }
      : undefined;
  // clipped in height only: every line is fitted or truncated to `columns` by its own component,
  // and a horizontal clip makes Ink re-slice every text it draws, every frame
  return (
    <Box flexDirection="column" width={columns} height={rows} overflowY="hidden">
      <ConnectedHeader info={info} width={columns} />
      <Tabs active={view} badges={badges} width={columns} />
      {overviewRows > 0 ? (
        <Overview width={columns} height={overviewRows} now={now} dataNow={dataNow} />
      ) : null}
      <Box height={bodyRows} width={columns} overflowY="hidden" flexDirection="column">
        <ErrorBoundary resetKey={`${view}:${layer}`}>
          {layer === 'help' ? (
            <Help view={view} width={columns} height={bodyRows} scroll={helpScroll} />
          ) : problem ? (
            <ConnectionProblem
              problem={problem}
              host={info.host}
              maskedKey={info.maskedKey}
              width={columns}
              height={bodyRows}
            />
          ) : hasDetail ? (
            <DetailView width={columns} height={bodyRows} now={dataNow} />
          ) : (
            <ViewComponent width={columns} height={bodyRows} now={dataNow} />
          )}
        </ErrorBoundary>
      </Box>
      {stripRows > 0 ? <FollowStrip width={columns} height={stripRows} /> : null}
      {overlay.kind === 'prompt' ? <Prompt prompt={overlay} width={columns} /> : null}
      {overlay.kind === 'confirm' ? <Confirm message={overlay.message} width={columns} /> : null}
      <Footer
        layer={layer}
        view={view}
        width={columns}
        flash={flash}
        connectionProblem={Boolean(problem)}
        following={chainLength > 0}
      />
    </Box>
  );
}

interface HeaderInputs {
  info: ConnectionInfo;
  width: number;
}

/**
 * The header's props from the store at a clock reading: for the render (with the sampled series
 * of finished work) and for the minute tick's probe (the series at the probe's reading).
 */
function headerPropsAt(
  state: AppState,
  inputs: HeaderInputs,
  clock: ClockReading,
  finished = finishedSeriesAt(selectFinishTimes(state), clock.dataNow),
): HeaderProps {
  const { info, width } = inputs;
  const { connection } = state;
  const age = selectStaleAge(state, clock.now);
  const staleAge = age === undefined ? undefined : clock.now - age;
  const polling: PollingState = state.ui.pollingPaused ? 'paused' : staleAge !== undefined ? 'stale' : 'live';
  return {
    width,
    now: clock.now,
    profile: info.profile,
    host: info.host,
    maskedKey: info.maskedKey,
    demo: info.demo,
    latencyMs: connection.lastLatencyMs,
    lastSuccessAt: connection.lastSuccessAt,
    lastError: connection.health === 'ok' ? undefined : connection.lastError,
    rateRemaining: connection.rateLimit.remaining,
    rateLimit: connection.rateLimit.limit,
    polling,
    staleSince: staleAge,
    finished,
    upload: selectUploadSeries(state, clock.now),
  };
}

function ConnectedHeader({ info, width }: { info: ConnectionInfo; width: number }) {
  const store = useStores().app;
  const theme = useTheme();
  // the minute tick's latest reading, also when the header renders for new data between ticks
  const clock = useClock() ?? { now: Date.now(), dataNow: Date.now() };
  // what the header reads from the store: a change to any of these renders it
  useAppState((state) => state.connection);
  useAppState((state) => state.ui.pollingPaused);
  useAppState((state) => state.monitor.uploadSamples);
  useAppState((state) => totalUploadSpeed(state.entities.uploads));
  // the finished work of the last hour at the clock's minute, sampled (it walks every loaded row):
  // the same series object while it reads the same, so finish times outside the hour or a
  // changed row that finished nothing render nothing (each render is a whole frame for Ink)
  const finished: FinishedSeries = useSampled(
    (state) => finishedSeriesAt(selectFinishTimes(state), clock.dataNow),
    `header ${Math.floor(clock.dataNow / BUCKET_MS)}`,
  );
  const inputs = useMemo(() => ({ info, width }), [info, width]);
  const probe = useCallback(
    (at: ClockReading) => JSON.stringify(headerSegments(headerPropsAt(store.getState(), inputs, at), theme)),
    [store, inputs, theme],
  );
  useTickProbe(probe, clock);
  return <Header {...headerPropsAt(store.getState(), inputs, clock, finished)} />;
}
