// Expands a calendar's public-holiday regions ("ES", "GB-ENG", "KR") into explicit holiday dates
// when the calendar is saved, so Lambdas computing business time never carry holiday rules.
import Holidays from 'date-holidays';
import type { Calendar } from '../domain/calendar.ts';
import { ValidationError } from '../domain/errors.ts';

export interface YearRange {
  fromYear: number;
  toYear: number;
}

const DAY = 86_400_000;
/** At most this many years at once: holidays are re-expanded as years come, not for ever. */
const MAX_YEARS = 50;

/**
 * Adds the public holidays of `calendar.holidayRegions` for the given years to `calendar.holidays`
 * (merged, deduplicated, sorted). Everything else is kept, including `holidayRegions`, and
 * `expandedYears` records which years are done, so saving the result again changes nothing.
 *
 * Only date-holidays' type 'public' counts: it is the type of every bank holiday in GB-ENG
 * (England and Wales), while 'bank', 'optional', 'school' and 'observance' days are business days
 * for most support teams. Closing on those is what `holidays` and `overrides` are for.
 *
 * Then each region's `holidayCorrections` dated in those years apply to that region's dates: a
 * removed date goes, from `holidays` too (an earlier save may have put it there), unless another
 * region of the calendar keeps it; an added date comes. A removal of a date the library does not
 * give, or an addition it already gives, changes nothing: a correction states the official
 * result, so a library release that fixes the same mistake needs no catalog change.
 */
export function expandHolidayRegions(calendar: Calendar, { fromYear, toYear }: YearRange): Calendar {
  if (!Number.isInteger(fromYear) || fromYear < 1900 || fromYear > 2200) {
    throw ValidationError.field('fromYear', 'must be a year from 1900 to 2200');
  }
  if (!Number.isInteger(toYear) || toYear < fromYear || toYear - fromYear >= MAX_YEARS) {
    throw ValidationError.field('toYear', `must be a year from fromYear to fromYear + ${MAX_YEARS - 1}`);
  }
  const regions = calendar.holidayRegions ?? [];
  if (regions.length === 0) return calendar;
  const inRange = ({ date }: { date: string }) => {
    const year = Number(date.slice(0, 4));
    return year >= fromYear && year <= toYear;
  };
  const kept = new Set<string>();
  const removed = new Set<string>();
  regions.forEach((region, i) => {
    const dates = publicHolidaysOf(holidayRulesOf(region, `holidayRegions[${i}]`), fromYear, toYear);
    const { add = [], remove = [] } = calendar.holidayCorrections?.[region] ?? {};
    for (const { date } of remove.filter(inRange)) {
      dates.delete(date);
      removed.add(date);
    }
    for (const { date } of add.filter(inRange)) dates.add(date);
    for (const date of dates) kept.add(date);
  });
  const holidays = new Set(calendar.holidays ?? []);
  // A removed date another region still has comes back with that region's dates.
  for (const date of removed) holidays.delete(date);
  for (const date of kept) holidays.add(date);
  const years = new Set(calendar.expandedYears ?? []);
  for (let year = fromYear; year <= toYear; year++) years.add(year);
  return {
    ...calendar,
    holidays: [...holidays].sort(),
    expandedYears: [...years].sort((a, b) => a - b),
  };
}

/** The local dates of the library's public holidays of one region from `fromYear` to `toYear`. */
function publicHolidaysOf(rules: Holidays, fromYear: number, toYear: number): Set<string> {
  const dates = new Set<string>();
  for (let year = fromYear; year <= toYear; year++) {
    for (const h of rules.getHolidays(year)) {
      if (h.type !== 'public') continue;
      // Some holidays last several days (Chuseok: P3D); `date` is the first local date.
      const days = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / DAY));
      for (let d = 0; d < days; d++) dates.add(addDays(h.date.slice(0, 10), d));
    }
  }
  return dates;
}

/** The date-holidays rules of "CC" or "CC-SUB" (GB-ENG = country GB, state ENG), or a ValidationError. */
function holidayRulesOf(region: string, field: string): Holidays {
  const [country, state, ...rest] = region.split('-');
  const catalog = new Holidays();
  const known =
    rest.length === 0 &&
    Object.hasOwn(catalog.getCountries() ?? {}, country) &&
    (state === undefined || Object.hasOwn(catalog.getStates(country) ?? {}, state));
  if (!known) throw ValidationError.field(field, `unknown holiday region ${region}`);
  return state === undefined ? new Holidays(country) : new Holidays(country, state);
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
