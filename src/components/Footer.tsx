import { Box, Text } from 'ink';
import { memo } from 'react';
import { activeBindings, type Binding, footerBindings, type KeyContext } from './keymap.js';
import { useTheme } from './theme.js';

export interface FooterProps extends KeyContext {
  width: number;
  /** a status message replaces the keys for a few seconds */
  flash?: { text: string; tone: 'info' | 'error' };
  /** the connection-problem screen is up instead of the view: only the keys that help there */
  connectionProblem?: boolean;
  /** a chain is followed: `f` stops it */
  following?: boolean;
}

/** A binding whose footer word depends on the state: `f` follows, or stops following. */
function withStateHint(binding: Binding, following: boolean): Binding {
  return binding.id === 'lineage.follow' && following ? { ...binding, hint: 'unfollow' } : binding;
}

/** What works on the connection-problem screen: try now, :profile, help, quit. */
const PROBLEM_KEYS = ['app.refresh', 'app.command', 'app.help', 'app.quit'];

/** The footer's bindings for the context, before fitting. */
export function footerFor(context: KeyContext, connectionProblem = false): Binding[] {
  if (!connectionProblem || (context.layer !== 'view' && context.layer !== 'detail'))
    return footerBindings(context);
  return activeBindings(context).filter((binding) => PROBLEM_KEYS.includes(binding.id));
}

/** Always kept, whatever the width: the way to more keys and the way out. */
const ESSENTIAL = new Set(['app.help', 'app.quit', 'help.close', 'prompt.cancel', 'confirm.no']);

function entryWidth(binding: Binding): number {
  return binding.label.length + 1 + binding.hint.length + 2;
}

/** The footer's bindings that fit in `width`: essentials first reserved, the rest in keymap order. */
export function fitFooter(bindings: readonly Binding[], width: number): Binding[] {
  let room = width - bindings.filter((b) => ESSENTIAL.has(b.id)).reduce((sum, b) => sum + entryWidth(b), 0);
  return bindings.filter((binding) => {
    if (ESSENTIAL.has(binding.id)) return true;
    if (entryWidth(binding) > room) return false;
    room -= entryWidth(binding);
    return true;
  });
}

/** The keys that work right now, generated from the keymap. */
export const Footer = memo(function Footer({
  layer,
  view,
  width,
  flash,
  connectionProblem,
  following = false,
}: FooterProps) {
  const theme = useTheme();
  if (flash) {
    return (
      <Box width={width} height={1}>
        <Text wrap="truncate" color={flash.tone === 'error' ? theme.failed : theme.ok}>
          {flash.text}
        </Text>
      </Box>
    );
  }
  const bindings = fitFooter(
    footerFor({ layer, view }, connectionProblem).map((binding) => withStateHint(binding, following)),
    width,
  );
  return (
    <Box width={width} height={1}>
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
    </Box>
  );
});
