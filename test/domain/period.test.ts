// Local dates, periods and ledger months against Temporal (temporal-polyfill as the oracle), on
// random dates with ends of months, 29 February and year ends over-represented.
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { addMonths, monthEndsAt } from '../../functions/domain/month-close.ts';
import {
  addDays,
  localDateOf,
  monthOf,
  periodContaining,
  startOfLocalDate,
} from '../../functions/domain/period.ts';

const ZONES = [
  'Europe/Madrid',
  'America/New_York',
  'Australia/Lord_Howe',
  'America/Sao_Paulo',
  'Asia/Kolkata',
  'Pacific/Chatham',
  'Pacific/Apia',
  'Europe/London',
  'UTC',
  'America/St_Johns',
  'Asia/Seoul',
];
const zone = fc.constantFrom(...ZONES);

const plainDate = (year: number, month: number, day: number) => new Temporal.PlainDate(year, month, day);
/** A date 1900-2100: any day, or a month's last days, a 29 February, the turn of a year. */
const date = fc
  .oneof(
    fc
      .record({
        year: fc.integer({ min: 1900, max: 2100 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 31 }),
      })
      .map(({ year, month, day }) =>
        plainDate(year, month, Math.min(day, plainDate(year, month, 1).daysInMonth)),
      ),
    fc
      .record({
        year: fc.integer({ min: 1900, max: 2100 }),
        month: fc.integer({ min: 1, max: 12 }),
        back: fc.integer({ min: 0, max: 3 }),
      })
      .map(({ year, month, back }) =>
        plainDate(year, month, 1)
          .add({ months: 1 })
          .subtract({ days: back + 1 }),
      ),
    fc
      .integer({ min: 1900, max: 2100 })
      .map((year) => (plainDate(year, 1, 1).inLeapYear ? plainDate(year, 2, 29) : plainDate(year, 2, 28))),
    fc
      .record({ year: fc.integer({ min: 1900, max: 2100 }), day: fc.integer({ min: -2, max: 1 }) })
      .map(({ year, day }) => plainDate(year, 1, 1).add({ days: day })),
  )
  .map((d) => d.toString());
const runs = { numRuns: 2_000 };

/** The period by Temporal: a calendar month, or the contract year from an anniversary (constrained on 29 February). */
function temporalPeriod(kind: 'month' | 'contractYear', date: string, contractStart: string) {
  const day = Temporal.PlainDate.from(date);
  if (kind === 'month') {
    const start = day.with({ day: 1 });
    return { start: start.toString(), end: start.add({ months: 1 }).toString() };
  }
  const origin = Temporal.PlainDate.from(contractStart);
  let years = 0;
  while (Temporal.PlainDate.compare(origin.add({ years: years + 1 }), day) <= 0) years++;
  return { start: origin.add({ years }).toString(), end: origin.add({ years: years + 1 }).toString() };
}

describe('dates agree with Temporal', () => {
  it('adding days', () => {
    fc.assert(
      fc.property(date, fc.integer({ min: -800, max: 800 }), (d, days) => {
        expect(addDays(d, days)).toBe(Temporal.PlainDate.from(d).add({ days }).toString());
      }),
      runs,
    );
  });

  it('the month and the contract year holding a date', () => {
    fc.assert(
      // A date before the contract's start falls in its first year.
      fc.property(date, date, fc.constantFrom('month', 'contractYear'), (contractStart, d, kind) => {
        expect(periodContaining(kind, d, contractStart)).toEqual(temporalPeriod(kind, d, contractStart));
      }),
      runs,
    );
  });

  it('a 29 February contract renews on 28 February, and on 29 February in leap years', () => {
    expect(periodContaining('contractYear', '2025-03-01', '2024-02-29')).toEqual({
      start: '2025-02-28',
      end: '2026-02-28',
    });
    expect(periodContaining('contractYear', '2028-02-29', '2024-02-29')).toEqual({
      start: '2028-02-29',
      end: '2029-02-28',
    });
    expect(periodContaining('month', '2024-12-31')).toEqual({ start: '2024-12-01', end: '2025-01-01' });
  });

  it('adding months to a ledger month', () => {
    fc.assert(
      fc.property(date, fc.integer({ min: -300, max: 300 }), (d, months) => {
        const month = d.slice(0, 7);
        expect(addMonths(month, months)).toBe(Temporal.PlainYearMonth.from(month).add({ months }).toString());
      }),
      runs,
    );
  });

  it('the local date and month of an instant', () => {
    const instant = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2041, 0, 1) });
    fc.assert(
      fc.property(instant, zone, (at, timeZone) => {
        const local = Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(timeZone).toPlainDate();
        expect(localDateOf(new Date(at), timeZone)).toBe(local.toString());
        expect(monthOf(new Date(at), timeZone)).toBe(local.toPlainYearMonth().toString());
      }),
      runs,
    );
  });

  it('the start of a local date, and the end of a month', () => {
    const recent = date.filter((d) => d >= '1990-01-01' && d < '2041-01-01');
    fc.assert(
      fc.property(recent, zone, (d, timeZone) => {
        const start = Temporal.PlainDate.from(d).toZonedDateTime({ timeZone }).epochMilliseconds;
        expect(startOfLocalDate(d, timeZone).getTime()).toBe(start);
        const month = d.slice(0, 7);
        const end = Temporal.PlainYearMonth.from(month)
          .add({ months: 1 })
          .toPlainDate({ day: 1 })
          .toZonedDateTime({ timeZone }).epochMilliseconds;
        expect(monthEndsAt(month, timeZone).getTime()).toBe(end);
      }),
      runs,
    );
  });

  it('refuses what is not a date or a month', () => {
    for (const bad of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-1-1', '20260101', '']) {
      expect(() => addDays(bad, 1), bad).toThrow(RangeError);
      expect(() => startOfLocalDate(bad, 'UTC'), bad).toThrow(RangeError);
    }
    expect(() => addMonths('2026-13', 1)).toThrow(RangeError);
    expect(() => addDays('2026-01-01', 0.5)).toThrow(RangeError);
  });
});
