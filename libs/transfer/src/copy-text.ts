/*
 * Rows in Postgres COPY text format: columns separated by tabs, rows by newlines, NULL as \N,
 * and backslash, tab, newline and carriage return escaped inside values.
 */

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

const escapeText = (text: string) => (SPECIAL.test(text) ? text.replace(SPECIAL_ALL, (character) => ESCAPES[character]!) : text);

/** One value: null → \N, objects as JSON (jsonb columns), the rest as text. */
export function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  return escapeText(typeof value === 'object' ? jsonText(value) : String(value));
}

/** JSON of an object or array; the empty ones, most of an import's, without a trip through JSON.stringify. */
export function jsonText(value: object): string {
  if (Array.isArray(value)) return value.length === 0 ? '[]' : JSON.stringify(value);
  for (const _ in value) return JSON.stringify(value);
  return '{}';
}

/** One row, newline-terminated. */
export function copyRow(values: readonly unknown[]): string {
  let row = '';
  for (let index = 0; index < values.length; index++) row += (index === 0 ? '' : '\t') + copyValue(values[index]);
  return `${row}\n`;
}
