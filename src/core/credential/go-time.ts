/**
 * Go's `time.Parse(time.RFC3339, text)`, which is how client-go reads `status.expirationTimestamp`
 * (kubectl's verdicts: test/fixtures/exec-credential-corpus.ts). Go tries a strict RFC 3339 reading
 * first and then its general layout parser, so what counts is the general parser's leniency: a
 * one-digit hour, a comma before the fraction, zone offsets up to 24:60. What it refuses, kubectl
 * refuses, and a credential carrying it must never be cached: February 30, hour 24, second 60, a
 * lowercase 't' or 'z', a year of five digits. Returns milliseconds since the epoch, or undefined.
 */
export function parseGoRfc3339(text: string): number | undefined {
  const cursor = { text, at: 0 };
  const year = fixedDigits(cursor, 4);
  if (year === undefined || !literal(cursor, "-")) return undefined;
  const month = fixedDigits(cursor, 2);
  if (month === undefined || month < 1 || month > 12 || !literal(cursor, "-")) return undefined;
  const day = fixedDigits(cursor, 2);
  if (day === undefined || !literal(cursor, "T")) return undefined;
  // The layout's "15" takes one or two digits.
  const hour = fixedDigits(cursor, 2) ?? fixedDigits(cursor, 1);
  if (hour === undefined || hour > 23 || !literal(cursor, ":")) return undefined;
  const minute = fixedDigits(cursor, 2);
  if (minute === undefined || minute > 59 || !literal(cursor, ":")) return undefined;
  const second = fixedDigits(cursor, 2);
  if (second === undefined || second > 59) return undefined;
  const fraction = fractionMs(cursor);
  const offset = zoneOffsetMinutes(cursor);
  if (offset === undefined || cursor.at !== text.length) return undefined;
  if (day < 1 || day > daysIn(month, year)) return undefined;
  const days = daysFromCivil(year, month, day);
  return ((days * 24 + hour) * 60 + minute - offset) * 60_000 + second * 1000 + fraction;
}

interface Cursor {
  readonly text: string;
  at: number;
}

function fixedDigits(cursor: Cursor, count: number): number | undefined {
  const slice = cursor.text.slice(cursor.at, cursor.at + count);
  if (!new RegExp(`^[0-9]{${count}}$`).test(slice)) return undefined;
  cursor.at += count;
  return Number(slice);
}

function literal(cursor: Cursor, expected: string): boolean {
  if (cursor.text[cursor.at] !== expected) return false;
  cursor.at += 1;
  return true;
}

/** Go accepts a fraction the layout does not ask for, after '.' or ',', of any length (nanoseconds kept). */
function fractionMs(cursor: Cursor): number {
  const match = /^[.,]([0-9]+)/.exec(cursor.text.slice(cursor.at));
  if (match === null) return 0;
  cursor.at += match[0].length;
  return Number(`0.${(match[1] ?? "").slice(0, 9)}`) * 1000;
}

/** "Z" (uppercase only) or ±hh:mm; Go allows hh up to 24 and mm up to 60, "as some people write". */
function zoneOffsetMinutes(cursor: Cursor): number | undefined {
  if (literal(cursor, "Z")) return 0;
  const match = /^([+-])([0-9]{2}):([0-9]{2})/.exec(cursor.text.slice(cursor.at));
  if (match === null) return undefined;
  const [whole, sign, hours, minutes] = match;
  const [h, m] = [Number(hours), Number(minutes)];
  if (h > 24 || m > 60) return undefined;
  cursor.at += whole.length;
  return (sign === "-" ? -1 : 1) * (h * 60 + m);
}

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days since 1970-01-01 in the proleptic Gregorian calendar (Date.UTC maps years 0–99 to 1900–1999). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
