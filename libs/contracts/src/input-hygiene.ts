/**
 * Rules every value a client sends must meet, whatever its schema says, checked before the
 * schema: Postgres refuses NUL in text (a 500 after the fact), a lone UTF-16 surrogate
 * cannot be stored as UTF-8 (it would be silently replaced), and deep nesting overflows the
 * stack of the encoders an accepted message goes through (JSON, msgpack).
 */

/** Deepest nesting of objects and arrays a client may send (metadata, attachments). */
export const MAX_JSON_DEPTH = 32;

export interface HygieneIssue {
  /** JSON Pointer of the offending value (or of the object whose key offends). */
  instancePath: string;
  message: string;
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textIssue(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL (\\u0000) characters';
  if (LONE_SURROGATE.test(text)) return 'must not contain unpaired UTF-16 surrogates';
  return undefined;
}

const pointer = (path: string, key: string | number) => `${path}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;

/**
 * The first breach of the rules in `value`, or undefined. Iterative and bounded: a value
 * nested past MAX_JSON_DEPTH is reported without descending further.
 */
export function findHygieneIssue(value: unknown): HygieneIssue | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      const message = textIssue(current);
      if (message) return { instancePath: path, message };
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_JSON_DEPTH) return { instancePath: path, message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` };
    const entries: [string | number, unknown][] = Array.isArray(current) ? current.map((item, index) => [index, item]) : Object.entries(current);
    for (const [key, child] of entries.reverse()) {
      if (typeof key === 'string') {
        const message = textIssue(key);
        if (message) return { instancePath: path, message: `keys ${message}` };
      }
      stack.push({ value: child, path: pointer(path, key), depth: depth + 1 });
    }
  }
  return undefined;
}
