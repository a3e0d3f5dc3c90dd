import type { AssetStatus, AssetType, TaskStatus } from '../api/types.js';
import { newId } from './ids.js';
import { seededRandom } from './random.js';
import { addAnalyzeTask } from './resources/analyze.js';
import { addAsset } from './resources/assets.js';
import { addEmbedTask, EMBED_V2_FAILURES } from './resources/embed.js';
import { addIndexedAsset } from './resources/indexes.js';
import {
  type AnalyzeTaskRecord,
  DURATIONS,
  type EmulatorState,
  type ErrorReason,
  type UploadSession,
  type VideoMetadata,
} from './state.js';
import { Timeline } from './timeline.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Helpers over a seeded PRNG, so the demo account looks the same on every start. */
function random(seed: number) {
  const next = seededRandom(seed);
  return {
    next,
    between: (min: number, max: number) => min + next() * (max - min),
    int: (min: number, max: number) => Math.floor(min + next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}
type Random = ReturnType<typeof random>;

const VIDEO_NAMES = [
  'q3-keynote-rehearsal',
  'warehouse-cam-03',
  'product-launch-teaser',
  'onboarding-module-2',
  'drone-survey-site-b',
  'customer-interview-acme',
  'all-hands-2026-11',
  'bodycam-unit-17',
  'cooking-demo-pasta',
  'match-highlights-week-12',
  'lecture-linear-algebra-07',
  'dashcam-route-44',
  'ad-spot-holiday-30s',
  'support-screen-recording',
  'town-hall-livestream',
  'factory-line-inspection',
  'wedding-ceremony-cut',
  'podcast-episode-118-video',
];
const AUDIO_NAMES = [
  'customer-call-4512',
  'earnings-call-q3',
  'voice-memo-design-review',
  'podcast-episode-118',
];
const IMAGE_NAMES = ['storyboard-frame', 'product-shot-front', 'whiteboard-photo'];

const TASK_FAILURES: ErrorReason[] = [
  {
    code: 'video_resolution_too_low',
    message: 'The resolution of the video is too low. Minimum is 360x360.',
  },
  {
    code: 'video_duration_too_short',
    message: 'The video is too short. Please use a video with a duration of at least 4 seconds.',
  },
  { code: 'video_file_broken', message: 'Unable to process the video file. The file may be corrupted.' },
  {
    code: 'video_resolution_invalid_aspect_ratio',
    message: 'The aspect ratio of the video is not supported. Use an aspect ratio between 1:1 and 2.4:1.',
  },
  { code: 'usage_limit_exceeded', message: 'Not enough free credit. Please upgrade your plan.' },
  { code: 'video_filesize_too_large', message: 'The video file is too large. The maximum size is 2 GB.' },
];
const ASSET_FAILURES = [
  'The file could not be decoded: unsupported codec (ProRes RAW).',
  'The file is corrupted: the moov atom is missing.',
  'The media could not be played: no video or audio streams were found.',
];
const ANALYZE_FAILURES = [
  'The video could not be processed. Make sure it is between 4 seconds and 2 hours long.',
  'The model could not generate a response for this video. Please try again.',
  'token_limit_exceeded: the prompt and video exceed the model context window.',
];
const PROMPTS = [
  'Summarize this video in five bullet points for an executive audience.',
  'List every product shown on screen with the timestamp it first appears.',
  'Describe the safety incidents visible in this footage, if any.',
  'Write a short chapter list with titles and start times.',
  'What is the overall sentiment of the speakers? Quote the key moments.',
];

function videoMetadata(rng: Random, filename: string): VideoMetadata {
  const [width, height] = rng.pick([
    [1920, 1080],
    [1280, 720],
    [3840, 2160],
    [1080, 1920],
  ] as const);
  const duration = Math.round(rng.between(12, 3600) * 100) / 100;
  return {
    filename,
    duration,
    fps: rng.pick([24, 25, 29.97, 30, 60]),
    width,
    height,
    size: Math.round(duration * rng.between(0.4, 1.2) * 1_000_000),
  };
}

/**
 * A schedule whose end depends on where `now` falls: done items finished in the
 * past, running ones are mid-way and finish minutes of clock from now.
 */
function schedule<S extends string>(createdAt: number, steps: S[], stepMs: number[]): Timeline<S> {
  const [first, ...rest] = steps;
  return Timeline.of<S>(
    createdAt,
    first!,
    ...rest.map((status, index): [S, number] => [status, stepMs[index]!]),
  );
}

function seedIndexes(state: EmulatorState, now: number): string[] {
  const definitions = [
    {
      name: 'product-demos',
      models: [
        ['marengo3.0', ['visual', 'audio']],
        ['pegasus1.2', ['visual', 'audio']],
      ],
      age: 120,
    },
    { name: 'support-calls', models: [['marengo3.0', ['audio']]], age: 60 },
    { name: 'security-footage', models: [['marengo3.0', ['visual']]], age: 30 },
    {
      name: 'marketing-2026',
      models: [
        ['marengo3.0', ['visual', 'audio']],
        ['pegasus1.2', ['visual', 'audio']],
      ],
      age: 9,
    },
  ] as const;
  return definitions.map((definition) => {
    const id = newId();
    state.indexes.set(id, {
      id,
      name: definition.name,
      createdAt: now - definition.age * DAY,
      updatedAt: now - Math.min(definition.age, 2) * DAY,
      models: definition.models.map(([model_name, options]) => ({ model_name, model_options: [...options] })),
      addons: definition.models.length > 1 ? ['thumbnail'] : [],
    });
    return id;
  });
}

function seedTasks(state: EmulatorState, rng: Random, now: number, indexIds: string[]): void {
  const { validating, pending, queued } = DURATIONS.task;
  const steps: TaskStatus[] = ['validating', 'pending', 'queued', 'indexing'];
  for (let i = 0; i < 320; i += 1) {
    const filename = `${rng.pick(VIDEO_NAMES)}-${String(i).padStart(3, '0')}.mp4`;
    const video = videoMetadata(rng, filename);
    const roll = rng.next();
    let createdAt: number;
    let timeline: Timeline<TaskStatus>;
    let errorReason: ErrorReason | undefined;
    if (roll < 0.06) {
      // Still uploading, then every step ahead: these finish 5-15 minutes from now.
      createdAt = now - rng.between(10_000, 2 * MINUTE);
      timeline = schedule(
        createdAt,
        ['uploading', ...steps, 'ready'],
        [rng.between(2, 4) * MINUTE, validating, pending, queued, rng.between(5, 10) * MINUTE],
      );
    } else if (roll < 0.2) {
      // Running now, part-way through one step; every step takes minutes.
      const current = rng.int(0, 3);
      const durations = [rng.between(1, 3), rng.between(1, 2), rng.between(1, 3), rng.between(3, 12)].map(
        (minutes) => minutes * MINUTE,
      );
      const elapsed = durations.slice(0, current).reduce((sum, ms) => sum + ms, 0);
      createdAt = now - elapsed - durations[current]! * rng.between(0.1, 0.8);
      const final: TaskStatus = rng.next() < 0.85 ? 'ready' : 'failed';
      if (final === 'failed') errorReason = rng.pick(TASK_FAILURES);
      timeline = schedule(createdAt, [...steps, final], durations);
    } else {
      createdAt = now - rng.between(HOUR, 6 * DAY);
      const final: TaskStatus = roll < 0.3 ? 'failed' : 'ready';
      if (final === 'failed') errorReason = rng.pick(TASK_FAILURES);
      timeline = schedule(createdAt, [...steps, final], [validating, pending, queued, video.duration * 150]);
    }
    const id = newId();
    state.tasks.set(id, {
      id,
      videoId: newId(),
      indexId: rng.pick(indexIds),
      createdAt,
      timeline,
      video,
      errorReason,
      enableVideoStream: rng.next() < 0.7,
    });
  }
}

function seedAssets(state: EmulatorState, rng: Random, now: number): string[] {
  const readyVideos: string[] = [];
  for (let i = 0; i < 60; i += 1) {
    const type: AssetType = i % 10 === 7 ? 'audio' : i % 15 === 4 ? 'image' : 'video';
    const base = rng.pick(type === 'audio' ? AUDIO_NAMES : type === 'image' ? IMAGE_NAMES : VIDEO_NAMES);
    const extension = type === 'audio' ? 'mp3' : type === 'image' ? 'png' : rng.pick(['mp4', 'mov']);
    const createdAt = now - rng.between(HOUR, 6 * DAY);
    const failed = rng.next() < 0.08;
    const size = type === 'image' ? rng.int(200_000, 8_000_000) : rng.int(20_000_000, 3_000_000_000);
    const asset = addAsset(state, {
      id: newId(),
      method: size > 200_000_000 ? 'multipart' : rng.pick(['direct', 'url'] as const),
      type,
      filename: `${base}-${i}.${extension}`,
      createdAt,
      enableHls: type === 'video' && rng.next() < 0.5,
      enableThumbnail: type !== 'audio' && rng.next() < 0.6,
      size,
      duration: type === 'image' ? undefined : Math.round(size / 2_500_000),
      failureMessage: failed ? rng.pick(ASSET_FAILURES) : undefined,
      userMetadata:
        rng.next() < 0.3
          ? { project: rng.pick(['apollo', 'zephyr', 'atlas']), reviewed: rng.next() < 0.5 }
          : undefined,
      timeline: Timeline.of<AssetStatus>(createdAt, 'processing', [
        failed ? 'failed' : 'ready',
        rng.between(20_000, 5 * MINUTE),
      ]),
    });
    if (!failed && type === 'video') readyVideos.push(asset.id);
  }
  return readyVideos;
}

function seedSession(
  state: EmulatorState,
  rng: Random,
  fields: {
    filename: string;
    totalSize: number;
    createdAt: number;
    reportedFraction: number;
    failedChunks?: number;
    failed?: boolean;
  },
): UploadSession {
  const chunkSize = Math.max(state.config.chunkSize, Math.ceil(fields.totalSize / 10_000));
  const totalChunks = Math.ceil(fields.totalSize / chunkSize);
  const reported = Math.floor(totalChunks * fields.reportedFraction);
  const session: UploadSession = {
    uploadId: newId(),
    assetId: newId(),
    filename: fields.filename,
    type: 'video',
    totalSize: fields.totalSize,
    chunkSize,
    totalChunks,
    createdAt: fields.createdAt,
    updatedAt: fields.createdAt + rng.between(MINUTE, 30 * MINUTE),
    expiresAt: fields.createdAt + DURATIONS.sessionLifetime,
    chunks: Array.from({ length: totalChunks }, (_, index) => {
      const at = fields.createdAt + (index + 1) * 2_000;
      if (index < reported)
        return { received: { etag: newId().padEnd(32, '0'), size: chunkSize, at }, reportedAt: at };
      if (index < reported + (fields.failedChunks ?? 0)) {
        return { failure: { message: 'proof does not match the uploaded data', at } };
      }
      return {};
    }),
    reportedCount: reported,
    failedAt: fields.failed ? fields.createdAt + 40 * MINUTE : undefined,
    seeded: true,
  };
  state.uploads.set(session.uploadId, session);
  addAsset(state, {
    id: session.assetId,
    method: 'multipart',
    type: 'video',
    filename: fields.filename,
    createdAt: fields.createdAt,
    enableHls: false,
    enableThumbnail: true,
    uploadId: session.uploadId,
    failureMessage: fields.failed ? 'The upload failed before all chunks were received.' : undefined,
    timeline: fields.failed
      ? Timeline.of<AssetStatus>(fields.createdAt, 'processing', ['failed', 40 * MINUTE])
      : undefined,
  });
  return session;
}

function seedUploads(state: EmulatorState, rng: Random, now: number): void {
  seedSession(state, rng, {
    filename: 'conference-day-2-full.mp4',
    totalSize: 3_400_000_000,
    createdAt: now - 3 * HOUR,
    reportedFraction: 0.62,
    failedChunks: 3,
  });
  seedSession(state, rng, {
    filename: 'raw-footage-camera-a.mov',
    totalSize: 1_250_000_000,
    createdAt: now - 20 * MINUTE,
    reportedFraction: 0.15,
  });
  seedSession(state, rng, {
    filename: 'training-series-ep4.mp4',
    totalSize: 820_000_000,
    createdAt: now - 5 * HOUR,
    reportedFraction: 0.4,
    failed: true,
  });
  seedSession(state, rng, {
    filename: 'archive-2019-tape-12.mp4',
    totalSize: 2_100_000_000,
    createdAt: now - 30 * HOUR,
    reportedFraction: 0.8,
  });
  seedSession(state, rng, {
    filename: 'old-webinar-recording.mp4',
    totalSize: 640_000_000,
    createdAt: now - 50 * HOUR,
    reportedFraction: 0.1,
  });
}

function seedIndexedAssets(
  state: EmulatorState,
  rng: Random,
  now: number,
  indexIds: string[],
  assetIds: string[],
): void {
  for (let i = 0; i < 40; i += 1) {
    const asset = state.assets.get(rng.pick(assetIds))!;
    const running = rng.next() < 0.25;
    addIndexedAsset(state, {
      indexId: rng.pick(indexIds),
      assetId: asset.id,
      createdAt: running ? now - rng.between(5_000, 60_000) : now - rng.between(HOUR, 5 * DAY),
      video: { ...videoMetadata(rng, asset.filename), size: asset.size ?? 0 },
      outcome: rng.next() < 0.1 ? rng.pick(TASK_FAILURES) : undefined,
    });
  }
}

function addDemoEmbedding(
  state: EmulatorState,
  rng: Random,
  createdAt: number,
  assetIds: string[],
  item: { version: 'v1' | 'v2'; running: boolean; failed?: boolean },
): void {
  const asset = item.version === 'v2' && rng.next() < 0.5 ? state.assets.get(rng.pick(assetIds)) : undefined;
  const filename = `${rng.pick(VIDEO_NAMES)}-${Math.floor(createdAt / 1000) % 100_000}.mp4`;
  addEmbedTask(state, {
    version: item.version,
    modelName: item.version === 'v1' ? 'marengo3.0' : rng.pick(['marengo3.0', 'marengo3.5']),
    inputType: item.version === 'v2' && rng.next() < 0.2 ? 'audio' : 'video',
    createdAt,
    processingMs: item.running ? rng.between(2, 8) * MINUTE : rng.between(MINUTE, 10 * MINUTE),
    source: asset
      ? { assetId: asset.id, filename: asset.filename }
      : rng.next() < 0.5
        ? { url: `https://media.example.com/library/${filename}` }
        : { filename },
    duration: Math.round(rng.between(20, 90)),
    clipLength: 6,
    options: item.version === 'v1' ? ['visual-text', 'audio'] : ['visual', 'audio'],
    scopes: ['clip', 'asset'],
    failureMessage: item.failed ? rng.pick(EMBED_V2_FAILURES) : undefined,
  });
}

function seedEmbeddings(state: EmulatorState, rng: Random, now: number, assetIds: string[]): void {
  for (let i = 0; i < 70; i += 1) {
    const running = i % 5 === 0 || i % 5 === 1;
    const createdAt = running ? now - rng.between(5_000, 60_000) : now - rng.between(HOUR, 6 * DAY);
    addDemoEmbedding(state, rng, createdAt, assetIds, {
      version: i % 2 === 0 ? 'v1' : 'v2',
      running,
      failed: i % 8 === 3 || i % 8 === 6,
    });
  }
}

const ANALYSIS_TEXT = [
  '- The speaker introduces the quarterly roadmap (00:00:12).',
  '- A live demo shows the new upload dashboard (00:04:31).',
  '- Customers ask about pricing and limits (00:11:05).',
  '- Action items are assigned to three teams (00:18:40).',
  '- The session closes with a Q&A recap (00:22:10).',
].join('\n');

function addDemoAnalysis(
  state: EmulatorState,
  rng: Random,
  createdAt: number,
  assetIds: string[],
  item: { running: boolean; failed?: boolean; customId?: string },
): void {
  const maxTokens = rng.pick([512, 2048, 4096]);
  const outputTokens = rng.int(120, 700);
  const duration = Math.round(rng.between(30, 1800));
  const webhook = rng.next() < 0.4;
  const hooks = demoWebhooks(rng.next());
  addAnalyzeTask(state, {
    customId: item.customId ?? null,
    createdAt,
    processingMs: item.running ? rng.between(2, 6) * MINUTE : rng.between(MINUTE, 5 * MINUTE),
    source:
      rng.next() < 0.6
        ? { type: 'asset_id', assetId: rng.pick(assetIds), duration }
        : { type: 'url', url: `https://media.example.com/library/${rng.pick(VIDEO_NAMES)}.mp4`, duration },
    prompt: rng.pick(PROMPTS),
    temperature: 0.2,
    maxTokens,
    resultText: ANALYSIS_TEXT,
    finishReason: outputTokens > maxTokens ? 'length' : 'stop',
    usage: { output_tokens: Math.min(outputTokens, maxTokens), input_tokens: rng.int(1500, 9000) },
    failureMessage: item.failed ? rng.pick(ANALYZE_FAILURES) : undefined,
    webhooks: webhook ? hooks : [],
  });
}

const HOOK_URL = 'https://hooks.example.com/twelvelabs/analyze';
/** A receiver whose URL carries a token in its query (clients must not show it). */
const TOKEN_HOOK_URL = 'https://ops.example.net/tl-callback?token=whsec_demo_7f3a9c21';

/**
 * Webhook endpoints of a demo analysis, as they stand once every delivery attempt was made
 * (the emulator replays the attempts on its clock): delivered at once, delivered after
 * retries, one of two failing, or failing alone.
 */
function demoWebhooks(draw: number): AnalyzeTaskRecord['webhooks'] {
  if (draw < 0.45) return [{ url: HOOK_URL, delivered: true, attempts: 1 }];
  if (draw < 0.65)
    return [{ url: HOOK_URL, delivered: true, attempts: 3, last_error: 'HTTP 503 Service Unavailable' }];
  if (draw < 0.85)
    return [
      { url: HOOK_URL, delivered: true, attempts: 1 },
      { url: TOKEN_HOOK_URL, delivered: false, attempts: 5, last_error: 'HTTP 401 Unauthorized: bad token' },
    ];
  return [{ url: HOOK_URL, delivered: false, attempts: 5, last_error: 'connect ETIMEDOUT 203.0.113.7:443' }];
}

function seedAnalyses(state: EmulatorState, rng: Random, now: number, assetIds: string[]): void {
  for (let i = 0; i < 45; i += 1) {
    const running = i % 5 === 0;
    const createdAt = running ? now - rng.between(2_000, 30_000) : now - rng.between(HOUR, 6 * DAY);
    addDemoAnalysis(state, rng, createdAt, assetIds, {
      running,
      failed: i % 7 === 3,
      customId: rng.next() < 0.5 ? `job-${1000 + i}` : undefined,
    });
  }
}

/** One new item of demo work created at `at` (emulator clock). */
type Arrival = (at: number) => void;

/**
 * New work arriving on the emulator clock, so a long-running demo keeps moving:
 * a video indexing task every 40 s, an analysis every 2 min, an embedding every
 * 3 min. Items are made lazily when a request comes in; after a big clock jump
 * only the last 30 minutes of arrivals are made.
 */
class DemoActivity {
  private readonly streams: { everyMs: number; next: number; arrive: Arrival }[];

  constructor(start: number, streams: { everyMs: number; arrive: Arrival }[]) {
    this.streams = streams.map((stream) => ({ ...stream, next: start + stream.everyMs }));
  }

  catchUp(now: number): void {
    for (const stream of this.streams) {
      if (stream.next < now - 30 * MINUTE) {
        stream.next += Math.floor((now - 30 * MINUTE - stream.next) / stream.everyMs + 1) * stream.everyMs;
      }
      while (stream.next <= now) {
        stream.arrive(stream.next);
        stream.next += stream.everyMs;
      }
    }
  }
}

function newTask(state: EmulatorState, rng: Random, indexIds: string[], at: number): void {
  const { validating, pending, queued } = DURATIONS.task;
  const video = videoMetadata(rng, `${rng.pick(VIDEO_NAMES)}-${Math.floor(at / 1000) % 100_000}.mp4`);
  const failed = rng.next() < 0.1;
  const id = newId();
  state.tasks.set(id, {
    id,
    videoId: newId(),
    indexId: rng.pick(indexIds),
    createdAt: at,
    video,
    errorReason: failed ? rng.pick(TASK_FAILURES) : undefined,
    enableVideoStream: true,
    timeline: schedule(
      at,
      ['validating', 'pending', 'queued', 'indexing', failed ? 'failed' : 'ready'],
      [validating, pending, queued + state.heldMs(), rng.between(2, 5) * MINUTE],
    ),
  });
}

/**
 * The `demo` seed: a realistic account. Items in every status; the running ones
 * finish minutes of emulator clock from start, so tests and the dashboard can
 * watch them move. With `activity`, new work keeps arriving (see DemoActivity).
 */
export function seedDemo(state: EmulatorState, options: { activity?: boolean } = {}): void {
  const rng = random(20261123);
  const now = state.now();
  const indexIds = seedIndexes(state, now);
  const readyVideos = seedAssets(state, rng, now);
  seedUploads(state, rng, now);
  seedTasks(state, rng, now, indexIds);
  seedIndexedAssets(state, rng, now, indexIds, readyVideos);
  seedEmbeddings(state, rng, now, readyVideos);
  seedAnalyses(state, rng, now, readyVideos);
  if (!options.activity) return;
  const activity = new DemoActivity(now, [
    { everyMs: 40_000, arrive: (at) => newTask(state, rng, indexIds, at) },
    { everyMs: 2 * MINUTE, arrive: (at) => addDemoAnalysis(state, rng, at, readyVideos, { running: true }) },
    {
      everyMs: 3 * MINUTE,
      arrive: (at) => addDemoEmbedding(state, rng, at, readyVideos, { version: 'v2', running: true }),
    },
  ]);
  state.beforeRequest = (at) => activity.catchUp(at);
}
