import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { call } from './call.js';

interface Hook {
  url: string;
  delivered: boolean;
  attempts: number;
  last_error?: string;
}
interface Analysis {
  task_id: string;
  status: string;
  webhooks?: Hook[];
}

let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator({ seed: 'demo' });
});
afterEach(async () => {
  await emu.close();
});

async function analyses(): Promise<Analysis[]> {
  const items: Analysis[] = [];
  for (let page = 1; ; page += 1) {
    const response = await call(emu, 'GET', `/analyze/tasks?page=${page}&page_limit=50`);
    expect(response.status).toBe(200);
    if (response.body.data.length === 0) return items;
    items.push(...response.body.data);
  }
}

const DONE = new Set(['ready', 'failed']);

describe('analyze task webhooks (webhooks[] delivery status)', () => {
  it('the demo seed has delivered and failing endpoints; last_error only while not delivered', async () => {
    const tasks = await analyses();
    const hooks = tasks.flatMap((task) => (DONE.has(task.status) ? (task.webhooks ?? []) : []));
    expect(hooks.some((hook) => hook.delivered && hook.attempts === 1)).toBe(true);
    expect(hooks.some((hook) => hook.delivered && hook.attempts > 1)).toBe(true);
    const failing = hooks.filter((hook) => !hook.delivered);
    expect(failing.length).toBeGreaterThan(0);
    for (const hook of failing) {
      expect(hook.attempts).toBeGreaterThan(0);
      expect(hook.last_error).toEqual(expect.any(String));
    }
    // a receiver whose URL holds a token: the API returns it as configured
    expect(failing.some((hook) => hook.url.includes('?token='))).toBe(true);
    for (const hook of hooks.filter((item) => item.delivered)) expect(hook).not.toHaveProperty('last_error');
    // tasks without endpoints omit the field
    expect(tasks.some((task) => !('webhooks' in task))).toBe(true);
  });

  it('delivery attempts follow the clock once the task completes', async () => {
    const running = (await analyses()).find((task) => !DONE.has(task.status) && task.webhooks?.length);
    expect(running, 'a running demo analysis with webhooks').toBeDefined();
    for (const hook of running!.webhooks!) {
      expect(hook).toEqual({ url: hook.url, delivered: false, attempts: 0 });
    }
    const path = `/analyze/tasks/${running!.task_id}`;
    emu.advanceClock(10 * 60);
    const done = (await call(emu, 'GET', path)).body as Analysis;
    expect(DONE.has(done.status)).toBe(true);
    expect(done.webhooks!.every((hook) => hook.attempts >= 1)).toBe(true);
    emu.advanceClock(2 * 3600);
    const settled = (await call(emu, 'GET', path)).body as Analysis;
    for (const hook of settled.webhooks!) {
      if (hook.delivered) expect(hook.last_error).toBeUndefined();
      else expect(hook).toMatchObject({ attempts: 5, last_error: expect.any(String) });
    }
    expect(settled.webhooks!.map((hook) => hook.attempts).reduce((a, b) => a + b)).toBeGreaterThanOrEqual(
      done.webhooks!.map((hook) => hook.attempts).reduce((a, b) => a + b),
    );
  });
});
