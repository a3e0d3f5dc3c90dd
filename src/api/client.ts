import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { USER_AGENT } from '../version.js';
import type { CallOptions, ConnectionStats, TwelveLabsApi } from './api.js';
import { normalizeApiBaseUrl } from './base-url.js';
import { clampPageQuery } from './query.js';
import { type CallSpec, type Query, Requester } from './requester.js';
import { DEFAULT_RETRY, type RetryOptions } from './retry.js';
import {
  analyzeTaskPageSchema,
  analyzeTaskSchema,
  assetPageSchema,
  assetSchema,
  createAnalyzeTaskSchema,
  createEmbedV2TaskSchema,
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
import { createDispatcher, DEFAULT_TIMEOUTS, type Timeouts } from './transport.js';
import type {
  AnalyzeListQuery,
  AnalyzeTask,
  Asset,
  AssetListQuery,
  CompletedChunk,
  CreateAnalyzeTaskRequest,
  CreateAnalyzeTaskResponse,
  CreateEmbedV2TaskRequest,
  CreateEmbedV2TaskResponse,
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
  /** Largest successful response body accepted (default 8 MiB; embedding retrieves 64 MiB). */
  maxResponseBytes?: number;
  /** Clock for the stats timestamps, and for Retry-After dates when a response has no Date header. */
  now?: () => number;
}

const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

function callOptions(options: CallOptions | undefined): Pick<CallSpec<unknown>, 'signal' | 'maxRetries'> {
  return { signal: options?.signal, maxRetries: options?.maxRetries };
}

/** A finished embedding task carries every vector: an hour of video is tens of MiB of JSON. */
const EMBEDDINGS_MAX_BYTES = 64 * 1024 * 1024;

function segment(value: string): string {
  return encodeURIComponent(value);
}

/**
 * The TwelveLabs API v1.3 over undici: validated responses, one retry layer, timeouts,
 * rate-limit tracking. Every method rejects with ApiError only.
 */
export class TwelveLabsClient implements TwelveLabsApi {
  readonly baseUrl: string;
  private readonly requester: Requester;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private closing: Promise<void> | undefined;

  constructor(options: TwelveLabsClientOptions) {
    if (!options.apiKey || !VISIBLE_ASCII.test(options.apiKey)) {
      throw new TypeError('the API key is empty or contains spaces or non-ASCII characters');
    }
    const base = normalizeApiBaseUrl(options.baseUrl);
    const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.baseUrl = base.href;
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ?? createDispatcher(base.origin, timeouts.connectMs, options.env ?? process.env);
    this.requester = new Requester({
      apiKey: options.apiKey,
      base,
      userAgent: options.userAgent ?? USER_AGENT,
      timeouts,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      dispatcher: this.dispatcher,
      maxResponseBytes: options.maxResponseBytes ?? 8 * 1024 * 1024,
      now: options.now ?? Date.now,
    });
  }

  stats(): ConnectionStats {
    return this.requester.stats();
  }

  /** Calls `listener` with fresh stats after every attempt; returns the unsubscribe function. */
  onStats(listener: (stats: ConnectionStats) => void): () => void {
    return this.requester.onStats(listener);
  }

  /**
   * Closes the client's own connection pool after the calls in flight (an injected dispatcher
   * is left to its owner). Safe to call more than once.
   */
  close(): Promise<void> {
    this.closing ??= this.ownsDispatcher ? this.dispatcher.close() : Promise.resolve();
    return this.closing;
  }

  // ---- multipart uploads -----------------------------------------------------

  createUpload(body: CreateUploadRequest, options?: CallOptions): Promise<CreateUploadResponse> {
    return this.requester.call({
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
    return this.requester.call({
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
    return this.requester.call({
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
    return this.requester.call({
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

  /** Not retried, like every delete. */
  async deleteAsset(assetId: string, query?: { force?: boolean }, options?: CallOptions): Promise<void> {
    await this.requester.call<undefined>({
      method: 'DELETE',
      path: `/assets/${segment(assetId)}`,
      query: query?.force ? { force: true } : undefined,
      idempotent: false,
      ...callOptions(options),
    });
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
    return this.requester.call({
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

  deleteIndexedAsset(indexId: string, indexedAssetId: string, options?: CallOptions): Promise<void> {
    return this.delete(`/indexes/${segment(indexId)}/indexed-assets/${segment(indexedAssetId)}`, options);
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
    return this.requester.call({
      method: 'GET',
      path: `/embed/tasks/${segment(taskId)}`,
      schema: embedTaskSchema,
      idempotent: true,
      maxResponseBytes: EMBEDDINGS_MAX_BYTES,
      ...callOptions(options),
    });
  }

  createEmbedV2Task(
    body: CreateEmbedV2TaskRequest,
    options?: CallOptions,
  ): Promise<CreateEmbedV2TaskResponse> {
    return this.requester.call({
      method: 'POST',
      path: '/embed-v2/tasks',
      body,
      schema: createEmbedV2TaskSchema,
      idempotent: false,
      ...callOptions(options),
    });
  }

  listEmbedV2Tasks(query?: EmbedListQuery, options?: CallOptions): Promise<Page<EmbedV2Task>> {
    return this.list('/embed-v2/tasks', query, embedV2TaskPageSchema, options);
  }

  getEmbedV2Task(taskId: string, options?: CallOptions): Promise<EmbedV2Task> {
    return this.requester.call({
      method: 'GET',
      path: `/embed-v2/tasks/${segment(taskId)}`,
      schema: embedV2TaskSchema,
      idempotent: true,
      maxResponseBytes: EMBEDDINGS_MAX_BYTES,
      ...callOptions(options),
    });
  }

  // ---- analyze ---------------------------------------------------------------

  createAnalyzeTask(
    body: CreateAnalyzeTaskRequest,
    options?: CallOptions,
  ): Promise<CreateAnalyzeTaskResponse> {
    return this.requester.call({
      method: 'POST',
      path: '/analyze/tasks',
      body,
      schema: createAnalyzeTaskSchema,
      idempotent: false,
      ...callOptions(options),
    });
  }

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
    return this.requester.call({ method: 'GET', path, schema, idempotent: true, ...callOptions(options) });
  }

  private list<T>(
    path: string,
    query: PageQuery | undefined,
    schema: z.ZodType<Page<T>>,
    options?: CallOptions,
  ): Promise<Page<T>> {
    return this.requester.call({
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
    await this.requester.call<undefined>({
      method: 'DELETE',
      path,
      idempotent: false,
      ...callOptions(options),
    });
  }
}
