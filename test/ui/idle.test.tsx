import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { useContext } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TwelveLabsClient } from '../../src/api/client.js';
import type { Task } from '../../src/api/types.js';
import { StoresContext } from '../../src/components/context.js';
import { DetailView, detailText } from '../../src/components/details/DetailView.js';
import { Overview, overviewText } from '../../src/components/Overview.js';
import { createScrollStore } from '../../src/components/overlay.js';
import {
  type ClockReading,
  createTicker,
  type Ticker,
  TickerContext,
  type TickProbe,
  useTickingNow,
  useTickProbe,
} from '../../src/components/use-now.js';
import { rowsText } from '../../src/components/views/ResourceTable.js';
import { createAppStore } from '../../src/store/index.js';
import { ConnectionTracker } from '../../src/store/pollers/connection.js';
import type { Draft } from '../../src/store/pollers/step.js';
import type { AppStore } from '../../src/store/types.js';
import { type Dashboard, startDashboard } from './harness.js';

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until no frame has been drawn for `quietMs` (data loaded, sampled values settled). */
async function quiet(d: Dashboard, quietMs = 800, timeoutMs = 8000): Promise<void> {
  const started = Date.now();
  let count = d.renders();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`still drawing after ${timeoutMs} ms:\n${d.frame()}`);
    await settle(50);
    if (d.renders() !== count) {
      count = d.renders();
      since = Date.now();
    }
  }
}

describe('idle dashboard', () => {
  let d: Dashboard | undefined;
  afterEach(async () => {
    await d?.close();
    d = undefined;
  });

  it('draws no frame while polls bring nothing new (the connection heartbeat included)', async () => {
    // a clock this slow freezes every item where the seed left it: polls answer the same data
    d = await startDashboard({ columns: 120, rows: 30, emulator: { seed: 'demo', speed: 0.000001 } });
    await d.waitFor((f) => f.includes('● live') && f.includes('API <1 s'), 'live header');
    await quiet(d);
    const frames = d.renders();
    const requests = Object.values(d.emulator.stats().requests).reduce(
      (sum, byStatus) => sum + Object.values(byStatus).reduce((a, b) => a + b, 0),
      0,
    );
    // the harness polls every 50-300 ms and beats the heartbeat every 200 ms
    const writes: string[] = [];
    const unsubscribe = d.store.subscribe((state, previous) => {
      for (const key of Object.keys(state) as (keyof typeof state)[]) {
        if (state[key] === previous[key]) continue;
        const inner = state[key] as Record<string, unknown>;
        const before = previous[key] as Record<string, unknown>;
        const changed =
          inner && typeof inner === 'object'
            ? Object.keys(inner).filter((name) => inner[name] !== before?.[name])
            : [];
        writes.push(`${key}${changed.length > 0 ? `.{${changed.join(',')}}` : ''}`);
      }
    });
    await settle(1500);
    unsubscribe();
    const after = Object.values(d.emulator.stats().requests).reduce(
      (sum, byStatus) => sum + Object.values(byStatus).reduce((a, b) => a + b, 0),
      0,
    );
    expect(after).toBeGreaterThan(requests);
    expect(d.renders(), `store writes in the window: ${writes.join(' ')}`).toBe(frames);
    // no wall clock in the header, no "ok just now" while every poll succeeds
    expect(d.lines()[0]).not.toMatch(/\d\d:\d\d/);
    expect(d.lines()[1]).not.toContain('ok just now');
  });
});

describe('the connection slice', () => {
  function tracker(latency: { ms: number }, success: { at: number }) {
    const api = {
      stats: () => ({ lastLatencyMs: latency.ms, lastSuccessAt: success.at, rateLimit: {} }),
    } as unknown as TwelveLabsClient;
    return new ConnectionTracker(api, 10);
  }

  it('is written when the shown latency changes, not on every poll', () => {
    const client = new TwelveLabsClient({
      apiKey: 'tlk_test_not_used_0000',
      baseUrl: 'http://127.0.0.1:9/v1.3',
    });
    const store = createAppStore({ api: client });
    const latency = { ms: 40 };
    const success = { at: 1000 };
    const connection = tracker(latency, success);
    const draft: Draft = { state: store.getState(), events: [] };
    connection.observe(draft, { family: 'tasks', now: 1000, outcome: 'ok' });
    const first = draft.state.connection;
    expect(first.health).toBe('ok');
    // later polls, past the heartbeat: new timings, the same text ("API <1 s", "● live")
    for (let poll = 1; poll <= 5; poll++) {
      latency.ms = 40 + poll * 90;
      success.at = 1000 + poll * 1000;
      connection.observe(draft, { family: 'tasks', now: 1000 + poll * 1000, outcome: 'ok' });
    }
    expect(draft.state.connection).toBe(first);
    // slow: the header says so
    latency.ms = 2400;
    connection.observe(draft, { family: 'tasks', now: 7000, outcome: 'ok' });
    expect(draft.state.connection).not.toBe(first);
    expect(draft.state.connection.lastLatencyMs).toBe(2500);
    void client.close();
  });
});

/** Shows one probe's text at the dashboard's ticking clock, as the dashboard does. */
function Clocked({ probe, intervalMs, ticker }: { probe: TickProbe; intervalMs: number; ticker: Ticker }) {
  useTickingNow(ticker, undefined, false, intervalMs);
  return (
    <TickerContext.Provider value={ticker}>
      <Probed probe={probe} />
    </TickerContext.Provider>
  );
}

function Probed({ probe }: { probe: TickProbe }) {
  const ticker = useContext(TickerContext)!;
  const clock = ticker.latest;
  useTickProbe(probe, clock);
  return <Text>{probe(clock)}</Text>;
}

describe('the minute tick', () => {
  it('renders only when a probe shows other text at the new time, and keeps the time current anyway', async () => {
    const quiet = createTicker(undefined);
    const startedAt = quiet.latest.now;
    const same = render(<Clocked probe={() => 'updated 2h ago'} intervalMs={40} ticker={quiet} />);
    const moving = render(
      <Clocked
        probe={(clock) => String(Math.floor(clock.now / 40))}
        intervalMs={40}
        ticker={createTicker(undefined)}
      />,
    );
    // waits on the ticks themselves, not on a fixed time: a loaded machine runs fewer of them
    await vi.waitFor(
      () => {
        expect(moving.frames.length).toBeGreaterThan(3);
        // a render for other reasons (new data) reads a time at most one tick old
        expect(quiet.latest.now - startedAt).toBeGreaterThan(200);
      },
      { timeout: 5000, interval: 20 },
    );
    expect(same.frames.length).toBe(1);
    same.unmount();
    moving.unmount();
  });

  it('compares what the rows show: "2h ago" holds over a minute, "3m ago" does not', () => {
    const now = Date.parse('2026-11-23T12:00:30Z');
    const task = (updated: string): Task => ({
      _id: '64f8a1b2c3d4e5f600000001',
      index_id: '6500000000000000000000aa',
      status: 'ready',
      created_at: '2026-11-20T10:00:00Z',
      updated_at: updated,
    });
    const at = (ms: number): ClockReading => ({ now: ms, dataNow: ms });
    const old = [task('2026-11-23T09:50:00Z')];
    expect(rowsText('tasks', undefined, old, at(now))).toBe(
      rowsText('tasks', undefined, old, at(now + 60_000)),
    );
    const recent = [task('2026-11-23T11:57:00Z')];
    expect(rowsText('tasks', undefined, recent, at(now))).not.toBe(
      rowsText('tasks', undefined, recent, at(now + 60_000)),
    );
  });
});

/** The overview or the detail pane under a ticking clock (the server clock given runs fast). */
function Panes({
  store,
  ticker,
  serverNow,
  intervalMs,
}: {
  store: AppStore;
  ticker: Ticker;
  serverNow: () => number;
  intervalMs: number;
}) {
  const clock = useTickingNow(ticker, serverNow, false, intervalMs);
  const detail = store.getState().ui.detail !== null;
  return (
    <StoresContext.Provider value={{ app: store, scroll: scrollStore }}>
      <TickerContext.Provider value={ticker}>
        {detail ? (
          <DetailView width={120} height={20} now={clock.dataNow} />
        ) : (
          <Overview width={120} height={9} now={clock.now} dataNow={clock.dataNow} />
        )}
      </TickerContext.Provider>
    </StoresContext.Provider>
  );
}
const scrollStore = createScrollStore();

describe('the minute tick with the overview or a detail pane open', () => {
  const T = Date.parse('2026-11-23T12:00:30Z');
  const at = (ms: number): ClockReading => ({ now: ms, dataNow: ms });
  const task = (n: number, status: string, created: number, updated: number): Task => ({
    _id: (0x64f8a1b2c3d4e5f600000000n + BigInt(n)).toString(16),
    index_id: '6500000000000000000000aa',
    status,
    created_at: new Date(created).toISOString(),
    updated_at: new Date(updated).toISOString(),
  });
  const HOUR = 3_600_000;
  const storeWith = (tasks: Task[]): AppStore => {
    const store = createAppStore({
      api: new TwelveLabsClient({ apiKey: 'tlk_test_not_used_0000', baseUrl: 'http://127.0.0.1:9/v1.3' }),
    });
    store.setState((state) => ({
      entities: { ...state.entities, tasks: Object.fromEntries(tasks.map((item) => [item._id, item])) },
    }));
    return store;
  };
  const sampled = {
    usage: { indexedMinutes: undefined, indexCount: 0, queuedMinutes: 0, queuedItems: 0 } as never,
    thresholds: '',
    width: 160,
  };

  it('the overview text holds over a minute with nothing finished in the last hour, not with work just done', () => {
    const old = storeWith([task(1, 'ready', T - 30 * HOUR, T - 29 * HOUR)]);
    expect(overviewText(old.getState(), sampled, at(T))).toBe(
      overviewText(old.getState(), sampled, at(T + 60_000)),
    );
    // finished 59½ minutes ago: it leaves the last hour at the next minute
    const recent = storeWith([task(2, 'ready', T - 2 * HOUR, T - HOUR + 30_000)]);
    expect(overviewText(recent.getState(), sampled, at(T))).not.toBe(
      overviewText(recent.getState(), sampled, at(T + 60_000)),
    );
    // a running item crosses into slow at the new time (fallback rule: slow after 30 minutes)
    const running = storeWith([task(3, 'indexing', T - 30 * 60_000 + 30_000, T - 60_000)]);
    expect(overviewText(running.getState(), sampled, at(T))).not.toBe(
      overviewText(running.getState(), sampled, at(T + 60_000)),
    );
  });

  it('the detail text holds for "2h ago", not for "3m ago"', () => {
    const old = task(4, 'ready', T - 30 * HOUR, T - 2 * HOUR - 10 * 60_000);
    const detail = { table: 'tasks' as const, id: old._id };
    expect(detailText(detail, old, undefined, at(T), 160)).toBe(
      detailText(detail, old, undefined, at(T + 60_000), 160),
    );
    const recent = task(5, 'ready', T - 30 * HOUR, T - 3 * 60_000);
    expect(detailText({ ...detail, id: recent._id }, recent, undefined, at(T), 160)).not.toBe(
      detailText({ ...detail, id: recent._id }, recent, undefined, at(T + 60_000), 160),
    );
  });

  const origin = { at: Date.now() };
  // three minutes of server time per 40 ms tick: the last hour's sparkline (5-minute cells at
  // this width) moves on most ticks, "updated 4m ago" on every one
  const serverNow = () => T + Math.floor(((Date.now() - origin.at) / 40) * 3 * 60_000);

  it('renders a tick only when the open pane shows other text at the new time', async () => {
    const cases = [
      {
        name: 'overview, old data',
        tasks: [task(6, 'ready', T - 30 * HOUR, T - 29 * HOUR)],
        open: false,
        moves: false,
      },
      {
        name: 'overview, work just done',
        tasks: [task(7, 'ready', T - HOUR, T - 60_000)],
        open: false,
        moves: true,
      },
      {
        name: 'detail, updated days ago',
        tasks: [task(8, 'ready', T - 90 * HOUR, T - 80 * HOUR)],
        open: true,
        moves: false,
      },
      {
        name: 'detail, updated just now',
        tasks: [task(9, 'ready', T - HOUR, T - 60_000)],
        open: true,
        moves: true,
      },
    ];
    for (const c of cases) {
      const store = storeWith(c.tasks);
      if (c.open)
        store.setState((state) => ({ ui: { ...state.ui, detail: { table: 'tasks', id: c.tasks[0]!._id } } }));
      origin.at = Date.now();
      const view = render(
        <Panes store={store} ticker={createTicker(serverNow)} serverNow={serverNow} intervalMs={40} />,
      );
      await settle(200);
      const frames = view.frames.length;
      expect(view.lastFrame(), c.name).toContain(c.open ? 'updated' : 'Finished/h');
      if (c.moves) {
        await vi.waitFor(() => expect(view.frames.length, c.name).toBeGreaterThan(frames + 2), {
          timeout: 5000,
          interval: 20,
        });
      } else {
        await settle(400);
        expect(view.frames.length, c.name).toBe(frames);
      }
      view.unmount();
    }
  });
});
