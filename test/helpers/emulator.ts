import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/emulator/server.js';

export interface TestEmulator {
  /** e.g. http://127.0.0.1:43123 */
  origin: string;
  /** origin + '/v1.3' (what TWELVELABS_BASE_URL holds) */
  baseUrl: string;
  /** A key the emulator accepts (the one it was started with, if any). */
  apiKey: string;
  emulator: RunningEmulator;
  /** Request counts by `"<METHOD> <route>"` and status, plus chunk bytes received. */
  stats(): ReturnType<RunningEmulator['stats']>;
  /** Replaces the faults: a `--faults` spec string or its JSON form ({"put-fail": 0.2, ...}). */
  setFaults(faults: string | Record<string, unknown>): void;
  /** Moves the emulator clock forward; returns the new emulator time (ISO-8601). */
  advanceClock(seconds: number): string;
  /** Size and SHA-256 of an uploaded asset's bytes. */
  digest(assetId: string): Promise<{ size: number; sha256: string }>;
  close(): Promise<void>;
}

/** Count of requests to one route, all statuses (or one status) together. */
export function requestCount(emulator: TestEmulator, route: string, status?: number): number {
  const byStatus = emulator.stats().requests[route] ?? {};
  if (status !== undefined) return byStatus[String(status)] ?? 0;
  return Object.values(byStatus).reduce((sum, count) => sum + count, 0);
}

export const TEST_API_KEY = 'tlk_test0000000000000000abcd';

/**
 * Starts a real emulator on 127.0.0.1 (a free port), seeded `empty` unless told
 * otherwise. Always `await close()` it (afterEach/afterAll).
 */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const emulator = await startEmulator({ seed: 'empty', ...options, host: '127.0.0.1', port: 0 });
  return {
    origin: emulator.origin,
    baseUrl: emulator.baseUrl,
    apiKey: options.apiKey ?? TEST_API_KEY,
    emulator,
    stats: () => emulator.stats(),
    setFaults: (faults) => emulator.setFaults(faults),
    advanceClock: (seconds) => emulator.advanceClock(seconds),
    digest: (assetId) => emulator.digest(assetId),
    close: () => emulator.close(),
  };
}
