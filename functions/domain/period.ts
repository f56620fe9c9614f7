// Local dates and entitlement periods in the catalog's billing time zone: which day and month an
// instant falls on (ledger months, daily caps), and which calendar month or contract year holds it.
// Dates are ISO "YYYY-MM-DD" in the proleptic Gregorian calendar, computed on UTC days.
import { localTimeOf, startOfLocalDay } from './zone.ts';

export type PeriodKind = 'month' | 'contractYear';

/** A local date range [start, end) as "YYYY-MM-DD". */
export interface Period {
  start: string;
  end: string;
}

const DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

interface DateFields {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
}

/** The fields of an existing "YYYY-MM-DD"; a RangeError for anything else (2026-02-30 included). */
function parseDate(date: string): DateFields {
  const m = ISO_DATE.exec(date);
  const fields = m && { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  if (
    !fields ||
    fields.month < 1 ||
    fields.month > 12 ||
    fields.day < 1 ||
    fields.day > daysInMonth(fields.year, fields.month)
  )
    throw new RangeError(`not a date "YYYY-MM-DD": "${date}"`);
  return fields;
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMidnight(year, month + 1, 0)).getUTCDate();
}

/** Milliseconds of 00:00 UTC on a date; out-of-range months and days roll over (day 0 is the last of the month before). */
function utcMidnight(year: number, month: number, day: number): number {
  const d = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0-99 as 1900-1999.
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime();
}

/** "YYYY" for the years 0-9999, else a sign and six digits, as ISO 8601 (and Temporal) writes them. */
function formatYear(year: number): string {
  if (year >= 0 && year <= 9999) return String(year).padStart(4, '0');
  return (year < 0 ? '-' : '+') + String(Math.abs(year)).padStart(6, '0');
}

const two = (n: number) => String(n).padStart(2, '0');

function formatDate({ year, month, day }: DateFields): string {
  return `${formatYear(year)}-${two(month)}-${two(day)}`;
}

/** The date of a UTC time (or a wall-clock time, read by its UTC fields). */
function dateAt(ms: number): string {
  const d = new Date(ms);
  return formatDate({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
}

/** The first day of the month `months` after the one `yearMonth` ("YYYY-MM") names, as "YYYY-MM". */
export function shiftYearMonth(yearMonth: string, months: number): string {
  const year = Number(yearMonth.slice(0, 4));
  const month = Number(yearMonth.slice(5, 7));
  return formatDate(addYearsMonths({ year, month, day: 1 }, 0, months)).slice(0, -3);
}

/** `date` moved by whole years and months; a day the month lacks becomes its last (29 Feb + 1 year is 28 Feb). */
function addYearsMonths(date: DateFields, years: number, months: number): DateFields {
  const index = date.year * 12 + date.month - 1 + years * 12 + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}

/** Local date `date` moved by whole months; a day the month lacks becomes its last (31 Jan + 1 is 28 Feb). */
export function shiftDate(date: string, months: number): string {
  if (!Number.isInteger(months)) throw new RangeError(`months must be a whole number, got ${months}`);
  return formatDate(addYearsMonths(parseDate(date), 0, months));
}

function compareFields(a: DateFields, b: DateFields): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** The local date ("YYYY-MM-DD") of `at` in `timeZone`. */
export function localDateOf(at: Date, timeZone: string): string {
  const t = at.getTime();
  if (!Number.isFinite(t)) throw new RangeError('not a valid Date');
  return dateAt(localTimeOf(timeZone, t));
}

/** The ledger month ("YYYY-MM") of `at` in `timeZone`. */
export function monthOf(at: Date, timeZone: string): string {
  return localDateOf(at, timeZone).slice(0, -3);
}

/** The instant a local date starts in `timeZone` (DST-safe: the first instant of that day). */
export function startOfLocalDate(date: string, timeZone: string): Date {
  const { year, month, day } = parseDate(date);
  return new Date(startOfLocalDay(timeZone, utcMidnight(year, month, day)));
}

export function addDays(date: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`days must be a whole number, got ${days}`);
  const { year, month, day } = parseDate(date);
  return dateAt(utcMidnight(year, month, day) + days * DAY);
}

/**
 * The period of kind `kind` holding the local date `date`. Months are calendar months; contract
 * years run from each anniversary of `contractStart` (a 29 February start renews on 28 February).
 */
export function periodContaining(kind: PeriodKind, date: string, contractStart?: string): Period {
  const day = parseDate(date);
  if (kind === 'month') {
    const start = { ...day, day: 1 };
    return { start: formatDate(start), end: formatDate(addYearsMonths(start, 0, 1)) };
  }
  if (contractStart === undefined) throw new RangeError('a contract-year period needs a contract start date');
  const origin = parseDate(contractStart);
  // Estimate the year index, then correct by one either way (anniversaries clamp on 29 February).
  let years = Math.max(0, day.year - origin.year);
  while (years > 0 && compareFields(addYearsMonths(origin, years, 0), day) > 0) years--;
  while (compareFields(addYearsMonths(origin, years + 1, 0), day) <= 0) years++;
  return {
    start: formatDate(addYearsMonths(origin, years, 0)),
    end: formatDate(addYearsMonths(origin, years + 1, 0)),
  };
}

/** The period right after `period` (its end is the next one's start). */
export function nextPeriod(kind: PeriodKind, period: Period, contractStart?: string): Period {
  return periodContaining(kind, period.end, contractStart);
}

/** Local-date comparison; ISO dates compare as strings. */
export function compareDates(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
