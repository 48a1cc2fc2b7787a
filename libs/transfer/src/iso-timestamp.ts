/* ISO 8601 timestamps, read as Postgres's timestamptz input reads them. */

const MICROS_PER_DAY = 86_400_000_000;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The two digits at `at` as a number, or -1 where either is not a digit (or is past the end). */
function twoDigits(value: string, at: number): number {
  const tens = value.charCodeAt(at) - 48;
  const ones = value.charCodeAt(at + 1) - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1;
}

/** Seconds either side of 1970 within which a count of microseconds is exact as a double (1685–2255). */
const EXACT_SECONDS = 9e9;

/**
 * An ISO 8601 timestamp with a zone (`Z`, `±hh:mm` or `±hhmm`) and at most 6 fractional digits,
 * as microseconds since 1970-01-01 UTC: a number where a double holds it exactly, a bigint beyond;
 * undefined where its shape is wrong (more than 6 fractional digits, which Postgres would round,
 * included) or Postgres would refuse it: year 0, a day its month does not have, a time of day past
 * 24:00:00 (though hour 24 and second 60 are taken), an offset beyond ±15:59. Where it answers, Postgres's
 * timestamptz input gives the same instant (test/integration/copy-binary.test.ts). Parsed by
 * position, without allocating: the import reads two per message.
 */
export function timestampMicros(value: string): number | bigint | undefined {
  const century = twoDigits(value, 0), yy = twoDigits(value, 2), mo = twoDigits(value, 5), d = twoDigits(value, 8);
  const h = twoDigits(value, 11), mi = twoDigits(value, 14), s = twoDigits(value, 17);
  const separators = value.charCodeAt(4) === 45 && value.charCodeAt(7) === 45 && value.charCodeAt(10) === 84 && value.charCodeAt(13) === 58 && value.charCodeAt(16) === 58; // - - T : :
  if (!separators) return undefined;
  const y = century * 100 + yy;
  if (century < 0 || yy < 0 || y < 1 || mo < 1 || mo > 12 || d < 1 || h < 0 || mi < 0 || mi > 59 || s < 0 || s > 60) return undefined;
  if (d > (mo === 2 && isLeapYear(y) ? 29 : DAYS_IN_MONTH[mo - 1]!)) return undefined;
  let at = 19;
  let micros = 0;
  if (value.charCodeAt(at) === 46) { // .
    let place = 100_000;
    for (at++; place >= 1; at++, place /= 10) {
      const digit = value.charCodeAt(at) - 48;
      if (!(digit >= 0 && digit <= 9)) break;
      micros += digit * place;
    }
    if (place === 100_000) return undefined; // no digit after the point
    const next = value.charCodeAt(at) - 48;
    if (next >= 0 && next <= 9) return undefined; // a 7th digit
  }
  // Postgres's time_overflows(): hour 24 and second 60 roll over, but the time of day ends at 24:00:00.
  if (((h * 60 + mi) * 60 + s) * 1_000_000 + micros > MICROS_PER_DAY) return undefined;
  let offset = 0;
  const zone = value.charCodeAt(at);
  if (zone === 90) { // Z
    if (value.length !== at + 1) return undefined;
  } else if (zone === 43 || zone === 45) { // + -
    const colon = value.charCodeAt(at + 3) === 58 ? 1 : 0;
    const offsetHours = twoDigits(value, at + 1), offsetMinutes = twoDigits(value, at + 3 + colon);
    if (value.length !== at + 5 + colon || offsetHours < 0 || offsetHours > 15 || offsetMinutes < 0 || offsetMinutes > 59) return undefined;
    offset = (zone === 45 ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
  } else {
    return undefined;
  }
  const seconds = daysFromCivil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset;
  return Math.abs(seconds) < EXACT_SECONDS ? seconds * 1_000_000 + micros : BigInt(seconds) * 1_000_000n + BigInt(micros);
}
