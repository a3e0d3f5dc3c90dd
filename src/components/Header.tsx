import { Box, Text } from 'ink';
import { memo } from 'react';
import { cell, formatRelative } from './format.js';
import { useTheme } from './theme.js';

export type PollingState = 'live' | 'paused' | 'stale';

export interface HeaderProps {
  width: number;
  now: number;
  profile: string;
  host: string;
  /** already masked: tlk_…abcd */
  maskedKey: string;
  demo: boolean;
  latencyMs?: number;
  lastSuccessAt?: number;
  /** one sanitised line */
  lastError?: string;
  rateRemaining?: number;
  rateLimit?: number;
  polling: PollingState;
  /** epoch ms of the oldest data shown while stale */
  staleSince?: number;
}

/** Line 2 of the demo header: how to leave the demo for a real account. */
export const DEMO_HINT = 'demo data · connect: tltop config, or TWELVELABS_API_KEY=… tltop';

/** HH:MM: the dashboard redraws once a minute when nothing changes, so no seconds. */
function clock(now: number): string {
  return new Date(now).toTimeString().slice(0, 5);
}

/** Two lines: who and where (profile, host, key, clock), then health (polling, latency, rate limit, error). */
export const Header = memo(function Header(props: HeaderProps) {
  const theme = useTheme();
  const { width, now } = props;
  const time = clock(now);
  const identity = `profile ${props.profile}  ${props.host}  key ${props.maskedKey}`;
  const left = width - time.length - 1;
  const pollingColor =
    props.polling === 'live' ? theme.ok : props.polling === 'paused' ? theme.warning : theme.failed;
  // connection times are stamped with this machine's clock, and the header re-renders when they change
  const wallNow = Date.now();
  const pollingText =
    props.polling === 'live'
      ? '● live'
      : props.polling === 'paused'
        ? '‖ paused'
        : `▲ stale${props.staleSince ? `, data from ${formatRelative(props.staleSince, wallNow)}` : ''}`;
  const latency = props.latencyMs === undefined ? 'API –' : `API ${Math.round(props.latencyMs)} ms`;
  const success = props.lastSuccessAt
    ? `ok ${formatRelative(props.lastSuccessAt, wallNow)}`
    : 'no answer yet';
  const rate =
    props.rateRemaining === undefined
      ? 'rate –'
      : `rate ${props.rateRemaining}${props.rateLimit === undefined ? '' : `/${props.rateLimit}`} left`;
  const health = `  ${latency}, ${success}  ${rate}`;
  const error = props.lastError ? `  ✗ ${props.lastError}` : '';
  const title = props.demo ? 'tltop DEMO ' : 'tltop ';
  return (
    <Box flexDirection="column" width={width} height={2}>
      <Text wrap="truncate">
        <Text bold color={props.demo ? theme.demo : theme.accent} inverse={props.demo}>
          {title}
        </Text>
        <Text>{cell(` ${identity}`, Math.max(0, left - title.length))}</Text>
        <Text> </Text>
        <Text color={theme.accent}>{time}</Text>
      </Text>
      <Text wrap="truncate">
        <Text color={pollingColor} bold>
          {pollingText}
        </Text>
        {props.demo ? <Text color={theme.demo}>{`  ${DEMO_HINT}`}</Text> : null}
        <Text color={theme.muted}>{health}</Text>
        <Text color={theme.failed}>{error}</Text>
      </Text>
    </Box>
  );
});
