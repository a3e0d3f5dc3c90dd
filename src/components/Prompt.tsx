import { Box, Text } from 'ink';
import { withErrorHelp } from '../api/error-help.js';
import type { Overlay } from '../store/types.js';
import { sanitize } from './sanitize.js';
import { useTheme } from './theme.js';

export type PromptOverlay = Extract<Overlay, { kind: 'prompt' }>;

/** Rows the prompt box takes: border (2), input line, message line. */
export const PROMPT_HEIGHT = 4;

const HINTS: Record<PromptOverlay['purpose'], string> = {
  filter: 'text, status=S,S, index=NAME · Tab complete · Enter apply · empty clears',
  upload: 'PATH [type=video|audio|image] [index=NAME] · Tab complete · Enter start',
  index: 'Enter index · Esc cancel',
  command: 'Tab complete · Enter run · Esc cancel',
};

export function Prompt({ prompt, width }: { prompt: PromptOverlay; width: number }) {
  const theme = useTheme();
  const inner = Math.max(1, width - 4);
  const label = `${prompt.label} `;
  const room = Math.max(1, inner - label.length - 1);
  const value = sanitize(prompt.value);
  // keep the end of a long path visible: that is where the user types
  const shown = value.length > room ? `…${value.slice(value.length - room + 1)}` : value;
  const message = prompt.error
    ? `✗ ${withErrorHelp(sanitize(prompt.error))}`
    : prompt.completions.length > 0
      ? prompt.completions.map(sanitize).join('  ')
      : HINTS[prompt.purpose];
  return (
    <Box
      flexDirection="column"
      width={width}
      height={PROMPT_HEIGHT}
      borderStyle="round"
      borderColor={theme.accent}
      paddingX={1}
      flexShrink={0}
    >
      <Text wrap="truncate">
        <Text bold color={theme.accent}>
          {label}
        </Text>
        {shown}
        <Text inverse> </Text>
      </Text>
      <Text wrap="truncate" color={prompt.error ? theme.failed : theme.muted}>
        {message}
      </Text>
    </Box>
  );
}
