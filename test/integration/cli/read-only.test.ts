import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TwelveLabsClient } from '../../../src/api/client.js';
import { ApiError } from '../../../src/api/errors.js';
import { readOnlyApi } from '../../../src/cli/profiles-read-only.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';

describe('a read_only profile', () => {
  let emulator: TestEmulator;
  let client: TwelveLabsClient;

  beforeAll(async () => {
    emulator = await startTestEmulator({ seed: 'demo' });
    client = new TwelveLabsClient({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl });
  });
  afterAll(async () => {
    await client.close();
    await emulator.close();
  });

  const writes = (stats: ReturnType<TestEmulator['stats']>) =>
    Object.keys(stats.requests).filter((route) => !route.startsWith('GET '));

  it('reads pass through; every write is refused before it reaches the server', async () => {
    const api = readOnlyApi(client, 'profile "prod"');
    const { data: tasks } = await api.listTasks({ page_limit: 5 });
    expect(tasks.length).toBeGreaterThan(0);
    expect((await api.getTask(tasks[0]!._id))._id).toBe(tasks[0]!._id);
    expect(api.baseUrl).toBe(client.baseUrl);
    expect(api.stats().lastSuccessAt).toBeDefined();
    const before = writes(emulator.stats());

    const attempts = [
      api.createUpload({ filename: 'a.mp4', type: 'video', total_size: 10 }),
      api.reportChunks('u', []),
      api.requestPresignedUrls('u', 1, 1),
      api.createIndexedAsset('i', { asset_id: 'a' }),
      api.deleteTask(tasks[0]!._id),
      api.deleteAnalyzeTask('t'),
      api.deleteIndexedAsset('i', 'x'),
      api.deleteAsset('a', { force: true }),
      api.createAnalyzeTask({ video: { type: 'url', url: 'https://example.com/a.mp4' }, prompt: 'p' }),
      api.createEmbedV2Task({ input_type: 'video', model_name: 'marengo3.0' }),
    ];
    for (const attempt of attempts) {
      const error = await attempt.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ code: 'read_only_profile', retryable: false });
      expect((error as ApiError).message).toMatch(
        /^read-only \(profile "prod"\): (uploading|indexing|deleting|analyzing|embedding) is turned off$/,
      );
    }
    expect(writes(emulator.stats())).toEqual(before);
    expect((await client.getTask(tasks[0]!._id))._id).toBe(tasks[0]!._id);
  });
});
