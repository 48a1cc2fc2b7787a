import { describe, expect, it } from 'vitest';
import { copyChecked, copyRow, copyValue } from './copy-text.ts';

describe('COPY text encoding', () => {
  it('escapes the separators and the escape character, and writes null as \\N', () => {
    expect(copyValue('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyValue(null)).toBe('\\N');
    expect(copyValue('\\N')).toBe('\\\\N');
    expect(copyValue({ text: 'tab\there' })).toBe('{"text":"tab\\\\there"}');
    expect(copyValue([{ n: 1 }])).toBe('[{"n":1}]');
    expect(copyRow(['x', 1, null, [], {}])).toBe('x\t1\t\\N\t[]\t{}\n');
  });

  it('passes checked values through and writes null as \\N', () => {
    expect(copyChecked('2026-01-01T00:00:00.000Z')).toBe('2026-01-01T00:00:00.000Z');
    expect(copyChecked(7)).toBe(7);
    expect(copyChecked(null)).toBe('\\N');
  });
});
