import { describe, expect, it } from 'vitest';
import { capturedOutput, uploadSnapshot } from './output-fixtures.js';

describe('HeadlessOutput', () => {
  it('writes one JSON object per line, ending each file with a done line', () => {
    const { output, out, err } = capturedOutput('json');
    output.event({ type: 'started', id: 'a1', snapshot: uploadSnapshot() });
    output.progress([uploadSnapshot()]);
    output.event({
      type: 'chunk_failed',
      id: 'a1',
      chunk: { index: 2, error: 'HTTP 500 from storage', attempts: 6 },
    });
    output.event({ type: 'uploaded', id: 'a1', snapshot: uploadSnapshot({ phase: 'waiting_asset' }) });
    output.event({
      type: 'ready',
      id: 'a1',
      snapshot: uploadSnapshot({ phase: 'waiting_asset', assetStatus: 'ready' }),
    });
    output.event({
      type: 'done',
      id: 'a1',
      snapshot: uploadSnapshot({ phase: 'done', assetStatus: 'ready' }),
    });
    const lines = out
      .join('')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.event)).toEqual([
      'started',
      'progress',
      'chunk_failed',
      'uploaded',
      'ready',
      'done',
    ]);
    expect(lines[1]).toMatchObject({
      bytes_sent: 60,
      bytes_confirmed: 50,
      chunks_confirmed: 1,
      total_chunks: 2,
    });
    expect(lines[2]).toEqual({
      event: 'chunk_failed',
      file: '/videos/clip.mp4',
      upload_id: 'up1',
      chunk: 2,
      attempts: 6,
      error: 'HTTP 500 from storage',
    });
    expect(lines.at(-1)).toEqual({
      event: 'done',
      file: '/videos/clip.mp4',
      upload_id: 'up1',
      asset_id: 'as1',
      status: 'ready',
      retries: 1,
      url_refreshes: 2,
      throttles: 0,
      tail_duplicates: 0,
    });
    expect(output.outcome('a1')).toBe('ready');
    expect(err).toEqual([]);
  });

  it('says how to continue a paused upload, and gives failures their reason', () => {
    const { output, out, err } = capturedOutput('plain');
    output.event({
      type: 'paused',
      id: 'a1',
      snapshot: uploadSnapshot({ phase: 'paused', lastError: '2 chunks failed; retry to send them again' }),
    });
    output.event({
      type: 'expired',
      id: 'b2',
      snapshot: uploadSnapshot({
        id: 'b2',
        phase: 'expired',
        filePath: '/videos/old.mp4',
        lastError: 'upload session up9 expired',
      }),
    });
    output.event({ type: 'done', id: 'c3', snapshot: uploadSnapshot({ id: 'c3', phase: 'done' }) });
    expect(err).toEqual([
      'tltop: /videos/clip.mp4 paused: 2 chunks failed; retry to send them again; continue with: tltop resume up1\n',
      'tltop: /videos/old.mp4 expired: upload session up9 expired\n',
    ]);
    expect(out).toEqual(['uploaded\tas1\t/videos/clip.mp4\n']);
    expect([output.outcome('a1'), output.outcome('b2'), output.outcome('c3')]).toEqual([
      'paused',
      'failed',
      'uploaded',
    ]);
  });

  it('on a terminal, redraws one progress line per moving upload in place and clears it before other lines', () => {
    const { output, out, err } = capturedOutput('tty', 100);
    output.progress([uploadSnapshot()]);
    output.progress([uploadSnapshot({ bytesConfirmed: 100, bytesSent: 100, chunks: '##' })]);
    output.event({
      type: 'done',
      id: 'a1',
      snapshot: uploadSnapshot({ phase: 'done', assetStatus: 'ready' }),
    });
    expect(err[0]).toMatch(/^clip\.mp4 {2}\[#{12}>{2}\.{10}\] {2}50% {2}50 B\/100 B {2}10 B\/s {2}ETA 5s\n$/);
    expect(err[1]).toBe('\x1b[1A\x1b[0J');
    expect(err[2]).toMatch(/\[#{24}\] 100%/);
    const narrow = capturedOutput('tty', 30);
    narrow.output.progress([uploadSnapshot()]);
    expect(narrow.err).toEqual(['clip.mp4  [############>>...…\n']); // 29 columns, the last one free
    // the result line goes to stdout after the block is cleared; nothing is redrawn for a finished upload
    expect(err.at(-1)).toBe('\x1b[1A\x1b[0J');
    expect(out).toEqual(['ready\tas1\t/videos/clip.mp4\n']);
  });
});
