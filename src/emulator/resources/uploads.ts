import type { AssetType } from '../../api/types.js';
import { iso } from '../clock.js';
import { EmulatorError, invalid, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { BodyFields, pathId } from '../input.js';
import { pageRequest, paginate } from '../pagination.js';
import type { Reply, Route } from '../router.js';
import { DURATIONS, type EmulatorState, newestFirst, type UploadSession } from '../state.js';
import { ChunkStorage } from '../storage.js';
import { addAsset } from './assets.js';

const GB = 1024 ** 3;
const MAX_TOTAL_SIZE: Record<AssetType, number> = { video: 10 * GB, audio: 10 * GB, image: 32 * 1024 ** 2 };
const MAX_PARTS = 10_000;
const MAX_URLS_PER_CALL = 50;

type SessionStatus = 'active' | 'completed' | 'failed' | 'expired';

function sessionStatus(session: UploadSession, now: number): SessionStatus {
  if (session.completedAt !== undefined) return 'completed';
  if (session.failedAt !== undefined) return 'failed';
  return now >= session.expiresAt ? 'expired' : 'active';
}

function expectedChunkSize(session: UploadSession, chunkIndex: number): number {
  return Math.min(session.chunkSize, session.totalSize - (chunkIndex - 1) * session.chunkSize);
}

function findSession(state: EmulatorState, id: string): UploadSession {
  const session = state.uploads.get(pathId(id, 'upload_id'));
  if (!session) throw notFound(id, 'multipart uploads');
  return session;
}

function requireActive(session: UploadSession, now: number): void {
  const status = sessionStatus(session, now);
  if (status === 'expired') {
    throw new EmulatorError(400, 'upload_expired', `Upload ${session.uploadId} expired; start a new upload.`);
  }
  if (status !== 'active') {
    throw new EmulatorError(400, 'upload_not_active', `Upload ${session.uploadId} is ${status}.`);
  }
}

function presignedUrls(
  state: EmulatorState,
  session: UploadSession,
  start: number,
  count: number,
  now: number,
) {
  const expiresAt = now + state.faults.urlTtlMs;
  const urls = [];
  for (let index = start; index < start + count; index += 1) {
    urls.push({
      chunk_index: index,
      url: state.storage.signedUrl(state.origin, session.uploadId, index, expiresAt),
      expires_at: iso(expiresAt),
    });
  }
  return { urls, expiresAt };
}

/** Creates a session and reserves its asset; the chunk size is the server's choice, as in the API. */
function createSession(
  state: EmulatorState,
  request: {
    filename: string;
    type: AssetType;
    totalSize: number;
    enableHls?: boolean;
    enableThumbnail?: boolean;
    userMetadata?: Record<string, unknown>;
  },
  now: number,
): UploadSession {
  const chunkSize = Math.max(state.config.chunkSize, Math.ceil(request.totalSize / MAX_PARTS));
  const totalChunks = Math.ceil(request.totalSize / chunkSize);
  const session: UploadSession = {
    uploadId: newId(),
    assetId: newId(),
    filename: request.filename,
    type: request.type,
    totalSize: request.totalSize,
    chunkSize,
    totalChunks,
    createdAt: now,
    updatedAt: now,
    expiresAt: now + DURATIONS.sessionLifetime,
    chunks: Array.from({ length: totalChunks }, () => ({})),
    reportedCount: 0,
  };
  state.uploads.set(session.uploadId, session);
  addAsset(state, {
    id: session.assetId,
    method: 'multipart',
    type: request.type,
    filename: request.filename,
    createdAt: now,
    userMetadata: request.userMetadata,
    enableHls: request.enableHls ?? false,
    enableThumbnail: request.enableThumbnail ?? false,
    uploadId: session.uploadId,
  });
  return session;
}

function completeSession(state: EmulatorState, session: UploadSession, now: number): void {
  session.completedAt = now;
  const asset = state.assets.get(session.assetId);
  if (!asset) return;
  asset.size = session.totalSize;
  asset.duration = Math.max(4, Math.round(session.totalSize / 250_000));
  asset.timeline.continueWith(now, ['ready', DURATIONS.assetProcessing]);
  if (!session.seeded) {
    let digest: Promise<{ size: number; sha256: string }> | undefined;
    asset.digest = () => {
      digest ??= state.storage.digest(session.uploadId, session.totalChunks);
      return digest;
    };
  }
}

interface ParsedChunk {
  index: number;
  proof: string;
  size: number;
}

function parseCompletedChunk(item: unknown, position: number, totalChunks: number): ParsedChunk {
  const name = `completed_chunks[${position}]`;
  if (typeof item !== 'object' || item === null || Array.isArray(item))
    throw invalid(name, 'It must be an object.');
  const fields = new BodyFields(item);
  const index = fields.integer('chunk_index', { required: true });
  if (index < 1 || index > totalChunks)
    throw invalid(`${name}.chunk_index`, `It must be between 1 and ${totalChunks}.`);
  const proof = fields.string('proof', { required: true });
  fields.oneOf('proof_type', ['etag'] as const, { required: true });
  const size = fields.integer('chunk_size', { required: true, min: 1 });
  return { index, proof: proof.replace(/^"|"$/g, '').toLowerCase(), size };
}

function report(state: EmulatorState, session: UploadSession, body: unknown): Reply {
  const now = state.now();
  const fields = new BodyFields(body);
  const items = fields.array('completed_chunks', { required: true });
  if (items.length === 0) throw invalid('completed_chunks', 'List at least one chunk.');
  const parsed = items.map((item, position) => parseCompletedChunk(item, position, session.totalChunks));
  const status = sessionStatus(session, now);
  if (status !== 'completed') requireActive(session, now);

  const seen = new Set<number>();
  const fresh: ParsedChunk[] = [];
  let duplicates = 0;
  for (const chunk of parsed) {
    if (seen.has(chunk.index) || session.chunks[chunk.index - 1]!.reportedAt !== undefined) {
      duplicates += 1;
      continue;
    }
    seen.add(chunk.index);
    fresh.push(chunk);
  }

  const problems: string[] = [];
  for (const chunk of fresh) {
    const chunkState = session.chunks[chunk.index - 1]!;
    const received = chunkState.received;
    let problem: string | undefined;
    if (!received) problem = `chunk ${chunk.index} has not been uploaded`;
    else if (received.etag !== chunk.proof)
      problem = `chunk ${chunk.index}: proof does not match the uploaded data`;
    else if (received.size !== chunk.size) {
      problem = `chunk ${chunk.index}: chunk_size ${chunk.size} does not match the ${received.size} bytes received`;
    } else if (received.size !== expectedChunkSize(session, chunk.index)) {
      problem = `chunk ${chunk.index} must be ${expectedChunkSize(session, chunk.index)} bytes, got ${received.size}`;
    }
    if (problem) {
      problems.push(problem);
      if (received) chunkState.failure = { message: problem, at: now };
    }
  }
  if (problems.length > 0) {
    session.updatedAt = now;
    throw invalid('completed_chunks', `${problems.join('; ')}.`);
  }

  for (const chunk of fresh) {
    const chunkState = session.chunks[chunk.index - 1]!;
    chunkState.reportedAt = now;
    chunkState.failure = undefined;
  }
  session.reportedCount += fresh.length;
  if (fresh.length > 0) session.updatedAt = now;
  if (session.reportedCount === session.totalChunks && session.completedAt === undefined) {
    completeSession(state, session, now);
  }
  return {
    status: 200,
    body: {
      url:
        session.completedAt !== undefined ? `${state.origin}/_storage/assets/${session.assetId}` : undefined,
      asset_id: session.assetId,
      processed_chunks: fresh.length,
      duplicate_chunks: duplicates,
      total_completed: session.reportedCount,
    },
  };
}

function chunkJson(session: UploadSession, index: number) {
  const chunk = session.chunks[index - 1]!;
  if (chunk.reportedAt !== undefined) {
    return {
      index,
      status: 'completed',
      uploaded_at: iso(chunk.received?.at ?? chunk.reportedAt),
      updated_at: iso(chunk.reportedAt),
    };
  }
  if (chunk.failure) {
    return { index, status: 'failed', updated_at: iso(chunk.failure.at), error: chunk.failure.message };
  }
  return { index, status: 'pending', updated_at: iso(chunk.received?.at ?? session.createdAt) };
}

function statusJson(session: UploadSession, query: URLSearchParams, now: number) {
  const request = pageRequest(query);
  const indices = Array.from({ length: session.totalChunks }, (_, position) => position + 1);
  const page = paginate(indices, request);
  const failed = session.chunks.filter((chunk) => chunk.reportedAt === undefined && chunk.failure).length;
  let uploadedSize = 0;
  session.chunks.forEach((chunk, position) => {
    if (chunk.reportedAt !== undefined) uploadedSize += expectedChunkSize(session, position + 1);
  });
  return {
    upload_id: session.uploadId,
    status: sessionStatus(session, now),
    uploaded_chunks: page.items.map((index) => chunkJson(session, index)),
    chunks_completed: session.reportedCount,
    chunks_failed: failed,
    chunks_pending: session.totalChunks - session.reportedCount - failed,
    page_info: page.page_info,
    total_size: session.totalSize,
    uploaded_size: uploadedSize,
    created_at: iso(session.createdAt),
    updated_at: iso(session.updatedAt),
  };
}

export function uploadRoutes(state: EmulatorState): Route[] {
  return [
    {
      method: 'POST',
      path: '/assets/multipart-uploads',
      scope: 'api',
      errors: 'classic',
      handler: async ({ json }) => {
        const fields = new BodyFields(await json());
        const filename = fields.string('filename', { required: true, maxLength: 255 });
        const type = fields.oneOf('type', ['video', 'audio', 'image'] as const, { required: true });
        const totalSize = fields.integer('total_size', { required: true, min: 1 });
        if (totalSize > MAX_TOTAL_SIZE[type]) {
          throw invalid('total_size', `The maximum size for ${type} is ${MAX_TOTAL_SIZE[type]} bytes.`);
        }
        const now = state.now();
        const session = createSession(
          state,
          {
            filename,
            type,
            totalSize,
            enableHls: fields.boolean('enable_hls'),
            enableThumbnail: fields.boolean('enable_thumbnail'),
            userMetadata: fields.object('user_metadata'),
          },
          now,
        );
        const initial = presignedUrls(
          state,
          session,
          1,
          Math.min(state.config.initialUrls, session.totalChunks),
          now,
        );
        return {
          status: 201,
          body: {
            upload_id: session.uploadId,
            asset_id: session.assetId,
            upload_urls: initial.urls,
            upload_headers: { 'Content-Type': 'application/octet-stream' },
            chunk_size: session.chunkSize,
            total_chunks: session.totalChunks,
            expires_at: iso(session.expiresAt),
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/assets/multipart-uploads',
      scope: 'api',
      errors: 'classic',
      handler: ({ query }) => {
        const request = pageRequest(query);
        const now = state.now();
        const incomplete = newestFirst(
          [...state.uploads.values()].map((session) => ({ session, createdAt: session.createdAt })),
        ).filter(({ session }) => sessionStatus(session, now) !== 'completed');
        const page = paginate(incomplete, request);
        return {
          status: 200,
          body: {
            data: page.items.map(({ session }) => ({
              upload_id: session.uploadId,
              status: sessionStatus(session, now),
              total_size: session.totalSize,
              chunk_size: session.chunkSize,
              total_chunks: session.totalChunks,
              created_at: iso(session.createdAt),
              expires_at: iso(session.expiresAt),
            })),
            page_info: page.page_info,
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/assets/multipart-uploads/{upload_id}',
      scope: 'api',
      errors: 'classic',
      handler: ({ params, query }) => ({
        status: 200,
        body: statusJson(findSession(state, params.upload_id!), query, state.now()),
      }),
    },
    {
      method: 'POST',
      path: '/assets/multipart-uploads/{upload_id}',
      scope: 'api',
      errors: 'classic',
      handler: async ({ params, json }) => {
        const session = findSession(state, params.upload_id!);
        return report(state, session, await json());
      },
    },
    {
      method: 'POST',
      path: '/assets/multipart-uploads/{upload_id}/presigned-urls',
      scope: 'api',
      errors: 'classic',
      handler: async ({ params, json }) => {
        const session = findSession(state, params.upload_id!);
        const fields = new BodyFields(await json());
        const start = fields.integer('start', { required: true, min: 1 });
        const count = fields.integer('count', { required: true, min: 1, max: MAX_URLS_PER_CALL });
        if (start > session.totalChunks) {
          throw invalid('start', `The upload has ${session.totalChunks} chunks.`);
        }
        const now = state.now();
        requireActive(session, now);
        const granted = Math.min(count, session.totalChunks - start + 1);
        const batch = presignedUrls(state, session, start, granted, now);
        return {
          status: 200,
          body: {
            upload_id: session.uploadId,
            start_index: start,
            count: granted,
            upload_urls: batch.urls,
            generated_at: iso(now),
            expires_at: iso(batch.expiresAt),
          },
        };
      },
    },
    {
      method: 'PUT',
      path: '/uploads/{upload_id}/chunks/{chunk_index}',
      scope: 'storage',
      errors: 'xml',
      handler: async ({ req, params, query }) => {
        const uploadId = params.upload_id!;
        const chunkIndex = Number(params.chunk_index);
        const now = state.now();
        const canonical = /^[1-9]\d*$/.test(params.chunk_index!);
        const check = canonical
          ? state.storage.check(ChunkStorage.chunkPath(uploadId, chunkIndex), query, now)
          : 'invalid';
        if (check === 'invalid') {
          throw new EmulatorError(403, 'SignatureDoesNotMatch', 'The request signature does not match.');
        }
        if (check === 'expired') throw new EmulatorError(403, 'AccessDenied', 'Request has expired');
        const session = state.uploads.get(uploadId);
        if (!session || sessionStatus(session, now) !== 'active' || chunkIndex > session.totalChunks) {
          throw new EmulatorError(
            404,
            'NoSuchUpload',
            'The specified upload does not exist or is no longer active.',
          );
        }
        const fail = state.faultRandom() < state.faults.putFail;
        const slow = state.faults.slowChunks && state.faultRandom() < state.faults.slowChunks.rate;
        const bytesPerSecond = slow
          ? state.faults.slowChunks!.bytesPerSecond
          : state.faults.putRateBytesPerSecond;
        const chunk = session.chunks[chunkIndex - 1]!;
        const received = await state.storage.receive(uploadId, chunkIndex, req, {
          bytesPerSecond,
          // Bytes of a reported chunk are frozen: a later PUT is answered but not stored.
          keep: () => !fail && chunk.reportedAt === undefined,
          onBytes: (count) => state.stats.addBytes(count),
        });
        if (fail) {
          throw new EmulatorError(
            500,
            'InternalError',
            'We encountered an internal error. Please try again.',
          );
        }
        if (received.kept) {
          chunk.received = { etag: received.etag, size: received.size, at: state.now() };
          session.updatedAt = state.now();
        }
        return {
          status: 200,
          headers: { ETag: `"${received.etag}"`, 'Access-Control-Expose-Headers': 'ETag' },
        };
      },
    },
    {
      method: 'GET',
      path: '/assets/{asset_id}',
      scope: 'storage',
      errors: 'xml',
      handler: async ({ res, params }) => {
        const asset = state.assets.get(params.asset_id!);
        const session = asset?.uploadId ? state.uploads.get(asset.uploadId) : undefined;
        if (!asset || !session || session.completedAt === undefined || session.seeded) {
          throw new EmulatorError(404, 'NoSuchKey', 'The specified key does not exist.');
        }
        res.writeHead(200, { 'Content-Type': asset.fileType, 'Content-Length': String(session.totalSize) });
        for await (const piece of state.storage.read(session.uploadId, session.totalChunks)) {
          if (!res.write(piece)) await new Promise((resolve) => res.once('drain', resolve));
        }
        res.end();
        return undefined;
      },
    },
  ];
}
