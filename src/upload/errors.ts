/** Bad input for an upload: a missing, unreadable, empty, oversized or changed file, or a directory. */
export class UploadInputError extends Error {
  override name = 'UploadInputError';
}

/** The journal could not be written (disk full, read-only, permissions). */
export class JournalWriteError extends Error {
  override name = 'JournalWriteError';
}

/** The session cannot go on (expired, failed or unknown on the server). */
export class SessionGoneError extends Error {
  override name = 'SessionGoneError';
  constructor(
    message: string,
    readonly expired: boolean,
  ) {
    super(message);
  }
}

const FS_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent is not a directory',
  EIO: 'I/O error',
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many symbolic links',
};

export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** "disk full (ENOSPC)" for a file-system error, else its first line. */
export function describeFsError(error: unknown): string {
  const code = errnoCode(error);
  if (code && FS_REASONS[code]) return `${FS_REASONS[code]} (${code})`;
  if (code) return code;
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? 'unknown error';
}

/** The file cannot be read mid-upload (deleted, permissions, I/O error): the upload pauses. */
export class FileReadError extends Error {
  override name = 'FileReadError';
}

/** The asset or indexed asset ended `failed` on the server. */
export class AssetFailedError extends Error {
  override name = 'AssetFailedError';
}

/** Server text made safe for one terminal line: no control characters, bounded length. */
export function cleanText(text: string, max = 200): string {
  const flat = text
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
