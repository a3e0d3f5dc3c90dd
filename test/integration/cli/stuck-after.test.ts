import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConnection } from '../../../src/cli/config.js';
import { tltop } from '../../helpers/run-in-process.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function configWith(profile: Record<string, unknown>): Promise<NodeJS.ProcessEnv> {
  dir = await mkdtemp(path.join(tmpdir(), 'tltop-stuck-after-'));
  await writeFile(
    path.join(dir, 'config.json'),
    JSON.stringify({ current_profile: 'ops', profiles: { ops: profile } }),
    { mode: 0o600 },
  );
  return { TLTOP_CONFIG_DIR: dir };
}

describe('stuck_after and --stuck-after', () => {
  it('a profile gives it as a duration or in seconds', async () => {
    expect((await resolveConnection({}, await configWith({ stuck_after: '2h' }))).settings.stuckAfterMs).toBe(
      7_200_000,
    );
    await rm(dir!, { recursive: true, force: true });
    expect((await resolveConnection({}, await configWith({ stuck_after: 1800 }))).settings.stuckAfterMs).toBe(
      1_800_000,
    );
    await rm(dir!, { recursive: true, force: true });
    expect((await resolveConnection({}, await configWith({}))).settings.stuckAfterMs).toBeUndefined();
  });

  it('a bad profile value is one line naming the field', async () => {
    const env = await configWith({ stuck_after: 'soon' });
    await expect(resolveConnection({}, env)).rejects.toThrow(
      /profiles\.ops\.stuck_after: expected a duration like 30m/,
    );
  });

  it('tltop config set-profile --stuck-after stores it; list shows it; a bad value is refused', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tltop-stuck-after-'));
    const previous = process.env.TLTOP_CONFIG_DIR;
    process.env.TLTOP_CONFIG_DIR = dir;
    try {
      expect((await tltop('config', 'set-profile', 'ops', '--stuck-after', '45m', '--use')).code).toBe(0);
      const stored = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8'));
      expect(stored.profiles.ops.stuck_after).toBe('45m');
      expect((await tltop('config', 'list')).out).toContain('stuck_after=45m');
      const connection = await resolveConnection({}, { TLTOP_CONFIG_DIR: dir });
      expect(connection.settings.stuckAfterMs).toBe(45 * 60_000);
      const bad = await tltop('config', 'set-profile', 'ops', '--stuck-after', 'forever');
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/--stuck-after.*expected a duration/);
    } finally {
      if (previous === undefined) delete process.env.TLTOP_CONFIG_DIR;
      else process.env.TLTOP_CONFIG_DIR = previous;
    }
  });

  it('a bad --stuck-after is one line and exit 2, before anything starts', async () => {
    const result = await tltop('--stuck-after', 'soon');
    expect(result.code).toBe(2);
    expect(result.err.trim().split('\n')).toHaveLength(1);
    expect(result.err).toMatch(/--stuck-after.*expected a duration from 10s to 30d/);
    expect(result.err).not.toContain('    at ');
  });
});
