/**
 * The real binary (dist/bin.js) in tmux, kept open against an emulator that goes down for
 * 60 s of its clock (every API call answered 503) and comes back: the process stays alive,
 * the header shows the data as stale while it is down, and the first poll after the
 * emulator is back makes it live again (no failed request after the outage ended).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOrInstallTmux, TmuxSession } from '../e2e/tmux.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { RAW_CONTROL, writeSummary } from './sizes.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmux = findOrInstallTmux();
// the emulator clock runs 10x: its 60 s outage lasts 6 s of real time
const SPEED = 10;

function statusCount(emulator: TestEmulator, status: string): number {
  const requests = emulator.stats().requests as Record<string, Record<string, number>>;
  return Object.entries(requests)
    .filter(([route]) => !route.includes('_emulator'))
    .reduce((sum, [, byStatus]) => sum + (byStatus[status] ?? 0), 0);
}

describe.skipIf(!tmux.tmux)(
  `dashboard through a 60 s outage${tmux.reason ? ` (skipped: ${tmux.reason})` : ''}`,
  () => {
    let emulator: TestEmulator;
    let session: TmuxSession;
    let home: string;

    beforeAll(async () => {
      emulator = await startTestEmulator({ seed: 'demo', speed: SPEED });
      home = mkdtempSync(join(tmpdir(), 'tltop-reliability-outage-'));
      session = new TmuxSession(tmux.tmux!, 'outage');
      const node = join(root, 'node_modules/.bin/node');
      const bin = join(root, 'dist/bin.js');
      session.start(`exec '${node}' '${bin}'`, 120, 30, {
        CI: 'false',
        TERM: 'xterm-256color',
        HOME: home,
        TLTOP_CONFIG_DIR: join(home, 'config'),
        TLTOP_STATE_DIR: join(home, 'state'),
        TWELVELABS_API_KEY: emulator.apiKey,
        TWELVELABS_BASE_URL: emulator.baseUrl,
      });
    });

    afterAll(async () => {
      session?.kill();
      await emulator?.close();
      if (home) rmSync(home, { recursive: true, force: true });
    });

    it('stays alive, shows stale while down, and is live again on the first poll after', async () => {
      await session.send('2');
      await session.waitFor(
        (screen) => /^Assets .* of \d+/m.test(screen) && screen.includes('● live'),
        20_000,
        'assets, live',
      );
      const ids = () =>
        session
          .screen()
          .slice(5, 15)
          .map((line) => /\b[0-9a-f]{8}\b/.exec(line)?.[0]);
      const idsBefore = ids();

      const downAt = Date.parse(emulator.emulator.now());
      emulator.setFaults('outage=60s');
      const outageEnd = downAt + 60_000;
      const stale = await session.waitFor(
        (screen) => screen.split('\n')[1]?.startsWith('▲ stale') ?? false,
        15_000,
        'stale',
      );
      expect(stale).toContain('503');
      // the rows last seen are still shown
      expect(ids()).toEqual(idsBefore);

      // wait for the emulator's clock to pass the end of the outage
      while (Date.parse(emulator.emulator.now()) < outageEnd)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const failedAtEnd = statusCount(emulator, '503');
      const backAt = performance.now();
      await session.waitFor(
        (screen) => screen.split('\n')[1]?.startsWith('● live') ?? false,
        70_000,
        'live again',
      );
      const secondsToFresh = (performance.now() - backAt) / 1000;
      const failedAfterEnd = statusCount(emulator, '503') - failedAtEnd;

      expect(session.format('#{pane_dead}')).toBe('0');
      // at most a request already on its way as the outage ended; the first new poll succeeded
      expect(failedAfterEnd).toBeLessThanOrEqual(1);
      expect(session.screen(true).join('\n')).not.toMatch(/Error:| {4}at /);
      for (const line of session.screen()) expect(line).not.toMatch(RAW_CONTROL);
      await writeSummary('outage', {
        outage_emulator_seconds: 60,
        emulator_speed: SPEED,
        failed_requests_during_outage: failedAtEnd,
        failed_requests_after_outage: failedAfterEnd,
        seconds_from_outage_end_to_live: Number(secondsToFresh.toFixed(2)),
        process_alive: true,
      });

      session.send('q');
      const deadline = Date.now() + 10_000;
      while (session.format('#{pane_dead}') !== '1' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // tmux does not always learn a dead pane's exit status; when it does, it must be 0
      expect(session.format('#{pane_dead}')).toBe('1');
      expect(session.format('#{pane_dead_signal}')).toBe('');
      expect(['', '0']).toContain(session.format('#{pane_dead_status}'));
    }, 120_000);
  },
);
