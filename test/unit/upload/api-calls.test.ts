import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/api/errors.js';
import { withApiRetries } from '../../../src/upload/api-calls.js';
import { DEFAULT_POLICY } from '../../../src/upload/policy.js';

const policy = { ...DEFAULT_POLICY, backoffBaseMs: 1, backoffCapMs: 2, retryAfterMinMs: 1 };

function throttled(retryAfterMs: number): ApiError {
  return new ApiError({
    kind: 'http',
    code: 'too_many_requests',
    message: '429 slow down',
    retryable: true,
    status: 429,
    retryAfterMs,
  });
}

describe('withApiRetries', () => {
  it('retries retryable errors up to the attempt limit, honouring a short Retry-After and counting throttles', async () => {
    let calls = 0;
    const throttles: number[] = [];
    const result = await withApiRetries(
      async () => {
        calls += 1;
        if (calls < 3) throw throttled(5);
        return 'ok';
      },
      { policy, signal: new AbortController().signal, onThrottle: (wait) => throttles.push(wait) },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(throttles).toEqual([5, 5]);
  });

  it('throws at once on a non-retryable error, after the attempts run out, or when asked to wait too long', async () => {
    const signal = new AbortController().signal;
    const refused = new ApiError({
      kind: 'http',
      code: 'api_key_invalid',
      message: '401',
      retryable: false,
      status: 401,
    });
    let calls = 0;
    await expect(
      withApiRetries(
        async () => {
          calls += 1;
          throw refused;
        },
        { policy, signal },
      ),
    ).rejects.toBe(refused);
    expect(calls).toBe(1);

    calls = 0;
    await expect(
      withApiRetries(
        async () => {
          calls += 1;
          throw throttled(1);
        },
        { policy, signal, attempts: 3 },
      ),
    ).rejects.toMatchObject({ status: 429 });
    expect(calls).toBe(3);

    calls = 0;
    const tooLong = throttled(999_999_000);
    await expect(
      withApiRetries(
        async () => {
          calls += 1;
          throw tooLong;
        },
        { policy, signal, maxRetryAfterMs: 30_000 },
      ),
    ).rejects.toBe(tooLong);
    expect(calls).toBe(1);
  });
});
