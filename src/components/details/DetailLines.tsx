import { Box, Text } from 'ink';
import { memo, useEffect, useMemo } from 'react';
import { useStores } from '../context.js';
import { cell, stringWidth, wrapLine } from '../format.js';
import { type StatusTone, toneColor } from '../status.js';
import { useTheme } from '../theme.js';

/** One line of a detail pane: "label  value", a section title, or free text. Values are sanitised. */
export interface DetailLine {
  label?: string;
  value: string;
  tone?: StatusTone;
  section?: boolean;
  /** long free text: word-wrapped to the pane instead of truncated */
  wrap?: boolean;
}

export const LABEL_WIDTH = 16;
/** a section of long labels (technical metadata keys) widens its label column up to this */
const MAX_LABEL_WIDTH = 26;

/**
 * The label column of each line: LABEL_WIDTH, or wider for a section whose labels need it
 * (as far as MAX_LABEL_WIDTH and 40% of the pane). Lines with an empty label continue a wrapped
 * value that was wrapped for LABEL_WIDTH, so a section that has them keeps LABEL_WIDTH.
 */
export function labelWidths(lines: readonly DetailLine[], width: number): number[] {
  const widest = Math.min(MAX_LABEL_WIDTH, Math.floor(width * 0.4));
  const result: number[] = [];
  let start = 0;
  const close = (end: number) => {
    const labels = lines.slice(start, end).map((line) => line.label);
    const wraps = labels.some((label) => label === '');
    const needed = Math.max(0, ...labels.map((label) => (label ? stringWidth(label) + 1 : 0)));
    const column = wraps ? LABEL_WIDTH : Math.max(LABEL_WIDTH, Math.min(widest, needed));
    for (let i = start; i < end; i++) result.push(column);
    start = end;
  };
  lines.forEach((line, index) => {
    if (line.section && index > start) close(index);
  });
  close(lines.length);
  return result;
}

export function field(
  label: string,
  value: string | number | undefined | null,
  tone?: StatusTone,
): DetailLine[] {
  if (value === undefined || value === null || value === '') return [];
  return [{ label, value: String(value), tone }];
}

export function section(title: string): DetailLine {
  return { value: title, section: true };
}

export interface DetailLinesProps {
  lines: readonly DetailLine[];
  width: number;
  height: number;
  /** first line shown; clamped so the last page stays full */
  scroll: number;
  /** false: a fixed block that is cut, not scrolled (no "lines x-y of z" row) */
  scrollable?: boolean;
}

/** A scrollable list of lines in a fixed box; the last row says how much is hidden. */
export const DetailLines = memo(function DetailLines({
  lines: source,
  width,
  height,
  scroll,
  scrollable = true,
}: DetailLinesProps) {
  const theme = useTheme();
  const rows = Math.max(0, height);
  const lines = useMemo(
    () =>
      source.flatMap((line) =>
        line.wrap ? wrapLine(line.value, width).map((value) => ({ ...line, value, wrap: false })) : [line],
      ),
    [source, width],
  );
  const overflow = scrollable && lines.length > rows;
  const body = overflow ? rows - 1 : rows;
  const top = Math.max(0, Math.min(scroll, lines.length - body));
  const clamp = useStores().scroll.getState().clampDetail;
  useEffect(() => {
    if (scroll > top) clamp(top);
  }, [scroll, top, clamp]);
  const visible = lines.slice(top, top + body);
  const labelColumn = useMemo(() => labelWidths(lines, width), [lines, width]);
  return (
    <Box flexDirection="column" width={width} height={rows} overflow="hidden">
      {visible.map((line, index) => (
        <Text
          // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
          key={top + index}
          wrap="truncate"
          bold={line.section}
          color={line.section ? theme.accent : undefined}
        >
          {line.label !== undefined ? (
            <Text
              color={theme.muted}
            >{`${cell(line.label, (labelColumn[top + index] ?? LABEL_WIDTH) - 1)} `}</Text>
          ) : null}
          <Text color={line.tone ? toneColor(theme, line.tone) : undefined}>{line.value}</Text>
        </Text>
      ))}
      {overflow ? (
        <Text color={theme.muted} wrap="truncate">
          {`── lines ${top + 1}-${top + visible.length} of ${lines.length} · j/k PgUp/PgDn scroll`}
        </Text>
      ) : null}
    </Box>
  );
});
