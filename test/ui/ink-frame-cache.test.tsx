/**
 * The previous frame's tokenized lines serve the next frame (src/components/ink-frame-cache.ts):
 * installed on the Ink in node_modules (an Ink whose internals moved fails here, not silently
 * slower), and frames drawn with it read exactly as without it, also when lines change, come
 * back after a frame without them, and carry colours and wide characters.
 */
import { Box, Text } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { installInkFrameCache, setInkFrameCache } from '../../src/components/ink-frame-cache.js';

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function Lines({ lines }: { lines: readonly { text: string; color?: string }[] }) {
  return (
    <Box flexDirection="column" width={40}>
      {lines.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: positional lines
        <Text key={index} color={line.color} wrap="truncate">
          {line.text}
        </Text>
      ))}
    </Box>
  );
}

const FRAMES = [
  [{ text: 'alpha' }, { text: 'beta', color: 'red' }, { text: '日本語 wide ✓' }],
  [{ text: 'alpha' }, { text: 'beta', color: 'green' }, { text: 'gamma' }],
  [{ text: 'delta' }],
  [{ text: 'alpha' }, { text: 'beta', color: 'red' }, { text: '日本語 wide ✓' }],
  [{ text: 'a very long line that does not fit in forty columns of the box' }],
];

/** Every frame's text as Ink draws it, each by a new instance with nothing kept from a frame before. */
function fresh(): string[] {
  setInkFrameCache(false);
  return FRAMES.map((lines) => {
    const view = render(<Lines lines={lines} />);
    const frame = view.lastFrame() ?? '';
    view.unmount();
    return frame;
  });
}

describe('Ink frame cache', () => {
  it('is installed on the Ink in node_modules', async () => {
    expect(await installInkFrameCache()).toBe(true);
  });

  it('draws each frame as it is drawn fresh, across changing frames of one instance', async () => {
    await installInkFrameCache();
    const expected = fresh();
    expect(expected[1]).toContain('gamma');
    setInkFrameCache(true);
    const view = render(<Lines lines={FRAMES[0]!} />);
    const drawn = [view.lastFrame()];
    for (const lines of FRAMES.slice(1)) {
      view.rerender(<Lines lines={lines} />);
      await settle(20);
      drawn.push(view.lastFrame());
    }
    view.unmount();
    expect(drawn).toEqual(expected);
  });
});
