import { afterEach, describe, expect, it } from 'vitest';
import { type Dashboard, KEY, startDashboard } from './harness.js';

let dashboard: Dashboard | undefined;
afterEach(async () => {
  await dashboard?.close();
  dashboard = undefined;
});

describe('command mode', () => {
  it('opens with :, completes a command with Tab and runs it with Enter', async () => {
    dashboard = await startDashboard({ columns: 100, rows: 24 });
    const d = dashboard;
    await d.press(':');
    await d.waitFor((frame) => frame.includes('Tab complete · Enter run'), 'command prompt');
    await d.type('ass');
    await d.press(KEY.tab);
    await d.waitFor((frame) => frame.includes(': assets '), 'completed command');
    await d.press(KEY.enter);
    await d.waitFor(() => d.store.getState().ui.view === 'assets', 'assets view');
    expect(d.store.getState().ui.overlay.kind).toBe('none');
  });

  it('keeps the prompt open with a one-line error for an unknown command', async () => {
    dashboard = await startDashboard({ columns: 100, rows: 24 });
    const d = dashboard;
    await d.press(':');
    await d.type('frobnicate');
    await d.press(KEY.enter);
    await d.waitFor((frame) => frame.includes('✗ unknown command :frobnicate'), 'error line');
    expect(d.store.getState().ui.view).toBe('uploads');
    await d.press(KEY.escape);
    await d.waitFor(() => d.store.getState().ui.overlay.kind === 'none', 'closed prompt');
  });
});
