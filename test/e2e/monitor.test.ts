import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findOrInstallTmux, TLTOP, TmuxSession, terminalEnv } from './tmux.js';

const _root = fileURLToPath(new URL('../..', import.meta.url));
const tmux = findOrInstallTmux();

/** The real binary: --stuck-after, the Flag column, `o` and the header sparklines. */
describe.skipIf(!tmux.tmux)(
  `tltop --demo --stuck-after in tmux${tmux.reason ? ` (skipped: ${tmux.reason})` : ''}`,
  { timeout: 90_000 },
  () => {
    let session: TmuxSession | undefined;
    let home: string | undefined;

    afterEach(() => {
      session?.kill();
      session = undefined;
      if (home) rmSync(home, { recursive: true, force: true });
      home = undefined;
    });

    it('flags running work past --stuck-after, shows the overview with o, and the header throughput', async () => {
      home = mkdtempSync(join(tmpdir(), 'tltop-e2e-monitor-'));
      session = new TmuxSession(tmux.tmux!, 'monitor');
      session.start(`${TLTOP} --demo --stuck-after 1m; sleep 60`, 150, 40, terminalEnv(home));
      await session.waitFor((screen) => screen.includes('tltop DEMO'), 15_000, 'the header');
      // once the first answers are in (the demo uploads), the header has the done/h sparkline at 150 columns
      await session.waitFor(
        (screen) => /done\/h \d+ [▁▂▃▄▅▆▇█]{12}/.test(screen.split('\n')[0] ?? ''),
        15_000,
        'the done/h sparkline',
      );
      session.send('3');
      await session.waitFor(
        (screen) => screen.includes('FLAG') && /[⚠◔] (stuck|slow) \d+[smh]/.test(screen),
        20_000,
        'the Flag column',
      );
      session.send('o');
      const overview = await session.waitFor(
        (screen) => screen.includes('Overview —') && screen.includes('1m (stuck_after)'),
        10_000,
        'the overview with the threshold from --stuck-after',
      );
      expect(overview).toMatch(/Usage\s+indexed [\d,.]+ min in 4 indexes \(server totals\)/);
      session.send('o');
      await session.waitFor((screen) => !screen.includes('Overview —'), 10_000, 'the overview hidden');
    });
  },
);
