import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { BIN, NODE } from './run-cli.js';
import { Terminal } from './terminal.js';

/** `tltop --view NAME` (real binary, tmux, CI=false) opens a view saved in the state dir's view-state.json. */
describe('dashboard --view', () => {
  let emulator: TestEmulator;
  let home: string;
  let terminal: Terminal;

  beforeAll(async () => {
    emulator = await startTestEmulator({ seed: 'demo' });
    home = await mkdtemp(path.join(tmpdir(), 'tltop-dashboard-view-'));
    terminal = new Terminal();
  });
  afterAll(async () => {
    await terminal.kill();
    await emulator.close();
    await rm(home, { recursive: true, force: true });
  });

  it('opens the saved view, and writes the last view state (0600) on quit', async () => {
    const stateDir = path.join(home, 'state');
    const file = path.join(stateDir, 'view-state.json');
    await mkdir(stateDir, { recursive: true });
    const saved = {
      view: 'indexing',
      table: 'tasks',
      filter: '',
      sort: 'oldest',
      savedAt: new Date().toISOString(),
    };
    await writeFile(
      file,
      JSON.stringify({ version: 1, profiles: { default: { views: { 'oldest-tasks': saved } } } }),
    );

    await terminal.start(
      `env -i PATH="${process.env.PATH}" HOME="${home}" TERM=xterm-256color CI=false ` +
        `TLTOP_CONFIG_DIR="${home}/config" TLTOP_STATE_DIR="${stateDir}" ` +
        `TWELVELABS_API_KEY="${emulator.apiKey}" TWELVELABS_BASE_URL="${emulator.baseUrl}" ` +
        `"${NODE}" "${BIN}" --view oldest-tasks; sleep 30`,
    );
    // the saved view's table and sort, with the rows of the whole collection
    await terminal.waitFor(/^Indexing tasks .*\d+-\d+ of [\d,]+.*sort oldest/m, 15_000);

    await terminal.keys('2');
    await terminal.waitFor(/^Assets /m);
    await terminal.keys('q');
    // written on exit
    for (let tries = 0; tries < 100; tries++) {
      const text = await readFile(file, 'utf8');
      if (JSON.parse(text).profiles.default.last?.view === 'assets') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const state = JSON.parse(await readFile(file, 'utf8'));
    expect(state.profiles.default.last.view).toBe('assets');
    expect(state.profiles.default.last.tables.indexing).toBe('tasks');
    expect(state.profiles.default.last.sorts.tasks).toBe('oldest');
    expect(state.profiles.default.views['oldest-tasks']).toEqual(saved);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});
