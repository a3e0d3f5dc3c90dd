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

const timestamp = z.string().nullable().describe('ISO-8601 time, or null when the server did not say');

const statusUploadSchema = z.object({
  upload_id: z.string(),
  source: z
    .enum(['server', 'journal', 'both'])
    .describe("where tltop learned of it: the server's incomplete sessions, a local journal, or both"),
  status: z.string().describe('session status (active, ...); journaled or uploaded for journal-only entries'),
  asset_id: z.string().nullable(),
  file: z.string().nullable().describe('local path, known from the journal'),
  total_size: z.number().int().nonnegative().describe('bytes'),
  uploaded_size: z.number().int().nonnegative().nullable().describe('bytes the server has'),
  total_chunks: z.number().int().nonnegative(),
  chunks_completed: z.number().int().nonnegative().nullable(),
  created_at: timestamp,
  expires_at: timestamp,
  account: z
    .object({ profile: z.string(), base_url: z.string() })
    .optional()
    .describe(
      'only with --all-accounts, on journals of other accounts (another key or base URL): the profile and base URL that journaled it',
    ),
});

const statusTaskSchema = z.object({
  family: z.enum(STATUS_FAMILIES),
  id: z.string().describe('the _id (task_id for analyze tasks)'),
  status: z.string().describe('never a terminal status (ready, failed, ...)'),
  index_id: z.string().nullable(),
  asset_id: z.string().nullable(),
  name: z.string().nullable().describe('file name, model or custom id: what names the item best'),
  created_at: timestamp,
  updated_at: timestamp,
});

export const statusDocumentSchema = z.object({
  version: z.literal(1).describe('fields are only added within a version'),
  generated_at: z.string(),
  profile: z.string(),
  base_url: z.string(),
  uploads: z.array(statusUploadSchema),
  tasks: z.array(statusTaskSchema).describe('unfinished items of every family, newest first within a family'),
  counts: z.object({
    uploads: z.number().int().nonnegative(),
    tasks: z.record(z.enum(STATUS_FAMILIES), z.number().int().nonnegative()),
  }),
  truncated: z
    .array(z.enum(['uploads', ...STATUS_FAMILIES]))
    .describe('lists cut at the page cap: more items exist than are shown'),
  other_account_uploads: z
    .number()
    .int()
    .nonnegative()
    .describe(
      'uploads journaled on this machine for other accounts (another key or base URL); in uploads only with --all-accounts',
    ),
  errors: z
    .array(z.object({ family: z.string(), message: z.string() }))
    .describe('families that could not be listed (exit code 1); the rest of the document is valid'),
});

/** The same contract as a JSON Schema (draft 2020-12), for scripts in any language: `tltop status --schema`. */
export function statusJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(statusDocumentSchema) as Record<string, unknown>;
}

export type StatusUpload = z.infer<typeof statusUploadSchema>;
export type StatusTask = z.infer<typeof statusTaskSchema>;
export type StatusDocument = z.infer<typeof statusDocumentSchema>;
