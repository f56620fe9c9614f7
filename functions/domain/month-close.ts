// When a ledger month closes, and which month an entry is booked into. Month "2026-11" ends at the
// start of 1 December in the export time zone (one deployment setting, EXPORT_TIME_ZONE); its
// export is written one settle hour later (`closesAt`), when every transaction that decided before
// the end has committed and the month index has caught up. The rule is a pure function of the
// clock, so every writer agrees with the close without reading anything: an entry recorded at or
// after its month's end is late, and is booked into the month open at that moment as an adjustment
// that keeps its own month (`adjustsMonth`) and date.
import type { LedgerEntry } from './ledger.ts';
import { monthOf, shiftYearMonth, startOfLocalDate } from './period.ts';

export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Between a month's end and its close: long enough for any in-flight transaction and index lag. */
export const SETTLE_MS = 60 * 60 * 1000;

export function isMonth(value: string): boolean {
  return MONTH_PATTERN.test(value);
}

/** `month` moved by `count` months ("2026-12" + 1 is "2027-01"). */
export function addMonths(month: string, count: number): string {
  if (!isMonth(month)) throw new RangeError(`not a month "YYYY-MM": "${month}"`);
  if (!Number.isInteger(count)) throw new RangeError(`months must be a whole number, got ${count}`);
  return shiftYearMonth(month, count);
}

/** The first instant after `month` in `timeZone`: 00:00 on the 1st of the next month (or its first instant). */
export function monthEndsAt(month: string, timeZone: string): Date {
  return startOfLocalDate(`${addMonths(month, 1)}-01`, timeZone);
}

/** When the month's export is written: the end plus the settle hour (the schedule's 01:00 on the 1st). */
export function closesAt(month: string, timeZone: string): Date {
  return new Date(monthEndsAt(month, timeZone).getTime() + SETTLE_MS);
}

/** The month entries recorded at `now` are booked into. */
export function openMonthAt(now: Date, timeZone: string): string {
  return monthOf(now, timeZone);
}

/** The latest month whose close is due at `now` (closesAt <= now). */
export function lastDueMonth(now: Date, timeZone: string): string {
  const previous = addMonths(openMonthAt(now, timeZone), -1);
  return closesAt(previous, timeZone).getTime() <= now.getTime() ? previous : addMonths(previous, -1);
}

/** The month whose entries `entry` counts in, whatever month it was booked into. */
export function datedMonthOf(entry: Pick<LedgerEntry, 'month' | 'adjustsMonth'>): string {
  return entry.adjustsMonth ?? entry.month;
}

/**
 * `entry` as it is booked when recorded at `recordedAt`: unchanged while its month is open, else
 * moved into the open month with `adjustsMonth` naming its own month. Booking twice changes nothing.
 */
export function bookInOpenMonth(entry: LedgerEntry, recordedAt: Date, timeZone: string): LedgerEntry {
  if (entry.adjustsMonth !== undefined) return entry;
  if (recordedAt.getTime() < monthEndsAt(entry.month, timeZone).getTime()) return entry;
  return { ...entry, month: openMonthAt(recordedAt, timeZone), adjustsMonth: entry.month };
}
