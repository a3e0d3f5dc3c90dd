import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BIN, findOrInstallTmux, NODE, TLTOP, TmuxSession, terminalEnv } from './tmux.js';

const _root = fileURLToPath(new URL('../..', import.meta.url));
const tmux = findOrInstallTmux();

/** The real binary, in a real terminal (tmux), against its built-in demo emulator. */
describe.skipIf(!tmux.tmux)(
  `tltop --demo in tmux${tmux.reason ? ` (skipped: ${tmux.reason})` : ''}`,
  { timeout: 90_000 },
  () => {
    let session: TmuxSession;
    let home: string;

    beforeAll(() => {
      home = mkdtempSync(join(tmpdir(), 'tltop-e2e-'));
      session = new TmuxSession(tmux.tmux!);
      session.start(
        `echo SHELL-BEFORE-TLTOP; ${TLTOP} --demo; echo "TLTOP-EXIT:$?"; sleep 60`,
        100,
        30,
        terminalEnv(home),
      );
    });

    afterAll(() => {
      session?.kill();
      if (home) rmSync(home, { recursive: true, force: true });
    });

    it('starts full screen: header with DEMO, tabs, footer on the last row', async () => {
      await session.waitFor((screen) => screen.includes('tltop DEMO'), 15_000, 'the header');
      const screen = session.screen();
      expect(screen).toHaveLength(30);
      expect(screen[0]).toMatch(/tltop DEMO .*profile demo .*127\.0\.0\.1:\d+ .*key tlk_…\w{4}/);
      expect(screen[2]).toContain('1 Uploads');
      expect(screen[29]).toContain('q quit');
      expect(screen.join('\n')).not.toContain('SHELL-BEFORE-TLTOP');
    });

    it('switches through all seven views with 1..7 and Tab, showing server data', async () => {
      const captions: [string, RegExp][] = [
        ['1', /^Uploads/],
        ['2', /^Assets .*\d+-\d+ of [\d,]+/],
        ['3', /^Indexing tasks .*\d+-\d+ of [\d,]+/],
        ['4', /^Embeddings v2/],
        ['5', /^Analyses .*\d+-\d+ of [\d,]+/],
        ['6', /^Events/],
        ['7', /^Failures .*failed item/],
      ];
      for (const [key, caption] of captions) {
        session.send(key);
        await session.waitFor((screen) => caption.test(screen.split('\n')[3] ?? ''), 10_000, `view ${key}`);
      }
      session.send('Tab');
      await session.waitFor((screen) => /^Uploads/.test(screen.split('\n')[3] ?? ''), 5000, 'Tab to Uploads');
    });

    it('re-lays out at 60x15 and at 200x60 without ever passing the last row', async () => {
      session.send('3');
      for (const [columns, rows] of [
        [60, 15],
        [200, 60],
      ] as const) {
        session.resize(columns, rows);
        const screen = await session.waitFor(
          (text) => {
            const lines = text.split('\n');
            return (
              lines.length === rows &&
              /q quit/.test(lines[rows - 1] ?? '') &&
              /tltop DEMO/.test(lines[0] ?? '')
            );
          },
          10_000,
          `a ${columns}x${rows} frame`,
        );
        const lines = screen.split('\n');
        expect(session.paneSize()).toEqual({ columns, rows });
        expect(lines[3]).toMatch(/^Indexing tasks/);
        expect(lines.every((line) => line.length <= columns)).toBe(true);
      }
    });

    it('shows the too-small screen with the minimum size, and recovers', async () => {
      session.resize(40, 10);
      const screen = await session.waitFor(
        (text) => text.includes('Terminal too small'),
        10_000,
        'too small',
      );
      expect(screen).toContain('40x10, need at least 50x12');
      session.resize(100, 30);
      await session.waitFor(
        (text) => text.includes('tltop DEMO') && text.includes('q quit'),
        10_000,
        'recovery',
      );
    });

    it('opens help and a detail pane, and q quits back to the shell with the screen restored', async () => {
      session.send('?');
      await session.waitFor((text) => text.includes('Keys — '), 5000, 'help');
      session.send('Escape');
      await session.waitFor((text) => !text.includes('Keys — '), 5000, 'help closed');
      session.send('2');
      await session.waitFor((text) => /^Assets .*of/m.test(text), 10_000, 'assets');
      session.send('Enter');
      await session.waitFor((text) => text.includes('Assets › '), 5000, 'asset detail');
      session.send('Escape');
      await session.waitFor((text) => !text.includes('Assets › '), 5000, 'detail closed');
      session.send('q');
      // the demo's own upload may still be running: then quitting asks first
      const answer = await session.waitFor(
        (text) => text.includes('TLTOP-EXIT:') || text.includes('Quit and leave them resumable?'),
        30_000,
        'exit or the quit question',
      );
      if (answer.includes('Quit and leave')) session.send('y');
      const screen = await session.waitFor((text) => text.includes('TLTOP-EXIT:'), 30_000, 'exit');
      expect(screen).toContain('TLTOP-EXIT:0');
      expect(screen).not.toContain('tltop DEMO');
      // the normal screen is back, with what the shell printed before, and the cursor is shown
      expect(session.format('#{alternate_on} #{cursor_flag}')).toBe('0 1');
      expect(session.history()).toContain('SHELL-BEFORE-TLTOP');
      expect(session.history()).not.toContain('tltop DEMO');
    });
  },
);

describe.skipIf(!tmux.tmux)('tltop --demo leaves the terminal as it found it', { timeout: 90_000 }, () => {
  let session: TmuxSession;
  let home: string;

  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'tltop-e2e-'));
    session = new TmuxSession(tmux.tmux!);
    session.start(`${TLTOP} --demo; echo "TLTOP-EXIT:$?"; sleep 60`, 100, 30, terminalEnv(home));
    await session.waitFor((screen) => screen.includes('tltop DEMO'), 15_000, 'the dashboard');
  });

  afterEach(() => {
    session?.kill();
    rmSync(home, { recursive: true, force: true });
  });

  it('Ctrl-C goes through the quit action (asking while the demo upload runs)', async () => {
    session.send('C-c');
    const answer = await session.waitFor(
      (text) => text.includes('TLTOP-EXIT:') || text.includes('Quit and leave them resumable?'),
      30_000,
      'exit or the quit question',
    );
    if (answer.includes('Quit and leave')) session.send('y');
    await session.waitFor((text) => text.includes('TLTOP-EXIT:0'), 30_000, 'exit 0');
    expect(session.format('#{alternate_on} #{cursor_flag}')).toBe('0 1');
  });

  it('SIGTERM restores the screen and exits', async () => {
    // the pane runs a shell whose only child is tltop
    const shell = session.format('#{pane_pid}');
    const tltop = execFileSync('pgrep', ['-P', shell], { encoding: 'utf8' }).trim();
    expect(tltop).toMatch(/^\d+$/);
    process.kill(Number(tltop), 'SIGTERM');
    await session.waitFor((text) => /TLTOP-EXIT:\d+/.test(text), 30_000, 'exit');
    expect(session.format('#{alternate_on} #{cursor_flag}')).toBe('0 1');
    expect(session.screen().join('\n')).not.toContain('tltop DEMO');
  });
});

describe('tltop without a terminal', () => {
  it('says to use tltop status and exits 2', () => {
    const result = spawnSync(NODE, [BIN, '--demo'], {
      encoding: 'utf8',
      env: { ...process.env, CI: 'false' },
      timeout: 20_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^tltop: .*tltop status/);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
