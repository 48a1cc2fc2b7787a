/*
 * The input hygiene rules of @heyyo/contracts (findHygieneIssue: no NUL, no lone UTF-16
 * surrogate, bounded nesting), worded for an import's line errors: fields named as dotted paths.
 */
// The module alone: the package's index loads every API schema (~0.25 s of each import's start-up).
import { findHygieneIssue } from '@heyyo/contracts/input-hygiene';

/**
 * Whether a raw JSON line can hold a NUL or a lone surrogate at all: a decoded UTF-8 file has no
 * lone surrogates and JSON strings cannot hold a raw NUL, so only a `\u` escape can produce one.
 * Most lines have none and skip the walk over their values.
 */
export const mayBreakHygiene = (line: string) => line.includes('\\u');

/** A JSON Pointer as the field path an import error names: `/metadata/a~1b` → `metadata.a/b`. */
const dotted = (pointer: string) =>
  pointer
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.');

/** The first breach of the rules in `value` (a parsed line) as `path: reason`, or undefined. */
export function hygieneIssue(value: unknown): string | undefined {
  const issue = findHygieneIssue(value);
  if (!issue) return undefined;
  const path = dotted(issue.instancePath);
  if (issue.message.startsWith('keys ')) return `a key of ${path || 'the line'} ${issue.message.slice('keys '.length)}`;
  return `${path || 'value'} ${issue.message}`;
}
