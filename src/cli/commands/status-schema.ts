import { z } from 'zod';

/**
 * The document `tltop status --json` prints (one line of JSON). A stable contract for
 * scripts: fields are only ever added, never renamed or removed, within a `version`.
 */
export const STATUS_FAMILIES = [
  'asset',
  'indexing_task',
  'indexed_asset',
  'embed_task',
  'embed_v2_task',
  'analyze_task',
] as const;
export type StatusFamily = (typeof STATUS_FAMILIES)[number];

const timestamp = z.string().nullable();

export const statusUploadSchema = z.object({
  upload_id: z.string(),
  /** Where tltop learned about it: the server's incomplete sessions, a local journal, or both. */
  source: z.enum(['server', 'journal', 'both']),
  status: z.string(),
  asset_id: z.string().nullable(),
  file: z.string().nullable(),
  total_size: z.number().int().nonnegative(),
  uploaded_size: z.number().int().nonnegative().nullable(),
  total_chunks: z.number().int().nonnegative(),
  chunks_completed: z.number().int().nonnegative().nullable(),
  created_at: timestamp,
  expires_at: timestamp,
});

export const statusTaskSchema = z.object({
  family: z.enum(STATUS_FAMILIES),
  id: z.string(),
  status: z.string(),
  index_id: z.string().nullable(),
  asset_id: z.string().nullable(),
  /** File name or custom id, whatever names the item best; already sanitised. */
  name: z.string().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const statusDocumentSchema = z.object({
  version: z.literal(1),
  generated_at: z.string(),
  profile: z.string(),
  base_url: z.string(),
  uploads: z.array(statusUploadSchema),
  /** Non-terminal items of every family, newest first within a family. */
  tasks: z.array(statusTaskSchema),
  counts: z.object({
    uploads: z.number().int().nonnegative(),
    tasks: z.record(z.enum(STATUS_FAMILIES), z.number().int().nonnegative()),
  }),
  /** Families whose list was cut at the page cap (more items exist than are shown). */
  truncated: z.array(z.enum(['uploads', ...STATUS_FAMILIES])),
  /** Families that could not be listed; the rest of the document is still valid. */
  errors: z.array(z.object({ family: z.string(), message: z.string() })),
});

export type StatusUpload = z.infer<typeof statusUploadSchema>;
export type StatusTask = z.infer<typeof statusTaskSchema>;
export type StatusDocument = z.infer<typeof statusDocumentSchema>;
