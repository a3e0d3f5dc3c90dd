import { Text } from 'ink';
import { memo } from 'react';
import { useTheme } from './theme.js';

const BARS = '▁▂▃▄▅▆▇█';

/**
 * Sums `values` into `cells` consecutive groups (the last group ends at the last value, so the
 * newest data is always the rightmost cell); averages with `average`.
 */
export function regroup(values: readonly number[], cells: number, average = false): number[] {
  if (cells <= 0 || values.length === 0) return [];
  const size = Math.max(1, Math.ceil(values.length / cells));
  const groups: number[] = [];
  for (let end = values.length; end > 0 && groups.length < cells; end -= size) {
    const group = values.slice(Math.max(0, end - size), end);
    const sum = group.reduce((a, b) => a + b, 0);
    groups.unshift(average ? sum / group.length : sum);
  }
  return groups;
}

/**
 * ▁▂▃▄▅▆▇█ for the values, scaled to their maximum. Zero is a space-like low bar (▁) only when
 * something happened in the window; an all-zero window is all ▁ too, so the width never changes.
 */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values
    .map((value) => {
      if (max <= 0 || value <= 0) return BARS[0];
      const level = Math.min(BARS.length - 1, Math.max(1, Math.round((value / max) * (BARS.length - 1))));
      return BARS[level];
    })
    .join('');
}

export interface SparklineProps {
  values: readonly number[];
  cells: number;
  average?: boolean;
}

/** A sparkline of `cells` characters over the values (regrouped to fit). */
export const Sparkline = memo(function Sparkline({ values, cells, average }: SparklineProps) {
  const theme = useTheme();
  return <Text color={theme.accent}>{sparkline(regroup(values, cells, average))}</Text>;
});
