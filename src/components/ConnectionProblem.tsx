import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import type { ConnectionProblem as Problem } from '../store/types.js';
import { formatDuration, wrapLine } from './format.js';
import { sanitize } from './sanitize.js';
import { useTheme } from './theme.js';

export interface ConnectionProblemProps {
  problem: Problem;
  host: string;
  /** already masked: tlk_…abcd */
  maskedKey: string;
  width: number;
  height: number;
}

const TITLES: Record<Problem['kind'], (host: string, key: string) => string> = {
  auth: (_host, key) => `✗ The API refused the key ${key}`,
  unreachable: (host) => `✗ Cannot reach the API at ${host}`,
  failing: (host) => `✗ The API at ${host} answers with errors only`,
};

const FIXES: Record<Problem['kind'], readonly string[]> = {
  auth: [
    '· set TWELVELABS_API_KEY=<key> or pass --api-key <key>',
    '· or save the key in a profile (tltop config), or switch here: :profile NAME',
    '· keys expire or get revoked: create a new one in the TwelveLabs dashboard',
  ],
  unreachable: [
    '· check the base URL: --base-url, TWELVELABS_BASE_URL or the profile (tltop config list)',
    '· check the network; behind a proxy set HTTPS_PROXY (and NO_PROXY)',
  ],
  failing: [
    '· check the base URL (it ends in /v1.3): --base-url, TWELVELABS_BASE_URL or tltop config',
    '· a proxy or gateway may be answering: check HTTPS_PROXY and NO_PROXY',
  ],
};

/** The countdown to the next try, redrawn every second while this screen is up. */
function useSecondTicks(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function retryLine(nextTryAt: number | undefined, now: number): string {
  const when =
    nextTryAt === undefined || nextTryAt - now < 1000
      ? 'trying again now'
      : `next try in ${formatDuration(nextTryAt - now)}`;
  return `tltop keeps trying (${when}); the views appear once it gets an answer. q quits.`;
}

/** Word-wrapped lines; a "· " bullet's continuation lines are indented under its text. */
export function hangingWrap(text: string, width: number): string[] {
  const bullet = text.startsWith('· ') ? '· ' : '';
  const body = text.slice(bullet.length);
  return wrapLine(body, Math.max(1, width - bullet.length)).map(
    (line, index) => (index === 0 ? bullet : ' '.repeat(bullet.length)) + line,
  );
}

/**
 * Instead of empty tables: the key is refused, or the API has never answered. Says what failed
 * (one line), what to fix and when the next try is; the dashboard stays up and recovers by itself.
 */
export function ConnectionProblem({ problem, host, maskedKey, width, height }: ConnectionProblemProps) {
  const theme = useTheme();
  const now = useSecondTicks();
  // wrapped here, not by Ink: its wrap keeps the space at a break at the start of the next line,
  // and lines past the height are left out rather than squeezed on top of each other
  const inner = Math.max(1, width - 2);
  const wrapped = (text: string, color?: string, bold = false): Line[] =>
    hangingWrap(text, inner).map((line) => ({ text: line, color, bold }));
  const lines: Line[] = [
    { text: TITLES[problem.kind](sanitize(host), maskedKey), color: theme.failed, bold: true },
    ...wrapped(sanitize(problem.message)),
    ...wrapped(retryLine(problem.nextTryAt, now), theme.warning),
    { text: '' },
    { text: 'What to fix:', bold: true },
    ...FIXES[problem.kind].flatMap((fix) => wrapped(fix)),
  ];
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden" paddingX={1}>
      {lines.slice(0, Math.max(0, height)).map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
        <Text key={index} color={line.color} bold={line.bold} wrap="truncate">
          {line.text || ' '}
        </Text>
      ))}
    </Box>
  );
}

interface Line {
  text: string;
  color?: string;
  bold?: boolean;
}
