import { describe, expect, it } from 'vitest';
import { runBounded } from '../../../src/store/triage/bounded.js';
import { codeFromMessage, NO_REASON, reasonOf } from '../../../src/store/triage/reasons.js';

describe('runBounded', () => {
  it('never has more than the limit in flight, and returns each outcome in order', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await runBounded([...Array(13).keys()], 4, async (n) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5 + (n % 3) * 5));
      inFlight -= 1;
      if (n % 5 === 0) throw new Error(`no ${n}`);
      return n * 2;
    });
    expect(most).toBe(4);
    expect(results).toHaveLength(13);
    results.forEach((result, n) => {
      if (n % 5 === 0) expect(result).toEqual({ status: 'rejected', reason: new Error(`no ${n}`) });
      else expect(result).toEqual({ status: 'fulfilled', value: n * 2 });
    });
  });
});

describe('failure reasons', () => {
  it('keeps the API code of error_reason objects', () => {
    expect(reasonOf({ code: 'video_resolution_too_low', message: 'Too low.' })).toEqual({
      code: 'video_resolution_too_low',
      message: 'Too low.',
    });
  });

  it('makes a short code from a message, the same for messages that differ only in ids or numbers', () => {
    expect(codeFromMessage('The file could not be decoded: unsupported codec (ProRes RAW).')).toBe(
      'file_not_decoded',
    );
    expect(
      codeFromMessage('token_limit_exceeded: the prompt and video exceed the model context window.'),
    ).toBe('token_limit_exceeded');
    expect(codeFromMessage('Asset 64f8c1aa0b1c2d3e4f5a6b7c failed 3 times')).toBe(
      codeFromMessage('Asset 0123456789abcdef01234567 failed 12 times'),
    );
  });

  it('says when the API gave no reason, and strips escape sequences', () => {
    expect(reasonOf(undefined)).toEqual({ code: NO_REASON, message: 'the API gave no reason' });
    expect(reasonOf('\u001b[31mboom\u001b[0m')).toEqual({ code: 'boom', message: 'boom' });
  });
});
