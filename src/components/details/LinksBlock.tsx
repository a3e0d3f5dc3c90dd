import { Box, Text } from 'ink';
import { memo } from 'react';
import { type LinkItem, noLinksReason, refKey, selectedLinkIndex, selectLinks } from '../../store/lineage.js';
import type { AppState, DetailRef } from '../../store/types.js';
import { useAppState } from '../context.js';
import { cell, shortId } from '../format.js';
import { sanitize } from '../sanitize.js';
import { statusLook, toneColor } from '../status.js';
import { type Theme, useTheme } from '../theme.js';

/** "Asset          1a2b3c4d  ✓ ready        holiday.mp4": family, short id, status, name. */
export function linkText(link: LinkItem, width: number): string {
  const look = statusLook(link.missing ? 'unknown' : sanitize(link.status));
  const name = `${sanitize(link.name)}${link.inferred ? '  ≈ same file name' : ''}`;
  return cell(
    `${cell(link.family, 14)} ${cell(shortId(sanitize(link.ref.id)), 9)} ${cell(`${look.symbol} ${look.word}`, 14)} ${name}`,
    width,
  );
}

export function LinkLine({
  link,
  width,
  selected,
  theme,
}: {
  link: LinkItem;
  width: number;
  selected: boolean;
  theme: Theme;
}) {
  const look = statusLook(link.missing ? 'unknown' : sanitize(link.status));
  return (
    <Text
      wrap="truncate"
      inverse={selected && theme.monochrome}
      backgroundColor={selected ? theme.selectedBackground : undefined}
      color={selected ? theme.selectedForeground : toneColor(theme, look.tone)}
    >
      {`${selected ? '›' : ' '} ${linkText(link, Math.max(0, width - 2))}`}
    </Text>
  );
}

/** Rows the Links block takes in a detail pane of `height` rows: its title and up to a third of the pane. */
export function linksRows(count: number, height: number): number {
  const most = Math.max(2, Math.floor(height / 3));
  return Math.min(1 + count, most, Math.max(0, height - 2));
}

/** "looking up…", the lookup's error, or why the item cannot have links. */
export function lookupState(state: AppState, ref: DetailRef): string {
  const key = refKey(ref);
  const { loading, error } = state.lineage;
  if (loading === key) return 'looking up…';
  if (error?.key === key) return `✗ ${error.message}`;
  return noLinksReason(state, ref) ?? '';
}

export interface LinksBlockProps {
  detail: DetailRef;
  width: number;
  /** rows for the block (linksRows) */
  height: number;
}

/** The open detail's links: a fixed block under the pane, the selected one always in view. */
export const LinksBlock = memo(function LinksBlock({ detail, width, height }: LinksBlockProps) {
  const theme = useTheme();
  const links = useAppState((state) => selectLinks(state, detail));
  const selected = useAppState((state) => selectedLinkIndex(state, detail, links.length));
  const lookup = useAppState((state) => lookupState(state, detail));
  if (height <= 0) return null;
  const body = height - 1;
  const top = Math.max(0, Math.min(selected - Math.floor(body / 2), links.length - body));
  const visible = links.slice(top, top + body);
  const hint =
    links.length > 0 ? ' · l/L select · Enter open · b back · f follow' : lookup ? '' : ' · none found';
  const more = links.length > body ? ` · ${selected + 1}/${links.length}` : '';
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold color={theme.accent} wrap="truncate">
        {cell(`Links (${links.length})${more}${hint}${lookup ? ` · ${sanitize(lookup)}` : ''}`, width)}
      </Text>
      {visible.map((link, index) => (
        <LinkLine
          key={refKey(link.ref)}
          link={link}
          width={width}
          selected={top + index === selected}
          theme={theme}
        />
      ))}
    </Box>
  );
});
