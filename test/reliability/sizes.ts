/**
 * The reliability suite runs small inside `npm test` and at full size under
 * `npm run test:reliability` (TLTOP_RELIABILITY_FULL=1), which also writes a summary of what
 * it measured to bench/results/reliability-<part>.json for the README.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FULL = process.env.TLTOP_RELIABILITY_FULL === '1';

const RESULTS_DIR = fileURLToPath(new URL('../../bench/results', import.meta.url));

/** Writes a part's summary (full runs only, so `npm test` leaves the work tree alone). */
export async function writeSummary(part: string, data: Record<string, unknown>): Promise<void> {
  if (!FULL) return;
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(
    join(RESULTS_DIR, `reliability-${part}.json`),
    `${JSON.stringify({ part, generated_at: new Date().toISOString(), node: process.version, ...data }, null, 2)}\n`,
  );
}

/** ESC (0x1b) or any other C0/C1 control character but tab and newline. */
export const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
