import { Box, Text } from 'ink';
import { memo, useEffect } from 'react';
import { COMMANDS } from '../store/commands/index.js';
import { useStores } from './context.js';
import { cell } from './format.js';
import { type Binding, KEYMAP, type Layer, VIEW_TITLES, type ViewId } from './keymap.js';
import { useTheme } from './theme.js';

const SECTIONS: { title: string; layer: Layer }[] = [
  { title: 'Tables', layer: 'view' },
  { title: 'Detail pane', layer: 'detail' },
  { title: 'Prompts', layer: 'prompt' },
  { title: 'Questions', layer: 'confirm' },
  { title: 'Help', layer: 'help' },
];

type Line =
  | { kind: 'title'; text: string }
  | { kind: 'binding'; binding: Binding; here: boolean }
  | { kind: 'command'; usage: string; description: string };

/** Every binding of the keymap, grouped by where it works; bindings of other views are dimmed. */
export function helpLines(view: ViewId): Line[] {
  const lines: Line[] = [];
  const seen = new Set<string>();
  for (const section of SECTIONS) {
    lines.push({ kind: 'title', text: section.title });
    for (const binding of KEYMAP) {
      if (!binding.layers.includes(section.layer) || binding.helpHidden) continue;
      // a binding that works in several layers is listed once, in the first
      if (seen.has(binding.id)) continue;
      seen.add(binding.id);
      lines.push({ kind: 'binding', binding, here: !binding.views || binding.views.includes(view) });
    }
  }
  lines.push({ kind: 'title', text: 'Commands (: opens the command line, Tab completes)' });
  for (const command of COMMANDS) {
    const aliases = command.aliases?.length ? ` (also :${command.aliases.join(', :')})` : '';
    lines.push({ kind: 'command', usage: command.usage, description: `${command.description}${aliases}` });
  }
  return lines;
}

export interface HelpProps {
  view: ViewId;
  width: number;
  height: number;
  scroll: number;
}

export const Help = memo(function Help({ view, width, height, scroll }: HelpProps) {
  const theme = useTheme();
  const lines = helpLines(view);
  const bodyHeight = Math.max(1, height - 1);
  const top = Math.min(scroll, Math.max(0, lines.length - bodyHeight));
  const clamp = useStores().scroll.getState().clampHelp;
  useEffect(() => {
    if (scroll > top) clamp(top);
  }, [scroll, top, clamp]);
  const visible = lines.slice(top, top + bodyHeight);
  const keyWidth = 13;
  const more =
    top + bodyHeight < lines.length ? `  (j/k to scroll, ${lines.length - top - bodyHeight} more)` : '';
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold color={theme.accent} wrap="truncate">
        {cell(`Keys — ${VIEW_TITLES[view]} view${more}`, width)}
      </Text>
      {visible.map((line, index) =>
        line.kind === 'command' ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
          <Text key={index} wrap="truncate">
            <Text color={theme.accent}>{`  ${line.usage}`}</Text>
            {`  ${line.description}`}
          </Text>
        ) : line.kind === 'title' ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
          <Text key={index} bold wrap="truncate">
            {line.text}
          </Text>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
          <Text key={index} wrap="truncate" dimColor={!line.here}>
            <Text color={theme.accent}>{cell(`  ${line.binding.label}`, keyWidth)}</Text>
            {` ${line.binding.description}`}
            {line.binding.views && !line.here
              ? ` (${line.binding.views.map((v) => VIEW_TITLES[v]).join(', ')})`
              : ''}
          </Text>
        ),
      )}
    </Box>
  );
});
