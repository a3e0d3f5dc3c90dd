/**
 * Response schemas at the client boundary. Unknown fields pass through (looseObject), statuses
 * are open strings, optional fields accept null as absent. Identifiers and statuses are short
 * and free of control characters because they end up in URLs, keys and table cells.
 */
import { z } from 'zod';
import type {
  AnalyzeTask,
  Asset,
  CreateAnalyzeTaskResponse,
  CreateEmbedV2TaskResponse,
  CreateIndexedAssetResponse,
  CreateUploadResponse,
  EmbedTask,
  EmbedTaskStatus,
  EmbedV2Task,
  IncompleteUpload,
  Index,
  IndexedAsset,
  Page,
  PageInfo,
  PresignedUrlsResponse,
  ReportChunksResponse,
  Task,
  UploadStatus,
} from './types.js';

const PRINTABLE = /^[^\u0000-\u001f\u007f-\u009f]*$/;

const id = z.string().min(1).max(256).regex(PRINTABLE, 'contains control characters');
const status = z.string().min(1).max(64).regex(PRINTABLE, 'contains control characters');
const count = z.number().int().nonnegative();
const amount = z.number().nonnegative();
const timestamp = z.string().max(64);
const record = z.record(z.string(), z.unknown());

/** An optional field: absent or null both come out as undefined. */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema.optional());
}

/** A list the server may send as null when empty. */
function list<T extends z.ZodType>(item: T) {
  return z.preprocess((value) => (value === null ? [] : value), z.array(item));
}

const errorReason = z.union([
  z.looseObject({ code: optional(z.string()), message: optional(z.string()) }),
  z.string(),
]);
const errorMessage = z.looseObject({ message: z.string() });

export const pageInfoSchema = z.looseObject({
  limit_per_page: count,
  page: count,
  total_page: count,
  total_results: count,
}) satisfies z.ZodType<PageInfo>;

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({ data: list(item), page_info: pageInfoSchema });
}

// ---- multipart uploads -------------------------------------------------------

/** Chunks are PUT to these: only absolute http(s) URLs. */
const uploadUrl = z.string().refine((text) => /^https?:$/.test(URL.parse(text)?.protocol ?? ''), {
  message: 'not an http(s) URL',
});

const presignedUrl = z.looseObject({
  chunk_index: count,
  url: uploadUrl,
  expires_at: timestamp,
});

/** Headers to send with every chunk PUT: RFC 9110 token names, values without line breaks. */
const uploadHeaders = z.record(
  z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/, 'not a header name'),
  z
    .string()
    .max(8192)
    .regex(/^[^\u0000-\u0008\u000a-\u001f\u007f]*$/, 'contains control characters'),
);

export const createUploadSchema = z.looseObject({
  upload_id: id,
  asset_id: id,
  // The initial batch may cover some chunks or none; the rest are requested later.
  upload_urls: z.preprocess((value) => value ?? [], z.array(presignedUrl)),
  upload_headers: optional(uploadHeaders).transform((headers) => headers ?? {}),
  chunk_size: count.positive(),
  total_chunks: count,
  expires_at: timestamp,
}) satisfies z.ZodType<CreateUploadResponse>;

export const incompleteUploadSchema = z.looseObject({
  upload_id: id,
  status,
  total_size: count,
  chunk_size: count,
  total_chunks: count,
  created_at: optional(timestamp),
  expires_at: optional(timestamp),
}) satisfies z.ZodType<IncompleteUpload>;

const uploadedChunk = z.looseObject({
  index: count,
  status,
  uploaded_at: timestamp.nullish(),
  updated_at: optional(timestamp),
  error: optional(z.string()),
});

export const uploadStatusSchema = z.looseObject({
  upload_id: id,
  status,
  uploaded_chunks: list(uploadedChunk),
  chunks_completed: count,
  chunks_failed: count,
  chunks_pending: count,
  page_info: pageInfoSchema,
  total_size: count,
  uploaded_size: count,
  created_at: optional(timestamp),
  updated_at: optional(timestamp),
}) satisfies z.ZodType<UploadStatus>;

export const reportChunksSchema = z.looseObject({
  url: optional(z.string()),
  asset_id: optional(id),
  processed_chunks: count,
  duplicate_chunks: count,
  total_completed: count,
}) satisfies z.ZodType<ReportChunksResponse>;

export const presignedUrlsSchema = z.looseObject({
  upload_id: id,
  start_index: count,
  count,
  upload_urls: list(presignedUrl),
  generated_at: timestamp,
  expires_at: timestamp,
}) satisfies z.ZodType<PresignedUrlsResponse>;

// ---- assets ------------------------------------------------------------------

export const assetSchema = z.looseObject({
  _id: id,
  method: optional(z.string()),
  status,
  filename: optional(z.string()),
  file_type: optional(z.string()),
  created_at: optional(timestamp),
  user_metadata: optional(record),
  size: optional(amount),
  duration: optional(amount),
  error: optional(errorMessage),
  technical_metadata: optional(record),
  hls: optional(z.looseObject({ manifest_url: optional(z.string()), status: optional(z.string()) })),
  thumbnail: optional(
    z.looseObject({ representative_url: optional(z.string()), status: optional(z.string()) }),
  ),
}) satisfies z.ZodType<Asset>;

// ---- video indexing ----------------------------------------------------------

export const taskSchema = z.looseObject({
  _id: id,
  video_id: optional(id),
  index_id: optional(id),
  status,
  created_at: optional(timestamp),
  updated_at: optional(timestamp),
  system_metadata: optional(
    z.looseObject({
      duration: optional(amount),
      filename: optional(z.string()),
      height: optional(amount),
      width: optional(amount),
    }),
  ),
  error_reason: optional(errorReason),
  hls: optional(
    z.looseObject({
      video_url: optional(z.string()),
      thumbnail_urls: optional(list(z.string())),
      status: optional(z.string()),
      updated_at: optional(timestamp),
    }),
  ),
}) satisfies z.ZodType<Task>;

export const indexSchema = z.looseObject({
  _id: id,
  index_name: z.string(),
  created_at: optional(timestamp),
  updated_at: optional(timestamp),
  expires_at: timestamp.nullish(),
  total_duration: optional(amount),
  video_count: optional(count),
  models: optional(list(z.looseObject({ model_name: z.string(), model_options: list(z.string()) }))),
  addons: optional(list(z.string())),
}) satisfies z.ZodType<Index>;

export const indexedAssetSchema = z.looseObject({
  _id: id,
  asset_id: optional(id),
  index_id: optional(id),
  status,
  created_at: optional(timestamp),
  updated_at: optional(timestamp),
  indexed_at: timestamp.nullish(),
  system_metadata: optional(
    z.looseObject({
      filename: optional(z.string()),
      duration: optional(amount),
      fps: optional(amount),
      width: optional(amount),
      height: optional(amount),
      size: optional(amount),
    }),
  ),
  user_metadata: optional(record),
  error_reason: optional(errorReason),
}) satisfies z.ZodType<IndexedAsset>;

export const createIndexedAssetSchema = z.looseObject({
  _id: id,
  asset_id: optional(id),
}) satisfies z.ZodType<CreateIndexedAssetResponse>;

// ---- embeddings --------------------------------------------------------------

export const embedTaskSchema = z.looseObject({
  _id: id,
  model_name: optional(z.string()),
  status,
  created_at: optional(timestamp),
  updated_at: optional(timestamp),
  video_embedding: optional(
    z.looseObject({ metadata: optional(record), segments: optional(list(z.unknown())) }),
  ),
  audio_embedding: optional(z.looseObject({ metadata: optional(record) })),
}) satisfies z.ZodType<EmbedTask>;

export const embedTaskStatusSchema = z.looseObject({
  _id: id,
  status,
  model_name: optional(z.string()),
  video_embedding: optional(z.looseObject({ metadata: optional(record) })),
}) satisfies z.ZodType<EmbedTaskStatus>;

export const embedV2TaskSchema = z.looseObject({
  _id: id,
  status,
  created_at: optional(timestamp),
  updated_at: optional(timestamp),
  data: z.array(z.unknown()).nullish(),
  custom_id: z.string().nullish(),
  metadata: optional(record),
  error: optional(errorMessage),
  model_name: optional(z.string()),
  video_embedding: optional(z.looseObject({ metadata: optional(record) })),
  audio_embedding: optional(z.looseObject({ metadata: optional(record) })),
}) satisfies z.ZodType<EmbedV2Task>;

// ---- analyze -----------------------------------------------------------------

export const analyzeTaskSchema = z.looseObject({
  task_id: id,
  custom_id: z
    .string()
    .nullish()
    .transform((customId) => customId ?? null),
  status,
  created_at: timestamp,
  completed_at: optional(timestamp),
  video_source: z
    .looseObject({
      type: z.string(),
      url: optional(z.string()),
      asset_id: optional(id),
      video_id: optional(id),
      index_id: optional(id),
      system_metadata: z.looseObject({ duration: optional(amount) }).nullish(),
    })
    .nullish(),
  request_params: record.nullish(),
  result: optional(
    z.looseObject({
      generation_id: z.string(),
      data: z.string(),
      finish_reason: z.string(),
      usage: z.looseObject({ output_tokens: count, input_tokens: optional(count) }),
    }),
  ),
  error: optional(errorMessage),
  webhooks: optional(
    list(
      z.looseObject({
        url: z.string(),
        delivered: z.boolean(),
        attempts: count,
        last_error: optional(z.string()),
      }),
    ),
  ),
}) satisfies z.ZodType<AnalyzeTask>;

export const createAnalyzeTaskSchema = z.looseObject({
  task_id: id,
  status: optional(status),
}) satisfies z.ZodType<CreateAnalyzeTaskResponse>;

export const createEmbedV2TaskSchema = z.looseObject({
  _id: id,
  status: optional(status),
}) satisfies z.ZodType<CreateEmbedV2TaskResponse>;

/** A page schema checked against the shared Page<T> type. */
function typedPage<T>(item: z.ZodType<T>): z.ZodType<Page<T>> {
  return pageSchema(item);
}

// Built once: zod compiles a schema on first use, so page schemas must not be rebuilt per call.
export const incompleteUploadPageSchema = typedPage(incompleteUploadSchema);
export const assetPageSchema = typedPage(assetSchema);
export const taskPageSchema = typedPage(taskSchema);
export const indexPageSchema = typedPage(indexSchema);
export const indexedAssetPageSchema = typedPage(indexedAssetSchema);
export const embedTaskPageSchema = typedPage(embedTaskSchema);
export const embedV2TaskPageSchema = typedPage(embedV2TaskSchema);
export const analyzeTaskPageSchema = typedPage(analyzeTaskSchema);
