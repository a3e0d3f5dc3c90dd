/** Files with secrets or state: written in one step, mode 0600, so a crash never leaves half a file. */
import { randomBytes } from 'node:crypto';
import { link, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** false: fail with EEXIST instead of replacing an existing file (default true) */
  replace?: boolean;
}

/**
 * Writes `text` to a new temp file beside `file` (mode 0600), flushes it to disk, then renames
 * it over `file`, or links it when `replace` is false: link refuses an existing target, so
 * nothing is overwritten between a check and the write. The temp file never stays behind.
 * Errors are the file system's own (callers word them).
 */
export async function writeFileAtomically(
  file: string,
  text: string,
  { replace = true }: AtomicWriteOptions = {},
): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(text);
      // the umask may have taken bits the owner needs
      await handle.chmod(0o600);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (replace) await rename(temp, file);
    else await link(temp, file);
  } finally {
    await rm(temp, { force: true }).catch(() => undefined);
  }
}
