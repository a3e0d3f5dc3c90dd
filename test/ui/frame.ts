import { createServer } from 'node:net';
import { expect } from 'vitest';

/**
 * Reading a dashboard frame: header 2 lines, tabs 1, caption 1 (harness `caption`), column
 * header 1, the table body, then the footer / status bar as the last line.
 */

/** Table body rows of the frame (between the column header and the footer), blank lines left out. */
export function bodyRows(frame: string): string[] {
  return frame
    .split('\n')
    .slice(5, -1)
    .filter((line) => line.trim() !== '');
}

/** The selected body row (it starts with ›), or '' when no row is selected. */
export function selectedRow(frame: string): string {
  return bodyRows(frame).find((line) => line.startsWith('› ')) ?? '';
}

/** The last line: the footer, or the status bar while it has a message. */
export function statusBar(frame: string): string {
  return frame.split('\n').at(-1) ?? '';
}

/** The short id (last 8 hex digits) of a table row: the first such word after the status (and a stuck/slow flag). */
export function shortIdOf(row: string): string {
  const id = /^. . \w+ +(?:[⚠◔] \w+ \w+ +)?([0-9a-f]{8}) /.exec(row)?.[1];
  if (!id) throw new Error(`no id in row: ${row}`);
  return id;
}

/** The frame has no more rows and no longer lines than the terminal. */
export function expectWithinTerminal(frame: string, columns: number, rows: number): void {
  const lines = frame.split('\n');
  expect(lines.length).toBeLessThanOrEqual(rows);
  for (const line of lines) expect(line.length).toBeLessThanOrEqual(columns);
}

/** A loopback port nothing listens on (an unreachable API). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
