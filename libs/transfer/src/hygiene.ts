/*
 * The input hygiene rules of @heyyo/contracts (input-hygiene.ts), for imported lines: Postgres
 * refuses NUL in text, a lone UTF-16 surrogate cannot be stored as UTF-8, deep nesting overflows
 * the encoders. The contracts package does not export its checker, and depending on it here would
 * change the shared lockfile, so the rule is restated (same limits, same messages).
 */

/** Deepest nesting of objects and arrays (as @heyyo/contracts MAX_JSON_DEPTH). */
export const MAX_JSON_DEPTH = 32;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textIssue(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL (\\u0000) characters';
  if (LONE_SURROGATE.test(text)) return 'must not contain unpaired UTF-16 surrogates';
  return undefined;
}

/**
 * Whether a raw JSON line can hold a NUL or a lone surrogate at all: a decoded UTF-8 file has no
 * lone surrogates and JSON strings cannot hold a raw NUL, so only a `\u` escape can produce one.
 * Most lines have none and skip the walk over their values.
 */
export const mayBreakHygiene = (line: string) => line.includes('\\u');

/** The first breach of the rules in `value` (a parsed line) as `path: reason`, or undefined. */
export function hygieneIssue(value: unknown): string | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      const issue = textIssue(current);
      if (issue) return `${path || 'value'} ${issue}`;
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_JSON_DEPTH) return `${path} must not nest deeper than ${MAX_JSON_DEPTH} levels`;
    for (const [key, child] of Array.isArray(current) ? current.entries() : Object.entries(current)) {
      const childPath = path ? `${path}.${key}` : String(key);
      if (typeof key === 'string') {
        const issue = textIssue(key);
        if (issue) return `a key of ${path || 'the line'} ${issue}`;
      }
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return undefined;
}
