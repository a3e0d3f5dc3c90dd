/** What the headless output tests share: an upload's snapshot and an output whose lines are kept. */
import { HeadlessOutput, type OutputMode } from '../../../src/upload/headless.js';
import type { UploadSnapshot } from '../../../src/upload/types.js';

/** clip.mp4, 100 bytes in 2 chunks, half confirmed, uploading at 10 B/s. */
export function uploadSnapshot(overrides: Partial<UploadSnapshot> = {}): UploadSnapshot {
  return {
    id: 'a1',
    uploadId: 'up1',
    assetId: 'as1',
    filePath: '/videos/clip.mp4',
    fileName: 'clip.mp4',
    type: 'video',
    size: 100,
    chunkSize: 50,
    totalChunks: 2,
    phase: 'uploading',
    chunks: '#.',
    inFlight: [],
    failedChunks: [],
    bytesSent: 60,
    bytesConfirmed: 50,
    speed: 10,
    etaSeconds: 5,
    concurrency: 4,
    maxConcurrency: 4,
    offline: false,
    stalled: false,
    counters: { retries: 1, throttles: 0, urlRefreshes: 2, tailDuplicates: 0 },
    startedAt: 0,
    updatedAt: 0,
    ...overrides,
  };
}

/** A HeadlessOutput whose stdout and stderr writes are collected in `out` and `err`. */
export function capturedOutput(mode: OutputMode, columns?: number) {
  const out: string[] = [];
  const err: string[] = [];
  const output = new HeadlessOutput(
    {
      stdout: { write: (text: string) => out.push(text) },
      stderr: { write: (text: string) => err.push(text), columns },
    },
    mode,
  );
  return { output, out, err };
}
