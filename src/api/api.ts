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

/** Per-call options every endpoint accepts. */
export interface CallOptions {
  signal?: AbortSignal;
  /**
   * Retries after the first attempt for this call (default: the client's, 2). Pass 0 when the
   * caller runs its own retry loop, so retry layers never stack.
   */
  maxRetries?: number;
}

/** Latest rate-limit headers seen (X-Ratelimit-*); reset is epoch seconds. */
export interface RateLimitState {
  limit?: number;
  remaining?: number;
  used?: number;
  reset?: number;
}

/** What the header shows about the connection. */
export interface ConnectionStats {
  lastLatencyMs?: number;
  lastSuccessAt?: number;
  lastErrorAt?: number;
  rateLimit: RateLimitState;
}

/**
 * Every TwelveLabs call tltop makes. Implemented by TwelveLabsClient (src/api/client.ts);
 * the store's pollers and the upload engine depend on this interface only.
 * Every method rejects with ApiError (src/api/errors.ts) and nothing else.
 */
export interface TwelveLabsApi {
  readonly baseUrl: string;
  /** The same object until something changes, so it can go into the store as is. */
  stats(): ConnectionStats;
  /** Calls `listener` with the new stats after every request attempt; returns the unsubscribe. */
  onStats(listener: (stats: ConnectionStats) => void): () => void;

  // multipart uploads
  createUpload(body: CreateUploadRequest, options?: CallOptions): Promise<CreateUploadResponse>;
  listIncompleteUploads(query?: PageQuery, options?: CallOptions): Promise<Page<IncompleteUpload>>;
  getUploadStatus(uploadId: string, query?: PageQuery, options?: CallOptions): Promise<UploadStatus>;
  reportChunks(
    uploadId: string,
    chunks: CompletedChunk[],
    options?: CallOptions,
  ): Promise<ReportChunksResponse>;
  requestPresignedUrls(
    uploadId: string,
    start: number,
    count: number,
    options?: CallOptions,
  ): Promise<PresignedUrlsResponse>;

  // assets
  listAssets(query?: AssetListQuery, options?: CallOptions): Promise<Page<Asset>>;
  getAsset(assetId: string, options?: CallOptions): Promise<Asset>;
  /** `force`: delete it even when indexed assets reference it (else 409) */
  deleteAsset(assetId: string, query?: { force?: boolean }, options?: CallOptions): Promise<void>;

  // video indexing
  listTasks(query?: TaskListQuery, options?: CallOptions): Promise<Page<Task>>;
  getTask(taskId: string, options?: CallOptions): Promise<Task>;
  deleteTask(taskId: string, options?: CallOptions): Promise<void>;
  listIndexes(query?: PageQuery, options?: CallOptions): Promise<Page<Index>>;
  getIndex(indexId: string, options?: CallOptions): Promise<Index>;
  createIndexedAsset(
    indexId: string,
    body: { asset_id: string; enable_video_stream?: boolean },
    options?: CallOptions,
  ): Promise<CreateIndexedAssetResponse>;
  listIndexedAssets(
    indexId: string,
    query?: IndexedAssetListQuery,
    options?: CallOptions,
  ): Promise<Page<IndexedAsset>>;
  getIndexedAsset(indexId: string, indexedAssetId: string, options?: CallOptions): Promise<IndexedAsset>;
  deleteIndexedAsset(indexId: string, indexedAssetId: string, options?: CallOptions): Promise<void>;

  // embeddings
  listEmbedTasks(query?: EmbedListQuery, options?: CallOptions): Promise<Page<EmbedTask>>;
  getEmbedTaskStatus(taskId: string, options?: CallOptions): Promise<EmbedTaskStatus>;
  getEmbedTask(taskId: string, options?: CallOptions): Promise<EmbedTask>;
  createEmbedV2Task(
    body: CreateEmbedV2TaskRequest,
    options?: CallOptions,
  ): Promise<CreateEmbedV2TaskResponse>;
  listEmbedV2Tasks(query?: EmbedListQuery, options?: CallOptions): Promise<Page<EmbedV2Task>>;
  getEmbedV2Task(taskId: string, options?: CallOptions): Promise<EmbedV2Task>;

  // analyze
  createAnalyzeTask(
    body: CreateAnalyzeTaskRequest,
    options?: CallOptions,
  ): Promise<CreateAnalyzeTaskResponse>;
  listAnalyzeTasks(query?: AnalyzeListQuery, options?: CallOptions): Promise<Page<AnalyzeTask>>;
  getAnalyzeTask(taskId: string, options?: CallOptions): Promise<AnalyzeTask>;
  deleteAnalyzeTask(taskId: string, options?: CallOptions): Promise<void>;
}
