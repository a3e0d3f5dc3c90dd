import type { z } from 'zod';
import { ApiError } from './errors.js';
import { cleanServerText } from './server-text.js';

export interface RequestContext {
  method: string;
  /** Path without the query string. */
  path: string;
}

/** An `invalid_response` error with a one-line, sanitised message. */
export function invalidResponse(
  context: RequestContext,
  code: string,
  detail: string,
  secrets: readonly string[],
): ApiError {
  const message = cleanServerText(
    `invalid response from ${context.method} ${context.path}: ${detail}`,
    secrets,
  );
  return new ApiError({ kind: 'invalid_response', code, message, retryable: false, ...context });
}

/** `data[3].status` from a zod issue path. */
function fieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    text += typeof key === 'number' ? `[${key}]` : `${text ? '.' : ''}${String(key)}`;
  }
  return text || '(body)';
}

/** `expected string, received number`, or `missing` for an absent required field. */
function describeIssue(message: string): string {
  const text = message.replace(/^Invalid input: /, '');
  return text.endsWith('received undefined') ? 'missing' : text;
}

/**
 * A response body as strict UTF-8 JSON matching `schema`; anything else is an ApiError naming
 * what is wrong (the first offending field for a schema mismatch).
 */
export function decodeJson<T>(
  body: Buffer,
  schema: z.ZodType<T>,
  context: RequestContext,
  secrets: readonly string[],
): T {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw invalidResponse(context, 'invalid_utf8', 'response is not valid UTF-8', secrets);
  }
  if (!text.trim()) throw invalidResponse(context, 'empty_body', 'empty response body', secrets);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const what = /^\s*</.test(text) ? 'an HTML page instead of JSON' : 'malformed or truncated JSON';
    throw invalidResponse(context, 'invalid_json', what, secrets);
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const detail = issue ? `${fieldPath(issue.path)}: ${describeIssue(issue.message)}` : 'unexpected shape';
  throw invalidResponse(context, 'schema_mismatch', detail, secrets);
}
