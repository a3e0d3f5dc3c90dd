/**
 * `tltop upload --progress plain`: when a file's progress is worth one more log line. CI logs
 * get a line per PERCENT_STEP of progress or per HEARTBEAT_MS (whichever comes first, never
 * two within MIN_GAP_MS), plus one for every change of state (phase, offline, stalled).
 */
import type { UploadPhase, UploadSnapshot } from './types.js';

export const PERCENT_STEP = 10;
export const HEARTBEAT_MS = 30_000;
export const MIN_GAP_MS = 1_000;

/** Phases no upload event announces (started/uploaded/ready/done lines cover the others). */
const PHASE_LINES: Partial<Record<UploadPhase, string>> = {
  reporting: 'every chunk sent, reporting the last ones',
  indexing: 'asset ready, indexing',
};

interface Seen {
  phase: UploadPhase;
  offline: boolean;
  stalled: boolean;
  /** the percent step last printed */
  step: number;
  lastLineAt: number;
}

export type PlainLine = { kind: 'state'; text: string } | { kind: 'progress' };

function percentOf(snapshot: UploadSnapshot): number {
  return snapshot.size > 0 ? Math.floor((100 * snapshot.bytesConfirmed) / snapshot.size) : 0;
}

export class PlainProgressGate {
  private readonly seen = new Map<string, Seen>();

  /** What to print for this snapshot now: state lines first, then at most one progress line. */
  next(snapshot: UploadSnapshot, now: number): PlainLine[] {
    const previous = this.seen.get(snapshot.id);
    const step = Math.floor(percentOf(snapshot) / PERCENT_STEP);
    const lines: PlainLine[] = [];
    if (previous && previous.phase !== snapshot.phase) {
      const text = PHASE_LINES[snapshot.phase];
      if (text) lines.push({ kind: 'state', text });
    }
    if (snapshot.offline !== (previous?.offline ?? false))
      lines.push({ kind: 'state', text: snapshot.offline ? 'offline, probing the API' : 'back online' });
    if (snapshot.stalled !== (previous?.stalled ?? false))
      lines.push({ kind: 'state', text: snapshot.stalled ? 'stalled' : 'moving again' });
    const moving = snapshot.phase === 'uploading' || snapshot.phase === 'reporting';
    const lastLineAt = previous?.lastLineAt ?? Number.NEGATIVE_INFINITY;
    const due =
      moving &&
      now - lastLineAt >= MIN_GAP_MS &&
      (previous === undefined || step > previous.step || now - lastLineAt >= HEARTBEAT_MS);
    if (due) lines.push({ kind: 'progress' });
    this.seen.set(snapshot.id, {
      phase: snapshot.phase,
      offline: snapshot.offline,
      stalled: snapshot.stalled,
      step: due ? step : (previous?.step ?? step),
      lastLineAt: lines.length > 0 ? now : lastLineAt,
    });
    return lines;
  }
}
