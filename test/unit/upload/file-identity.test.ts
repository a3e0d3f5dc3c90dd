import { mkdir, mkdtemp, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UploadInputError } from '../../../src/upload/errors.js';
import { checkUploadFile, identityChange, statChange } from '../../../src/upload/file-identity.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tltop-identity-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('checkUploadFile', () => {
  it('refuses a missing file, a directory, an empty file and files over the type limit, in one line each', async () => {
    const empty = join(dir, 'empty.mp4');
    await writeFile(empty, '');
    const folder = join(dir, 'folder');
    await mkdir(folder);
    const hugeVideo = join(dir, 'huge.mp4');
    await writeFile(hugeVideo, '');
    await truncate(hugeVideo, 11 * 1024 ** 3); // sparse
    const bigImage = join(dir, 'big.jpg');
    await writeFile(bigImage, '');
    await truncate(bigImage, 33 * 1024 ** 2);

    const cases: [string, 'video' | 'image', string][] = [
      [join(dir, 'nope.mp4'), 'video', 'nope.mp4: no such file (ENOENT)'],
      [folder, 'video', 'folder: is a directory, not a file'],
      [empty, 'video', 'empty.mp4: file is empty'],
      [hugeVideo, 'video', 'huge.mp4: 11.0 GiB is over the 10.0 GiB limit for video uploads'],
      [bigImage, 'image', 'big.jpg: 33.0 MiB is over the 32.0 MiB limit for image uploads'],
    ];
    for (const [path, type, message] of cases) {
      const error = await checkUploadFile(path, type).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UploadInputError);
      expect((error as Error).message).toBe(`${path.slice(0, -message.split(':')[0]!.length)}${message}`);
    }
    // the same 33 MiB file is fine as a video
    await expect(checkUploadFile(bigImage, 'video')).resolves.toMatchObject({ size: 33 * 1024 ** 2 });
  });

  it('returns an identity whose fingerprint covers the first and last MiB', async () => {
    const path = join(dir, 'clip.mp4');
    await writeFile(path, Buffer.alloc(3 * 1024 ** 2, 1));
    const identity = await checkUploadFile(path, 'video');
    expect(identity).toMatchObject({ path, size: 3 * 1024 ** 2 });
    expect(identity.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(await identityChange(identity)).toBeUndefined();
  });
});

describe('identityChange', () => {
  it('sees growth, a touch, a replacement, deletion, and same-size edits hidden behind a restored mtime', async () => {
    const path = join(dir, 'clip.mp4');
    await writeFile(path, Buffer.alloc(2 * 1024 ** 2, 1));
    const identity = await checkUploadFile(path, 'video');
    const { atime, mtime } = await stat(path);

    await writeFile(path, Buffer.alloc(2 * 1024 ** 2, 2)); // same size, new bytes
    expect(await statChange(identity)).toMatch(/^modified|^replaced/);
    await utimes(path, atime, mtime);
    const info = await stat(path);
    // what a copy tool that preserves times leaves: same size, same mtime, other bytes
    const restored = { ...identity, ino: info.ino, mtimeMs: info.mtimeMs };
    expect(await statChange(restored)).toBeUndefined();
    expect(await identityChange(restored)).toBe('content changed');

    await writeFile(path, Buffer.alloc(3, 1));
    expect(await statChange(identity)).toBe(`size changed from ${2 * 1024 ** 2} to 3 bytes`);
    await rm(path);
    expect(await identityChange(identity)).toBe('deleted');
  });
});
