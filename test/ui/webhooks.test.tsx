import { afterEach, describe, expect, it } from 'vitest';
import { displayWebhookUrl } from '../../src/components/details/webhook-lines.js';
import { type Dashboard, KEY, startDashboard } from './harness.js';

let dashboard: Dashboard | undefined;
afterEach(async () => {
  await dashboard?.close();
  dashboard = undefined;
});

describe('analysis detail: webhook delivery status', () => {
  it('shows each endpoint (query redacted), delivered or not, attempts and the last error', async () => {
    dashboard = await startDashboard({ columns: 110, rows: 40 });
    const d = dashboard;
    const tasks = [];
    for (let page = 1; ; page += 1) {
      const result = await d.api.listAnalyzeTasks({ page, page_limit: 50 });
      if (result.data.length === 0) break;
      tasks.push(...result.data);
    }
    const target = tasks.find(
      (task) =>
        task.status === 'ready' &&
        task.webhooks?.some((hook) => !hook.delivered && hook.url.includes('?token=')),
    );
    expect(target, 'a demo analysis with a failing token webhook').toBeDefined();
    await d.press('5');
    await d.waitFor((f) => /Analyses .* of \d+/.test(f), 'analyses view');
    await d.press('/');
    await d.type(target!.task_id);
    await d.press(KEY.enter);
    await d.waitFor(
      (f) => f.includes(`filter “${target!.task_id}”`) && f.includes('✓ ready'),
      'filtered row',
    );
    await d.press(KEY.enter);
    const frame = await d.waitFor((f) => f.includes('Webhooks'), 'webhooks section');
    expect(frame).toMatch(/✓ delivered +https:\/\/hooks\.example\.com\/twelvelabs\/analyze {2}\(1 attempt\)/);
    expect(frame).toMatch(/✗ not delivered https:\/\/ops\.example\.net\/tl-callback\?… {2}\(5 attempts\)/);
    expect(frame).toMatch(/ {2}last error +HTTP 401 Unauthorized: bad token/);
    expect(frame).not.toContain('whsec_demo');
  });

  it('cuts user info, query and fragment from a webhook URL and strips escape codes', () => {
    expect(displayWebhookUrl('https://user:pw@hooks.example.com:8443/a/b?sig=1#x')).toBe(
      'https://…@hooks.example.com:8443/a/b?…',
    );
    expect(displayWebhookUrl('https://hooks.example.com/plain')).toBe('https://hooks.example.com/plain');
    expect(displayWebhookUrl('not a url\x1b[2J?secret=1')).toBe('not a url?…');
  });
});
