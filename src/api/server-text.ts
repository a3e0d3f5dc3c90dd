import stripAnsi from 'strip-ansi';
import { redactUrlsInText, scrubSecrets } from './redact.js';

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
export const MAX_MESSAGE_LENGTH = 200;

/**
 * Makes text that came from the server fit for one status-bar line: escape sequences and
 * control characters removed, URL queries and the given secrets redacted, length capped.
 * Secrets are scrubbed before and after stripping escapes, which could otherwise rejoin one.
 * Callers bound the input (error bodies are read up to a small limit).
 */
export function cleanServerText(
  text: unknown,
  secrets: readonly string[] = [],
  maxLength = MAX_MESSAGE_LENGTH,
): string {
  if (typeof text !== 'string') return '';
  const plain = stripAnsi(scrubSecrets(text, secrets))
    .replace(CONTROL_CHARACTERS, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const safe = redactUrlsInText(scrubSecrets(plain, secrets));
  return safe.length > maxLength ? `${safe.slice(0, maxLength - 1)}…` : safe;
}
