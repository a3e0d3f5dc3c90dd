/** Exit codes of every tltop command (DESIGN.md §4). */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  interrupted: 130,
} as const;

/** A mistake in how tltop was called or configured: one line on stderr, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Turns anything thrown into one printable line, never a stack trace. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const first = text.split('\n').find((line) => line.trim() !== '') ?? 'unknown error';
  return first.trim();
}
