// Local dates and entitlement periods in the catalog's billing time zone: which day and month an
// instant falls on (ledger months, daily caps), and which calendar month or contract year holds it.
import { Temporal } from 'temporal-polyfill';

export type PeriodKind = 'month' | 'contractYear';

/** A local date range [start, end) as "YYYY-MM-DD". */
export interface Period {
  start: string;
  end: string;
}

/** The local date ("YYYY-MM-DD") of `at` in `timeZone`. */
export function localDateOf(at: Date, timeZone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(at.getTime())
    .toZonedDateTimeISO(timeZone)
    .toPlainDate()
    .toString();
}

/** The ledger month ("YYYY-MM") of `at` in `timeZone`. */
export function monthOf(at: Date, timeZone: string): string {
  return localDateOf(at, timeZone).slice(0, 7);
}

/** The instant a local date starts in `timeZone` (DST-safe: the first instant of that day). */
export function startOfLocalDate(date: string, timeZone: string): Date {
  const instant = Temporal.PlainDate.from(date).toZonedDateTime({ timeZone }).toInstant();
  return new Date(instant.epochMilliseconds);
}

export function addDays(date: string, days: number): string {
  return Temporal.PlainDate.from(date).add({ days }).toString();
}

/**
 * The period of kind `kind` holding the local date `date`. Months are calendar months; contract
 * years run from each anniversary of `contractStart` (a 29 February start renews on 28 February).
 */
export function periodContaining(kind: PeriodKind, date: string, contractStart?: string): Period {
  const day = Temporal.PlainDate.from(date);
  if (kind === 'month') {
    const start = day.with({ day: 1 });
    return { start: start.toString(), end: start.add({ months: 1 }).toString() };
  }
  if (contractStart === undefined) throw new RangeError('a contract-year period needs a contract start date');
  const origin = Temporal.PlainDate.from(contractStart);
  // Estimate the year index, then correct by one either way (anniversaries clamp on 29 February).
  let years = Math.max(0, day.year - origin.year);
  while (years > 0 && Temporal.PlainDate.compare(origin.add({ years }), day) > 0) years--;
  while (Temporal.PlainDate.compare(origin.add({ years: years + 1 }), day) <= 0) years++;
  return { start: origin.add({ years }).toString(), end: origin.add({ years: years + 1 }).toString() };
}

/** The period right after `period` (its end is the next one's start). */
export function nextPeriod(kind: PeriodKind, period: Period, contractStart?: string): Period {
  return periodContaining(kind, period.end, contractStart);
}

/** Local-date comparison; ISO dates compare as strings. */
export function compareDates(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
