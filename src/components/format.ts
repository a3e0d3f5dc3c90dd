import cliTruncate from 'cli-truncate';
import stringWidth from 'string-width';

const relativeTime = new Intl.RelativeTimeFormat('en', { style: 'narrow', numeric: 'always' });
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "3m ago", "in 5m", "just now" (under a minute); '' when the time is unknown or unparsable. */
export function formatRelative(time: string | number | null | undefined, now: number): string {
  if (time === undefined || time === null || time === '') return '';
  const at = typeof time === 'number' ? time : Date.parse(time);
  if (!Number.isFinite(at)) return '';
  const delta = at - now;
  // times are redrawn once a minute: below a minute, seconds would be stale at once
  if (Math.abs(delta) < 60_000) return delta > 0 ? 'in <1m' : 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(delta) >= size || unit === 'minute') {
      return relativeTime.format(Math.trunc(delta / size), unit);
    }
  }
  return '';
}

/** how far in the future a past event's time may be and still read "just now" */
const PAST_SLACK_MS = 5 * 60_000;

/**
 * formatRelative for times that are in the past by nature (created, updated, finished): rows
 * fetched after the minute tick, or a server clock a little ahead, read "just now", not "in <1m".
 * Further in the future it is shown as it is: a clock that far off is worth seeing.
 */
export function formatPast(time: string | number | null | undefined, now: number): string {
  if (time === undefined || time === null || time === '') return '';
  const at = typeof time === 'number' ? time : Date.parse(time);
  if (Number.isFinite(at) && at > now && at - now <= PAST_SLACK_MS) return 'just now';
  return formatRelative(time, now);
}

/** Seconds as "42s", "3m 05s", "2h 07m". */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 -> "1.5 KiB". */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '–';
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

export function formatRate(bytesPerSecond: number | undefined): string {
  if (bytesPerSecond === undefined || !Number.isFinite(bytesPerSecond)) return '–';
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** 1284 -> "1,284". */
export function formatCount(n: number): string {
  return integer.format(n);
}

/** "41-60 of 1,284" for a window of rows over a collection. */
export function formatPosition(first: number, count: number, total: number): string {
  if (total === 0 || count === 0) return `0 of ${formatCount(total)}`;
  return `${formatCount(first + 1)}-${formatCount(first + count)} of ${formatCount(total)}`;
}

/** Ids are 24 hex characters; tables show the last 8 (the full id is in the detail pane). */
export function shortId(id: string | undefined): string {
  if (!id) return '';
  return id.length > 10 ? id.slice(-8) : id;
}

export function percent(part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Math.min(100, Math.max(0, (part / whole) * 100));
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Truncates with an ellipsis and pads with spaces to exactly `width` terminal cells. */
export function cell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  if (PRINTABLE_ASCII.test(text)) {
    // one cell per character: no grapheme segmentation needed (the common case, and hot)
    const cut = text.length > width ? `${text.slice(0, width - 1)}…` : text;
    const pad = ' '.repeat(width - cut.length);
    return align === 'right' ? pad + cut : cut + pad;
  }
  const cut = stringWidth(text) > width ? cliTruncate(text, width) : text;
  const pad = ' '.repeat(Math.max(0, width - stringWidth(cut)));
  return align === 'right' ? pad + cut : cut + pad;
}

export { stringWidth };

/** Word-wraps one line of plain text to `width` cells; words longer than a line are cut. */
export function wrapLine(text: string, width: number): string[] {
  if (width <= 0) return [''];
  if (stringWidth(text) <= width) return [text];
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    let rest = word;
    while (stringWidth(rest) > width) {
      if (current) {
        lines.push(current);
        current = '';
      }
      const head = cliTruncate(rest, width, { truncationCharacter: '' });
      lines.push(head);
      rest = rest.slice(head.length);
    }
    const candidate = current ? `${current} ${rest}` : rest;
    if (stringWidth(candidate) > width) {
      lines.push(current);
      current = rest;
    } else {
      current = candidate;
    }
  }
  lines.push(current);
  return lines;
}
