/** Each family's failure reason, whichever shape the API used, as a short code and a message. */
import { oneLineText } from '../events.js';

export interface Reason {
  code: string;
  message: string;
}

export const NO_REASON = 'no_reason';

const STOP_WORDS = new Set([
  'a',
  'an',
  'the',
  'is',
  'are',
  'was',
  'were',
  'be',
  'been',
  'could',
  'can',
  'please',
  'this',
  'that',
  'your',
  'of',
  'to',
  'for',
  'it',
  'its',
  'we',
  'make',
  'sure',
  'has',
  'have',
]);
const CODE_WORDS = 4;
/** "token_limit_exceeded: the prompt …": a code the message starts with */
const LEADING_CODE = /^([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\s*:\s*(.*)$/;

/** A code made from a message: the first clause's words that say something, snake_case. */
export function codeFromMessage(message: string): string {
  const leading = LEADING_CODE.exec(message);
  if (leading) return leading[1]!;
  const clause = message.split(/[.:;!?(]/)[0] ?? '';
  const words = clause
    .toLowerCase()
    .replace(/[0-9a-f]{24}/g, ' ')
    .split(/[^a-z]+/)
    .filter((word) => word.length > 0 && !STOP_WORDS.has(word));
  return words.slice(0, CODE_WORDS).join('_') || NO_REASON;
}

/**
 * `error_reason` ({code, message} or a string) of tasks and indexed assets, `error.message`
 * of assets, embed v2 and analyze tasks, an upload's last error.
 */
export function reasonOf(
  raw: { code?: string; message?: string } | string | null | undefined,
  missing = 'the API gave no reason',
): Reason {
  if (raw === undefined || raw === null || raw === '') return { code: NO_REASON, message: missing };
  if (typeof raw === 'string') {
    const message = oneLineText(raw);
    return { code: codeFromMessage(message), message };
  }
  const message = oneLineText(raw.message ?? raw.code ?? '');
  const code = raw.code
    ? oneLineText(raw.code)
        .toLowerCase()
        .replace(/[^a-z0-9_]+/g, '_')
    : undefined;
  if (!message && !code) return { code: NO_REASON, message: missing };
  return { code: code || codeFromMessage(message), message: message || missing };
}
