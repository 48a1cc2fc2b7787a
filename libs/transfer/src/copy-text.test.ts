import { describe, expect, it } from 'vitest';
import { copyRow, copyValue } from './copy-text.ts';

describe('COPY text encoding', () => {
  it('escapes the separators and the escape character, and writes null as \\N', () => {
    expect(copyValue('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyValue(null)).toBe('\\N');
    expect(copyValue('\\N')).toBe('\\\\N');
    expect(copyValue({ text: 'tab\there' })).toBe('{"text":"tab\\\\there"}');
    expect(copyValue([{ n: 1 }])).toBe('[{"n":1}]');
    expect(copyRow(['x', 1, null, [], {}])).toBe('x\t1\t\\N\t[]\t{}\n');
  });
});
