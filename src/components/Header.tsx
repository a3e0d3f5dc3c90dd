import { Box, Text } from 'ink';
import { memo } from 'react';
import { withErrorHelp } from '../api/error-help.js';
import type { FinishedSeries, UploadSeries } from '../store/throughput.js';
import { cell, formatPast, formatRate, stringWidth } from './format.js';
import { regroup, sparkline } from './Sparkline.js';
import { FittedLine, type Segment } from './Table.js';
import { type Theme, useTheme } from './theme.js';

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

/** The latency as shown: under a second it is noise ("<1 s"), above it is worth a figure. */
export function latencyText(ms: number): string {
  if (ms < 1000) return '<1 s';
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/**
 * The header's two lines as coloured segments: what the component draws, and what the minute
 * tick compares (src/components/use-now.ts) to know whether a frame would show anything new.
 */
export function headerSegments(props: HeaderProps, theme: Theme): [Segment[], Segment[]] {
  const { width, now } = props;
  const identity = `profile ${props.profile}  ${props.host}  key ${props.maskedKey}`;
  const left = width;
  const pollingColor =
    props.polling === 'live' ? theme.ok : props.polling === 'paused' ? theme.warning : theme.failed;
  // connection times are this machine's clock, written after the last tick: past times never read "in <1m"
  const pollingText =
    props.polling === 'live'
      ? '● live'
      : props.polling === 'paused'
        ? '‖ paused'
        : props.lastSuccessAt === undefined
          ? '▲ no data yet'
          : `▲ stale${props.staleSince ? `, data from ${formatPast(props.staleSince, now)}` : ''}`;
  // a latency beside "no answer yet" would be a refused connection's 0 ms
  const answered = props.latencyMs !== undefined && props.lastSuccessAt !== undefined;
  const latency = answered ? `API ${latencyText(props.latencyMs!)}` : 'API –';
  const slow = answered && props.latencyMs! >= 1000;
  // while every poll succeeds, "● live" says it; the last success is worth its place once polls fail
  const success =
    props.lastSuccessAt === undefined
      ? ', no answer yet'
      : props.lastError
        ? `, ok ${formatPast(props.lastSuccessAt, now)}`
        : '';
  const rate =
    props.rateRemaining === undefined
      ? 'rate –'
      : `rate ${props.rateRemaining}${props.rateLimit === undefined ? '' : `/${props.rateLimit}`} left`;
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
  const line1: Segment[] = [
    { text: title, bold: true, color: props.demo ? theme.demo : theme.accent, inverse: props.demo },
    { text: cell(` ${identity}`, Math.max(0, left - title.length - stringWidth(spark))) },
  ];
  if (spark) line1.push({ text: spark, color: theme.muted });
  const line2: Segment[] = [{ text: pollingText, color: pollingColor, bold: true }];
  if (props.demo) line2.push({ text: `  ${DEMO_HINT}`, color: theme.demo });
  line2.push({ text: '  ' });
  line2.push({ text: latency, color: slow ? theme.warning : theme.muted });
  line2.push({ text: `${success}  ${rate}`, color: theme.muted });
  if (error) line2.push({ text: error, color: theme.failed });
  return [line1, line2];
}

function SegmentText({ segment }: { segment: Segment }) {
  return (
    <Text color={segment.color} bold={segment.bold} inverse={segment.inverse}>
      {segment.text}
    </Text>
  );
}

/**
 * Two lines: who and where (profile, host, key, throughput), then health (polling, latency
 * and, while polls fail, the last success; rate limit, error). No wall clock: a terminal
 * multiplexer shows the time, and a clock would redraw an idle dashboard every minute.
 */
export const Header = memo(function Header(props: HeaderProps) {
  const theme = useTheme();
  const [line1, line2] = headerSegments(props, theme);
  return (
    <Box flexDirection="column" width={props.width} height={2}>
      {/* line 1 fills the width exactly (the identity is cut to fit); line 2 may not fit and is cut as a whole */}
      <FittedLine segments={line1} width={props.width} />
      <Text wrap="truncate">
        {line2.map((segment, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments are positional
          <SegmentText key={index} segment={segment} />
        ))}
      </Text>
    </Box>
  );
});
