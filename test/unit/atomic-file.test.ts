import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomically } from '../../src/atomic-file.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tltop-atomic-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomically', () => {
  it('writes a 0600 file and leaves no temp file beside it', async () => {
    const file = path.join(dir, 'state.json');
    await writeFileAtomically(file, '{"a":1}\n');
    expect(await readFile(file, 'utf8')).toBe('{"a":1}\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('replaces an existing file by default and keeps it 0600', async () => {
    const file = path.join(dir, 'state.json');
    await writeFile(file, 'old', { mode: 0o644 });
    await writeFileAtomically(file, 'new');
    expect(await readFile(file, 'utf8')).toBe('new');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('with replace: false refuses an existing file with EEXIST, leaves it as it was and cleans up', async () => {
    const file = path.join(dir, 'rows.csv');
    await writeFile(file, 'keep');
    await expect(writeFileAtomically(file, 'new', { replace: false })).rejects.toMatchObject({
      code: 'EEXIST',
    });
    expect(await readFile(file, 'utf8')).toBe('keep');
    expect(await readdir(dir)).toEqual(['rows.csv']);
  });

  it('reports a missing directory as ENOENT', async () => {
    const file = path.join(dir, 'missing', 'rows.csv');
    await expect(writeFileAtomically(file, 'x')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
