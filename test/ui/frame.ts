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
