import type { AssetStatus, AssetType } from '../../api/types.js';
import { iso } from '../clock.js';
import { EmulatorError, notFound } from '../errors.js';
import { pathId, queryChoice, queryList } from '../input.js';
import { pageRequest, paginate } from '../pagination.js';
import type { Route } from '../router.js';
import { type AssetRecord, type EmulatorState, newestFirst } from '../state.js';
import { Timeline } from '../timeline.js';

const MIME_TYPES: Record<string, string> = {
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  mkv: 'video/x-matroska',
  webm: 'video/webm',
  avi: 'video/x-msvideo',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  m4a: 'audio/mp4',
  flac: 'audio/flac',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};
const DEFAULT_MIME: Record<AssetType, string> = {
  video: 'video/mp4',
  audio: 'audio/mpeg',
  image: 'image/jpeg',
};

export function mimeTypeOf(filename: string, type: AssetType): string {
  const extension = filename.split('.').pop()?.toLowerCase() ?? '';
  return MIME_TYPES[extension] ?? DEFAULT_MIME[type];
}

/** A new asset, `processing` until something (an upload's completion) schedules its outcome. */
export function addAsset(
  state: EmulatorState,
  fields: Omit<AssetRecord, 'timeline' | 'fileType'> & { timeline?: Timeline<AssetStatus> },
): AssetRecord {
  const asset: AssetRecord = {
    ...fields,
    fileType: mimeTypeOf(fields.filename, fields.type),
    timeline: fields.timeline ?? Timeline.of<AssetStatus>(fields.createdAt, 'processing'),
  };
  state.assets.set(asset.id, asset);
  return asset;
}

function technicalMetadata(asset: AssetRecord): Record<string, unknown> {
  const common = { file_size_bytes: asset.size, file_mime_type: asset.fileType };
  if (asset.type === 'image') {
    return { ...common, image_width: 1920, image_height: 1080, image_format: asset.fileType.split('/')[1] };
  }
  if (asset.type === 'audio') {
    return {
      ...common,
      audio_codec: 'aac',
      audio_sample_rate: 48000,
      audio_channels: 2,
      audio_duration_seconds: asset.duration,
      has_audio: true,
      total_audio_streams: 1,
      total_video_streams: 0,
    };
  }
  return {
    ...common,
    file_container_format: asset.fileType === 'video/quicktime' ? 'mov' : 'mp4',
    video_codec: 'h264',
    video_width: 1920,
    video_height: 1080,
    video_fps: 29.97,
    video_duration_seconds: asset.duration,
    audio_codec: 'aac',
    audio_sample_rate: 48000,
    audio_channels: 2,
    has_audio: true,
    total_video_streams: 1,
    total_audio_streams: 1,
  };
}

/** `AssetDetail` as the API sends it at `now`. */
export function assetJson(state: EmulatorState, asset: AssetRecord, now: number) {
  const status = asset.timeline.status(now);
  const ready = status === 'ready';
  const mediaUrl = `${state.origin}/_storage/assets/${asset.id}`;
  const derived = (enabled: boolean, url: string, key: string) =>
    enabled
      ? {
          [key]: ready ? url : undefined,
          status: ready ? 'ready' : status === 'failed' ? 'error' : 'processing',
        }
      : undefined;
  return {
    _id: asset.id,
    method: asset.method,
    status,
    filename: asset.filename,
    file_type: asset.fileType,
    created_at: iso(asset.createdAt),
    user_metadata: asset.userMetadata,
    hls: derived(asset.enableHls, `${mediaUrl}/hls/master.m3u8`, 'manifest_url'),
    thumbnail: derived(asset.enableThumbnail, `${mediaUrl}/thumbnail.jpg`, 'representative_url'),
    technical_metadata: status === 'processing' ? undefined : technicalMetadata(asset),
    size: ready ? asset.size : undefined,
    duration: ready && asset.type !== 'image' ? asset.duration : undefined,
    error:
      status === 'failed'
        ? { message: asset.failureMessage ?? 'The asset could not be processed.' }
        : undefined,
  };
}

export function findAsset(state: EmulatorState, id: string, parameter = 'asset_id'): AssetRecord {
  const asset = state.assets.get(pathId(id, parameter));
  if (!asset) throw notFound(id, 'assets');
  return asset;
}

export function assetRoutes(state: EmulatorState): Route[] {
  return [
    {
      method: 'GET',
      path: '/assets',
      scope: 'api',
      errors: 'classic',
      handler: ({ query }) => {
        const request = pageRequest(query);
        const ids = new Set(queryList(query, 'asset_ids'));
        const types = new Set(queryList(query, 'asset_types', ['video', 'audio', 'image'] as const));
        const filename = query.get('filename')?.toLowerCase();
        const matching = newestFirst(state.assets.values()).filter(
          (asset) =>
            (ids.size === 0 || ids.has(asset.id)) &&
            (types.size === 0 || types.has(asset.type)) &&
            (!filename || asset.filename.toLowerCase().includes(filename)),
        );
        const now = state.now();
        const page = paginate(matching, request);
        return {
          status: 200,
          body: { data: page.items.map((asset) => assetJson(state, asset, now)), page_info: page.page_info },
        };
      },
    },
    {
      method: 'GET',
      path: '/assets/{asset_id}',
      scope: 'api',
      errors: 'classic',
      handler: ({ params }) => ({
        status: 200,
        body: assetJson(state, findAsset(state, params.asset_id!), state.now()),
      }),
    },
    {
      method: 'DELETE',
      path: '/assets/{asset_id}',
      scope: 'api',
      errors: 'classic',
      handler: ({ params, query }) => {
        const asset = findAsset(state, params.asset_id!);
        const force = queryChoice(query, 'force', ['true', 'false'] as const) === 'true';
        const references = [...state.indexedAssets.values()].filter((item) => item.assetId === asset.id);
        if (references.length > 0 && !force) {
          throw new EmulatorError(
            409,
            'asset_in_use',
            `The asset ${asset.id} is referenced by ${references.length} indexed asset(s). Set force=true to delete it anyway.`,
          );
        }
        state.assets.delete(asset.id);
        return { status: 204 };
      },
    },
  ];
}
