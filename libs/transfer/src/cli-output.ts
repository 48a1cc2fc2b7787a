import { createReadStream, statSync } from 'node:fs';
import { Transform, type Readable } from 'node:stream';

/** A file (or stdin for '-') and the share of it read so far, for a progress bar over a file of unknown line count. */
export function openInput(file: string): { stream: Readable; fractionRead: () => number | undefined } {
  if (file === '-') return { stream: process.stdin, fractionRead: () => undefined };
  const size = statSync(file).size;
  let read = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      read += chunk.length;
      callback(null, chunk);
    },
  });
  const stream = createReadStream(file, { highWaterMark: 1 << 20 }).pipe(counter);
  return { stream, fractionRead: () => (size === 0 ? 1 : read / size) };
}
