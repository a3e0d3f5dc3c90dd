import { describe, expect, it } from 'vitest';
import { PollLoop } from '../../../src/store/pollers/loop.js';
import type { Clock } from '../../../src/store/types.js';

/** A clock whose timers fire only when the test advances it. */
function manualClock() {
  let now = 0;
  let nextId = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  const clock: Clock = {
    now: () => now,
    setTimeout(callback, ms) {
      nextId += 1;
      timers.set(nextId, { at: now + ms, callback });
      return nextId;
    },
    clearTimeout: (handle) => timers.delete(handle as number),
    random: () => 0.5,
  };
  return {
    clock,
    pending: () => [...timers.values()].map((timer) => timer.at - now),
    async advance(ms: number) {
      await new Promise((resolve) => setImmediate(resolve));
      now += ms;
      for (const [id, timer] of [...timers]) {
        if (timer.at <= now) {
          timers.delete(id);
          timer.callback();
        }
      }
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

function deferred() {
  let resolve!: (delay: number) => void;
  const promise = new Promise<number>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('PollLoop', () => {
  it('schedules the next run only after the current one completes, and never overlaps', async () => {
    const time = manualClock();
    const runs: ReturnType<typeof deferred>[] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    const loop = new PollLoop(
      time.clock,
      async () => {
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        const run = deferred();
        runs.push(run);
        const delay = await run.promise;
        concurrent -= 1;
        return delay;
      },
      0,
    );
    loop.start();
    await time.advance(0);
    expect(runs).toHaveLength(1);
    loop.poke();
    loop.poke();
    await time.advance(10_000);
    expect(runs).toHaveLength(1);
    expect(time.pending()).toEqual([]);
    runs[0]!.resolve(1_000);
    await time.advance(0);
    // the pokes during the run ask for one more run right after it, not one each
    expect(runs).toHaveLength(2);
    runs[1]!.resolve(1_000);
    await time.advance(0);
    expect(time.pending()).toEqual([1_000]);
    await time.advance(999);
    expect(runs).toHaveLength(2);
    await time.advance(1);
    expect(runs).toHaveLength(3);
    expect(maxConcurrent).toBe(1);
    runs[2]!.resolve(1_000);
    await loop.stop();
  });

  it('spreads delays with jitter, pauses, resumes at once and stops cleanly', async () => {
    const time = manualClock();
    time.clock.random = () => 1;
    let count = 0;
    let aborted = false;
    const loop = new PollLoop(
      time.clock,
      async (signal) => {
        count += 1;
        if (count === 3) {
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
          aborted = signal.aborted;
        }
        return 1_000;
      },
      0.2,
    );
    loop.start();
    await time.advance(0);
    expect(time.pending()).toEqual([1_200]);
    loop.pause();
    expect(time.pending()).toEqual([]);
    await time.advance(5_000);
    expect(count).toBe(1);
    loop.resume();
    await time.advance(0);
    expect(count).toBe(2);
    await time.advance(1_200);
    expect(count).toBe(3);
    await loop.stop();
    expect(aborted).toBe(true);
    expect(time.pending()).toEqual([]);
  });
});
