import { describe, expect, it } from 'vitest';
import { selectedRow } from './frame.js';
import { KEY, startDashboard } from './harness.js';
import { FAST_UPLOAD_POLICY, uploadFixture } from './upload-fixture.js';

/** The upload detail's summary reads as a sentence for a one-chunk file too. */
const fixture = uploadFixture('tltop-ui-upload-words-');

describe('upload detail', { timeout: 60_000 }, () => {
  it('a file of one chunk is "in 1 chunk of", not "in 1 chunks of"', async () => {
    const path = fixture.file('tiny-clip.mp4', 512);
    const d = await startDashboard({
      columns: 120,
      rows: 30,
      emulator: { seed: 'empty', chunkSize: 1024 },
      uploads: fixture.engine(FAST_UPLOAD_POLICY),
    });
    fixture.dashboard = d;
    await d.press('n');
    await d.waitFor((f) => f.includes('File to upload'), 'upload prompt');
    await d.type(path);
    await d.press(KEY.enter);
    // the row, not the status line's "upload tiny-clip.mp4 started" (the row follows the engine's first snapshot)
    await d.waitFor((f) => selectedRow(f).includes('tiny-clip.mp4'), 'the upload row');
    await d.press(KEY.enter);
    // before the session exists the engine knows neither count nor size: "?" rather than "0 chunks of 0 B"
    const early = await d.waitFor((f) => /size +512 B in /.test(f), 'the upload detail');
    expect(early).toMatch(/size +512 B in (\? chunks of \?|1 chunk of 1\.0 KiB)/);
    await d.waitFor((f) => /size +512 B in 1 chunk of 1\.0 KiB/.test(f), 'one chunk, as a sentence');
  });
});
