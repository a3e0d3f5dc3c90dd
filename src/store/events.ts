/** The bounded events log: state transitions and errors, newest last. */
import stripAnsi from 'strip-ansi';
import type { LogEvent } from './types.js';

export const DEFAULT_MAX_EVENTS = 500;

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]+/g;

/** One terminal-safe line: escape sequences stripped, control characters collapsed. */
export function oneLineText(text: string, maxLength = 300): string {
  const clean = stripAnsi(text).replace(CONTROL_CHARACTERS, ' ').trim();
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean;
}

/** What went wrong, as one terminal-safe line: an Error's message, or the thrown value. */
export function errorLine(error: unknown, maxLength?: number): string {
  return oneLineText(error instanceof Error ? error.message : String(error), maxLength);
}

/**
 * "4f6912db": the last 8 characters, as the tables' ID columns show them (the first ones of an
 * ObjectId are its creation time, the same for everything created in the same minutes).
 */
export function shortId(id: string): string {
  return id.length > 10 ? id.slice(-8) : id;
}

export interface NewEvent {
  source: string;
  message: string;
  level?: LogEvent['level'];
}

/** Appends entries, dropping the oldest beyond `max`. Returns the same array when nothing is added. */
export function appendEvents(
  events: readonly LogEvent[],
  added: readonly NewEvent[],
  at: number,
  nextSeq: () => number,
  max: number,
): readonly LogEvent[] {
  if (added.length === 0) return events;
  const entries = added.map(
    (event): LogEvent => ({
      id: String(nextSeq()),
      at,
      level: event.level ?? 'info',
      source: event.source,
      message: oneLineText(event.message),
    }),
  );
  const combined = events.concat(entries);
  return combined.length > max ? combined.slice(combined.length - max) : combined;
}
