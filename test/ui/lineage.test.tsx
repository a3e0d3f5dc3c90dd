import { describe, expect, it } from 'vitest';
import { requestCount } from '../helpers/emulator.js';
import { statusBar } from './frame.js';
import { type Dashboard, KEY, startDashboard } from './harness.js';
import { uploadFixture } from './upload-fixture.js';

/**
 * Lineage and follow mode against the emulator: a file uploaded with the real upload engine
 * (keys `n`), its asset indexed, embedded and analyzed over the API, then the links walked
 * with l / Enter / b, `:open ID`, and the chain followed with `f` across views until done.
 */
const CHUNK = 1024;
const FILE = 'lineage-clip.mp4';

const fixture = uploadFixture('tltop-ui-lineage-');

interface Chain {
  uploadId: string;
  assetId: string;
  indexedAssetId: string;
  taskId: string;
  embedId: string;
  analyzeId: string;
}

async function post(d: Dashboard, path: string, body: unknown): Promise<Record<string, string>> {
  const response = await fetch(`${d.emulator.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'x-api-key': d.emulator.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, `${path}: ${await response.clone().text()}`).toBeLessThan(300);
  return (await response.json()) as Record<string, string>;
}

/** Uploads a file with `n`, then indexes, embeds and analyzes its asset. */
async function startWithChain(rows = 30): Promise<{ d: Dashboard; chain: Chain }> {
  const d = await startDashboard({
    columns: 120,
    rows,
    emulator: { seed: 'empty', chunkSize: CHUNK },
    uploads: fixture.engine({ followIntervalMs: 20, followMaxIntervalMs: 50 }),
  });
  fixture.dashboard = d;
  const index = await post(d, '/indexes', {
    index_name: 'lineage',
    models: [{ model_name: 'marengo3.0', model_options: ['visual', 'audio'] }],
  });
  const path = fixture.file(FILE, 12 * CHUNK);
  await d.press('n');
  await d.waitFor((f) => f.includes('File to upload'), 'upload prompt');
  await d.type(path);
  await d.press(KEY.enter);
  await d.waitFor((f) => /● processing .*lineage-clip\.mp4/.test(f), 'asset processing', 30_000);
  d.emulator.advanceClock(60);
  await d.waitFor((f) => /✓ done .*lineage-clip\.mp4/.test(f), 'upload done', 15_000);

  const uploadId = Object.keys(d.store.getState().entities.uploads)[0]!;
  const assetId = (await d.api.listAssets()).data[0]!._id;
  const indexed = await d.api.createIndexedAsset(index._id!, { asset_id: assetId });
  const embed = await post(d, '/embed-v2/tasks', {
    input_type: 'video',
    model_name: 'marengo3.0',
    video: { media_source: { asset_id: assetId } },
  });
  const analysis = await post(d, '/analyze/tasks', {
    video: { type: 'asset_id', asset_id: assetId },
    prompt: 'Summarize the clip',
  });
  const task = (await d.api.listTasks({ index_id: index._id })).data[0]!;
  expect(task.video_id).toBe(indexed._id);
  return {
    d,
    chain: {
      uploadId,
      assetId,
      indexedAssetId: indexed._id,
      taskId: task._id,
      embedId: embed._id!,
      analyzeId: analysis.task_id!,
    },
  };
}

const short = (id: string) => id.slice(-8);

/** The selected link line ("› Family  shortid ..."). */
function selectedLink(frame: string): string {
  return frame.split('\n').find((line) => line.startsWith('› ')) ?? '';
}

async function openUploadDetail(d: Dashboard, chain: Chain) {
  await d.press('1', KEY.enter);
  await d.waitFor((f) => f.includes(`Uploads › ${chain.uploadId}`), 'upload detail');
  return d.waitFor((f) => f.includes('Links (5)'), 'five links of the upload', 10_000);
}

describe('lineage links', { timeout: 90_000 }, () => {
  it('walks from the upload to each item made from its asset with l / Enter and back with b', async () => {
    const { d, chain } = await startWithChain();
    await openUploadDetail(d, chain);
    // family order: asset, indexed asset, indexing task, embedding, analysis
    const order = [chain.assetId, chain.indexedAssetId, chain.taskId, chain.embedId, chain.analyzeId];
    const linkLines = (f: string) =>
      f
        .split('\n')
        .filter((line) => /^[› ] (Asset|Indexed asset|Indexing task|Embed v2|Analysis) /.test(line));
    const frame = await d.waitFor(
      (f) =>
        linkLines(f)
          .map((line) => line.match(/ ([0-9a-f]{8}) /)?.[1])
          .join() === order.map(short).join(),
      'the five links in family order',
    );
    expect(linkLines(frame)[3]).toContain('≈ same file name');
    expect(selectedLink(frame)).toMatch(new RegExp(`^› Asset +${short(chain.assetId)} +[✓●] \\w+ +${FILE}`));
    // the asset's status is live in the link line
    await d.waitFor((f) => /^› Asset +\w+ +✓ ready/.test(selectedLink(f)), 'the asset ready in its link');

    const titles = [
      `Assets › ${chain.assetId}`,
      `Indexed assets › ${chain.indexedAssetId}`,
      `Indexing tasks › ${chain.taskId}`,
      `Embeddings v2 › ${chain.embedId}`,
      `Analyses › ${chain.analyzeId}`,
    ];
    for (const [position, title] of titles.entries()) {
      await d.waitFor((f) => selectedLink(f).includes(short(order[position]!)), `link ${position} selected`);
      await d.press(KEY.enter);
      const opened = await d.waitFor((f) => f.includes(title), title);
      // every item links back to the upload and the other items of its asset
      await d.waitFor(
        (f) => f.includes('Links (5)') && f.includes(`Upload         ${short(chain.uploadId)}`),
        `links of ${title}`,
        10_000,
      );
      expect(opened).not.toContain('Uploads › ');
      await d.press('b');
      // back on the upload, with the link it left from still selected
      await d.waitFor(
        (f) => f.includes(`Uploads › ${chain.uploadId}`) && selectedLink(f).includes(short(order[position]!)),
        `back from ${title}`,
      );
      await d.press('l');
    }
    // l wrapped around to the first link; L goes back to the last
    await d.waitFor((f) => selectedLink(f).includes(short(chain.assetId)), 'wrapped to the asset');
    await d.press('L');
    await d.waitFor((f) => selectedLink(f).includes(short(chain.analyzeId)), 'L selects the analysis');
  });

  it('looks links up once per open detail, not on every poll, and again on R', async () => {
    const { d, chain } = await startWithChain();
    await openUploadDetail(d, chain);
    const lookedUpAt = () => d.store.getState().lineage.groups[chain.assetId]?.resolvedAt;
    const first = lookedUpAt();
    expect(first).toBeDefined();
    // ten detail intervals (50 ms in the harness) later, still the same lookup
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(lookedUpAt()).toBe(first);
    await d.press('R');
    await d.waitFor(() => (lookedUpAt() ?? 0) > (first ?? 0), 'a new lookup after R');
  });

  it('goes several hops and back along the history, and says so when there is none', async () => {
    const { d, chain } = await startWithChain();
    await openUploadDetail(d, chain);
    await d.press('b');
    await d.waitFor((f) => f.includes('no link to go back along'), 'no history yet');
    // upload -> asset -> (its 4th link: the embedding) -> back -> back
    await d.press(KEY.enter);
    await d.waitFor((f) => f.includes(`Assets › ${chain.assetId}`), 'asset');
    await d.waitFor((f) => f.includes('Links (5)'), 'asset links', 10_000);
    await d.press('l', 'l', 'l');
    await d.waitFor((f) => selectedLink(f).includes(short(chain.embedId)), 'embedding selected');
    await d.press(KEY.enter);
    await d.waitFor((f) => f.includes(`Embeddings v2 › ${chain.embedId}`), 'embedding');
    await d.press('b');
    await d.waitFor((f) => f.includes(`Assets › ${chain.assetId}`), 'back to the asset');
    await d.press('b');
    await d.waitFor((f) => f.includes(`Uploads › ${chain.uploadId}`), 'back to the upload');
  });

  it(':open finds an id in any family, asks the server for one not loaded, and refuses an unknown one', async () => {
    const { d, chain } = await startWithChain();
    await d.press(':');
    await d.type(`open ${chain.indexedAssetId}`);
    await d.press(KEY.enter);
    await d.waitFor((f) => f.includes(`Indexed assets › ${chain.indexedAssetId}`), ':open indexed asset');
    // polling paused: an analysis made now is not loaded, so :open asks the server
    await d.press(KEY.escape, 'p');
    await d.waitFor((f) => f.includes('polling paused'), 'paused');
    const late = await post(d, '/analyze/tasks', {
      video: { type: 'asset_id', asset_id: chain.assetId },
      prompt: 'Another summary',
    });
    expect(d.store.getState().entities.analyze[late.task_id!]).toBeUndefined();
    await d.press(':');
    await d.type(`open ${late.task_id}`);
    await d.press(KEY.enter);
    await d.waitFor((f) => f.includes(`Analyses › ${late.task_id}`), ':open of an analysis not loaded');
    await d.press(':');
    await d.type('open 0123456789abcdef01234567');
    await d.press(KEY.enter);
    await d.waitFor((f) => f.includes('no item has the id 0123456789abcdef01234567'), 'refusal');
    // an analysis of a URL has no asset: its Links say why
    const ofUrl = await post(d, '/analyze/tasks', {
      video: { type: 'url', url: 'https://media.example.com/clip.mp4' },
      prompt: 'Summarize',
    });
    await d.press(KEY.escape, ':');
    await d.type(`open ${ofUrl.task_id}`);
    await d.press(KEY.enter);
    await d.waitFor(
      (f) =>
        f.includes(`Analyses › ${ofUrl.task_id}`) &&
        /^Links\nits source is a URL or a file, not an asset/m.test(f),
      'no links, and why',
    );
  });
});

describe('follow mode', { timeout: 90_000 }, () => {
  it('keeps the chain in a strip across views, polls it until every item is terminal, then stops', async () => {
    const { d, chain } = await startWithChain();
    await openUploadDetail(d, chain);
    await d.press('f');
    const strip = await d.waitFor(
      (f) => f.includes(`Following upload ${short(chain.uploadId)} · 6 items`) && f.includes('● updating'),
      'follow strip',
    );
    // the strip lists the upload and its first links, and still fits the terminal
    expect(strip.split('\n')).toHaveLength(30);
    expect(strip).toMatch(new RegExp(`Indexed asset +${short(chain.indexedAssetId)} +[○●] \\w+`));
    await d.press(KEY.escape, '3');
    await d.waitFor(
      (f) => /^Indexing tasks/m.test(f) && f.includes('Following upload'),
      'strip in the indexing view',
    );
    await d.press('5');
    await d.waitFor(
      (f) => /^Analyses/m.test(f) && f.includes('Following upload'),
      'strip in the analyses view',
    );

    d.emulator.advanceClock(3600);
    const done = await d.waitFor((f) => f.includes('✓ done (every item is terminal'), 'chain done', 10_000);
    expect(done).toMatch(new RegExp(`Indexed asset +${short(chain.indexedAssetId)} +✓ ready`));

    // done: the chain's items are no longer fetched one by one
    const singles = () =>
      requestCount(d.emulator, 'GET /indexes/{index-id}/indexed-assets/{indexed-asset-id}') +
      requestCount(d.emulator, 'GET /embed-v2/tasks/{task_id}');
    // the collection pollers fetch an item that left their active list once more: let them (their
    // slowest hidden interval in the harness is 400 ms)
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = singles();
    expect(before).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(singles()).toBe(before);
    // once the start message has gone, the footer says what f does now
    await d.waitFor((f) => / f unfollow /.test(` ${statusBar(f)} `), 'footer: f unfollow', 10_000);

    await d.press('f');
    await d.waitFor(
      (f) => !f.includes('Following upload') && f.includes('stopped following'),
      'strip closed',
    );
  });

  it('shrinks the strip on a small terminal and never draws more rows than it has', async () => {
    const { d, chain } = await startWithChain(14);
    await d.press('2');
    // the row itself, selected: the file name is also in the status line before the rows arrive
    await d.waitFor((f) => /^› .*lineage-clip\.mp4/m.test(f) && /^Assets/m.test(f), 'assets view');
    await d.press('f');
    // 14 rows: header 2, tabs 1, footer 1 and a body of at least 4 leave the strip 6; it takes 1 + 4
    const frame = await d.waitFor(
      (f) => f.includes(`Following asset ${short(chain.assetId)} · 6 items (+2 not shown)`),
      'strip on 14 rows',
      10_000,
    );
    const lines = frame.split('\n');
    expect(lines).toHaveLength(14);
    const title = lines.findIndex((line) => line.startsWith('Following asset'));
    expect(lines.slice(title + 1, title + 5).map((line) => line.match(/^ {2}(\w+)/)?.[1])).toEqual([
      'Asset',
      'Indexed',
      'Indexing',
      'Embed',
    ]);
    // the finished upload is among the two not shown: links still running come first
    expect(frame).not.toMatch(/^ {2}Upload /m);
    expect(lines.some((line) => line.startsWith('Assets'))).toBe(true);
  });
});
