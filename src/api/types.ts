/**
 * The shapes tltop works with, as the API v1.3 sends them (snake_case, `_id`).
 * This file is the contract between the client (src/api), the store, the upload
 * engine and the emulator. The client's schemas (src/api/schemas.ts) must produce
 * exactly these types; unknown extra fields pass through, unknown enum values are kept.
 */

/** A status the API may extend: known values plus any other string. */
export type OpenEnum<T extends string> = T | (string & {});

export interface PageInfo {
  limit_per_page: number;
  page: number;
  total_page: number;
  total_results: number;
}

export interface Page<T> {
  data: T[];
  page_info: PageInfo;
}

export interface PageQuery {
  page?: number;
  /** 1..50 */
  page_limit?: number;
}

// ---- multipart uploads -------------------------------------------------------

export type AssetType = 'video' | 'audio' | 'image';
export type UploadSessionStatus = OpenEnum<'active' | 'completed' | 'failed' | 'expired'>;
export type ChunkStatus = OpenEnum<'pending' | 'completed' | 'failed'>;

export interface PresignedUrl {
  chunk_index: number;
  url: string;
  expires_at: string;
}

export interface CreateUploadRequest {
  filename: string;
  type: AssetType;
  total_size: number;
  enable_hls?: boolean;
  enable_thumbnail?: boolean;
  user_metadata?: Record<string, string | number | boolean>;
}

export interface CreateUploadResponse {
  upload_id: string;
  asset_id: string;
  upload_urls: PresignedUrl[];
  upload_headers: Record<string, string>;
  chunk_size: number;
  total_chunks: number;
  expires_at: string;
}

export interface IncompleteUpload {
  upload_id: string;
  status: UploadSessionStatus;
  total_size: number;
  chunk_size: number;
  total_chunks: number;
  created_at?: string;
  expires_at?: string;
}

export interface UploadedChunk {
  index: number;
  status: ChunkStatus;
  uploaded_at?: string | null;
  updated_at?: string;
  error?: string;
}

export interface UploadStatus {
  upload_id: string;
  status: UploadSessionStatus;
  uploaded_chunks: UploadedChunk[];
  chunks_completed: number;
  chunks_failed: number;
  chunks_pending: number;
  page_info: PageInfo;
  total_size: number;
  uploaded_size: number;
  created_at?: string;
  updated_at?: string;
}

export interface CompletedChunk {
  chunk_index: number;
  proof: string;
  proof_type: 'etag';
  chunk_size: number;
}

export interface ReportChunksResponse {
  url?: string;
  asset_id?: string;
  processed_chunks: number;
  duplicate_chunks: number;
  total_completed: number;
}

export interface PresignedUrlsResponse {
  upload_id: string;
  start_index: number;
  count: number;
  upload_urls: PresignedUrl[];
  generated_at: string;
  expires_at: string;
}

// ---- assets ------------------------------------------------------------------

export type AssetStatus = OpenEnum<'processing' | 'ready' | 'failed'>;

export interface Asset {
  _id: string;
  method?: OpenEnum<'direct' | 'url' | 'multipart'>;
  status: AssetStatus;
  filename?: string;
  file_type?: string;
  created_at?: string;
  user_metadata?: Record<string, unknown>;
  size?: number;
  duration?: number;
  error?: { message: string };
  technical_metadata?: Record<string, unknown>;
  hls?: { manifest_url?: string; status?: string };
  thumbnail?: { representative_url?: string; status?: string };
}

export interface AssetListQuery extends PageQuery {
  asset_ids?: string[];
  asset_types?: AssetType[];
  filename?: string;
}

// ---- video indexing ----------------------------------------------------------

export type TaskStatus = OpenEnum<
  'uploading' | 'validating' | 'pending' | 'queued' | 'indexing' | 'ready' | 'failed'
>;

export interface Task {
  _id: string;
  video_id?: string;
  index_id?: string;
  status: TaskStatus;
  created_at?: string;
  updated_at?: string;
  system_metadata?: { duration?: number; filename?: string; height?: number; width?: number };
  /** Undocumented but sent on failed tasks. */
  error_reason?: { code?: string; message?: string } | string;
  hls?: { video_url?: string; thumbnail_urls?: string[]; status?: string; updated_at?: string };
}

export type SortOption = 'asc' | 'desc';

export interface TaskListQuery extends PageQuery {
  index_id?: string;
  status?: TaskStatus[];
  sort_by?: 'created_at' | 'updated_at';
  sort_option?: SortOption;
  filename?: string;
}

export interface Index {
  _id: string;
  index_name: string;
  created_at?: string;
  updated_at?: string;
  expires_at?: string | null;
  total_duration?: number;
  video_count?: number;
  models?: { model_name: string; model_options: string[] }[];
  addons?: string[];
}

export type IndexedAssetStatus = OpenEnum<'pending' | 'queued' | 'indexing' | 'ready' | 'failed'>;

export interface IndexedAsset {
  _id: string;
  asset_id?: string;
  index_id?: string;
  status: IndexedAssetStatus;
  created_at?: string;
  updated_at?: string;
  indexed_at?: string | null;
  system_metadata?: {
    filename?: string;
    duration?: number;
    fps?: number;
    width?: number;
    height?: number;
    size?: number;
  };
  user_metadata?: Record<string, unknown>;
  error_reason?: { code?: string; message?: string } | string;
}

export interface IndexedAssetListQuery extends PageQuery {
  status?: IndexedAssetStatus[];
  sort_by?: 'created_at' | 'updated_at';
  sort_option?: SortOption;
  filename?: string;
}

export interface CreateIndexedAssetResponse {
  _id: string;
  asset_id?: string;
}

// ---- embeddings --------------------------------------------------------------

export type EmbedStatus = OpenEnum<'processing' | 'ready' | 'failed'>;

export interface EmbedTask {
  _id: string;
  model_name?: string;
  status: EmbedStatus;
  created_at?: string;
  updated_at?: string;
  video_embedding?: { metadata?: Record<string, unknown>; segments?: unknown[] };
  audio_embedding?: { metadata?: Record<string, unknown> };
}

export interface EmbedTaskStatus {
  _id: string;
  status: EmbedStatus;
  model_name?: string;
  video_embedding?: { metadata?: Record<string, unknown> };
}

/**
 * Retrieve (`EmbeddingTaskResponse`) sends `data` (null until ready), `metadata` and `error`;
 * list items (`MediaEmbeddingTask`) send `model_name` and `video_embedding`/`audio_embedding`
 * instead. Fetch the task for its data or error.
 */
export interface EmbedV2Task {
  _id: string;
  status: EmbedStatus;
  created_at?: string;
  updated_at?: string;
  data?: unknown[] | null;
  custom_id?: string | null;
  metadata?: Record<string, unknown>;
  error?: { message: string };
  model_name?: string;
  video_embedding?: { metadata?: Record<string, unknown> };
  audio_embedding?: { metadata?: Record<string, unknown> };
}

/** `POST /embed-v2/tasks` with a media URL (the input tltop can re-send). */
export interface CreateEmbedV2TaskRequest {
  input_type: 'video' | 'audio';
  model_name: string;
  video?: EmbedV2MediaInput;
  audio?: EmbedV2MediaInput;
}

export interface EmbedV2MediaInput {
  media_source: { url: string };
  embedding_option?: string[];
  embedding_scope?: string[];
}

export interface CreateEmbedV2TaskResponse {
  _id: string;
  status?: EmbedStatus;
}

export interface EmbedListQuery extends PageQuery {
  status?: EmbedStatus;
  started_at?: string;
  ended_at?: string;
}

// ---- analyze -----------------------------------------------------------------

export type AnalyzeStatus = OpenEnum<'queued' | 'pending' | 'processing' | 'ready' | 'failed'>;

export interface AnalyzeTask {
  task_id: string;
  custom_id: string | null;
  status: AnalyzeStatus;
  created_at: string;
  completed_at?: string;
  video_source?: {
    type: string;
    url?: string;
    asset_id?: string;
    video_id?: string;
    index_id?: string;
    system_metadata?: { duration?: number } | null;
  } | null;
  request_params?: Record<string, unknown> | null;
  result?: {
    generation_id: string;
    data: string;
    finish_reason: OpenEnum<'stop' | 'length'>;
    usage: { output_tokens: number; input_tokens?: number };
  };
  error?: { message: string };
  webhooks?: { url: string; delivered: boolean; attempts: number; last_error?: string }[];
}

/** `POST /analyze/tasks`: the fields tltop re-sends when it retries a failed task. */
export interface CreateAnalyzeTaskRequest {
  video: { type: string; url?: string; asset_id?: string };
  prompt: string;
  temperature?: number;
  max_tokens?: number;
  custom_id?: string;
}

export interface CreateAnalyzeTaskResponse {
  task_id: string;
  status?: AnalyzeStatus;
}

export interface AnalyzeListQuery extends PageQuery {
  status?: AnalyzeStatus;
  asset_id?: string;
  video_url?: string;
}

// ---- terminal statuses (shared by pollers, UI and emulator) -------------------

export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['ready', 'failed', 'completed', 'expired']);

export function isTerminal(status: string): boolean {
  return TERMINAL_STATUSES.has(status);
}
