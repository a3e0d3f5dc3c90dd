import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JournalStore } from '../../../src/upload/journal.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { type Harness, openManager, randomFile, removeDir, tempDir, waitForEvent } from './helpers.js';

/**
 * Once a pause or cancel has settled (and a shutdown that waits for it has returned), nothing
 * writes the journal any more: not a chunk PUT that completes late, not the pause's last save.
 * (A demo that removed its temp dir right after shutdown saw the journal come back: ENOTEMPTY.)
 */

const CHUNK = 64 * 1024;
// slow PUTs and slow answers: chunks and reports are in flight when the pause begins
const FAULTS = 'put-rate=1MiB/s,latency=150ms';
/** longer than a journal batch (250 ms) plus the emulator's latency */
const QUIET_MS = 800;

let emulator: TestEmulator | undefined;
let harness: Harness | undefined;
let dir: string | undefined;

afterEach(async () => {
  await harness?.close();
  await emulator?.close();
  await removeDir(dir);
  harness = undefined;
  emulator = undefined;
  dir = undefined;
});

async function uploading() {
  emulator = await startTestEmulator({ chunkSize: CHUNK, faults: FAULTS });
  dir = await tempDir();
  const stateDir = join(dir, 'state');
  harness = openManager(emulator, stateDir);
  const path = await randomFile(dir, 'slow.mp4', 40 * CHUNK);
  const id = await harness.manager.start({ path, type: 'video', concurrency: 4, followAsset: false });
  await waitForEvent(harness, (event) => event.type === 'started');
  // some chunks confirmed (journal written), others in flight
  const deadline = Date.now() + 10_000;
  while (harness.manager.get(id)!.bytesConfirmed < 2 * CHUNK && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  expect(harness.manager.get(id)!.inFlight.length).toBeGreaterThan(0);
  return { harness, stateDir, id };
}

describe('nothing writes a journal after its upload stopped', () => {
  it('a shutdown during a pause waits for it: the journal is complete, and nothing recreates it after', async () => {
    const { harness, stateDir, id } = await uploading();
    const pausing = harness.manager.pause(id);
    await harness.manager.shutdown();
    const snapshot = harness.manager.get(id)!;
    expect(snapshot.phase).toBe('paused');
    expect(snapshot.inFlight).toEqual([]);
    const journal = await new JournalStore(stateDir).read(snapshot.uploadId!);
    expect(Object.keys(journal!.etags).length * CHUNK).toBe(snapshot.bytesConfirmed);

    // what the demo does on exit: remove the state dir at once
    await rm(stateDir, { recursive: true });
    await pausing;
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    expect(existsSync(stateDir)).toBe(false);
  });

  it('a cancel during a pause removes the journal for good', async () => {
    const { harness, stateDir, id } = await uploading();
    const pausing = harness.manager.pause(id);
    await harness.manager.cancel(id);
    await pausing;
    expect(harness.manager.get(id)!.phase).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    expect(await readdir(join(stateDir, 'uploads'))).toEqual([]);
  });

  it('a pause during a resume pauses the resumed run; nothing is written once it settled', async () => {
    const { harness, stateDir, id } = await uploading();
    await harness.manager.pause(id);
    const resuming = harness.manager.resume(id);
    await harness.manager.shutdown();
    await resuming;
    expect(harness.manager.get(id)!.phase).toBe('paused');
    await rm(stateDir, { recursive: true });
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    expect(existsSync(stateDir)).toBe(false);
  });
});
