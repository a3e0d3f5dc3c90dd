import { describe, expect, test } from 'vitest';
import {
  analyzeTaskSchema,
  createUploadSchema,
  embedV2TaskSchema,
  indexSchema,
  reportChunksSchema,
  taskSchema,
  uploadStatusSchema,
} from '../../../src/api/schemas.js';

const PAGE_INFO = { limit_per_page: 10, page: 1, total_page: 1, total_results: 1 };

describe('response schemas accept the shapes the API documents', () => {
  test('a create-upload answer; upload_headers may be missing', () => {
    const answer = {
      upload_id: '507f1f77bcf86cd799439011',
      asset_id: '507f1f77bcf86cd799439012',
      upload_urls: [
        {
          chunk_index: 1,
          url: 'https://s3.amazonaws.com/bucket/key?signature=x',
          expires_at: '2025-12-01T11:00:00Z',
        },
      ],
      chunk_size: 5242880,
      total_chunks: 20,
      expires_at: '2025-12-02T10:00:00Z',
    };
    expect(createUploadSchema.parse(answer).upload_headers).toEqual({});
    expect(createUploadSchema.safeParse({ ...answer, chunk_size: 0 }).success).toBe(false);
  });

  test('upload status: pending chunks have uploaded_at null, a new status value is kept', () => {
    const status = uploadStatusSchema.parse({
      upload_id: 'u1',
      status: 'finalizing',
      uploaded_chunks: [
        {
          index: 1,
          status: 'completed',
          uploaded_at: '2025-12-01T10:01:00Z',
          updated_at: '2025-12-01T10:01:00Z',
        },
        { index: 2, status: 'pending', uploaded_at: null },
        { index: 3, status: 'failed', uploaded_at: null, error: 'checksum mismatch' },
      ],
      chunks_completed: 1,
      chunks_failed: 1,
      chunks_pending: 18,
      page_info: PAGE_INFO,
      total_size: 104857600,
      uploaded_size: 5242880,
    });
    expect(status.status).toBe('finalizing');
    expect(status.uploaded_chunks[1]!.uploaded_at).toBeNull();
  });

  test('a report answer: url only once the upload is complete', () => {
    const partial = { asset_id: 'a1', processed_chunks: 1, duplicate_chunks: 0, total_completed: 1 };
    expect(reportChunksSchema.parse(partial).url).toBeUndefined();
    expect(
      reportChunksSchema.parse({ ...partial, url: 'https://cdn.example.com/assets/video.mp4' }).url,
    ).toBe('https://cdn.example.com/assets/video.mp4');
  });

  test('a failed task with error_reason as an object or a string, and hls', () => {
    const base = { _id: '6298d673f1090f1100476d4c', status: 'failed', index_id: 'i1', video_id: 'v1' };
    expect(
      taskSchema.parse({ ...base, error_reason: { code: 'video_file_broken', message: 'broken' } }),
    ).toMatchObject({
      error_reason: { code: 'video_file_broken' },
    });
    expect(taskSchema.parse({ ...base, error_reason: 'broken' }).error_reason).toBe('broken');
    expect(
      taskSchema.parse({
        ...base,
        hls: { video_url: 'https://x/v.m3u8', thumbnail_urls: null, status: 'COMPLETE' },
      }).hls,
    ).toEqual({ video_url: 'https://x/v.m3u8', status: 'COMPLETE' });
  });

  test('an index without expiry and with models', () => {
    const index = indexSchema.parse({
      _id: 'i1',
      index_name: 'ops',
      expires_at: null,
      models: [{ model_name: 'marengo3.0', model_options: ['visual', 'audio'] }],
      video_count: 3,
    });
    expect(index.expires_at).toBeNull();
    expect(index.models?.[0]?.model_options).toEqual(['visual', 'audio']);
  });

  test('an analyze task: custom_id may be absent or null, result carries usage', () => {
    const task = analyzeTaskSchema.parse({
      task_id: 't1',
      status: 'ready',
      created_at: '2026-01-01T00:00:00Z',
      video_source: { type: 'asset_id', asset_id: 'a1', system_metadata: null },
      result: {
        generation_id: 'g1',
        data: 'A summary.',
        finish_reason: 'stop',
        usage: { output_tokens: 42 },
      },
    });
    expect(task.custom_id).toBeNull();
    expect(task.result?.usage.output_tokens).toBe(42);
    expect(analyzeTaskSchema.safeParse({ ...task, result: { ...task.result, usage: {} } }).success).toBe(
      false,
    );
  });

  test('an embed v2 task: data null until ready, error when failed', () => {
    expect(embedV2TaskSchema.parse({ _id: 'e1', status: 'processing', data: null }).data).toBeNull();
    expect(
      embedV2TaskSchema.parse({ _id: 'e1', status: 'failed', error: { message: 'bad input' } }).error,
    ).toEqual({
      message: 'bad input',
    });
  });

  test('optional fields sent as null come out absent; unknown fields pass through', () => {
    const task = taskSchema.parse({
      _id: 't1',
      status: 'ready',
      created_at: null,
      system_metadata: null,
      extra: 1,
    });
    expect(task.created_at).toBeUndefined();
    expect(task.system_metadata).toBeUndefined();
    expect(task).toHaveProperty('extra', 1);
  });
});
