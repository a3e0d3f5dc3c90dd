import { describe, expect, it } from 'vitest';
import { HEARTBEAT_MS, PlainProgressGate } from '../../../src/upload/plain-progress.js';
import type { UploadSnapshot } from '../../../src/upload/types.js';
import { capturedOutput, uploadSnapshot } from './output-fixtures.js';

/** clip.mp4, 1000 bytes in 10 chunks, nothing sent yet, at 100 B/s. */
function snapshot(overrides: Partial<UploadSnapshot> = {}): UploadSnapshot {
  return uploadSnapshot({
    size: 1000,
    chunkSize: 100,
    totalChunks: 10,
    chunks: '..........',
    bytesSent: 0,
    bytesConfirmed: 0,
    speed: 100,
    etaSeconds: 10,
    counters: { retries: 0, throttles: 0, urlRefreshes: 0, tailDuplicates: 0 },
    ...overrides,
  });
}

describe('--progress plain', () => {
  it('prints a progress line per 10% step at most once a second, and a heartbeat when nothing moves', () => {
    const gate = new PlainProgressGate();
    const printedAt: number[] = [];
    // 1% every 100 ms: 100 snapshots over 10 s
    for (let percent = 0; percent <= 100; percent++) {
      const now = percent * 100;
      const lines = gate.next(snapshot({ bytesConfirmed: percent * 10 }), now);
      if (lines.some((line) => line.kind === 'progress')) printedAt.push(percent);
    }
    expect(printedAt).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);

    // a stuck upload: one line every HEARTBEAT_MS, not one per snapshot
    const stuck = new PlainProgressGate();
    let lines = 0;
    for (let now = 0; now <= 3 * HEARTBEAT_MS; now += 100) {
      lines += stuck.next(snapshot({ bytesConfirmed: 420 }), now).length;
    }
    expect(lines).toBe(4);

    // fast progress: 0 -> 100% within one second gives one line, then the next after the gap
    const fast = new PlainProgressGate();
    const fastLines = [0, 200, 400, 600, 800, 1000].map(
      (now) => fast.next(snapshot({ bytesConfirmed: now }), now).length,
    );
    expect(fastLines).toEqual([1, 0, 0, 0, 0, 1]);
  });

  it('writes every change of state, never a carriage return or an escape sequence', () => {
    const { output, err, out } = capturedOutput('plain');
    const evil = { filePath: '/videos/\x1b[31mred\r.mp4', fileName: '\x1b[31mred\r.mp4' };
    output.event({ type: 'started', id: 'a1', snapshot: snapshot({ ...evil, phase: 'creating' }) });
    output.progress([snapshot({ ...evil, phase: 'creating' })]);
    output.progress([snapshot({ ...evil, bytesConfirmed: 500 })]);
    output.progress([snapshot({ ...evil, bytesConfirmed: 500, offline: true })]);
    output.event({ type: 'chunk_failed', id: 'a1', chunk: { index: 7, error: 'HTTP 500', attempts: 6 } });
    output.progress([snapshot({ ...evil, bytesConfirmed: 500, offline: false })]);
    output.progress([snapshot({ ...evil, bytesConfirmed: 1000, phase: 'reporting' })]);
    output.event({
      type: 'done',
      id: 'a1',
      snapshot: snapshot({ ...evil, phase: 'done', assetStatus: 'ready' }),
    });
    const text = err.join('');
    expect(text).not.toMatch(/[\r\x1b]/);
    expect(out.join('')).not.toMatch(/[\r\x1b]/);
    expect(text.trimEnd().split('\n')).toEqual([
      'started /videos/red.mp4 (upload up1; 1000 B, 10 chunks)',
      'red.mp4  50%  500 B/1000 B  100 B/s  ETA 10s',
      'red.mp4: offline, probing the API',
      'red.mp4: chunk 7 failed: HTTP 500',
      'red.mp4: back online',
      'red.mp4: every chunk sent, reporting the last ones',
    ]);
    expect(out).toEqual(['ready\tas1\t/videos/red.mp4\n']);
  });

  it('none: state changes and results, no progress lines', () => {
    const { output, err, out } = capturedOutput('none');
    output.progress([snapshot({ bytesConfirmed: 0 })]);
    output.progress([snapshot({ bytesConfirmed: 900, stalled: true })]);
    output.event({ type: 'done', id: 'a1', snapshot: snapshot({ phase: 'done', assetStatus: 'ready' }) });
    expect(err).toEqual(['clip.mp4: stalled\n']);
    expect(out).toEqual(['ready\tas1\t/videos/clip.mp4\n']);
  });
});
