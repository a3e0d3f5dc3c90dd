import { Box, Text } from 'ink';
import { memo } from 'react';
import { withErrorHelp } from '../api/error-help.js';
import type { FinishedSeries, UploadSeries } from '../store/throughput.js';
import { cell, formatRate, formatRelative, stringWidth } from './format.js';
import { regroup, sparkline } from './Sparkline.js';
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
  /** work finished over the last hour (loaded data), shown as a sparkline when the header has room */
  finished?: FinishedSeries;
  /** upload speed over the last hour */
  upload?: UploadSeries;
}

/** cells of each header sparkline: five minutes each */
const HEADER_SPARK_CELLS = 12;

/** "done/h 42 ▁▂▃…" and "up 3.2 MiB/s ▁▃▇…", as many as fit beside `identity` in `room` cells. */
export function headerThroughput(
  finished: FinishedSeries | undefined,
  upload: UploadSeries | undefined,
  room: number,
  identity: number,
): string {
  const parts: string[] = [];
  if (finished) {
    parts.push(`done/h ${finished.totalCount} ${sparkline(regroup(finished.total, HEADER_SPARK_CELLS))}`);
  }
  if (upload && upload.peak > 0) {
    parts.push(
      `up ${formatRate(upload.current)} ${sparkline(regroup(upload.perMinute, HEADER_SPARK_CELLS, true))}`,
    );
  }
  while (parts.length > 0 && stringWidth(parts.join('  ')) + 2 + identity > room) parts.pop();
  return parts.join('  ');
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
  // a latency beside "no answer yet" would be a refused connection's 0 ms
  const latency =
    props.latencyMs === undefined || props.lastSuccessAt === undefined
      ? 'API –'
      : `API ${Math.round(props.latencyMs)} ms`;
  const success = props.lastSuccessAt
    ? `ok ${formatRelative(props.lastSuccessAt, wallNow)}`
    : 'no answer yet';
  const rate =
    props.rateRemaining === undefined
      ? 'rate –'
      : `rate ${props.rateRemaining}${props.rateLimit === undefined ? '' : `/${props.rateLimit}`} left`;
  const health = `  ${latency}, ${success}  ${rate}`;
  const error = props.lastError ? `  ✗ ${withErrorHelp(props.lastError)}` : '';
  const title = props.demo ? 'tltop DEMO ' : 'tltop ';
  // before any answer there is no work to count: "done/h 0" would read as a fact
  const throughput = headerThroughput(
    props.lastSuccessAt === undefined ? undefined : props.finished,
    props.upload,
    Math.max(0, left - title.length),
    stringWidth(identity) + 1,
  );
  const spark = throughput ? `${throughput}  ` : '';
  return (
    <Box flexDirection="column" width={width} height={2}>
      <Text wrap="truncate">
        <Text bold color={props.demo ? theme.demo : theme.accent} inverse={props.demo}>
          {title}
        </Text>
        <Text>{cell(` ${identity}`, Math.max(0, left - title.length - stringWidth(spark)))}</Text>
        {spark ? <Text color={theme.muted}>{spark}</Text> : null}
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
