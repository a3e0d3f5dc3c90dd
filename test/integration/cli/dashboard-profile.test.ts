import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TwelveLabsClient } from '../../../src/api/client.js';
import { saveConfig } from '../../../src/cli/profiles.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { BIN, NODE } from './run-cli.js';
import { Terminal } from './terminal.js';

/** The dashboard (real binary, tmux, CI=false) connects with the current profile and uses its settings. */
describe('dashboard with a profile', () => {
  let emulator: TestEmulator;
  let home: string;
  let terminal: Terminal;

  beforeAll(async () => {
    emulator = await startTestEmulator({ seed: 'demo', apiKey: 'tlk_dashboardprofile0001' });
    home = await mkdtemp(path.join(tmpdir(), 'tltop-dashboard-profile-'));
    terminal = new Terminal();
  });
  afterAll(async () => {
    await terminal.kill();
    await emulator.close();
    await rm(home, { recursive: true, force: true });
  });

  it('shows the profile and its masked key, and opens indexed assets on the default index', async () => {
    const client = new TwelveLabsClient({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl });
    const { data: indexes } = await client.listIndexes({ page_limit: 50 });
    await client.close();
    // not the first index, which the dashboard would pick by itself
    const chosen = indexes.at(-1)!;
    expect(indexes[0]!._id).not.toBe(chosen._id);
    await saveConfig(path.join(home, 'config.json'), {
      current_profile: 'emu',
      profiles: {
        emu: { base_url: emulator.origin, api_key: emulator.apiKey, default_index: chosen._id },
      },
    });

    await terminal.start(
      `env -i PATH="${process.env.PATH}" HOME="${home}" TERM=xterm-256color CI=false ` +
        `TLTOP_CONFIG_DIR="${home}" TLTOP_STATE_DIR="${home}/state" "${NODE}" "${BIN}"`,
    );
    const header = await terminal.waitFor('profile emu', 15_000);
    expect(header).toContain(`${new URL(emulator.origin).host}`);
    expect(header).toContain('key tlk_…0001');
    expect(header).not.toContain('dashboardprofile');

    await terminal.keys('3');
    await terminal.waitFor('Indexing tasks');
    await terminal.keys('v');
    const screen = await terminal.waitFor(`index ${chosen.index_name} (`);
    expect(screen).toMatch(/^Indexed assets /m);
    expect(screen).toContain(`index ${chosen.index_name} (${indexes.length}/${indexes.length}`);
  });

  it('a read_only profile says so in the header, and a delete is refused up front without a request', async () => {
    await terminal.kill();
    terminal = new Terminal();
    await saveConfig(path.join(home, 'config.json'), {
      current_profile: 'emu',
      profiles: { emu: { base_url: emulator.origin, api_key: emulator.apiKey, read_only: true } },
    });
    const deletes = () =>
      JSON.stringify(
        Object.entries(emulator.stats().requests).filter(([route]) => route.startsWith('DELETE ')),
      );
    const deletesBefore = deletes();
    // a fresh start: the first run's last view (indexed assets) is not restored
    await terminal.start(
      `env -i PATH="${process.env.PATH}" HOME="${home}" TERM=xterm-256color CI=false ` +
        `TLTOP_CONFIG_DIR="${home}" TLTOP_STATE_DIR="${home}/state" "${NODE}" "${BIN}" --no-restore`,
    );
    await terminal.waitFor('profile emu (read-only)', 15_000);
    await terminal.keys('3');
    await terminal.waitFor(/Indexing tasks .* of \d+/);
    await terminal.keys('G'); // the oldest task: finished, so deletable
    await terminal.waitFor(/› . (ready|failed) /);
    await terminal.keys('d');
    await terminal.waitFor('read-only: deleting is off');
    expect(deletes()).toBe(deletesBefore);
  });
});
