import { Text } from 'ink';
import { useTheme } from './theme.js';

export interface ProgressBarProps {
  /** 0..1 */
  ratio: number;
  /** total width in cells, including the trailing percentage */
  width: number;
  tone?: 'running' | 'ok' | 'failed';
}

/** Renders the bar as plain characters so it reads the same without colour: "███████░░░░ 64%". */
export function progressBarText(ratio: number, width: number): string {
  const clamped = Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 0;
  const label = `${Math.floor(clamped * 100)}%`.padStart(4);
  const barWidth = Math.max(0, width - label.length - 1);
  const filled = Math.round(clamped * barWidth);
  return `${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)} ${label}`;
}

export function ProgressBar({ ratio, width, tone = 'running' }: ProgressBarProps) {
  const theme = useTheme();
  const color = tone === 'ok' ? theme.ok : tone === 'failed' ? theme.failed : theme.running;
  return (
    <Text color={color} wrap="truncate">
      {progressBarText(ratio, width)}
    </Text>
  );
}
