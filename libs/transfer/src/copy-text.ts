/*
 * Rows in Postgres COPY text format: columns separated by tabs, rows by newlines, NULL as \N,
 * and backslash, tab, newline and carriage return escaped inside values.
 */

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value: null → \N, objects as JSON (jsonb columns), the rest as text. */
export function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return SPECIAL.test(text) ? text.replace(SPECIAL_ALL, (character) => ESCAPES[character]!) : text;
}

/** One row, newline-terminated. */
export function copyRow(values: readonly unknown[]): string {
  let row = '';
  for (let index = 0; index < values.length; index++) row += (index === 0 ? '' : '\t') + copyValue(values[index]);
  return `${row}\n`;
}
