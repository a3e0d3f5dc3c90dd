/**
 * Secrets never reach a terminal, a log or an error: presigned URLs are credentials
 * (their query string signs the request) and API keys are shown masked.
 */

/** A URL without its query string and fragment; text that is not a URL is returned as is. */
export function redactUrl(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : `${url.slice(0, cut)}?…`;
}

const URL_WITH_QUERY = /\bhttps?:\/\/[^\s"'<>]*[?#][^\s"'<>]*/gi;

/** Redacts every URL with a query string found inside free text. */
export function redactUrlsInText(text: string): string {
  return text.replace(URL_WITH_QUERY, (url) => redactUrl(url));
}

/** `tlk_1234567890abcd` -> `tlk_…abcd`; short keys show nothing but their prefix. */
export function maskKey(key: string): string {
  const trimmed = key.trim();
  const prefix = /^[A-Za-z]+_/.exec(trimmed)?.[0] ?? '';
  const rest = trimmed.slice(prefix.length);
  if (rest.length < 12) return `${prefix}…`;
  return `${prefix}…${rest.slice(-4)}`;
}

/** Replaces every occurrence of each secret in `text` by its masked form. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 4) result = result.split(secret).join(maskKey(secret));
  }
  return result;
}
