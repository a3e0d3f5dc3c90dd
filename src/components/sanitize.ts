import stripAnsi from 'strip-ansi';

// C0 and C1 control characters (tab and newline included: a table cell is one line) plus DEL.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Makes server text safe for the terminal: escape sequences removed, control
 * characters replaced by a space so words stay apart.
 */
export function sanitize(text: unknown): string {
  if (text === undefined || text === null) return '';
  return stripAnsi(String(text)).replace(CONTROL_CHARACTERS, ' ');
}

/** Like sanitize, but keeps line breaks (for multi-line text such as analyze results). */
export function sanitizeLines(text: unknown): string[] {
  if (text === undefined || text === null) return [];
  return stripAnsi(String(text))
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/\t/g, '  ').replace(CONTROL_CHARACTERS, ' '));
}
