import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findHygieneIssue, MAX_JSON_DEPTH } from './input-hygiene.ts';

/** Every string in a JSON value, keys included. */
const textsOf = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : typeof value === 'object' && value !== null
      ? Object.entries(value).flatMap(([key, child]) => [key, ...textsOf(child)])
      : [];
/** Round-trips through UTF-8 unchanged (no lone surrogate) and has no NUL. */
const wellFormed = (text: string) => Buffer.from(text, 'utf8').toString('utf8') === text && !text.includes('\u0000');

describe('findHygieneIssue', () => {
  it('accepts any JSON value of well-formed text within the depth limit', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        fc.pre(textsOf(value).every(wellFormed));
        expect(findHygieneIssue(value)).toBeUndefined();
      }),
    );
  });

  it('finds a NUL or a lone surrogate wherever it is put: a value or a key, at any depth', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF'),
        fc.string(),
        fc.array(fc.constantFrom('key', 0), { maxLength: 10 }),
        fc.boolean(),
        (bad, around, path, inKey) => {
          const text = `${around}${bad}${around}`;
          let value: unknown = inKey ? { [text]: 1 } : text;
          for (const step of path) value = step === 0 ? [value] : { [step]: value };
          const issue = findHygieneIssue(value);
          expect(issue?.message).toMatch(bad === '\u0000' ? /NUL/ : /surrogates/);
        },
      ),
    );
  });

  it('names where the problem is as a JSON pointer', () => {
    expect(findHygieneIssue({ metadata: { list: ['ok', 'a\u0000'] } })).toEqual({
      instancePath: '/metadata/list/1',
      message: 'must not contain NUL (\\u0000) characters',
    });
    expect(findHygieneIssue({ metadata: { 'a/b\u0000': 1 } })).toEqual({
      instancePath: '/metadata',
      message: 'keys must not contain NUL (\\u0000) characters',
    });
  });

  it(`stops at ${MAX_JSON_DEPTH} levels without descending further (no stack overflow at 100,000)`, () => {
    let deep: unknown = 'bottom';
    for (let level = 0; level < 100_000; level++) deep = [deep];
    expect(findHygieneIssue(deep)?.message).toBe(`must not nest deeper than ${MAX_JSON_DEPTH} levels`);
    let allowed: unknown = 'bottom';
    for (let level = 0; level < MAX_JSON_DEPTH; level++) allowed = [allowed];
    expect(findHygieneIssue(allowed)).toBeUndefined();
    expect(findHygieneIssue([allowed])?.message).toMatch(/nest deeper/);
  });

  it('keeps well-formed pairs (emoji) and ordinary control characters', () => {
    expect(findHygieneIssue({ text: '👍🏽 tab\there', '🔑': 'new\nline' })).toBeUndefined();
  });
});
