import { Box, Text } from 'ink';
import type { ConfirmState } from './overlay.js';
import { useTheme } from './theme.js';

export const CONFIRM_HEIGHT = 4;

export function Confirm({ confirm, width }: { confirm: ConfirmState; width: number }) {
  const theme = useTheme();
  return (
    <Box
      flexDirection="column"
      width={width}
      height={CONFIRM_HEIGHT}
      borderStyle="double"
      borderColor={theme.warning}
      paddingX={1}
      flexShrink={0}
    >
      <Text bold wrap="truncate">
        {confirm.question}
      </Text>
      <Text wrap="truncate">
        <Text bold color={theme.accent} inverse={theme.monochrome}>
          y
        </Text>
        {' yes   '}
        <Text bold color={theme.accent} inverse={theme.monochrome}>
          n/Esc
        </Text>
        {' no'}
      </Text>
    </Box>
  );
}
