import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** One line of an input file: its text, or the mark that it was longer than allowed. */
export type InputLine = { number: number; text: string; tooLong?: false } | { number: number; text?: undefined; tooLong: true };


/**
 * The lines of `input` (split on `\n`, a trailing `\r` dropped, blank lines skipped), numbered
 * from 1. A line longer than `maxLineBytes` is not buffered: it comes out as `tooLong` and its
 * bytes are skipped, so a hostile file cannot make the reader hold more than one bounded line.
 */
export async function* readLines(input: Readable, maxLineBytes: number): AsyncGenerator<InputLine> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let skipping = false;
  let number = 0;
  function end(piece: string): InputLine | undefined {
    number++;
    const text = pending + piece;
    const wasSkipping = skipping;
    pending = '';
    skipping = false;
    if (wasSkipping || (text.length * 3 > maxLineBytes && Buffer.byteLength(text) > maxLineBytes)) return { number, tooLong: true };
    const line = text.endsWith('\r') ? text.slice(0, -1) : text;
    return line.trim() === '' ? undefined : { number, text: line };
  }
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      const line = end(skipping ? '' : text.slice(start, newline));
      if (line) yield line;
      start = newline + 1;
    }
    if (skipping) continue;
    pending += text.slice(start);
    if (pending.length * 3 > maxLineBytes && Buffer.byteLength(pending) > maxLineBytes) {
      skipping = true;
      pending = '';
    }
  }
  if (!skipping) pending += decoder.end();
  if (skipping || pending !== '') {
    const line = end('');
    if (line) yield line;
  }
}
