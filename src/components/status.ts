import type { Theme } from './theme.js';

export type StatusTone = 'ok' | 'running' | 'waiting' | 'failed' | 'muted';

export interface StatusLook {
  symbol: string;
  word: string;
  tone: StatusTone;
}

const TONES: Record<string, StatusTone> = {
  ready: 'ok',
  completed: 'ok',
  confirmed: 'ok',
  done: 'ok',
  uploaded: 'ok',
  indexing: 'running',
  processing: 'running',
  uploading: 'running',
  validating: 'running',
  active: 'running',
  in_flight: 'running',
  finalizing: 'running',
  creating: 'running',
  reporting: 'running',
  waiting_asset: 'running',
  pending: 'waiting',
  queued: 'waiting',
  paused: 'waiting',
  waiting: 'waiting',
  failed: 'failed',
  expired: 'failed',
  error: 'failed',
  cancelled: 'muted',
  canceled: 'muted',
};

/** Upload phases whose code name is not a word an operator would use. */
const WORDS: Record<string, string> = {
  waiting_asset: 'processing',
  in_flight: 'in flight',
};

const SYMBOLS: Record<StatusTone, string> = {
  ok: '✓',
  running: '●',
  waiting: '○',
  failed: '✗',
  muted: '–',
};

/** A status as symbol + word + tone, so colour is never the only carrier. Unknown statuses stay readable. */
export function statusLook(status: string | undefined): StatusLook {
  const key =
    (status ?? 'unknown')
      .replace(/[^\w-]/g, '')
      .slice(0, 24)
      .toLowerCase() || 'unknown';
  const tone = TONES[key] ?? 'muted';
  const word = (WORDS[key] ?? key).slice(0, 12);
  return { symbol: SYMBOLS[tone], word, tone };
}

export function toneColor(theme: Theme, tone: StatusTone): string | undefined {
  switch (tone) {
    case 'ok':
      return theme.ok;
    case 'running':
      return theme.running;
    case 'waiting':
      return theme.waiting;
    case 'failed':
      return theme.failed;
    default:
      return theme.muted;
  }
}
