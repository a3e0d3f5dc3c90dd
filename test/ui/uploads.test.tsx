import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { caption, type Dashboard, type DashboardOptions, KEY, startDashboard } from './harness.js';
import { FAST_UPLOAD_POLICY, uploadFixture } from './upload-fixture.js';

/**
 * The upload keys of the dashboard (n, x, X, r, q) with the real upload engine against the
 * emulator: 1 KiB chunks so a small file has many, and a PUT bandwidth cap where a test
 * needs the upload to still be running when it presses a key.
 */
const CHUNK = 1024;

const fixture = uploadFixture('tltop-ui-upload-');

async function start(faults?: string, options: Partial<DashboardOptions> = {}): Promise<Dashboard> {
  fixture.dashboard = await startDashboard({
    columns: 120,
    rows: 30,
    emulator: { seed: 'empty', chunkSize: CHUNK, faults },
    uploads: fixture.engine(FAST_UPLOAD_POLICY),
    ...options,
  });
  return fixture.dashboard;
}

/** Row of the uploads table for a file name. */
function rowOf(frame: string, name: string): string {
  return frame.split('\n').find((line) => line.includes(name)) ?? '';
}

async function newUpload(d: Dashboard, path: string) {
  await d.press('n');
  await d.waitFor((f) => f.includes('File to upload'), 'upload prompt');
  await d.type(path);
  await d.press(KEY.enter);
  await d.waitFor((f) => !f.includes('File to upload'), 'prompt closed');
}

describe('n: new upload', { timeout: 90_000 }, () => {
  it('completes the path with Tab, starts the upload and shows it to the end', async () => {
    const path = fixture.file('holiday-clip.mp4', 40 * CHUNK);
    const d = await start();
    await d.press('n');
    await d.waitFor((f) => f.includes('File to upload'), 'upload prompt');
    await d.type(join(fixture.dir, 'holi'));
    await d.press(KEY.tab);
    await d.waitFor((f) => f.includes(path), 'completed path');
    await d.press(KEY.enter);
    const frame = await d.waitFor((f) => /[✓●] \w+ .*holiday-clip\.mp4/.test(f), 'the upload row');
    expect(caption(frame)).toMatch(/^Uploads/);
    // every chunk confirmed: the engine follows the asset, which the emulator processes on its clock
    await d.waitFor((f) => /● processing .*holiday-clip\.mp4 .*100%/.test(f), 'asset processing', 40_000);
    d.emulator.advanceClock(3600);
    await d.waitFor((f) => /✓ done .*holiday-clip\.mp4/.test(f), 'upload done', 15_000);
    await d.press(KEY.enter);
    const detail = await d.waitFor((f) => f.includes('Uploads › '), 'upload detail');
    expect(detail).toMatch(/size +40\.0 KiB in 40 chunks of 1\.0 KiB/);
    expect(detail).toContain('confirmed 40');
    expect(detail).toMatch(/confirmed +█+ 100%/);
  });

  it('keeps the prompt open with the error on a bad path', async () => {
    const d = await start();
    await newUploadAttempt(d, join(fixture.dir, 'no-such-file.mp4'));
    const frame = await d.waitFor((f) => f.includes('✗ '), 'error line');
    expect(frame).toContain('File to upload');
    await d.press(KEY.escape);
    await d.waitFor((f) => !f.includes('File to upload'), 'prompt closed');
  });
});

async function newUploadAttempt(d: Dashboard, path: string) {
  await d.press('n');
  await d.waitFor((f) => f.includes('File to upload'), 'upload prompt');
  await d.type(path);
  await d.press(KEY.enter);
}

describe('x and X: pause, resume, cancel', { timeout: 60_000 }, () => {
  it('pauses and resumes a running upload with x, and cancels it with X after asking', async () => {
    const path = fixture.file('long-take.mov', 400 * CHUNK);
    const d = await start('put-rate=4KiB/s');
    await newUpload(d, path);
    await d.waitFor((f) => rowOf(f, 'long-take.mov').includes('uploading'), 'uploading');
    // the caption and the header show one speed (the header's sparkline samples trail it)
    const speeds = await d.waitFor(
      (f) => /1 running at [1-9]/.test(caption(f)) && / up [1-9]/.test(f),
      'speeds',
    );
    const captionSpeed = /1 running at (\S+ \S+)/.exec(caption(speeds))![1];
    expect(speeds.split('\n')[0]).toContain(`up ${captionSpeed}`);
    await d.press('x');
    await d.waitFor((f) => rowOf(f, 'long-take.mov').includes('paused'), 'paused');
    await d.waitFor(
      (f) => caption(f).includes('1 paused') && !caption(f).includes('running'),
      'caption: paused',
    );
    await d.press('x');
    await d.waitFor((f) => rowOf(f, 'long-take.mov').includes('uploading'), 'resumed');
    await d.press('X');
    const question = await d.waitFor((f) => /y +yes/.test(f), 'cancel question');
    expect(question.split('\n').at(-1)).toContain('no');
    await d.press('n');
    await d.waitFor((f) => !/y +yes/.test(f) && rowOf(f, 'long-take.mov').includes('uploading'), 'kept');
    await d.press('X');
    await d.waitFor((f) => /y +yes/.test(f), 'cancel question again');
    await d.press('y');
    await d.waitFor((f) => rowOf(f, 'long-take.mov').includes('cancelled'), 'cancelled', 10_000);
  });
});

describe('r: retry failed chunks', { timeout: 60_000 }, () => {
  it('shows failed chunks with their error, and r sends them again once the storage is back', async () => {
    const path = fixture.file('flaky.mp4', 12 * CHUNK);
    const d = await start('put-fail=1');
    await newUpload(d, path);
    await d.press(KEY.enter);
    // every chunk has used up its attempts
    const failed = await d.waitFor(
      (f) => f.includes('in flight 0 · pending 0 ✗ failed 12'),
      'all chunks failed',
      30_000,
    );
    expect(failed).toContain('Failed chunks (12) — r retries them');
    expect(failed).toMatch(/chunk \d+ +✗ .+ \(after \d+ attempts\)$/m);
    d.emulator.setFaults({});
    await d.press('r');
    await d.waitFor((f) => f.includes('confirmed 12') && !/Failed chunks/.test(f), 'all confirmed', 30_000);
  });
});

describe('an error the upload got past', { timeout: 60_000 }, () => {
  it('reads "recovered" in the detail once the upload is done, not as a failure', async () => {
    const path = fixture.file('bumpy.mp4', 30 * CHUNK);
    // 3 PUTs in 10 fail: some chunk needs a second attempt (all 30 first tries pass 1 run in 45,000)
    const d = await start('put-fail=0.3', {
      uploads: fixture.engine({ ...FAST_UPLOAD_POLICY, chunkAttempts: 10 }),
    });
    await newUpload(d, path);
    await d.waitFor((f) => /● processing .*bumpy\.mp4 .*100%/.test(f), 'asset processing', 30_000);
    d.emulator.advanceClock(3600);
    await d.waitFor((f) => /✓ done .*bumpy\.mp4/.test(f), 'upload done', 15_000);
    await d.press(KEY.enter);
    const detail = await d.waitFor((f) => /status +✓ done/.test(f), 'upload detail');
    expect(detail).toMatch(/recovered +↻ chunk \d+: HTTP 500/);
    expect(detail).not.toContain('last error');
  });
});

describe('q: quit', { timeout: 60_000 }, () => {
  it('asks first while an upload runs; n stays, y quits', async () => {
    const onQuit = vi.fn();
    const path = fixture.file('big-one.mp4', 400 * CHUNK);
    const d = await start('put-rate=4KiB/s', { onQuit });
    await newUpload(d, path);
    await d.waitFor((f) => rowOf(f, 'big-one.mp4').includes('uploading'), 'uploading');
    await d.press('q');
    const question = await d.waitFor((f) => f.includes('Quit and leave them resumable?'), 'quit question');
    expect(question).toMatch(/y +yes +n\/Esc +no/);
    await d.press(KEY.escape);
    await d.waitFor((f) => !f.includes('Quit and leave'), 'question closed');
    expect(onQuit).not.toHaveBeenCalled();
    await d.press('q');
    await d.waitFor((f) => f.includes('Quit and leave them resumable?'), 'quit question again');
    await d.press('y');
    await vi.waitFor(() => expect(onQuit).toHaveBeenCalledTimes(1));
  });

  it('quits at once when nothing is running', async () => {
    const onQuit = vi.fn();
    const d = await start(undefined, { onQuit });
    await d.press('q');
    await vi.waitFor(() => expect(onQuit).toHaveBeenCalledTimes(1));
  });
});
