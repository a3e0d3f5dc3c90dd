import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HINT } from '../../src/components/Header.js';
import { findOrInstallTmux, TmuxSession, terminalEnv } from './tmux.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmux = findOrInstallTmux();

/** Whatever the test runner's environment holds, a brand-new user has none of it. */
const NOT_SET = [
  'TWELVELABS_API_KEY',
  'TWELVE_LABS_API_KEY',
  'TWELVELABS_BASE_URL',
  'TLTOP_PROFILE',
  'TLTOP_STATE_DIR',
  'NODE_ENV',
];

/** The demo upload's row in the Uploads view, and its percentage. */
function demoUploadPercent(screen: string): number | undefined {
  const row = screen.split('\n').find((line) => line.includes('camera-b-morning'));
  const percent = row && /(\d+)%/.exec(row)?.[1];
  return percent ? Number(percent) : undefined;
}

/**
 * A brand-new user: a fresh clone of the repository at HEAD, no config, no key, empty home and
 * XDG dirs, `npm start` in a real terminal. (node_modules is the main checkout's, linked: the
 * test proves the start, not the registry.)
 */
describe.skipIf(!tmux.tmux)(
  `first run: npm start from a clean clone${tmux.reason ? ` (skipped: ${tmux.reason})` : ''}`,
  { timeout: 90_000 },
  () => {
    let session: TmuxSession;
    let temp: string;

    beforeAll(() => {
      temp = mkdtempSync(join(tmpdir(), 'tltop-first-run-'));
      const repo = join(temp, 'tltop');
      const home = join(temp, 'home');
      execFileSync('git', ['clone', '--quiet', '--no-hardlinks', root, repo], { stdio: 'ignore' });
      symlinkSync(join(root, 'node_modules'), join(repo, 'node_modules'), 'dir');
      for (const dir of ['config', 'state', 'data']) mkdirSync(join(home, dir), { recursive: true });
      session = new TmuxSession(tmux.tmux!);
      session.start(
        `unset ${NOT_SET.join(' ')}; cd '${repo}' && echo BEFORE-NPM-START && npm start; echo "TLTOP-EXIT:$?"; sleep 60`,
        100,
        30,
        // TLTOP_STATE_DIR is unset by the command: the XDG dirs alone say where state goes
        { ...terminalEnv(home), XDG_DATA_HOME: join(home, 'data') },
      );
    });

    afterAll(() => {
      session?.kill();
      if (temp) rmSync(temp, { recursive: true, force: true });
    });

    it('reaches the demo dashboard with the hint to connect an account, and its progress moves', async () => {
      // npm start builds first (tsc), then opens the dashboard
      const first = await session.waitFor(
        (screen) => screen.includes('tltop DEMO') && demoUploadPercent(screen) !== undefined,
        60_000,
        'the demo dashboard with its upload',
      );
      const lines = first.split('\n');
      expect(lines[0]).toMatch(/^tltop DEMO +profile demo /);
      expect(lines[1]).toContain(DEMO_HINT);
      expect(lines[3]).toMatch(/^Uploads/);
      expect(lines.at(-1)).toContain('q quit');
      const before = demoUploadPercent(first)!;
      const later = await session.waitFor(
        (screen) => (demoUploadPercent(screen) ?? before) > before,
        20_000,
        `the demo upload past ${before}%`,
      );
      expect(demoUploadPercent(later)).toBeGreaterThan(before);
      // a brand-new user has no config written for them
      expect(readdirSync(join(temp, 'home', 'config'))).toEqual([]);
    });

    it('q quits (asking while the demo upload runs) and the terminal is restored', async () => {
      session.send('q');
      const answer = await session.waitFor(
        (text) => text.includes('TLTOP-EXIT:') || text.includes('Quit and leave them resumable?'),
        15_000,
        'exit or the quit question',
      );
      if (answer.includes('Quit and leave')) session.send('y');
      const screen = await session.waitFor((text) => text.includes('TLTOP-EXIT:'), 15_000, 'exit');
      expect(screen).toContain('TLTOP-EXIT:0');
      expect(screen).not.toContain('tltop DEMO');
      expect(session.format('#{alternate_on} #{cursor_flag}')).toBe('0 1');
      expect(session.history()).toContain('BEFORE-NPM-START');
    });
  },
);
