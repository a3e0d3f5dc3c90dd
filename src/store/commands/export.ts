/** `:export FILE.csv|FILE.json` and `:export! FILE` (replaces an existing file). */

import type { StoreContext } from '../context.js';
import { exportCurrentTable } from '../export.js';
import type { CommandSpec } from './types.js';

async function runExport(args: readonly string[], context: StoreContext, replace: boolean): Promise<void> {
  if (args.length !== 1) {
    throw new Error(`usage: :export${replace ? '!' : ''} FILE.csv or FILE.json (one path, no spaces)`);
  }
  const typed = args[0]!;
  const result = await exportCurrentTable(context, typed, replace, context.exportOptions);
  const count = (n: number) => n.toLocaleString('en-US');
  const read = `${count(result.fetched ?? 0)} of ${count(result.cappedFrom ?? 0)}`;
  const capped =
    result.cappedFrom === undefined
      ? ''
      : result.rateStopped
        ? ` (stopped at ${read}: rate-limit budget left for polling)`
        : ` (capped: the first ${read})`;
  const text = `exported ${count(result.rows)} rows to ${typed}${capped}`;
  context.setStatus(text, result.cappedFrom === undefined ? 'info' : 'warn');
  context.log([{ source: 'export', message: `${text}: ${result.file}` }]);
}

export const EXPORT_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'export',
    usage: ':export FILE.csv|FILE.json',
    description: "write the current table's rows (all pages of its query) to a new file",
    run: (args, context) => runExport(args, context, false),
  },
  {
    name: 'export!',
    usage: ':export! FILE',
    description: 'the same, replacing the file if it exists',
    run: (args, context) => runExport(args, context, true),
  },
];
