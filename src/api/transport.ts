import type { IncomingHttpHeaders } from 'node:http';
import { type Dispatcher, EnvHttpProxyAgent, Pool, request } from 'undici';
import { ApiError } from './errors.js';

export interface Timeouts {
  /** Establishing the TCP/TLS connection (only for the client's own pool). */
  connectMs: number;
  /** From sending the request to the end of the response headers. */
  headersMs: number;
  /** Longest silence between two pieces of the response body. */
  bodyMs: number;
  /** The whole attempt, headers and body, however slowly the body drips. */
  totalMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  connectMs: 5_000,
  headersMs: 10_000,
  bodyMs: 15_000,
  totalMs: 30_000,
};

const POOL_OPTIONS = {
  connections: 8,
  // A little above the slowest poll interval, so polls reuse their sockets.
  keepAliveTimeout: 30_000,
  keepAliveMaxTimeout: 120_000,
};

function proxySettings(env: NodeJS.ProcessEnv) {
  const httpProxy = env.HTTP_PROXY || env.http_proxy || undefined;
  const httpsProxy = env.HTTPS_PROXY || env.https_proxy || undefined;
  const noProxy = env.NO_PROXY || env.no_proxy || undefined;
  return { httpProxy, httpsProxy, noProxy };
}

/**
 * One keep-alive Pool for the API origin; behind HTTP(S)_PROXY (honouring NO_PROXY) an
 * EnvHttpProxyAgent with the same limits, as corporate ops networks need.
 */
export function createDispatcher(origin: string, connectMs: number, env: NodeJS.ProcessEnv): Dispatcher {
  const proxy = proxySettings(env);
  if (proxy.httpProxy || proxy.httpsProxy) {
    return new EnvHttpProxyAgent({
      ...POOL_OPTIONS,
      connectTimeout: connectMs,
      ...(proxy.httpProxy && { httpProxy: proxy.httpProxy }),
      ...(proxy.httpsProxy && { httpsProxy: proxy.httpsProxy }),
      ...(proxy.noProxy && { noProxy: proxy.noProxy }),
    });
  }
  return new Pool(origin, { ...POOL_OPTIONS, connectTimeout: connectMs });
}

export interface RawRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body was longer than the limit and only its beginning is in `body`. */
  truncated: boolean;
}

export interface SendOptions {
  dispatcher: Dispatcher;
  timeouts: Timeouts;
  signal: AbortSignal | undefined;
  /** Largest body accepted for a 2xx response; a larger one is an invalid_response error. */
  maxBodyBytes: number;
  /** How much of an error body is kept for its code and message; the rest is discarded. */
  maxErrorBodyBytes: number;
}

interface ErrorCodeInfo {
  kind: 'timeout' | 'network' | 'invalid_request';
  code: string;
  text: string;
  /** Default true: trying again may work. */
  retryable?: boolean;
}

const TRANSPORT_CODES: Record<string, ErrorCodeInfo> = {
  UND_ERR_CONNECT_TIMEOUT: {
    kind: 'timeout',
    code: 'connect_timeout',
    text: 'connecting to {host} timed out',
  },
  UND_ERR_HEADERS_TIMEOUT: {
    kind: 'timeout',
    code: 'headers_timeout',
    text: '{host} sent no response in time',
  },
  UND_ERR_BODY_TIMEOUT: { kind: 'timeout', code: 'body_timeout', text: 'the response from {host} stalled' },
  UND_ERR_INVALID_ARG: {
    kind: 'invalid_request',
    code: 'request_invalid',
    text: 'the request to {host} could not be sent',
    retryable: false,
  },
  ECONNREFUSED: { kind: 'network', code: 'connection_refused', text: 'connection refused by {host}' },
  ECONNRESET: { kind: 'network', code: 'connection_reset', text: 'connection to {host} was reset' },
  EPIPE: { kind: 'network', code: 'connection_reset', text: 'connection to {host} was reset' },
  UND_ERR_SOCKET: { kind: 'network', code: 'connection_closed', text: '{host} closed the connection' },
  UND_ERR_CLOSED: {
    kind: 'invalid_request',
    code: 'client_closed',
    text: 'the client for {host} was closed',
    retryable: false,
  },
  UND_ERR_DESTROYED: {
    kind: 'invalid_request',
    code: 'client_closed',
    text: 'the client for {host} was closed',
    retryable: false,
  },
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: {
    kind: 'network',
    code: 'response_cut_off',
    text: 'the response from {host} was cut off',
  },
  ENOTFOUND: { kind: 'network', code: 'dns_failed', text: 'host {host} not found' },
  EAI_AGAIN: { kind: 'network', code: 'dns_failed', text: 'cannot resolve {host} right now' },
  ETIMEDOUT: { kind: 'timeout', code: 'connect_timeout', text: 'connecting to {host} timed out' },
  EHOSTUNREACH: { kind: 'network', code: 'host_unreachable', text: '{host} is unreachable' },
  ENETUNREACH: { kind: 'network', code: 'network_unreachable', text: 'network unreachable for {host}' },
  ECONNABORTED: { kind: 'network', code: 'connection_reset', text: 'connection to {host} was aborted' },
  CERT_HAS_EXPIRED: {
    kind: 'network',
    code: 'tls_failed',
    text: 'TLS certificate of {host} has expired',
    retryable: false,
  },
  DEPTH_ZERO_SELF_SIGNED_CERT: {
    kind: 'network',
    code: 'tls_failed',
    text: '{host} sent a self-signed certificate',
    retryable: false,
  },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: {
    kind: 'network',
    code: 'tls_failed',
    text: 'cannot verify the TLS certificate of {host}',
    retryable: false,
  },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    kind: 'network',
    code: 'tls_failed',
    text: 'TLS certificate does not match {host}',
    retryable: false,
  },
};

/** Connection errors where the request provably never reached the server. */
export const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'connection_refused',
  'connect_timeout',
  'dns_failed',
]);

function errorCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as { code?: unknown; cause?: unknown; errors?: unknown[] };
  if (typeof candidate.code === 'string' && candidate.code in TRANSPORT_CODES) return candidate.code;
  return (
    errorCodeOf(candidate.cause) ??
    errorCodeOf(candidate.errors?.[0]) ??
    (typeof candidate.code === 'string' ? candidate.code : undefined)
  );
}

function transportError(
  error: unknown,
  request: RawRequest,
  aborted: 'caller' | 'deadline' | undefined,
  timeouts: Timeouts,
): ApiError {
  const context = { method: request.method, path: request.url.pathname };
  if (aborted === 'caller') {
    return new ApiError({
      kind: 'abort',
      code: 'aborted',
      message: 'request cancelled',
      retryable: false,
      ...context,
    });
  }
  if (aborted === 'deadline') {
    return new ApiError({
      kind: 'timeout',
      code: 'request_timeout',
      message: `${request.url.host} did not answer within ${Math.round(timeouts.totalMs / 1000)}s`,
      retryable: true,
      ...context,
    });
  }
  const known = TRANSPORT_CODES[errorCodeOf(error) ?? ''];
  if (known) {
    return new ApiError({
      kind: known.kind,
      code: known.code,
      message: known.text.replace('{host}', request.url.host),
      retryable: known.retryable ?? true,
      ...context,
    });
  }
  return new ApiError({
    kind: 'network',
    code: 'network_error',
    message: `cannot reach ${request.url.host}`,
    retryable: true,
    ...context,
  });
}

/** Reads a body up to `limit` bytes; beyond it the stream is destroyed and `truncated` set. */
async function readBody(body: Dispatcher.ResponseData['body'], limit: number) {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    const piece = chunk as Buffer;
    if (length + piece.length > limit) {
      chunks.push(piece.subarray(0, limit - length));
      body.destroy();
      return { body: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(piece);
    length += piece.length;
  }
  return { body: Buffer.concat(chunks), truncated: false };
}

/**
 * One HTTP attempt. Resolves with any status (HTTP errors are the caller's to interpret) and
 * rejects only with ApiError (timeout, network, abort). The body is always consumed or destroyed.
 */
export async function send(rawRequest: RawRequest, options: SendOptions): Promise<RawResponse> {
  const { timeouts, signal } = options;
  if (signal?.aborted) throw transportError(undefined, rawRequest, 'caller', timeouts);

  // One controller for the caller's signal and the attempt deadline, released when done, so a
  // long-lived caller signal gathers no listeners and no deadline timer outlives its request.
  const controller = new AbortController();
  let aborted: 'caller' | 'deadline' | undefined;
  const onCallerAbort = () => {
    aborted ??= 'caller';
    controller.abort();
  };
  const deadline = setTimeout(() => {
    aborted ??= 'deadline';
    controller.abort();
  }, timeouts.totalMs);
  signal?.addEventListener('abort', onCallerAbort, { once: true });

  try {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(rawRequest.url, {
        dispatcher: options.dispatcher,
        method: rawRequest.method,
        headers: rawRequest.headers,
        body: rawRequest.body ?? null,
        signal: controller.signal,
        headersTimeout: timeouts.headersMs,
        bodyTimeout: timeouts.bodyMs,
      });
    } catch (error) {
      throw transportError(error, rawRequest, aborted, timeouts);
    }

    const ok = response.statusCode >= 200 && response.statusCode < 300;
    const limit = ok ? options.maxBodyBytes : options.maxErrorBodyBytes;
    try {
      const { body, truncated } = await readBody(response.body, limit);
      return { status: response.statusCode, headers: response.headers, body, truncated };
    } catch (error) {
      throw transportError(error, rawRequest, aborted, timeouts);
    } finally {
      if (!response.body.readableEnded && !response.body.destroyed) response.body.destroy();
    }
  } finally {
    clearTimeout(deadline);
    signal?.removeEventListener('abort', onCallerAbort);
  }
}
