/*
 * Rows in Postgres's binary COPY format (https://www.postgresql.org/docs/current/sql-copy.html):
 * a signature, then per row a 16-bit field count and per field a 32-bit length (-1: NULL) and the
 * value in the type's binary form. Postgres then parses nothing: for a message row, text COPY spent
 * about a third of a plain COPY's time turning text into uuids and timestamps.
 */

import { timestampMicros } from './iso-timestamp.ts';
import { HEX_DIGIT, UUID_BYTE_AT } from './uuid-text.ts';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Chunks the rows are written into; a longer value gets a chunk of its own size. */
const CHUNK_BYTES = 1 << 20;
/** Microseconds from 1970-01-01 to Postgres's epoch, 2000-01-01 (its timestamps count from there). */
const POSTGRES_EPOCH_MICROS = 946_684_800_000_000;

/** Builds a binary COPY stream in chunks; every value must already be checked (validate-line.ts). */
export class BinaryCopyRows {
  private readonly chunks: Buffer[] = [];
  private buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private at = 0;

  constructor() {
    this.ensure(SIGNATURE.length + 8);
    this.at += SIGNATURE.copy(this.buffer, this.at);
    this.at = this.buffer.writeInt32BE(0, this.at); // flags
    this.at = this.buffer.writeInt32BE(0, this.at); // header extension length
  }

  /** Starts a row of `fields` values. */
  row(fields: number): this {
    this.ensure(2);
    this.at = this.buffer.writeInt16BE(fields, this.at);
    return this;
  }

  null(): this {
    this.ensure(4);
    this.at = this.buffer.writeInt32BE(-1, this.at);
    return this;
  }

  /** A lowercase UUID (checked) as its 16 bytes. */
  uuid(value: string | null): this {
    if (value === null) return this.null();
    this.ensure(20);
    const buffer = this.buffer;
    const at = buffer.writeInt32BE(16, this.at);
    for (let byte = 0; byte < 16; byte++) {
      const index = UUID_BYTE_AT[byte]!;
      buffer[at + byte] = (HEX_DIGIT[value.charCodeAt(index)]! << 4) | HEX_DIGIT[value.charCodeAt(index + 1)]!;
    }
    this.at = at + 16;
    return this;
  }

  /** UTF-8 text (checked: no NUL, no lone surrogate). */
  text(value: string | null): this {
    if (value === null) return this.null();
    this.ensure(4 + value.length * 3);
    const written = this.buffer.write(value, this.at + 4, 'utf8');
    this.buffer.writeInt32BE(written, this.at);
    this.at += 4 + written;
    return this;
  }

  /** jsonb: a version byte (1), then the JSON text. */
  jsonb(json: string): this {
    this.ensure(5 + json.length * 3);
    this.buffer[this.at + 4] = 1;
    const written = this.buffer.write(json, this.at + 5, 'utf8');
    this.buffer.writeInt32BE(written + 1, this.at);
    this.at += 5 + written;
    return this;
  }

  /** bigint (int8) of a safe integer. */
  int8(value: number): this {
    this.ensure(12);
    this.at = this.buffer.writeInt32BE(8, this.at);
    return this.int64(value);
  }

  /** A safe integer's 8 bytes, big-endian two's complement. */
  private int64(value: number): this {
    const high = Math.floor(value / 2 ** 32);
    this.at = this.buffer.writeInt32BE(high, this.at);
    this.at = this.buffer.writeUInt32BE(value - high * 2 ** 32, this.at);
    return this;
  }

  /** timestamptz from a checked ISO 8601 timestamp (see timestampMicros). */
  timestamptz(value: string | null): this {
    if (value === null) return this.null();
    const micros = timestampMicros(value);
    if (micros === undefined) throw new RangeError(`not a timestamp: ${value}`);
    this.ensure(12);
    this.at = this.buffer.writeInt32BE(8, this.at);
    if (typeof micros === 'number') return this.int64(micros - POSTGRES_EPOCH_MICROS);
    this.at = this.buffer.writeBigInt64BE(micros - BigInt(POSTGRES_EPOCH_MICROS), this.at);
    return this;
  }

  /** The stream, ended: its chunks in order. */
  finish(): Buffer[] {
    this.ensure(2);
    this.at = this.buffer.writeInt16BE(-1, this.at);
    this.chunks.push(this.buffer.subarray(0, this.at));
    return this.chunks;
  }

  private ensure(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    this.chunks.push(this.buffer.subarray(0, this.at));
    this.buffer = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
    this.at = 0;
  }
}
