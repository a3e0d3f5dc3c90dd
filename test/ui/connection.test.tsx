import { afterEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { requestCount } from '../helpers/emulator.js';
import { expectWithinTerminal, freePort } from './frame.js';
import { caption, type Dashboard, startDashboard } from './harness.js';

/**
 * The connection screen: a refused key or a host that never answered fills the body with what
 * failed, what to fix and when the next try is; the dashboard stays up and shows its views as
 * soon as the server answers, without a restart.
 */
const WRONG_KEY = 'tlk_wrong0000000000000000wxyz';

let dashboard: Dashboard | undefined;
let server: RunningEmulator | undefined;

afterEach(async () => {
  await dashboard?.close();
  dashboard = undefined;
  await server?.close();
  server = undefined;
});

/** A loopback port nothing listens on (yet). */
async function serveOn(port: number, apiKey?: string): Promise<RunningEmulator> {
  return startEmulator({ host: '127.0.0.1', port, seed: 'demo', ...(apiKey && { apiKey }) });
}

function body(frame: string): string {
  return frame.split('\n').slice(3, -1).join('\n');
}

describe('connection screen', { timeout: 60_000 }, () => {
  for (const [columns, rows] of [
    [80, 24],
    [60, 15],
  ] as const) {
    it(`a wrong key: says the key was refused (masked), what to fix and that it keeps trying (${columns}x${rows})`, async () => {
      const d = await startDashboard({
        columns,
        rows,
        emulator: { apiKey: 'tlk_the0right0key0000000000' },
        client: { apiKey: WRONG_KEY },
      });
      dashboard = d;
      const frame = await d.waitFor((f) => f.includes('refused the key'), 'the connection screen');
      const text = body(frame);
      expect(text).toContain('✗ The API refused the key tlk_…wxyz');
      expect(text).toMatch(/401 .*api_key_invalid/);
      expect(text).toMatch(/tltop keeps trying \((next try in \d+s|trying again now)\)/);
      expect(text).toContain('TWELVELABS_API_KEY');
      expect(text).toContain('tltop config');
      expect(frame).not.toContain('tlk_wrong');
      expectWithinTerminal(frame, columns, rows);
      // still polling: the emulator keeps getting (refused) requests
      const before = requestCount(d.emulator, 'GET /assets');
      await expect.poll(() => requestCount(d.emulator, 'GET /assets')).toBeGreaterThan(before);
      expect(d.frame()).toContain('refused the key');
    });
  }

  it('an unreachable host: says so with the fix, then shows the views once the server is up, without a restart', async () => {
    const port = await freePort();
    const d = await startDashboard({
      columns: 80,
      rows: 24,
      client: { baseUrl: `http://127.0.0.1:${port}/v1.3` },
    });
    dashboard = d;
    const frame = await d.waitFor((f) => f.includes('Cannot reach the API'), 'the connection screen', 10_000);
    const text = body(frame);
    expect(text).toContain(`✗ Cannot reach the API at 127.0.0.1:${port}`);
    expect(text).toMatch(/connection refused/);
    expect(text).toContain('--base-url');
    expect(text).toContain('HTTPS_PROXY');
    expect(text).toMatch(/tltop keeps trying/);
    expectWithinTerminal(frame, 80, 24);
    // nothing ever loaded: no data, rather than stale data
    expect(frame.split('\n')[1]).toMatch(/^▲ no data yet /);

    server = await serveOn(port);
    await d.waitFor((f) => /^Uploads/.test(caption(f)) && !f.includes('Cannot reach'), 'the views', 15_000);
    // every poller comes back on its own next try
    await d.waitFor((f) => f.split('\n')[1]!.startsWith('● live'), 'live', 15_000);
  });

  it('a base URL that only answers errors (a wrong path): says so, with the base URL to check', async () => {
    const port = await freePort();
    server = await serveOn(port);
    const d = await startDashboard({
      columns: 80,
      rows: 24,
      client: { baseUrl: `http://127.0.0.1:${port}/v0` },
    });
    dashboard = d;
    const frame = await d.waitFor(
      (f) => f.includes('answers with errors only'),
      'the connection screen',
      10_000,
    );
    const text = body(frame);
    expect(text).toContain(`✗ The API at 127.0.0.1:${port} answers with errors only`);
    expect(text).toMatch(/404/);
    expect(text).toContain('it ends in /v1.3');
    expectWithinTerminal(frame, 80, 24);
  });

  it('a key refused mid-session shows the screen; an outage after a success keeps the stale data instead', async () => {
    const port = await freePort();
    server = await serveOn(port);
    const d = await startDashboard({
      columns: 100,
      rows: 24,
      client: { apiKey: WRONG_KEY, baseUrl: `http://127.0.0.1:${port}/v1.3` },
    });
    dashboard = d;
    await d.press('2');
    await d.waitFor((f) => /^Assets .* of \d+/.test(caption(f)), 'assets');

    // the server goes away: stale data, not the connection screen
    await server.close();
    server = undefined;
    const stale = await d.waitFor((f) => f.split('\n')[1]!.startsWith('▲ stale'), 'stale', 10_000);
    expect(stale).not.toContain('Cannot reach');
    expect(caption(stale)).toMatch(/^Assets .* of \d+/);

    // it comes back refusing this key: the connection screen, though data was shown before
    server = await serveOn(port, 'tlk_another0key00000000000');
    await d.waitFor(
      (f) => f.includes('✗ The API refused the key tlk_…wxyz'),
      'the connection screen',
      10_000,
    );

    // and accepting it again: the views are back by themselves
    await server.close();
    server = await serveOn(port);
    await d.waitFor(
      (f) => /^Assets .* of \d+/.test(caption(f)) && !f.includes('refused the key'),
      'assets again',
      15_000,
    );
  });
});
