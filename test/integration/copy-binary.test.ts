/**
 * The importer writes messages in Postgres's binary COPY format, so it, not Postgres, turns text
 * into timestamps, uuids and jsonb. Checked against Postgres itself: a timestamp the importer
 * takes is the instant Postgres reads from the same text, and one it refuses Postgres refuses; rows
 * COPYed in binary equal the same rows COPYed as text.
 */
import { finished } from 'node:stream/promises';
import fc from 'fast-check';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { BinaryCopyRows, copyRow, timestampMicros } from '@heyyo/transfer';

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** Timestamps near and past the edges of what Postgres takes: day 29–31, 24:00, second 60, offsets to ±16:xx. */
const timestampText = fc
  .record({
    year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(1, 1600, 1969, 1970, 2000, 2024, 2100, 9999)),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.oneof(fc.integer({ min: 0, max: 59 }), fc.constant(60)),
    second: fc.oneof(fc.integer({ min: 0, max: 59 }), fc.constant(60)),
    fraction: fc.oneof(fc.constant(''), fc.stringMatching(/^\.\d{1,6}$/)),
    zone: fc.oneof(
      fc.constant('Z'),
      fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 16 }), fc.integer({ min: 0, max: 60 }), fc.constantFrom(':', '')).map(
        ([sign, hours, minutes, colon]) => `${sign}${pad(hours, 2)}${colon}${pad(minutes, 2)}`,
      ),
    ),
  })
  .map((t) => `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}T${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}${t.fraction}${t.zone}`);

describe('binary COPY rows', () => {
  let sql: postgres.Sql;
  beforeAll(async () => {
    // One connection: the session's temp function and tables.
    sql = postgres(inject('postgresUrl'), { max: 1, onnotice: () => {} });
    await sql`
      create function pg_temp.micros(value text) returns numeric language plpgsql as $$
      begin
        return extract(epoch from value::timestamptz) * 1000000;
      exception when others then
        return null;
      end $$`;
  });
  afterAll(() => sql.end());

  it('reads a timestamp as Postgres does, and refuses what Postgres refuses', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(timestampText, { minLength: 1, maxLength: 50 }), async (values) => {
        const rows = await sql`select pg_temp.micros(v)::bigint::text as micros from unnest(${values}::text[]) with ordinality as t(v, n) order by n`;
        values.forEach((value, index) => {
          const ours = timestampMicros(value);
          expect(ours === undefined ? null : String(ours), value).toBe(rows[index]!.micros);
        });
      }),
      { numRuns: 60 },
    );
    // The edges, whatever the draw.
    for (const value of ['0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999999Z', '2024-02-29T00:00:00Z', '2000-02-29T12:00:00Z', '2026-01-01T24:00:00Z', '2026-12-31T23:59:60Z', '1969-12-31T23:59:59.9995-15:59']) {
      const [row] = await sql`select pg_temp.micros(${value})::bigint::text as micros`;
      expect(String(timestampMicros(value)), value).toBe(row!.micros);
    }
    // Refused, though Postgres would take them: 7 fractional digits (it rounds), an offset of hours alone, a space for the T.
    for (const value of ['2026-01-01T00:00:00.1234567Z', '2026-01-01T00:00:00+05', '2026-01-01 00:00:00Z']) {
      expect(timestampMicros(value), value).toBeUndefined();
    }
    for (const value of ['0000-01-01T00:00:00Z', '2026-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2026-01-01T24:00:01Z', '2026-01-01T23:59:60.5Z', '2026-01-01T00:00:00+16:00', '2026-01-01T00:00:00Zjunk']) {
      const [row] = await sql`select pg_temp.micros(${value}) as micros`;
      expect(row!.micros, value).toBeNull();
      expect(timestampMicros(value), value).toBeUndefined();
    }
  });

  it('stores the same rows as a text COPY of the same values', async () => {
    await sql`create temp table as_binary (id uuid, seq bigint, body text, meta jsonb, at timestamptz, tag text)`;
    await sql`create temp table as_text (like as_binary)`;
    const long = 'ü€😀 '.repeat(300_000); // longer than a chunk: a value of its own
    const rows: [string, number, string | null, string, string | null, string | null][] = [
      ['00000000-0000-0000-0000-000000000000', 1, 'plain', '{}', '2026-01-01T00:00:00Z', null],
      ['ffffffff-ffff-4fff-bfff-ffffffffffff', 2 ** 53 - 1, 'tab\tnew\nline \\ back', '[{"a":"ü\\u0001","b":[1,2.5,null]}]', '0001-01-01T00:00:00+15:30', 'client-1'],
      ['0123abcd-4567-489a-bcde-f0123456789a', 2 ** 40 + 3, long, '{"nested":{"deep":[true,false]}}', '1969-12-31T23:59:59.999999-0800', ''],
      ['a0a0a0a0-b1b1-4c2c-8d3d-e4e4e4e4e4e4', 7, null, '[]', null, '😀'],
    ];
    const binary = new BinaryCopyRows();
    let text = '';
    for (const [id, seq, body, meta, at, tag] of rows) {
      binary.row(6).uuid(id).int8(seq).text(body).jsonb(meta).timestamptz(at).text(tag);
      text += copyRow([id, seq, body, JSON.parse(meta), at, tag]);
    }
    const intoBinary = await sql`copy as_binary from stdin with (format binary)`.writable();
    for (const chunk of binary.finish()) intoBinary.write(chunk);
    intoBinary.end();
    await finished(intoBinary);
    const intoText = await sql`copy as_text from stdin`.writable();
    intoText.end(text);
    await finished(intoText);

    const [counts] = await sql`
      select (select count(*) from as_binary)::int as stored,
             (select count(*) from (select * from as_binary except all select * from as_text) d)::int as differing`;
    expect(counts).toEqual({ stored: rows.length, differing: 0 });
  });
});
