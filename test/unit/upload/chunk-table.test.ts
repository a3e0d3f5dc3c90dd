import { describe, expect, it } from 'vitest';
import { ChunkTable } from '../../../src/upload/chunk-table.js';

describe('ChunkTable', () => {
  it('sizes chunks from the file and chunk size, the last one short', () => {
    const table = new ChunkTable(10 * 1024 + 5, 1024, 11);
    expect(table.get(1).size).toBe(1024);
    expect(table.get(11).size).toBe(5);
    expect(table.offset(11)).toBe(10 * 1024);
    expect(() => table.get(12)).toThrow(RangeError);
  });

  it('hands out the lowest ready chunk: retries due now come before fresh chunks above them', () => {
    const table = new ChunkTable(8, 1, 8);
    const now = 1000;
    for (let taken = 0; taken < 3; taken++) table.take(table.nextReady(now)!);
    expect(table.nextReady(now)!.index).toBe(4);
    table.requeue(table.get(2), now + 500, now); // backoff
    expect(table.nextReady(now)!.index).toBe(4);
    expect(table.nextDue()).toBe(1500);
    expect(table.nextReady(now + 500)!.index).toBe(2);
    table.requeue(table.get(1), now, now); // ready at once
    expect(table.nextReady(now)!.index).toBe(1);
  });

  it('keeps counts, bytes and the state string in step, and never hands out a confirmed chunk', () => {
    const table = new ChunkTable(10, 4, 3);
    const first = table.nextReady(0)!;
    table.take(first);
    expect(table.stateString()).toBe('>..');
    table.setPhase(first, 'confirmed');
    table.take(table.nextReady(0)!);
    table.setPhase(table.get(2), 'failed');
    expect(table.stateString()).toBe('#!.');
    expect(table.confirmedBytes).toBe(4);
    expect(table.failedCount).toBe(1);
    expect(table.nextReady(0)!.index).toBe(3);
    table.take(table.get(3));
    table.setPhase(table.get(3), 'confirmed');
    expect(table.nextReady(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(table.freshExhausted).toBe(true);
    expect(table.failed()).toEqual([{ index: 2, error: 'failed', attempts: 0 }]);
  });

  it('reports bytes in flight from the furthest attempt of each chunk', () => {
    const table = new ChunkTable(100, 50, 2);
    const chunk = table.nextReady(0)!;
    table.take(chunk);
    const attempt = {
      index: 1,
      number: 1,
      controller: new AbortController(),
      startedAt: 0,
      duplicate: false,
      probe: false,
    };
    chunk.live.add({ ...attempt, sent: 30 });
    chunk.live.add({ ...attempt, sent: 10, duplicate: true });
    expect(table.inFlightBytes()).toBe(30);
    expect(table.inFlight()).toEqual([{ index: 1, bytesSent: 30, attempt: 1 }]);
  });
});
