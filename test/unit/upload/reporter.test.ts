import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CompletedChunk, ReportChunksResponse } from '../../../src/api/types.js';
import { Reporter } from '../../../src/upload/reporter.js';

function chunk(index: number): CompletedChunk {
  return { chunk_index: index, proof: `etag${index}`, proof_type: 'etag', chunk_size: 5 };
}

function answer(count: number): ReportChunksResponse {
  return { processed_chunks: count, duplicate_chunks: 0, total_completed: count };
}

/** A reporter (batches of 10, flushed after 1 s) whose calls, as chunk indexes, are kept in `calls`. */
function recordingReporter(): { reporter: Reporter; calls: number[][] } {
  const calls: number[][] = [];
  const reporter = new Reporter({
    batch: 10,
    flushMs: 1000,
    send: async (chunks) => {
      calls.push(chunks.map((item) => item.chunk_index));
      return answer(chunks.length);
    },
    onReported: () => undefined,
    onError: () => 'keep',
  });
  return { reporter, calls };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Reporter', () => {
  it('reports every 10 chunks, one call at a time, at most 50 per call, the rest after the flush interval', async () => {
    const { reporter, calls } = recordingReporter();
    for (let index = 1; index <= 75; index++) reporter.enqueue(chunk(index));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((batch) => batch.length)).toEqual([10, 50, 15]);
    for (let index = 76; index <= 78; index++) reporter.enqueue(chunk(index));
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.at(-1)).toEqual([76, 77, 78]);
  });

  it('once finishing, sends whatever is queued without waiting for a batch or the timer', async () => {
    const { reporter, calls } = recordingReporter();
    reporter.enqueue(chunk(1));
    reporter.finishing();
    reporter.enqueue(chunk(2));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([[1], [2]]);
  });

  it('keeps a batch that failed and sends it again after a growing pause; drops it when told to', async () => {
    let fail = 2;
    const sent: number[][] = [];
    const dropped: number[][] = [];
    const reporter = new Reporter({
      batch: 2,
      flushMs: 100,
      send: async (chunks) => {
        if (fail-- > 0) throw new Error('HTTP 500');
        sent.push(chunks.map((item) => item.chunk_index));
        return answer(chunks.length);
      },
      onReported: () => undefined,
      onError: (chunks) => {
        if (chunks[0]!.chunk_index === 3) {
          dropped.push(chunks.map((item) => item.chunk_index));
          return 'drop';
        }
        return 'keep';
      },
    });
    reporter.enqueue(chunk(1));
    reporter.enqueue(chunk(2));
    await vi.advanceTimersByTimeAsync(0);
    expect(reporter.pending).toBe(2);
    await vi.advanceTimersByTimeAsync(100); // first pause: 100 ms, then a second failure
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(199); // second pause: 200 ms
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([[1, 2]]);
    fail = 1;
    reporter.enqueue(chunk(3));
    reporter.enqueue(chunk(4));
    await vi.advanceTimersByTimeAsync(0);
    expect(dropped).toEqual([[3, 4]]);
    expect(reporter.pending).toBe(0);
  });
});
