/** CSV (RFC 4180) and JSON text of exported rows. */
import type { Cell, ExportColumn } from './export-columns.js';

// C0/C1 controls other than tab, CR and LF: a CSV shown with `cat` must not drive the terminal
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
// a spreadsheet runs a cell that starts with one of these as a formula
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: formula-looking text gets a leading ', then RFC 4180 quoting when needed. */
export function csvField(value: Cell): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  let text = value.replace(CONTROLS, '');
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A header line and one line per row, CRLF line ends (RFC 4180). */
export function toCsv<Row>(columns: readonly ExportColumn<Row>[], rows: readonly Row[]): string {
  const line = (cells: readonly Cell[]) => `${cells.map(csvField).join(',')}\r\n`;
  let text = line(columns.map((column) => column.name));
  for (const row of rows) text += line(columns.map((column) => column.value(row)));
  return text;
}

export interface ExportMeta {
  table: string;
  exported_at: string;
  filter: string;
  sort: string;
  /** rows in the server collection for the query (may be more than written when capped) */
  total: number;
  capped: boolean;
}

/** `{ ...meta, rows: [{column: value}] }`, values as the API gave them (numbers stay numbers). */
export function toJson<Row>(
  columns: readonly ExportColumn<Row>[],
  rows: readonly Row[],
  meta: ExportMeta,
): string {
  const objects = rows.map((row) =>
    Object.fromEntries(columns.map((column) => [column.name, column.value(row)])),
  );
  return `${JSON.stringify({ ...meta, rows: objects }, null, 2)}\n`;
}
