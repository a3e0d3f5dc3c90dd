import { Box, Text } from 'ink';
import { useTheme } from './theme.js';

export const MIN_COLUMNS = 50;
export const MIN_ROWS = 12;

export function isTooSmall(columns: number, rows: number): boolean {
  return columns < MIN_COLUMNS || rows < MIN_ROWS;
}

/** Shown instead of the dashboard below the minimum size; states both sizes (btop style). */
export function TooSmall({ columns, rows }: { columns: number; rows: number }) {
  const theme = useTheme();
  const lines = [
    'Terminal too small',
    `${columns}x${rows}, need at least ${MIN_COLUMNS}x${MIN_ROWS}`,
    'enlarge the window or press q to quit',
  ];
  return (
    <Box width={columns} height={rows} flexDirection="column" justifyContent="center" alignItems="center">
      {lines.slice(0, Math.max(1, rows)).map((line, index) => (
        <Text key={line} wrap="truncate" bold={index === 0} color={index === 0 ? theme.failed : undefined}>
          {line}
        </Text>
      ))}
    </Box>
  );
}
