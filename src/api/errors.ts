/**
 * What went wrong, in the terms a caller decides on. `invalid_request`: nothing was sent
 * because the request itself was unusable (an empty or dot-only id, a header undici refuses).
 */
export type ApiErrorKind = 'http' | 'timeout' | 'network' | 'abort' | 'invalid_response' | 'invalid_request';

export interface ApiErrorInit {
  kind: ApiErrorKind;
  /** API `code` for HTTP errors (e.g. `resource_not_exist`), else a tltop code (e.g. `connection_refused`). */
  code: string;
  /** Short human text fit for a status bar; already sanitised and free of secrets. */
  message: string;
  retryable: boolean;
  status?: number;
  retryAfterMs?: number;
  requestId?: string;
  method?: string;
  /** Request path without its query string. */
  path?: string;
}

/**
 * The only error TwelveLabsClient rejects with. Its message and stack never contain the API
 * key or a presigned URL, and it carries no `cause` (transport errors can hold request data).
 */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly kind: ApiErrorKind;
  readonly code: string;
  readonly retryable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly requestId?: string;
  readonly method?: string;
  readonly path?: string;

  constructor(init: ApiErrorInit) {
    super(init.message);
    this.kind = init.kind;
    this.code = init.code;
    this.retryable = init.retryable;
    if (init.status !== undefined) this.status = init.status;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    if (init.method !== undefined) this.method = init.method;
    if (init.path !== undefined) this.path = init.path;
  }

  /** Plain data for logs and the Events view. */
  toJSON(): ApiErrorInit {
    return {
      kind: this.kind,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.status !== undefined && { status: this.status }),
      ...(this.retryAfterMs !== undefined && { retryAfterMs: this.retryAfterMs }),
      ...(this.requestId !== undefined && { requestId: this.requestId }),
      ...(this.method !== undefined && { method: this.method }),
      ...(this.path !== undefined && { path: this.path }),
    };
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** Statuses worth retrying on an idempotent call. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
