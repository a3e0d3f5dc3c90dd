import { Box, Text } from 'ink';
import { memo } from 'react';
import { footerBindings, type KeyContext } from './keymap.js';
import { useTheme } from './theme.js';

export interface FooterProps extends KeyContext {
  width: number;
  /** right-aligned text such as "41-60 of 1,284" */
  position?: string;
  flash?: { text: string; tone: 'info' | 'error' };
}

/** The keys that work right now, generated from the keymap; a flash message replaces them briefly. */
export const Footer = memo(function Footer({ layer, view, width, position, flash }: FooterProps) {
  const theme = useTheme();
  const right = position ? ` ${position}` : '';
  const bindings = footerBindings({ layer, view });
  return (
    <Box width={width} height={1}>
      <Box flexGrow={1} flexShrink={1} overflow="hidden">
        {flash ? (
          <Text wrap="truncate" color={flash.tone === 'error' ? theme.failed : theme.ok}>
            {flash.text}
          </Text>
        ) : (
          <Text wrap="truncate">
            {bindings.map((binding) => (
              <Text key={binding.id}>
                <Text bold color={theme.accent} inverse={theme.monochrome}>
                  {binding.label}
                </Text>
                {` ${binding.hint}  `}
              </Text>
            ))}
          </Text>
        )}
      </Box>
      <Box flexShrink={0}>
        <Text color={theme.muted} wrap="truncate">
          {right}
        </Text>
      </Box>
    </Box>
  );
});
