import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';

export interface ConfigDir {
  /** this test's config dir, also $TLTOP_CONFIG_DIR while it runs */
  readonly dir: string;
  /** config.json in it */
  readonly file: string;
}

/**
 * A fresh config dir for each test of the calling file, set as TLTOP_CONFIG_DIR for tltop run
 * in this process; afterwards the variable is restored and the dir removed.
 */
export function tempConfigDir(prefix: string): ConfigDir {
  let dir = '';
  let savedDir: string | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), prefix));
    savedDir = process.env.TLTOP_CONFIG_DIR;
    process.env.TLTOP_CONFIG_DIR = dir;
  });
  afterEach(async () => {
    if (savedDir === undefined) delete process.env.TLTOP_CONFIG_DIR;
    else process.env.TLTOP_CONFIG_DIR = savedDir;
    await rm(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    get file() {
      return path.join(dir, 'config.json');
    },
  };
}
