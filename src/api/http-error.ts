import { type IncomingHttpHeaders, STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { ApiError, isRetryableStatus } from './errors.js';
import { readRequestId, readRetryAfterMs } from './rate-limit.js';
import { cleanServerText, MAX_MESSAGE_LENGTH } from './server-text.js';

const codeSchema = z.union([z.string(), z.number()]).transform(String);
const classicSchema = z.object({ code: codeSchema, message: z.string().optional() });
const envelopeSchema = z.object({
  error: z.object({ code: codeSchema.optional(), message: z.string().optional() }),
});
const searchSchema = z.object({ error_code: codeSchema, message: z.string().optional() });
const messageOnlySchema = z.object({ message: z.string() });

interface ServerError {
  code?: string;
  message?: string;
  /** The body was an HTML page (a proxy or load balancer answered, not the API). */
  html?: boolean;
}

/** Reads the API's code and message from either error shape; anything else yields what it can. */
export function parseErrorBody(text: string): ServerError {
  const trimmed = text.trim();
  if (!trimmed) return {};
  if (/^<(!doctype|html|head|body|\?xml)/i.test(trimmed)) return { html: true };
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    return {};
  }
  for (const schema of [envelopeSchema, classicSchema, searchSchema, messageOnlySchema]) {
    const parsed = schema.safeParse(json);
    if (!parsed.success) continue;
    const value = parsed.data;
    if ('error' in value) return { ...value.error };
    if ('error_code' in value) return { code: value.error_code, message: value.message };
    return value;
  }
  return {};
}

export interface HttpErrorContext {
  status: number;
  headers: IncomingHttpHeaders;
  bodyText: string;
  method: string;
  path: string;
  secrets: readonly string[];
  now: number;
}

const CODE_PATTERN = /^[\w.-]{1,64}$/;
/** Room kept at the end of the message for `; retry in 3600s`. */
const RETRY_SUFFIX_ROOM = 24;

/** Turns a non-2xx response into an ApiError with a one-line message. */
export function httpError(context: HttpErrorContext): ApiError {
  const { status, headers, method, path, secrets } = context;
  const server = parseErrorBody(context.bodyText);
  const reason = STATUS_CODES[status] ?? 'HTTP error';
  const usable =
    server.code !== undefined &&
    CODE_PATTERN.test(server.code) &&
    !secrets.some((secret) => server.code?.includes(secret));
  const code = usable ? server.code! : `http_${status}`;
  const prefix = `${status} ${code}: `;
  const serverMessage = cleanServerText(
    server.message,
    secrets,
    MAX_MESSAGE_LENGTH - prefix.length - RETRY_SUFFIX_ROOM,
  );
  const retryAfterMs = readRetryAfterMs(headers, status, context.now);
  const requestId = readRequestId(headers);
  const safeRequestId =
    requestId && !secrets.some((secret) => requestId.includes(secret)) ? requestId : undefined;

  let message = `${status} ${reason}`;
  if (serverMessage) message = `${prefix}${serverMessage}`;
  else if (server.html) message += ' (an HTML page, not the API: a proxy or gateway answered)';
  if (status === 429 && retryAfterMs !== undefined)
    message += `; retry in ${Math.ceil(retryAfterMs / 1000)}s`;

  return new ApiError({
    kind: 'http',
    status,
    code,
    message,
    retryable: isRetryableStatus(status),
    method,
    path,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
    ...(safeRequestId !== undefined && { requestId: safeRequestId }),
  });
}
