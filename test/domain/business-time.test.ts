// Hand-computed business-time cases: the seed vendors' calendars, DST in several zones, closures,
// overrides, the 366-day limit and invalid input. Local times are worked out in the comments.
import { describe, expect, it } from 'vitest';
import { expandHolidayRegions } from '../../functions/catalog/holidays.ts';
import { addBusinessTime, businessTimeBetween } from '../../functions/domain/business-time.ts';
import { type Calendar, parseCalendar } from '../../functions/domain/calendar.ts';
import { ValidationError } from '../../functions/domain/errors.ts';

const H = 3_600_000;
const M = 60_000;
const at = (iso: string) => new Date(iso);
const add = (c: Calendar, start: string, ms: number) => addBusinessTime(c, at(start), ms).toISOString();
const between = (c: Calendar, from: string, to: string) => businessTimeBetween(c, at(from), at(to));

const weekdays = (windows: [string, string][]) => ({
  mon: windows,
  tue: windows,
  wed: windows,
  thu: windows,
  fri: windows,
});
const everyDay = (windows: [string, string][]) => ({ ...weekdays(windows), sat: windows, sun: windows });

// 002 Sales Layer: 08:00-18:00 CET on working days, excluding Spanish national holidays.
const salesLayer = parseCalendar({
  timeZone: 'Europe/Madrid',
  weekly: weekdays([['08:00', '18:00']]),
  holidays: [
    ...['01-01', '01-06', '04-03', '05-01', '08-15', '10-12', '11-01', '12-06', '12-08', '12-25'].map(
      (d) => `2026-${d}`,
    ),
    ...['01-01', '01-06', '03-26', '05-01', '08-15', '10-12', '11-01', '12-06', '12-08', '12-25'].map(
      (d) => `2027-${d}`,
    ),
  ],
});

// 003 London banking days: 09:00-17:30 on England and Wales working days (bank holidays from date-holidays).
const londonBanking = parseCalendar(
  expandHolidayRegions(
    parseCalendar({
      timeZone: 'Europe/London',
      weekly: weekdays([['09:00', '17:30']]),
      holidayRegions: ['GB-ENG'],
    }),
    { fromYear: 2026, toYear: 2027 },
  ),
);

// 004 B2Bee: Critical is handled 08:00-24:00 every day, Minor 09:00-17:00 on working days.
const b2beeCritical = parseCalendar({ timeZone: 'Europe/Zagreb', weekly: everyDay([['08:00', '24:00']]) });
const b2beeMinor = parseCalendar({ timeZone: 'Europe/Zagreb', weekly: weekdays([['09:00', '17:00']]) });

// 000: "8 business hours = 1 day": 09:00-18:00 with a lunch break in Seoul.
const seoulOffice = parseCalendar({
  timeZone: 'Asia/Seoul',
  weekly: weekdays([
    ['09:00', '12:00'],
    ['13:00', '18:00'],
  ]),
});

describe('002 Sales Layer, Madrid working days with national holidays', () => {
  it('Enterprise 2 h first response rolls into the next morning', () => {
    // Thu 2026-10-08 17:00 CEST: 1 h left today, 1 h on Friday from 08:00 CEST.
    expect(add(salesLayer, '2026-10-08T15:00:00Z', 2 * H)).toBe('2026-10-09T07:00:00.000Z');
  });

  it('skips the weekend and the Fiesta Nacional (Mon 2026-10-12)', () => {
    // Fri 17:30 CEST: 30 min Friday, Monday closed, Tuesday 08:00 + 1 h 30.
    expect(add(salesLayer, '2026-10-09T15:30:00Z', 2 * H)).toBe('2026-10-13T07:30:00.000Z');
    expect(between(salesLayer, '2026-10-09T15:30:00Z', '2026-10-13T07:30:00Z')).toBe(2 * H);
  });

  it('Premium 12 h from Monday 10:00 ends Tuesday 12:00', () => {
    expect(add(salesLayer, '2026-03-30T08:00:00Z', 12 * H)).toBe('2026-03-31T10:00:00.000Z');
  });

  it('Easter week: Good Friday is national, Holy Thursday and Easter Monday are regional', () => {
    // Wed 08:00 CEST to the next Tue 08:00 CEST: Wed + Thu + Mon.
    expect(between(salesLayer, '2026-04-01T06:00:00Z', '2026-04-07T06:00:00Z')).toBe(30 * H);
  });

  it('spring forward over the weekend: Friday CET, Monday CEST', () => {
    // Fri 2026-03-27 17:00 CET (16:00Z): 1 h, then Mon 08:00 CEST (06:00Z) + 2 h.
    expect(add(salesLayer, '2026-03-27T16:00:00Z', 3 * H)).toBe('2026-03-30T08:00:00.000Z');
  });

  it('fall back over the weekend: Friday CEST, Monday CET', () => {
    // Fri 2026-10-23 17:00 CEST (15:00Z): 1 h, then Mon 08:00 CET (07:00Z) + 1 h.
    expect(add(salesLayer, '2026-10-23T15:00:00Z', 2 * H)).toBe('2026-10-26T08:00:00.000Z');
    expect(between(salesLayer, '2026-10-23T15:00:00Z', '2026-10-26T08:00:00Z')).toBe(2 * H);
  });

  it('a duration ending exactly at 18:00 returns 18:00, not the next opening', () => {
    expect(add(salesLayer, '2026-12-01T07:00:00Z', 10 * H)).toBe('2026-12-01T17:00:00.000Z');
  });
});

describe('003 London banking days', () => {
  it('expands GB-ENG bank holidays into the calendar', () => {
    expect(londonBanking.holidays).toEqual(
      expect.arrayContaining(['2026-12-25', '2026-12-28', '2026-08-31']),
    );
  });

  it('Christmas Eve: Christmas Day and the Boxing Day substitute are closed', () => {
    // Thu 2026-12-24 16:00 GMT: 1 h 30 today, then Tue 29th 09:00 + 1 h 30.
    expect(add(londonBanking, '2026-12-24T16:00:00Z', 3 * H)).toBe('2026-12-29T10:30:00.000Z');
  });

  it('Summer bank holiday (Mon 2026-08-31) in BST', () => {
    // Fri 17:00 BST (16:00Z): 30 min, Monday closed, Tue 09:00 BST (08:00Z) + 30 min.
    expect(add(londonBanking, '2026-08-28T16:00:00Z', 1 * H)).toBe('2026-09-01T08:30:00.000Z');
  });
});

describe('004 B2Bee', () => {
  it('Critical: 08:00-24:00 every day, late Saturday rolls to Sunday morning', () => {
    // Sat 2026-12-05 23:00 CET: 1 h to midnight, Sunday 08:00 CET + 1 h.
    expect(add(b2beeCritical, '2026-12-05T22:00:00Z', 2 * H)).toBe('2026-12-06T08:00:00.000Z');
  });

  it('Critical over the spring-forward weekend: 16 h a day either side', () => {
    // Sat 2026-03-28 08:00 CET (07:00Z) to Mon 08:00 CEST (06:00Z); the 02:00 jump is outside the window.
    expect(between(b2beeCritical, '2026-03-28T07:00:00Z', '2026-03-30T06:00:00Z')).toBe(32 * H);
  });

  it('Minor: 09:00-17:00 on working days', () => {
    // Fri 2026-12-04 16:00 CET: 1 h Friday, Monday 09:00 + 7 h = 16:00 CET.
    expect(add(b2beeMinor, '2026-12-04T15:00:00Z', 8 * H)).toBe('2026-12-07T15:00:00.000Z');
    // A whole day from opening ends at closing time the same day.
    expect(add(b2beeMinor, '2026-12-07T08:00:00Z', 8 * H)).toBe('2026-12-07T16:00:00.000Z');
  });
});

describe('000 Seoul office with lunch break, 8 business hours = 1 day', () => {
  it('registration within 8 h from Monday 11:00 is due Tuesday 11:00', () => {
    expect(add(seoulOffice, '2026-12-07T02:00:00Z', 8 * H)).toBe('2026-12-08T02:00:00.000Z');
  });

  it('a start during lunch counts from 13:00; ending at 12:00 returns 12:00', () => {
    // Fri 2026-12-11 12:30 KST: 5 h Friday, 8 h Monday, 3 h Tuesday to 12:00.
    expect(add(seoulOffice, '2026-12-11T03:30:00Z', 16 * H)).toBe('2026-12-15T03:00:00.000Z');
  });

  it('lunch is not business time', () => {
    expect(between(seoulOffice, '2026-12-07T03:00:00Z', '2026-12-07T04:00:00Z')).toBe(0);
    expect(between(seoulOffice, '2026-12-07T00:00:00Z', '2026-12-07T09:00:00Z')).toBe(8 * H);
  });
});

describe('DST', () => {
  const allDay = (timeZone: string, day: 'sat' | 'sun') =>
    parseCalendar({ timeZone, weekly: { [day]: [['00:00', '24:00']] } });

  it('00:00-24:00 holds 23 h on a spring-forward day and 25 h on a fall-back day (Madrid)', () => {
    const sundays = allDay('Europe/Madrid', 'sun');
    expect(between(sundays, '2026-03-28T00:00:00Z', '2026-03-30T00:00:00Z')).toBe(23 * H);
    expect(between(sundays, '2026-10-24T00:00:00Z', '2026-10-27T00:00:00Z')).toBe(25 * H);
    // From Sunday 00:00 CEST (Sat 22:00Z), 25 h end at Monday 00:00 CET.
    expect(add(sundays, '2026-10-24T22:00:00Z', 25 * H)).toBe('2026-10-25T23:00:00.000Z');
  });

  it('New York: 23 h and 25 h Sundays', () => {
    const sundays = allDay('America/New_York', 'sun');
    expect(between(sundays, '2026-03-07T00:00:00Z', '2026-03-10T00:00:00Z')).toBe(23 * H);
    expect(between(sundays, '2026-10-31T00:00:00Z', '2026-11-03T00:00:00Z')).toBe(25 * H);
  });

  it('New York working days across both transitions', () => {
    const ny = parseCalendar({ timeZone: 'America/New_York', weekly: weekdays([['09:00', '17:00']]) });
    // Fri 2026-03-06 16:00 EST (21:00Z): 1 h, then Mon 09:00 EDT (13:00Z) + 1 h.
    expect(add(ny, '2026-03-06T21:00:00Z', 2 * H)).toBe('2026-03-09T14:00:00.000Z');
    // Fri 2026-10-30 16:00 EDT (20:00Z): 1 h, then Mon 09:00 EST (14:00Z) + 1 h.
    expect(add(ny, '2026-10-30T20:00:00Z', 2 * H)).toBe('2026-11-02T15:00:00.000Z');
  });

  it('an ambiguous local time takes the earlier instant (New York fall back)', () => {
    const c = (windows: [string, string][]) =>
      parseCalendar({ timeZone: 'America/New_York', weekly: { sun: windows } });
    // 01:00-01:30 on 2026-11-01 is the first pass, in EDT: 05:00Z-05:30Z.
    expect(add(c([['01:00', '01:30']]), '2026-11-01T00:00:00Z', 30 * M)).toBe('2026-11-01T05:30:00.000Z');
    expect(between(c([['01:00', '01:30']]), '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z')).toBe(30 * M);
    // 01:00 EDT (05:00Z) to 03:00 EST (08:00Z) is 3 real hours.
    expect(between(c([['01:00', '03:00']]), '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z')).toBe(3 * H);
  });

  it('a local time in a spring-forward gap moves forward by the gap (New York)', () => {
    const c = (windows: [string, string][]) =>
      parseCalendar({ timeZone: 'America/New_York', weekly: { sun: windows } });
    const day = ['2026-03-08T00:00:00Z', '2026-03-09T00:00:00Z'] as const;
    // 02:00-03:00 does not exist: both ends are 03:00 EDT, the window holds nothing.
    expect(between(c([['02:00', '03:00']]), ...day)).toBe(0);
    // 02:30 becomes 03:30 EDT (07:30Z); to 04:00 EDT (08:00Z).
    expect(between(c([['02:30', '04:00']]), ...day)).toBe(30 * M);
    // 01:30 EST (06:30Z) to 02:30 -> 03:30 EDT (07:30Z): one real hour.
    expect(between(c([['01:30', '02:30']]), ...day)).toBe(1 * H);
    // 02:30-03:00 reverses (03:30 EDT to 03:00 EDT): holds nothing.
    expect(between(c([['02:30', '03:00']]), ...day)).toBe(0);
  });

  it('Madrid fall back: 02:00-03:00 holds two hours (02:00 CEST to 03:00 CET)', () => {
    const c = parseCalendar({ timeZone: 'Europe/Madrid', weekly: { sun: [['02:00', '03:00']] } });
    expect(between(c, '2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z')).toBe(2 * H);
    expect(add(c, '2026-10-24T00:00:00Z', 2 * H)).toBe('2026-10-25T02:00:00.000Z');
  });

  it('Lord Howe: 30-minute shifts', () => {
    const sundays = allDay('Australia/Lord_Howe', 'sun');
    // Sun 2026-10-04 02:00 -> 02:30 (+10:30 -> +11): the day holds 23 h 30.
    expect(between(sundays, '2026-10-02T00:00:00Z', '2026-10-05T00:00:00Z')).toBe(23.5 * H);
    // Sun 2026-04-05 02:00 -> 01:30 (+11 -> +10:30): 24 h 30.
    expect(between(sundays, '2026-04-03T00:00:00Z', '2026-04-06T00:00:00Z')).toBe(24.5 * H);
    // 02:00-03:00 on the spring day: 02:00 becomes 02:30 (+11, 15:30Z Saturday), then to 03:00 (16:00Z).
    const early = parseCalendar({ timeZone: 'Australia/Lord_Howe', weekly: { sun: [['02:00', '03:00']] } });
    expect(between(early, '2026-10-03T00:00:00Z', '2026-10-04T12:00:00Z')).toBe(30 * M);
    expect(add(early, '2026-10-03T00:00:00Z', 10 * M)).toBe('2026-10-03T15:40:00.000Z');
  });

  it('Sao Paulo 2018-11-04: midnight does not exist, a 00:00 window starts at 01:00', () => {
    const overnight = parseCalendar({
      timeZone: 'America/Sao_Paulo',
      weekly: { sat: [['22:00', '24:00']], sun: [['00:00', '06:00']] },
    });
    // Sat 22:00 -03 (01:00Z) to 24:00 = Sun 01:00 -02 (03:00Z): 2 h; Sun 01:00 -02 to 06:00 -02 (08:00Z): 5 h.
    expect(between(overnight, '2018-11-03T12:00:00Z', '2018-11-04T12:00:00Z')).toBe(7 * H);
    expect(add(overnight, '2018-11-03T12:00:00Z', 2 * H)).toBe('2018-11-04T03:00:00.000Z');
    expect(add(overnight, '2018-11-03T12:00:00Z', 3 * H)).toBe('2018-11-04T04:00:00.000Z');
    const sundayOnly = parseCalendar({
      timeZone: 'America/Sao_Paulo',
      weekly: { sun: [['00:00', '06:00']] },
    });
    expect(add(sundayOnly, '2018-11-03T12:00:00Z', 1 * M)).toBe('2018-11-04T03:01:00.000Z');
  });

  it('Sao Paulo 2019-02-16: the repeated 23:00 hour makes 22:00-24:00 hold 3 h', () => {
    const late = parseCalendar({ timeZone: 'America/Sao_Paulo', weekly: { sat: [['22:00', '24:00']] } });
    // 22:00 -02 (00:00Z) to 24:00 = Sun 00:00 -03 (03:00Z).
    expect(between(late, '2019-02-16T12:00:00Z', '2019-02-17T12:00:00Z')).toBe(3 * H);
  });
});

describe('windows, closures and overrides', () => {
  const madrid = (extra: object) =>
    parseCalendar({ timeZone: 'Europe/Madrid', weekly: weekdays([['08:00', '18:00']]), ...extra });

  it('overnight shift as 22:00-24:00 plus 00:00-06:00 is one continuous stretch', () => {
    const night = parseCalendar({
      timeZone: 'Europe/Madrid',
      weekly: { mon: [['22:00', '24:00']], tue: [['00:00', '06:00']] },
    });
    // Mon 2026-12-07 22:00 CET (21:00Z) + 8 h = Tue 06:00 CET (05:00Z).
    expect(add(night, '2026-12-07T21:00:00Z', 8 * H)).toBe('2026-12-08T05:00:00.000Z');
    // Ending exactly at 24:00 returns midnight, not the next window.
    expect(add(night, '2026-12-07T21:00:00Z', 2 * H)).toBe('2026-12-07T23:00:00.000Z');
  });

  it('a two-week closure by holidays', () => {
    const dates = ['03', '04', '05', '06', '07', '10', '11', '12', '13', '14'].map((d) => `2026-08-${d}`);
    const closed = madrid({ holidays: dates });
    // Fri 2026-07-31 17:00 CEST: 1 h, then nothing until Mon 2026-08-17 08:00 CEST.
    expect(add(closed, '2026-07-31T15:00:00Z', 2 * H)).toBe('2026-08-17T07:00:00.000Z');
    expect(between(closed, '2026-07-31T00:00:00Z', '2026-08-18T00:00:00Z')).toBe(20 * H);
  });

  it('a two-week closure by empty overrides', () => {
    const dates = ['03', '04', '05', '06', '07', '10', '11', '12', '13', '14'].map((d) => `2026-08-${d}`);
    const closed = madrid({ overrides: Object.fromEntries(dates.map((d) => [d, []])) });
    expect(add(closed, '2026-07-31T15:00:00Z', 2 * H)).toBe('2026-08-17T07:00:00.000Z');
  });

  it('an override wins over a holiday on the same date', () => {
    const c = madrid({ holidays: ['2026-12-24'], overrides: { '2026-12-24': [['09:00', '12:00']] } });
    expect(between(c, '2026-12-24T00:00:00Z', '2026-12-25T00:00:00Z')).toBe(3 * H);
    expect(add(c, '2026-12-23T16:00:00Z', 2 * H)).toBe('2026-12-24T09:00:00.000Z');
  });

  it('an override can open a weekend day', () => {
    const c = madrid({ overrides: { '2026-12-05': [['10:00', '12:00']] } });
    expect(add(c, '2026-12-04T17:00:00Z', 1 * H)).toBe('2026-12-05T10:00:00.000Z');
  });

  it('zero returns the start even outside business hours', () => {
    expect(add(madrid({}), '2026-12-05T12:34:56.789Z', 0)).toBe('2026-12-05T12:34:56.789Z');
  });

  it('keeps millisecond precision inside a window', () => {
    expect(add(madrid({}), '2026-12-01T09:00:00.123Z', 1)).toBe('2026-12-01T09:00:00.124Z');
  });
});

describe('between with to before from', () => {
  it('is the negative of between(to, from)', () => {
    expect(between(salesLayer, '2026-12-01T17:00:00Z', '2026-12-01T15:00:00Z')).toBe(-2 * H);
    expect(Object.is(between(salesLayer, '2026-12-06T17:00:00Z', '2026-12-06T15:00:00Z'), 0)).toBe(true);
  });
});

describe('no business time within 366 days', () => {
  it('an empty calendar throws a RangeError instead of looping', () => {
    const empty = parseCalendar({ timeZone: 'Europe/Madrid', weekly: {} });
    expect(() => addBusinessTime(empty, at('2026-01-01T00:00:00Z'), 1)).toThrow(RangeError);
    expect(between(empty, '2026-01-01T00:00:00Z', '2030-01-01T00:00:00Z')).toBe(0);
  });

  it('a calendar whose only window is more than 366 days ahead throws', () => {
    const far = parseCalendar({
      timeZone: 'Europe/Madrid',
      weekly: {},
      overrides: { '2027-06-01': [['09:00', '10:00']] },
    });
    expect(() => addBusinessTime(far, at('2026-01-01T00:00:00Z'), 1)).toThrow(RangeError);
  });

  it('a window within 366 days is found', () => {
    const near = parseCalendar({
      timeZone: 'Europe/Madrid',
      weekly: {},
      overrides: { '2026-12-01': [['09:00', '10:00']] },
    });
    expect(add(near, '2026-01-01T00:00:00Z', 30 * M)).toBe('2026-12-01T08:30:00.000Z');
  });

  it('running out after the last window throws too', () => {
    const once = parseCalendar({
      timeZone: 'Europe/Madrid',
      weekly: {},
      overrides: { '2026-12-01': [['09:00', '10:00']] },
    });
    expect(() => addBusinessTime(once, at('2026-01-01T00:00:00Z'), 2 * H)).toThrow(RangeError);
  });
});

describe('invalid input', () => {
  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, 1.5])('duration %s is a RangeError', (ms) => {
    expect(() => addBusinessTime(salesLayer, at('2026-12-01T09:00:00Z'), ms)).toThrow(RangeError);
  });

  it('an invalid Date is a RangeError', () => {
    expect(() => addBusinessTime(salesLayer, new Date('nope'), H)).toThrow(RangeError);
    expect(() => businessTimeBetween(salesLayer, new Date('nope'), at('2026-12-01T09:00:00Z'))).toThrow(
      RangeError,
    );
    expect(() => businessTimeBetween(salesLayer, at('2026-12-01T09:00:00Z'), new Date(Number.NaN))).toThrow(
      RangeError,
    );
  });

  it('an unvalidated, invalid calendar is a ValidationError naming the field', () => {
    const bad = { timeZone: 'Europe/Madrid', weekly: { mon: [['18:00', '08:00']] } } as unknown as Calendar;
    expect(() => addBusinessTime(bad, at('2026-12-01T09:00:00Z'), H)).toThrow(ValidationError);
    expect(() => addBusinessTime(bad, at('2026-12-01T09:00:00Z'), H)).toThrow(/weekly\.mon\[0\]/);
  });
});
