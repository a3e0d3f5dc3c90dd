import { expect } from 'vitest';
import type { TestEmulator } from '../../helpers/emulator.js';
import { responseValidator } from './openapi.js';

export interface CallResult {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked against the OpenAPI schema, then read freely
  body: any;
}

export interface CallOptions {
  body?: unknown;
  /** Sent as-is (for malformed JSON); wins over `body`. */
  rawBody?: string | Buffer;
  /** null sends no key at all. */
  key?: string | null;
  headers?: Record<string, string>;
}

/**
 * Calls the emulator's API (paths after /v1.3) and checks every JSON response
 * against the schema the OpenAPI export declares for that status.
 */
export async function call(
  emu: TestEmulator,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== null) headers['x-api-key'] = options.key ?? emu.apiKey;
  let body: string | Buffer | undefined = options.rawBody;
  if (body === undefined && options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${emu.baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('application/json') ?? false;
  const parsed = isJson && text !== '' ? JSON.parse(text) : text === '' ? undefined : text;
  if (isJson) {
    const validate = responseValidator(method, path, response.status);
    if (validate && !validate(parsed)) {
      expect.fail(
        `${method} ${path} -> ${response.status} does not match the OpenAPI schema: ${JSON.stringify(validate.errors)}\n${text.slice(0, 2000)}`,
      );
    }
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

export function expectClassicError(result: CallResult, status: number, code: string): void {
  expect(result.status, JSON.stringify(result.body)).toBe(status);
  expect(result.body).toMatchObject({ code, message: expect.any(String) });
  expect(result.body.error).toBeUndefined();
}

export function expectEnvelopeError(result: CallResult, status: number, code: string): void {
  expect(result.status, JSON.stringify(result.body)).toBe(status);
  expect(result.body).toEqual({ error: { code, message: expect.any(String) } });
}

/** Every item of a list endpoint, page by page (50 a page) until an empty page; each page is a 200. */
// biome-ignore lint/suspicious/noExplicitAny: list items were validated against the schema by call()
export async function listAll(emu: TestEmulator, path: string): Promise<any[]> {
  const items = [];
  for (let page = 1; ; page += 1) {
    const separator = path.includes('?') ? '&' : '?';
    const response = await call(emu, 'GET', `${path}${separator}page=${page}&page_limit=50`);
    expect(response.status, path).toBe(200);
    if (response.body.data.length === 0) return items;
    items.push(...response.body.data);
  }
}

export const ID = /^[0-9a-f]{24}$/;
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

/** Admin API (no key). */
export async function admin(
  emu: TestEmulator,
  method: string,
  path: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: admin shapes are asserted by the tests themselves
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${emu.origin}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}
