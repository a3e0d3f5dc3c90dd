import { sleep } from './api-calls.js';

export interface FollowOptions<T> {
  intervalMs: number;
  maxIntervalMs: number;
  signal: AbortSignal;
  /** every answer, in order */
  onAnswer(answer: T): void;
}

/**
 * Reads a resource until its status is `ready` or `failed` and returns that last answer; the
 * wait between reads grows by half each time, up to the maximum.
 */
export async function followToEnd<T extends { status: string }>(
  read: () => Promise<T>,
  options: FollowOptions<T>,
): Promise<T> {
  let interval = options.intervalMs;
  for (;;) {
    const answer = await read();
    options.onAnswer(answer);
    if (answer.status === 'ready' || answer.status === 'failed') return answer;
    await sleep(interval, options.signal);
    interval = Math.min(options.maxIntervalMs, Math.round(interval * 1.5));
  }
}
