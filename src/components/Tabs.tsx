import { Text } from 'ink';
import { memo } from 'react';
import { stringWidth } from './format.js';
import { VIEW_TITLES, VIEWS, type ViewId } from './keymap.js';
import { useTheme } from './theme.js';

export interface TabsProps {
  active: ViewId;
  /** short badge per view, e.g. "3▶" running uploads or "2✗" failures */
  badges?: Partial<Record<ViewId, string>>;
  /** cells of the line; when every title does not fit, the other views show their number only */
  width?: number;
}

/** " 1 Uploads " per view; `compact`: the active view's title only, the others " 2 " (and their badge). */
export function tabLabels(active: ViewId, badges: TabsProps['badges'], compact: boolean): string[] {
  return VIEWS.map((view, index) => {
    const badge = badges?.[view] ? ` ${badges[view]}` : '';
    const title = compact && view !== active ? '' : ` ${VIEW_TITLES[view]}`;
    return ` ${index + 1}${title}${badge} `;
  });
}

function lineWidth(labels: readonly string[]): number {
  return labels.reduce((sum, label) => sum + stringWidth(label) + 1, 0);
}

/** "1 Uploads  2 Assets  …" with the active view highlighted (inverse in monochrome). */
export const Tabs = memo(function Tabs({ active, badges, width }: TabsProps) {
  const theme = useTheme();
  const full = tabLabels(active, badges, false);
  const labels = width !== undefined && lineWidth(full) - 1 > width ? tabLabels(active, badges, true) : full;
  return (
    <Text wrap="truncate">
      {VIEWS.map((view, index) => {
        const selected = view === active;
        return (
          <Text key={view}>
            <Text bold={selected} inverse={selected} color={selected ? theme.accent : theme.muted}>
              {labels[index]}
            </Text>
            <Text> </Text>
          </Text>
        );
      })}
    </Text>
  );
});
