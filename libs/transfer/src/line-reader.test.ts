import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLines, type InputLine } from './line-reader.ts';

async function lines(chunks: (string | Buffer)[], max = 10): Promise<InputLine[]> {
  const out: InputLine[] = [];
  for await (const line of readLines(Readable.from(chunks), max)) out.push(line);
  return out;
}

describe('readLines', () => {
  it('numbers lines across chunk boundaries, drops \\r, skips blank lines', async () => {
    expect(await lines(['ab', 'c\r\n\n  \nde', 'f\ng'])).toEqual([
      { number: 1, text: 'abc' },
      { number: 4, text: 'def' },
      { number: 5, text: 'g' },
    ]);
  });

  it('decodes a multi-byte character split between chunks', async () => {
    const bytes = Buffer.from('é\n');
    expect(await lines([bytes.subarray(0, 1), bytes.subarray(1)])).toEqual([{ number: 1, text: 'é' }]);
  });

  it('marks a line past the byte limit without holding it, and goes on after it', async () => {
    expect(await lines(['0123456789', 'abcdef', 'ghi\nok\n', 'x'.repeat(11)])).toEqual([
      { number: 1, tooLong: true },
      { number: 2, text: 'ok' },
      { number: 3, tooLong: true },
    ]);
    // The limit is in bytes: five 3-byte characters are 15.
    expect(await lines(['€€€€€\n€€€\n'])).toEqual([{ number: 1, tooLong: true }, { number: 2, text: '€€€' }]);
  });
});
