import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { saveConfig } from '../../src/cli/profiles.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { findOrInstallTmux, TLTOP, TmuxSession, terminalEnv } from './tmux.js';

const _root = fileURLToPath(new URL('../..', import.meta.url));
const tmux = findOrInstallTmux();
const ESC = '\x1b';
const BEL = '\x07';

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

/**
 * The real binary in tmux against a test emulator: `w` watches a running analysis; when the
 * emulator's clock moves it to a terminal state, the program writes the bell (tmux flags the
 * window) and, by default, kitty's desktop notification wrapped for tmux passthrough (seen in
 * the raw pane output that pipe-pane copies).
 */
describe.skipIf(!tmux.tmux)(
  `notifications in tmux${tmux.reason ? ` (skipped: ${tmux.reason})` : ''}`,
  { timeout: 60_000 },
  () => {
    let session: TmuxSession | undefined;
    let emulator: TestEmulator | undefined;
    let home: string | undefined;

    afterEach(async () => {
      session?.kill();
      session = undefined;
      await emulator?.close();
      emulator = undefined;
      if (home) rmSync(home, { recursive: true, force: true });
      home = undefined;
    });

    /**
     * Starts tltop in tmux (a kitty outside: KITTY_WINDOW_ID), watches the first running
     * analysis, finishes everything on the emulator's clock; returns the raw pane output.
     */
    async function watchAndFinish(
      profile?: Record<string, unknown>,
    ): Promise<{ bytes: string; s: TmuxSession; id: string }> {
      emulator = await startTestEmulator({ seed: 'demo' });
      home = mkdtempSync(join(tmpdir(), 'tltop-e2e-notify-'));
      const output = join(home, 'pane-output');
      const connection: Record<string, string> = profile
        ? { TLTOP_PROFILE: 'ops' }
        : { TWELVELABS_API_KEY: emulator.apiKey, TWELVELABS_BASE_URL: emulator.baseUrl };
      if (profile) {
        await saveConfig(join(home, 'config/tltop/config.json'), {
          profiles: { ops: { base_url: emulator.baseUrl, api_key: emulator.apiKey, ...profile } },
        });
      }
      const s = new TmuxSession(tmux.tmux!);
      session = s;
      s.start(TLTOP, 120, 30, {
        ...terminalEnv(home),
        TLTOP_CONFIG_DIR: join(home, 'config/tltop'),
        // tmux inside kitty: the outer terminal's variable is inherited
        KITTY_WINDOW_ID: '7',
        ...connection,
      });
      s.setOption('monitor-bell', 'on');
      s.pipeOutput(output);

      await s.waitFor((screen) => screen.includes('1 Uploads'), 15_000, 'the dashboard');
      s.send('5');
      const screen = await s.waitFor(
        (text) => /Analyses .*of \d+/.test(text) && /(pending|processing|queued) /.test(text),
        10_000,
        'running analyses',
      );
      const rows = screen.split('\n');
      const header = rows.findIndex((row) => row.includes('STATUS'));
      const running = rows.findIndex(
        (row, index) => index > header && /(pending|processing|queued) /.test(row),
      );
      for (let step = header + 1; step < running; step++) s.send('j');
      const id = /(?:pending|processing|queued) +([0-9a-f]{8}) /.exec(rows[running]!)![1]!;
      s.send('w');
      const watched = await s.waitFor((text) => text.includes('◉ 1 watched'), 5_000, 'the watch mark');
      expect(watched.split('\n').find((row) => row.includes(id))).toMatch(/^› ◉ /);
      expect(existsSync(output) ? readFileSync(output, 'utf8') : '').not.toContain(BEL);
      expect(s.format('#{window_bell_flag}')).toBe('0');

      // every seeded item still running finishes; only the watched one notifies
      emulator.advanceClock(3600);
      const deadline = Date.now() + 15_000;
      let bytes = '';
      while (Date.now() < deadline && !bytes.includes(BEL)) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        bytes = existsSync(output) ? readFileSync(output, 'utf8') : '';
      }
      expect(bytes, 'a bell in the pane output').toContain(BEL);
      expect(s.format('#{window_bell_flag}')).toBe('1');
      // the other families poll their finished items too: still one notification
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      return { bytes: readFileSync(output, 'utf8'), s, id };
    }

    it('w on a running analysis, then one bell and one passthrough OSC 99 when it finishes', async () => {
      const { bytes, s, id } = await watchAndFinish();
      const passthrough = new RegExp(
        `${ESC}Ptmux;${ESC}${ESC}\\]99;i=tltop:d=0;tltop${ESC}${ESC}\\\\${ESC}${ESC}\\]99;i=tltop:d=1:p=body;analysis ${id} (ready|failed)`,
      );
      expect(bytes).toMatch(passthrough);
      expect(count(bytes, `${ESC}Ptmux;`)).toBe(1);
      expect(count(bytes, BEL)).toBe(1);
      // the sequences move no cursor: the dashboard's frame is intact
      const after = s.screen();
      expect(after).toHaveLength(30);
      expect(after.join('\n')).toContain('◉ 1 watched');
      expect(after[0]).toMatch(/^tltop /);
      s.send('q');
    });

    it('a profile with notify "bell" rings the bell only', async () => {
      const { bytes, s } = await watchAndFinish({ notify: 'bell' });
      expect(count(bytes, BEL)).toBe(1);
      expect(bytes).not.toContain(`${ESC}Ptmux;`);
      expect(bytes).not.toContain(`${ESC}]99;`);
      s.send('q');
    });
  },
);
