import type { IncomingMessage, ServerResponse } from 'node:http';
import { EmulatorError, type ErrorShape, errorBody } from './errors.js';

export const MAX_JSON_BODY_BYTES = 1024 * 1024;

/** Reads a JSON request body; bad or oversize input becomes the API's error, never a crash. */
export async function readJson(req: IncomingMessage, limit = MAX_JSON_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge(limit);
  const body = await new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    let overflow = false;
    req.on('data', (piece: Buffer) => {
      if (overflow) return;
      size += piece.length;
      if (size > limit) {
        overflow = true;
        reject(tooLarge(limit));
        return;
      }
      parts.push(piece);
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
  const text = body.toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new EmulatorError(400, 'parameter_invalid', 'The request body is not valid JSON.');
  }
}

function tooLarge(limit: number): EmulatorError {
  return new EmulatorError(413, 'request_too_large', `The request body exceeds ${limit} bytes.`, {
    Connection: 'close',
  });
}

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  let payload = '';
  const allHeaders: Record<string, string> = { ...headers };
  if (typeof body === 'string') {
    payload = body;
    allHeaders['Content-Type'] ??= 'application/xml';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    allHeaders['Content-Type'] = 'application/json; charset=utf-8';
  }
  allHeaders['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(status, allHeaders);
  res.end(payload);
}

export function sendError(
  res: ServerResponse,
  shape: ErrorShape,
  error: EmulatorError,
  headers: Record<string, string> = {},
): void {
  send(res, error.status, errorBody(shape, error.code, error.message), { ...headers, ...error.headers });
}
