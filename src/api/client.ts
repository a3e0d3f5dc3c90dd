import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { USER_AGENT } from '../version.js';
import type { CallOptions, ConnectionStats, RateLimitState, TwelveLabsApi } from './api.js';
import { normalizeApiBaseUrl } from './base-url.js';
import { ApiError } from './errors.js';
import { httpError } from './http-error.js';
import { clampPageQuery, toSearchParams } from './query.js';
import { readRateLimit } from './rate-limit.js';
import { DEFAULT_RETRY, type RetryOptions, retryDelayMs } from './retry.js';
import {
  analyzeTaskPageSchema,
  analyzeTaskSchema,
  assetPageSchema,
  assetSchema,
  createIndexedAssetSchema,
  createUploadSchema,
  embedTaskPageSchema,
  embedTaskSchema,
  embedTaskStatusSchema,
  embedV2TaskPageSchema,
  embedV2TaskSchema,
  incompleteUploadPageSchema,
  indexedAssetPageSchema,
  indexedAssetSchema,
  indexPageSchema,
  indexSchema,
  presignedUrlsSchema,
  reportChunksSchema,
  taskPageSchema,
  taskSchema,
  uploadStatusSchema,
} from './schemas.js';
import { cleanServerText } from './server-text.js';
import {
  createDispatcher,
  DEFAULT_TIMEOUTS,
  NOT_SENT_CODES,
  type RawResponse,
  send,
  type Timeouts,
} from './transport.js';
import type {
  AnalyzeListQuery,
  AnalyzeTask,
  Asset,
  AssetListQuery,
  CompletedChunk,
  CreateIndexedAssetResponse,
  CreateUploadRequest,
  CreateUploadResponse,
  EmbedListQuery,
  EmbedTask,
  EmbedTaskStatus,
  EmbedV2Task,
  IncompleteUpload,
  Index,
  IndexedAsset,
  IndexedAssetListQuery,
  Page,
  PageQuery,
  PresignedUrlsResponse,
  ReportChunksResponse,
  Task,
  TaskListQuery,
  UploadStatus,
} from './types.js';

export interface TwelveLabsClientOptions {
  apiKey: string;
  /** With or without the `/v1.3` suffix. */
  baseUrl: string;
  userAgent?: string;
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetryOptions>;
  /**
   * Defaults to a keep-alive undici Pool for the base URL's origin (or a proxy agent when
   * HTTP(S)_PROXY is set), owned and closed by the client.
   */
  dispatcher?: Dispatcher;
  /** Where HTTP_PROXY, HTTPS_PROXY and NO_PROXY are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Largest successful response body accepted (default 8 MiB). */
  maxResponseBytes?: number;
  /** Clock for Retry-After dates and X-Ratelimit-Reset; injectable for tests. */
  now?: () => number;
}

type Method = 'GET' | 'POST' | 'DELETE';
type Query = Parameters<typeof toSearchParams>[0];

interface CallSpec<T> {
  method: Method;
  path: string;
  query?: Query;
  body?: unknown;
  /** Absent for calls whose success has no body worth reading (deletes). */
  schema?: z.ZodType<T>;
  /** Safe to send twice: retried on connection errors, 408, 429 and 5xx. */
  idempotent: boolean;
  signal?: AbortSignal | undefined;
  maxRetries?: number | undefined;
}

const MAX_ERROR_BODY_BYTES = 64 * 1024;
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

function callOptions(options: CallOptions | undefined) {
  return { signal: options?.signal, maxRetries: options?.maxRetries };
}

function segment(value: string): string {
  return encodeURIComponent(value);
}

/** `data[3].status` from a zod issue path. */
function fieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    text += typeof key === 'number' ? `[${key}]` : `${text ? '.' : ''}${String(key)}`;
  }
  return text || '(body)';
}

/** Anything but an ApiError (a programming error before sending) still rejects as one. */
function asApiError(error: unknown, method: string, path: string): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError({
    kind: 'invalid_request',
    code: 'request_failed',
    message: 'the request could not be sent',
    retryable: false,
    method,
    path,
  });
}

/**
 * An id that would change the path's meaning once in the URL: empty (`/tasks/` is the list),
 * or `.` / `..`, which URLs resolve (ids are percent-encoded, so no other spelling gets here).
 */
function unusableSegment(path: string): string | undefined {
  return path
    .split('/')
    .slice(1)
    .find((segment) => /^\.{0,2}$/.test(segment));
}

/** `expected string, received number`, or `missing` for an absent required field. */
function describeIssue(message: string): string {
  const text = message.replace(/^Invalid input: /, '');
  return text.endsWith('received undefined') ? 'missing' : text;
}

/**
 * The TwelveLabs API v1.3 over undici: validated responses, one retry layer, timeouts,
 * rate-limit tracking. Every method rejects with ApiError only.
 */
export class TwelveLabsClient implements TwelveLabsApi {
  readonly baseUrl: string;
  private readonly base: URL;
  // A #private field: util.inspect and JSON.stringify of the client never show it.
  readonly #apiKey: string;
  private readonly userAgent: string;
  private readonly timeouts: Timeouts;
  private readonly retry: RetryOptions;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly maxResponseBytes: number;
  private readonly now: () => number;
  private currentStats: ConnectionStats = { rateLimit: {} };
  private readonly listeners = new Set<(stats: ConnectionStats) => void>();

  constructor(options: TwelveLabsClientOptions) {
    if (!options.apiKey || !VISIBLE_ASCII.test(options.apiKey)) {
      throw new TypeError('the API key is empty or contains spaces or non-ASCII characters');
    }
    this.#apiKey = options.apiKey;
    this.base = normalizeApiBaseUrl(options.baseUrl);
    this.baseUrl = this.base.href;
    this.userAgent = options.userAgent ?? USER_AGENT;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.maxResponseBytes = options.maxResponseBytes ?? 8 * 1024 * 1024;
    this.now = options.now ?? Date.now;
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      createDispatcher(this.base.origin, this.timeouts.connectMs, options.env ?? process.env);
  }

  stats(): ConnectionStats {
    return this.currentStats;
  }

  /** Calls `listener` with fresh stats after every attempt; returns the unsubscribe function. */
  onStats(listener: (stats: ConnectionStats) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Closes the client's own connection pool (an injected dispatcher is left to its owner). */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  // ---- multipart uploads -----------------------------------------------------

  createUpload(body: CreateUploadRequest, options?: CallOptions): Promise<CreateUploadResponse> {
    return this.call({
      method: 'POST',
      path: '/assets/multipart-uploads',
      body,
      schema: createUploadSchema,
      idempotent: false,
      ...callOptions(options),
    });
  }

  listIncompleteUploads(query?: PageQuery, options?: CallOptions): Promise<Page<IncompleteUpload>> {
    return this.list('/assets/multipart-uploads', query, incompleteUploadPageSchema, options);
  }

  getUploadStatus(uploadId: string, query?: PageQuery, options?: CallOptions): Promise<UploadStatus> {
    return this.call({
      method: 'GET',
      path: `/assets/multipart-uploads/${segment(uploadId)}`,
      query: clampPageQuery(query) as Query,
      schema: uploadStatusSchema,
      idempotent: true,
      ...callOptions(options),
    });
  }

  /** Duplicates are ignored by the server, so a report is safe to repeat. */
  reportChunks(
    uploadId: string,
    chunks: CompletedChunk[],
    options?: CallOptions,
  ): Promise<ReportChunksResponse> {
    return this.call({
      method: 'POST',
      path: `/assets/multipart-uploads/${segment(uploadId)}`,
      body: { completed_chunks: chunks },
      schema: reportChunksSchema,
      idempotent: true,
      ...callOptions(options),
    });
  }

  /** Fresh URLs replace older ones, so asking twice is harmless. */
  requestPresignedUrls(
    uploadId: string,
    start: number,
    count: number,
    options?: CallOptions,
  ): Promise<PresignedUrlsResponse> {
    return this.call({
      method: 'POST',
      path: `/assets/multipart-uploads/${segment(uploadId)}/presigned-urls`,
      body: { start, count },
      schema: presignedUrlsSchema,
      idempotent: true,
      ...callOptions(options),
    });
  }

  // ---- assets ----------------------------------------------------------------

  listAssets(query?: AssetListQuery, options?: CallOptions): Promise<Page<Asset>> {
    return this.list('/assets', query, assetPageSchema, options);
  }

  getAsset(assetId: string, options?: CallOptions): Promise<Asset> {
    return this.get(`/assets/${segment(assetId)}`, assetSchema, options);
  }

  // ---- video indexing --------------------------------------------------------

  listTasks(query?: TaskListQuery, options?: CallOptions): Promise<Page<Task>> {
    return this.list('/tasks', query, taskPageSchema, options);
  }

  getTask(taskId: string, options?: CallOptions): Promise<Task> {
    return this.get(`/tasks/${segment(taskId)}`, taskSchema, options);
  }

  deleteTask(taskId: string, options?: CallOptions): Promise<void> {
    return this.delete(`/tasks/${segment(taskId)}`, options);
  }

  listIndexes(query?: PageQuery, options?: CallOptions): Promise<Page<Index>> {
    return this.list('/indexes', query, indexPageSchema, options);
  }

  getIndex(indexId: string, options?: CallOptions): Promise<Index> {
    return this.get(`/indexes/${segment(indexId)}`, indexSchema, options);
  }

  createIndexedAsset(
    indexId: string,
    body: { asset_id: string; enable_video_stream?: boolean },
    options?: CallOptions,
  ): Promise<CreateIndexedAssetResponse> {
    return this.call({
      method: 'POST',
      path: `/indexes/${segment(indexId)}/indexed-assets`,
      body,
      schema: createIndexedAssetSchema,
      idempotent: false,
      ...callOptions(options),
    });
  }

  listIndexedAssets(
    indexId: string,
    query?: IndexedAssetListQuery,
    options?: CallOptions,
  ): Promise<Page<IndexedAsset>> {
    return this.list(`/indexes/${segment(indexId)}/indexed-assets`, query, indexedAssetPageSchema, options);
  }

  getIndexedAsset(indexId: string, indexedAssetId: string, options?: CallOptions): Promise<IndexedAsset> {
    return this.get(
      `/indexes/${segment(indexId)}/indexed-assets/${segment(indexedAssetId)}`,
      indexedAssetSchema,
      options,
    );
  }

  // ---- embeddings ------------------------------------------------------------

  listEmbedTasks(query?: EmbedListQuery, options?: CallOptions): Promise<Page<EmbedTask>> {
    return this.list('/embed/tasks', query, embedTaskPageSchema, options);
  }

  getEmbedTaskStatus(taskId: string, options?: CallOptions): Promise<EmbedTaskStatus> {
    return this.get(`/embed/tasks/${segment(taskId)}/status`, embedTaskStatusSchema, options);
  }

  getEmbedTask(taskId: string, options?: CallOptions): Promise<EmbedTask> {
    return this.get(`/embed/tasks/${segment(taskId)}`, embedTaskSchema, options);
  }

  listEmbedV2Tasks(query?: EmbedListQuery, options?: CallOptions): Promise<Page<EmbedV2Task>> {
    return this.list('/embed-v2/tasks', query, embedV2TaskPageSchema, options);
  }

  getEmbedV2Task(taskId: string, options?: CallOptions): Promise<EmbedV2Task> {
    return this.get(`/embed-v2/tasks/${segment(taskId)}`, embedV2TaskSchema, options);
  }

  // ---- analyze ---------------------------------------------------------------

  listAnalyzeTasks(query?: AnalyzeListQuery, options?: CallOptions): Promise<Page<AnalyzeTask>> {
    return this.list('/analyze/tasks', query, analyzeTaskPageSchema, options);
  }

  getAnalyzeTask(taskId: string, options?: CallOptions): Promise<AnalyzeTask> {
    return this.get(`/analyze/tasks/${segment(taskId)}`, analyzeTaskSchema, options);
  }

  deleteAnalyzeTask(taskId: string, options?: CallOptions): Promise<void> {
    return this.delete(`/analyze/tasks/${segment(taskId)}`, options);
  }

  // ---- plumbing --------------------------------------------------------------

  private get<T>(path: string, schema: z.ZodType<T>, options?: CallOptions): Promise<T> {
    return this.call({ method: 'GET', path, schema, idempotent: true, ...callOptions(options) });
  }

  private list<T>(
    path: string,
    query: PageQuery | undefined,
    schema: z.ZodType<Page<T>>,
    options?: CallOptions,
  ): Promise<Page<T>> {
    return this.call({
      method: 'GET',
      path,
      query: clampPageQuery(query) as Query,
      schema,
      idempotent: true,
      ...callOptions(options),
    });
  }

  /** Deletes are not retried: a repeat after an unseen success would report a confusing 404. */
  private async delete(path: string, options?: CallOptions): Promise<void> {
    await this.call<undefined>({ method: 'DELETE', path, idempotent: false, ...callOptions(options) });
  }

  private async call<T>(spec: CallSpec<T>): Promise<T> {
    const badSegment = unusableSegment(spec.path);
    if (badSegment !== undefined) {
      throw new ApiError({
        kind: 'invalid_request',
        code: 'invalid_id',
        message: `invalid id "${badSegment}" in ${spec.method} ${this.fullPath(spec.path)}`,
        retryable: false,
        method: spec.method,
        path: this.fullPath(spec.path),
      });
    }
    const maxRetries = spec.maxRetries ?? this.retry.maxRetries;
    for (let retry = 0; ; retry++) {
      try {
        return await this.attempt(spec);
      } catch (error) {
        const apiError = asApiError(error, spec.method, this.fullPath(spec.path));
        const notSent = NOT_SENT_CODES.has(apiError.code);
        const retryAllowed = spec.idempotent || apiError.status === 429 || notSent;
        // A response timeout already cost seconds: report it now, the poller's backoff takes over.
        const timedOut = apiError.kind === 'timeout' && !notSent;
        if (!apiError.retryable || !retryAllowed || timedOut || retry >= maxRetries) throw apiError;
        const wait = retryDelayMs(this.retry, retry, apiError.retryAfterMs);
        if (wait === undefined) throw apiError;
        try {
          await this.retry.sleep(wait, spec.signal);
        } catch {
          throw new ApiError({
            kind: 'abort',
            code: 'aborted',
            message: 'request cancelled',
            retryable: false,
            method: spec.method,
            path: this.fullPath(spec.path),
          });
        }
      }
    }
  }

  private fullPath(path: string): string {
    return `${this.base.pathname}${path}`;
  }

  private async attempt<T>(spec: CallSpec<T>): Promise<T> {
    const url = new URL(this.fullPath(spec.path), this.base.origin);
    url.search = toSearchParams(spec.query).toString();
    const context = { method: spec.method, path: url.pathname };
    const headers: Record<string, string> = {
      'x-api-key': this.#apiKey,
      'user-agent': this.userAgent,
      accept: 'application/json',
    };
    if (spec.body !== undefined) headers['content-type'] = 'application/json';

    const started = performance.now();
    let latencyMs: number | undefined;
    let rateLimit: RateLimitState | undefined;
    let ok = false;
    try {
      const response = await send(
        {
          method: spec.method,
          url,
          headers,
          ...(spec.body !== undefined && { body: JSON.stringify(spec.body) }),
        },
        {
          dispatcher: this.dispatcher,
          timeouts: this.timeouts,
          signal: spec.signal,
          maxBodyBytes: this.maxResponseBytes,
          maxErrorBodyBytes: MAX_ERROR_BODY_BYTES,
        },
      );
      latencyMs = performance.now() - started;
      rateLimit = readRateLimit(response.headers);
      const value = this.interpret(response, spec.schema, context);
      ok = true;
      return value;
    } finally {
      this.record({ latencyMs: latencyMs ?? performance.now() - started, ok, rateLimit });
    }
  }

  /** A successful response parsed by its schema, or the ApiError the response amounts to. */
  private interpret<T>(
    response: RawResponse,
    schema: z.ZodType<T> | undefined,
    context: { method: string; path: string },
  ): T {
    if (response.status < 200 || response.status >= 300) {
      throw httpError({
        ...context,
        status: response.status,
        headers: response.headers,
        bodyText: new TextDecoder().decode(response.body),
        secrets: [this.#apiKey],
        now: this.now(),
      });
    }
    if (!schema) return undefined as T;
    if (response.truncated) {
      throw this.invalid(
        context,
        'response_too_large',
        `response larger than ${this.maxResponseBytes} bytes`,
      );
    }
    return this.parse(response.body, schema, context);
  }

  private parse<T>(body: Buffer, schema: z.ZodType<T>, context: { method: string; path: string }): T {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      throw this.invalid(context, 'invalid_utf8', 'response is not valid UTF-8');
    }
    if (!text.trim()) throw this.invalid(context, 'empty_body', 'empty response body');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      const what = /^\s*</.test(text) ? 'an HTML page instead of JSON' : 'malformed or truncated JSON';
      throw this.invalid(context, 'invalid_json', what);
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const detail = issue ? `${fieldPath(issue.path)}: ${describeIssue(issue.message)}` : 'unexpected shape';
    throw this.invalid(context, 'schema_mismatch', detail);
  }

  private invalid(context: { method: string; path: string }, code: string, detail: string): ApiError {
    const message = cleanServerText(`invalid response from ${context.method} ${context.path}: ${detail}`, [
      this.#apiKey,
    ]);
    return new ApiError({ kind: 'invalid_response', code, message, retryable: false, ...context });
  }

  /** Latency of the last attempt, when it last succeeded or failed, the latest rate-limit headers. */
  private record(outcome: { latencyMs: number; ok: boolean; rateLimit: RateLimitState | undefined }): void {
    const at = this.now();
    this.currentStats = {
      ...this.currentStats,
      lastLatencyMs: Math.round(outcome.latencyMs),
      ...(outcome.ok ? { lastSuccessAt: at } : { lastErrorAt: at }),
      ...(outcome.rateLimit && { rateLimit: outcome.rateLimit }),
    };
    for (const listener of this.listeners) {
      try {
        listener(this.currentStats);
      } catch {
        // A failing listener is its owner's bug; it must not turn a call into a non-ApiError.
      }
    }
  }
}
