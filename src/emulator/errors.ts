/**
 * The two error shapes of the API (NOTES.md §1.6): the classic
 * `{code, message, docs_url}` on older endpoints and the `{error: {code, message}}`
 * envelope on embed-v2 and analyze tasks. A route declares which one it speaks.
 */
/** `xml` is the storage (S3-style) shape of the `/_storage/...` chunk URLs. */
export type ErrorShape = 'classic' | 'envelope' | 'xml';

const DOCS_URL = 'https://docs.twelvelabs.io/v1.3/api-reference/error-codes';

export class EmulatorError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorBody(shape: ErrorShape, code: string, message: string): unknown {
  if (shape === 'envelope') return { error: { code, message } };
  if (shape === 'xml') {
    return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>\n`;
  }
  return { code, message, docs_url: DOCS_URL };
}

export const invalid = (parameter: string, detail?: string) =>
  new EmulatorError(
    400,
    'parameter_invalid',
    `The ${parameter} parameter is invalid.${detail ? ` ${detail}` : ''}`,
  );

export const missing = (parameter: string) =>
  new EmulatorError(400, 'parameter_not_provided', `The ${parameter} parameter is required.`);

export const notFound = (id: string, collection: string) =>
  new EmulatorError(404, 'resource_not_exist', `Resource with id ${id} does not exist in ${collection}.`);

export const envelopeNotFound = (what: string) => new EmulatorError(404, 'not_found', `${what} not found`);
