/** The setup the upload UI tests share: a temp dir per test and the dashboard to close after it. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { TwelveLabsApi } from '../../src/api/api.js';
import { createUploadManager, type UploadManagerOptions } from '../../src/upload/manager.js';
import type { Dashboard } from './harness.js';

/** Retries and follow polls short enough for a test. */
export const FAST_UPLOAD_POLICY: UploadManagerOptions['policy'] = {
  chunkAttempts: 2,
  backoffBaseMs: 10,
  backoffCapMs: 20,
  followIntervalMs: 20,
  followMaxIntervalMs: 50,
};

export interface UploadFixture {
  /** this test's temp dir: files to upload, and the engine's journal under state/ */
  readonly dir: string;
  /** set to the test's dashboard; closed after the test */
  dashboard: Dashboard | undefined;
  /** writes `bytes` random bytes to a file in the temp dir; returns its path */
  file(name: string, bytes: number): string;
  /** the harness's `uploads` option: a real upload engine with its journal in the temp dir */
  engine(
    policy?: UploadManagerOptions['policy'],
  ): (api: TwelveLabsApi) => ReturnType<typeof createUploadManager>;
}

/** Registers the before/after hooks of the calling test file; `prefix` names its temp dirs. */
export function uploadFixture(prefix: string): UploadFixture {
  let dir = '';
  const fixture: UploadFixture = {
    get dir() {
      return dir;
    },
    dashboard: undefined,
    file(name, bytes) {
      const path = join(dir, name);
      writeFileSync(path, randomBytes(bytes));
      return path;
    },
    engine: (policy) => (api) => createUploadManager({ api, stateDir: join(dir, 'state'), policy }),
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    await fixture.dashboard?.close();
    fixture.dashboard = undefined;
    rmSync(dir, { recursive: true, force: true });
  });
  return fixture;
}
