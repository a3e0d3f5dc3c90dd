import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { useContext } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { TwelveLabsClient } from '../../src/api/client.js';
import type { Task } from '../../src/api/types.js';
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
    await settle(400);
    expect(same.frames.length).toBe(1);
    expect(moving.frames.length).toBeGreaterThan(3);
    // a render for other reasons (new data) reads a time at most one tick old
    expect(quiet.latest.now - startedAt).toBeGreaterThan(200);
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
