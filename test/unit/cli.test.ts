import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';
import { tltop } from '../helpers/run-in-process.js';

describe('tltop command line', () => {
  it('prints its version', async () => {
    const result = await tltop('--version');
    expect(result.code).toBe(0);
    expect(result.out.trim()).toBe(VERSION);
  });

  it('rejects an unknown flag with one line and exit 2', async () => {
    const result = await tltop('--no-such-flag');
    expect(result.code).toBe(2);
    expect(result.err.trim().split('\n')).toHaveLength(1);
    expect(result.err).toContain('--no-such-flag');
  });
});
