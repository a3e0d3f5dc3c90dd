import { createHash } from 'node:crypto';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AssetType } from '../api/types.js';
import { formatBytes } from '../components/format.js';
import { describeFsError, errnoCode, UploadInputError } from './errors.js';
import { MAX_FILE_SIZE } from './policy.js';

const SAMPLE_BYTES = 1024 ** 2;

/** What identifies the exact bytes of a file cheaply: stat fields plus a sampled hash. */
export interface FileIdentity {
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
  /** SHA-256 of the size, the first MiB and the last MiB */
  fingerprint: string;
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

export async function fingerprint(path: string, size: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const hash = createHash('sha256').update(String(size));
    hash.update(await readAt(handle, 0, Math.min(SAMPLE_BYTES, size)));
    if (size > SAMPLE_BYTES) {
      const tail = Math.max(SAMPLE_BYTES, size - SAMPLE_BYTES);
      hash.update(await readAt(handle, tail, size - tail));
    }
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}

/**
 * Checks that `path` is a readable, non-empty regular file within the type's size limit and
 * returns its identity. Every problem is an UploadInputError with one line naming the file.
 */
export async function checkUploadFile(path: string, type: AssetType): Promise<FileIdentity> {
  const absolute = resolve(path);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(absolute);
  } catch (error) {
    throw new UploadInputError(`${path}: ${describeFsError(error)}`);
  }
  if (info.isDirectory()) throw new UploadInputError(`${path}: is a directory, not a file`);
  if (!info.isFile()) throw new UploadInputError(`${path}: not a regular file`);
  if (info.size === 0) throw new UploadInputError(`${path}: file is empty`);
  if (info.size > MAX_FILE_SIZE[type]) {
    throw new UploadInputError(
      `${path}: ${formatBytes(info.size)} is over the ${formatBytes(MAX_FILE_SIZE[type])} limit for ${type} uploads`,
    );
  }
  let print: string;
  try {
    print = await fingerprint(absolute, info.size);
  } catch (error) {
    throw new UploadInputError(`${path}: cannot read: ${describeFsError(error)}`);
  }
  return { path: absolute, size: info.size, mtimeMs: info.mtimeMs, ino: info.ino, fingerprint: print };
}

/** Why the file no longer matches `expected`, or undefined when it still does (stat only). */
export async function statChange(expected: FileIdentity): Promise<string | undefined> {
  try {
    const info = await stat(expected.path);
    if (info.size !== expected.size) return `size changed from ${expected.size} to ${info.size} bytes`;
    if (info.mtimeMs !== expected.mtimeMs) return 'modified (mtime changed)';
    if (info.ino !== expected.ino) return 'replaced by another file';
    return undefined;
  } catch (error) {
    return errnoCode(error) === 'ENOENT' ? 'deleted' : `unreadable: ${describeFsError(error)}`;
  }
}

/** Why the file differs from `expected` (stat fields and fingerprint), or undefined. */
export async function identityChange(expected: FileIdentity): Promise<string | undefined> {
  const change = await statChange(expected);
  if (change) return change;
  try {
    if ((await fingerprint(expected.path, expected.size)) !== expected.fingerprint) return 'content changed';
  } catch (error) {
    return `unreadable: ${describeFsError(error)}`;
  }
  return undefined;
}
