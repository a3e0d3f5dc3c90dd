import { Box, Text } from 'ink';
import { sanitize } from './sanitize.js';
import { useTheme } from './theme.js';

export const CONFIRM_HEIGHT = 4;

export function Confirm({ message, width }: { message: string; width: number }) {
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
        {sanitize(message)}
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
