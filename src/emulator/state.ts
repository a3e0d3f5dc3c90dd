import type {
  AnalyzeStatus,
  AssetStatus,
  AssetType,
  EmbedStatus,
  IndexedAssetStatus,
  TaskStatus,
} from '../api/types.js';
import type { EmulatorClock } from './clock.js';
import type { Faults } from './faults.js';
import { seededRandom } from './random.js';
import type { Stats } from './stats.js';
import type { ChunkStorage } from './storage.js';
import type { Timeline } from './timeline.js';

/** How long each state machine step takes, in emulator milliseconds. */
export const DURATIONS = {
  sessionLifetime: 24 * 3_600_000,
  assetProcessing: 20_000,
  task: { validating: 5_000, pending: 10_000, queued: 15_000 },
  indexedAsset: { pending: 10_000, queued: 15_000, indexing: 90_000 },
  embed: 60_000,
  analyze: { queued: 5_000, pending: 10_000, processing: 60_000 },
} as const;

export interface ChunkState {
  /** The latest complete PUT of this chunk. */
  received?: { etag: string; size: number; at: number };
  reportedAt?: number;
  failure?: { message: string; at: number };
}

export interface UploadSession {
  uploadId: string;
  assetId: string;
  filename: string;
  type: AssetType;
  totalSize: number;
  chunkSize: number;
  totalChunks: number;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
  chunks: ChunkState[];
  reportedCount: number;
  completedAt?: number;
  failedAt?: number;
  /** Seeded sessions have no chunk bytes on disk. */
  seeded?: boolean;
}

export interface AssetRecord {
  id: string;
  method: 'direct' | 'url' | 'multipart';
  type: AssetType;
  filename: string;
  fileType: string;
  createdAt: number;
  timeline: Timeline<AssetStatus>;
  userMetadata?: Record<string, unknown>;
  enableHls: boolean;
  enableThumbnail: boolean;
  size?: number;
  duration?: number;
  failureMessage?: string;
  uploadId?: string;
  /** Size and SHA-256 of the uploaded bytes, computed on first request (by streaming the chunk files). */
  digest?: () => Promise<{ size: number; sha256: string }>;
}

export interface ErrorReason {
  code: string;
  message: string;
}

export interface VideoMetadata {
  filename: string;
  duration: number;
  width: number;
  height: number;
  fps: number;
  size: number;
}

export interface TaskRecord {
  id: string;
  videoId: string;
  indexId: string;
  createdAt: number;
  timeline: Timeline<TaskStatus>;
  video: VideoMetadata;
  errorReason?: ErrorReason;
  enableVideoStream: boolean;
  /** Created alongside an indexed asset (counted once in the index's totals). */
  mirrorsIndexedAsset?: boolean;
}

export interface IndexRecord {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  models: { model_name: string; model_options: string[] }[];
  addons: string[];
}

export interface IndexedAssetRecord {
  id: string;
  indexId: string;
  assetId: string;
  createdAt: number;
  timeline: Timeline<IndexedAssetStatus>;
  video: VideoMetadata;
  userMetadata?: Record<string, unknown>;
  errorReason?: ErrorReason;
}

export interface EmbedTaskRecord {
  id: string;
  version: 'v1' | 'v2';
  modelName: string;
  inputType: 'video' | 'audio';
  createdAt: number;
  timeline: Timeline<EmbedStatus>;
  source: { url?: string; filename?: string; assetId?: string };
  duration: number;
  clipLength: number;
  options: string[];
  scopes: string[];
  failureMessage?: string;
}

export interface AnalyzeTaskRecord {
  id: string;
  customId: string | null;
  createdAt: number;
  timeline: Timeline<AnalyzeStatus>;
  source: {
    type: 'url' | 'asset_id' | 'video_id' | 'base64_string';
    url?: string;
    assetId?: string;
    duration: number;
  };
  prompt: string;
  temperature: number;
  maxTokens: number;
  resultText: string;
  finishReason: 'stop' | 'length';
  usage: { output_tokens: number; input_tokens: number };
  failureMessage?: string;
  webhooks: { url: string; delivered: boolean; attempts: number; last_error?: string }[];
}

export interface EmulatorConfig {
  chunkSize: number;
  /** How many presigned URLs the create call returns up front. */
  initialUrls: number;
  apiKey?: string;
}

/** Every resource the emulator holds, plus what handlers share (clock, storage, faults). */
export class EmulatorState {
  readonly uploads = new Map<string, UploadSession>();
  readonly assets = new Map<string, AssetRecord>();
  readonly tasks = new Map<string, TaskRecord>();
  readonly indexes = new Map<string, IndexRecord>();
  readonly indexedAssets = new Map<string, IndexedAssetRecord>();
  readonly embedTasks = new Map<string, EmbedTaskRecord>();
  readonly analyzeTasks = new Map<string, AnalyzeTaskRecord>();
  origin = '';
  /** Runs before every API request (the demo seed's arriving work). */
  beforeRequest: ((now: number) => void) | undefined;
  private currentFaults: Faults;
  /** Where fault decisions draw from: Math.random, or a seeded generator. */
  faultRandom: () => number = Math.random;
  /** End of the outage the current faults started (emulator ms), if any. */
  outageEndsAt: number | undefined;

  constructor(
    readonly clock: EmulatorClock,
    readonly storage: ChunkStorage,
    readonly config: EmulatorConfig,
    readonly stats: Stats,
    faults: Faults,
  ) {
    this.currentFaults = faults;
    this.faults = faults;
  }

  get faults(): Faults {
    return this.currentFaults;
  }

  /** Replaces the faults; an `outage` starts now, a `random-seed` restarts its sequence. */
  set faults(faults: Faults) {
    this.currentFaults = faults;
    this.faultRandom = faults.randomSeed === undefined ? Math.random : seededRandom(faults.randomSeed);
    this.outageEndsAt = faults.outageMs > 0 ? this.now() + faults.outageMs : undefined;
  }

  now(): number {
    return this.clock.now();
  }

  /** Extra time new work waits in its queue under the `hold` fault (0 for most work, or always without it). */
  heldMs(): number {
    const hold = this.currentFaults.hold;
    if (!hold || hold.rate <= 0) return 0;
    return this.faultRandom() < hold.rate ? hold.ms : 0;
  }

  /**
   * Minutes of video the account has indexed or queued for indexing (what the `usage-limit`
   * fault's credit is spent on): tasks and indexed assets that did not fail, each video once.
   */
  usedMinutes(now: number): number {
    let seconds = 0;
    for (const task of this.tasks.values()) {
      if (!task.mirrorsIndexedAsset && task.timeline.status(now) !== 'failed') seconds += task.video.duration;
    }
    for (const item of this.indexedAssets.values()) {
      if (item.timeline.status(now) !== 'failed') seconds += item.video.duration;
    }
    return seconds / 60;
  }
}

/** Newest first by creation time, the API's default order. */
export function newestFirst<T extends { createdAt: number }>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) => b.createdAt - a.createdAt);
}
