// Properties of business-time arithmetic over calendars with DST zones, holidays and overrides:
// add and between are inverse, additive, monotonic and add is the earliest answer; and between
// agrees with a slow quarter-hour-by-quarter-hour count where no window touches a DST transition.
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { addBusinessTime, businessTimeBetween } from '../../functions/domain/business-time.ts';
import { type Calendar, parseCalendar, WEEKDAYS } from '../../functions/domain/calendar.ts';

const H = 3_600_000;
const M = 60_000;
const weekdays = (windows: [string, string][]) => ({
  mon: windows,
  tue: windows,
  wed: windows,
  thu: windows,
  fri: windows,
});
const everyDay = (windows: [string, string][]) => ({ ...weekdays(windows), sat: windows, sun: windows });

const calendars: Record<string, Calendar> = {
  madridHolidays: parseCalendar({
    timeZone: 'Europe/Madrid',
    weekly: weekdays([['08:00', '18:00']]),
    holidays: [
      '2026-01-01',
      '2026-01-06',
      '2026-04-03',
      '2026-12-25',
      '2027-01-01',
      '2027-01-06',
      '2028-12-25',
    ],
    overrides: { '2026-12-24': [['08:00', '13:00']], '2026-12-25': [['10:00', '11:00']] },
  }),
  londonLunch: parseCalendar({
    timeZone: 'Europe/London',
    weekly: weekdays([
      ['09:00', '12:30'],
      ['13:30', '17:30'],
    ]),
    holidays: ['2026-12-25', '2026-12-28', '2027-08-30'],
  }),
  newYorkOvernight: parseCalendar({
    timeZone: 'America/New_York',
    weekly: everyDay([
      ['00:00', '06:00'],
      ['22:00', '24:00'],
    ]),
  }),
  // Windows inside and around the 01:00-03:00 transition hours, where 'compatible' matters.
  madridTransitionHours: parseCalendar({
    timeZone: 'Europe/Madrid',
    weekly: everyDay([
      ['00:30', '02:30'],
      ['02:30', '03:30'],
    ]),
  }),
  lordHowe24x7: parseCalendar({ timeZone: 'Australia/Lord_Howe', weekly: everyDay([['00:00', '24:00']]) }),
  lordHoweEarly: parseCalendar({ timeZone: 'Australia/Lord_Howe', weekly: everyDay([['01:45', '02:15']]) }),
  saoPauloMidnight: parseCalendar({
    timeZone: 'America/Sao_Paulo',
    weekly: { ...weekdays([['00:00', '01:30']]), sat: [['22:00', '24:00']], sun: [['00:00', '24:00']] },
  }),
  chathamWeekdays: parseCalendar({ timeZone: 'Pacific/Chatham', weekly: weekdays([['02:00', '04:00']]) }),
  seoulLunch: parseCalendar({
    timeZone: 'Asia/Seoul',
    weekly: weekdays([
      ['09:00', '12:00'],
      ['13:00', '18:00'],
    ]),
  }),
};

const calendar = fc.constantFrom(...Object.keys(calendars)).map((name) => ({ name, cal: calendars[name] }));
const FROM = Date.UTC(2016, 0, 1);
const TO = Date.UTC(2029, 0, 1);
const instant = fc.oneof(
  fc.integer({ min: FROM, max: TO }),
  fc.integer({ min: FROM / M, max: TO / M }).map((m) => m * M),
);
const duration = fc.oneof(
  fc.integer({ min: 0, max: 10 * H }),
  fc.integer({ min: 0, max: 2_000 * 60 }).map((m) => m * M),
  fc.integer({ min: 0, max: 2_000 * H }),
);
const runs = { numRuns: 400 };

describe('business-time properties', () => {
  it('between(a, add(a, d)) == d, and add(a, d) >= a', () => {
    fc.assert(
      fc.property(calendar, instant, duration, ({ cal }, a, d) => {
        const t = addBusinessTime(cal, new Date(a), d);
        expect(t.getTime()).toBeGreaterThanOrEqual(a);
        expect(businessTimeBetween(cal, new Date(a), t)).toBe(d);
      }),
      runs,
    );
  });

  it('add(a, d) is the earliest such instant', () => {
    fc.assert(
      fc.property(calendar, instant, duration, ({ cal }, a, d) => {
        fc.pre(d > 0);
        const t = addBusinessTime(cal, new Date(a), d).getTime();
        expect(businessTimeBetween(cal, new Date(a), new Date(t - 1))).toBeLessThan(d);
      }),
      runs,
    );
  });

  it('between is additive: between(a, b) + between(b, c) == between(a, c)', () => {
    fc.assert(
      fc.property(calendar, fc.array(instant, { minLength: 3, maxLength: 3 }), ({ cal }, points) => {
        const [a, b, c] = points.sort((x, y) => x - y).map((p) => new Date(p));
        const ab = businessTimeBetween(cal, a, b);
        const bc = businessTimeBetween(cal, b, c);
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(ab + bc).toBe(businessTimeBetween(cal, a, c));
        expect(businessTimeBetween(cal, c, a)).toBe(0 - (ab + bc));
        expect(ab).toBeLessThanOrEqual(b.getTime() - a.getTime());
      }),
      runs,
    );
  });

  it('add is monotonic in the duration', () => {
    fc.assert(
      fc.property(calendar, instant, duration, duration, ({ cal }, a, d1, d2) => {
        const [lo, hi] = d1 <= d2 ? [d1, d2] : [d2, d1];
        const start = new Date(a);
        expect(addBusinessTime(cal, start, lo).getTime()).toBeLessThanOrEqual(
          addBusinessTime(cal, start, hi).getTime(),
        );
      }),
      runs,
    );
  });

  it('adding in two steps equals adding at once', () => {
    fc.assert(
      fc.property(calendar, instant, duration, duration, ({ cal }, a, d1, d2) => {
        fc.pre(d1 > 0);
        const mid = addBusinessTime(cal, new Date(a), d1);
        expect(addBusinessTime(cal, mid, d2).getTime()).toBe(
          addBusinessTime(cal, new Date(a), d1 + d2).getTime(),
        );
      }),
      runs,
    );
  });
});

describe('business time agrees with a slow count', () => {
  // Windows on quarter hours, away from 00:00-04:00, so each local time exists exactly once.
  const QUARTER = 15 * M;
  const zones = ['Europe/Madrid', 'Europe/London', 'America/New_York', 'Asia/Seoul'];
  const dayOffsets = fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 8 });

  function isBusiness(cal: Calendar, t: number): boolean {
    const local = Temporal.Instant.fromEpochMilliseconds(t).toZonedDateTimeISO(cal.timeZone);
    const date = local.toPlainDate().toString();
    const minute = local.hour * 60 + local.minute;
    const windows =
      cal.overrides?.[date] ??
      (cal.holidays?.includes(date) ? [] : (cal.weekly[WEEKDAYS[local.dayOfWeek - 1]] ?? []));
    return windows.some(([s, e]) => {
      const toMin = (x: string) => Number(x.slice(0, 2)) * 60 + Number(x.slice(3));
      return toMin(s) <= minute && minute < toMin(e);
    });
  }

  it('between matches counting quarter hours', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom(Date.UTC(2026, 1, 20), Date.UTC(2026, 8, 20), Date.UTC(2027, 2, 10)),
        dayOffsets,
        fc.integer({ min: 0, max: 30 * 96 }),
        fc.integer({ min: 0, max: 10 * 96 }),
        (timeZone, base, holidayDays, startQ, lengthQ) => {
          const dateOf = (day: number) => new Date(base + day * 86_400_000).toISOString().slice(0, 10);
          const cal = parseCalendar({
            timeZone,
            weekly: {
              ...weekdays([
                ['08:15', '12:00'],
                ['13:00', '18:45'],
              ]),
              sat: [['10:00', '14:00']],
            },
            holidays: holidayDays.map(dateOf),
            overrides: { [dateOf(3)]: [['09:30', '11:15']] },
          });
          const a = base + startQ * QUARTER;
          const b = a + lengthQ * QUARTER;
          let expected = 0;
          for (let t = a; t < b; t += QUARTER) if (isBusiness(cal, t)) expected += QUARTER;
          expect(businessTimeBetween(cal, new Date(a), new Date(b))).toBe(expected);
        },
      ),
      { numRuns: 60 },
    );
  });
});
