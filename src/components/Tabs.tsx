import { Text } from 'ink';
import { memo } from 'react';
import { VIEW_TITLES, VIEWS, type ViewId } from './keymap.js';
import { useTheme } from './theme.js';

export interface TabsProps {
  active: ViewId;
  /** short badge per view, e.g. "3▶" running uploads or "2✗" failures */
  badges?: Partial<Record<ViewId, string>>;
}

/** "1 Uploads  2 Assets  …" with the active view highlighted (inverse in monochrome). */
export const Tabs = memo(function Tabs({ active, badges }: TabsProps) {
  const theme = useTheme();
  return (
    <Text wrap="truncate">
      {VIEWS.map((view, index) => {
        const selected = view === active;
        const badge = badges?.[view] ? ` ${badges[view]}` : '';
        return (
          <Text key={view}>
            <Text
              bold={selected}
              inverse={selected}
              color={selected ? theme.accent : theme.muted}
            >{` ${index + 1} ${VIEW_TITLES[view]}${badge} `}</Text>
            <Text> </Text>
          </Text>
        );
      })}
    </Text>
  );
});
