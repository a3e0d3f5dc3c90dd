import { codeIn, errorHelp } from '../../api/error-help.js';
import { describeRule, isStuckTable, type StuckRule, stuckFlag } from '../../store/stuck.js';
import type { EntityOf, ResourceTableId } from '../../store/types.js';
import { formatDuration, wrapLine } from '../format.js';
import { type DetailLine, LABEL_WIDTH } from './DetailLines.js';

function insertAfter(lines: DetailLine[], label: string, ...added: DetailLine[]): void {
  const at = lines.findIndex((line) => line.label === label);
  lines.splice(at === -1 ? lines.length : at + 1, 0, ...added);
}

/** A labelled value wrapped under its label (continuation lines are indented, not relabelled). */
function labelled(label: string, value: string, width: number, tone?: DetailLine['tone']): DetailLine[] {
  return wrapLine(value, Math.max(10, width - LABEL_WIDTH)).map((part, i) => ({
    label: i === 0 ? label : '',
    value: part,
    tone,
  }));
}

/**
 * A detail pane's lines with what the monitor knows: "running for 2h 05m — stuck (threshold …)"
 * after the status of a slow or stuck item, and what to do after an error it can explain.
 */
export function withMonitorLines(
  lines: readonly DetailLine[],
  table: ResourceTableId,
  entity: unknown,
  rule: StuckRule | undefined,
  now: number,
  width: number,
): DetailLine[] {
  const result = [...lines];
  if (rule && isStuckTable(table)) {
    const flag = stuckFlag(table, entity as EntityOf[typeof table], rule, now);
    if (flag) {
      const word = flag.level === 'stuck' ? '⚠ stuck' : '◔ slow';
      insertAfter(result, 'status', {
        label: 'flag',
        value: `${word}: running for ${formatDuration(flag.ageMs)}; stuck after ${describeRule(rule)}`,
        tone: flag.level === 'stuck' ? 'failed' : 'waiting',
      });
    }
  }
  const error = result.find((line) => line.label === 'error');
  const help = errorHelp(codeIn(error?.value));
  if (!error) return result;
  // the reason is what an operator opened the detail for: all of it, wrapped under its label
  result.splice(
    result.indexOf(error),
    1,
    ...labelled('error', error.value, width, error.tone),
    ...(help
      ? [...labelled('what happened', help.meaning, width), ...labelled('what to do', help.action, width)]
      : []),
  );
  return result;
}
