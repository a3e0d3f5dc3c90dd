import { Box, Text } from 'ink';
import { cell } from './format.js';
import type { PromptState } from './overlay.js';
import { useTheme } from './theme.js';

/** Rows the prompt box takes: border, title, one per field, message. */
export function promptHeight(prompt: PromptState): number {
  return 4 + prompt.fields.length;
}

export function Prompt({ prompt, width }: { prompt: PromptState; width: number }) {
  const theme = useTheme();
  const inner = Math.max(1, width - 4);
  const labelWidth = Math.max(...prompt.fields.map((field) => field.label.length)) + 2;
  return (
    <Box
      flexDirection="column"
      width={width}
      height={promptHeight(prompt)}
      borderStyle="round"
      borderColor={theme.accent}
      paddingX={1}
      flexShrink={0}
    >
      <Text bold wrap="truncate">
        {prompt.title}
      </Text>
      {prompt.fields.map((field, index) => {
        const focused = index === prompt.focus;
        const value = field.value === '' && field.placeholder ? field.placeholder : field.value;
        const choices = field.choices ? `  (Tab: ${field.choices.join(' / ')})` : '';
        const room = Math.max(1, inner - labelWidth - 1);
        // keep the end of a long path visible, where the user is typing
        const shown = value.length > room ? `…${value.slice(value.length - room + 2)}` : value;
        return (
          <Text key={field.name} wrap="truncate">
            <Text color={focused ? theme.accent : theme.muted}>
              {cell(`${focused ? '›' : ' '}${field.label}`, labelWidth)}
            </Text>
            <Text dimColor={field.value === ''}>{shown}</Text>
            {focused ? <Text inverse> </Text> : null}
            <Text color={theme.muted}>{focused ? choices : ''}</Text>
          </Text>
        );
      })}
      <Text wrap="truncate" color={prompt.message?.startsWith('✗') ? theme.failed : theme.muted}>
        {prompt.message ?? ' '}
      </Text>
    </Box>
  );
}
