// Holiday corrections: dates a calendar adds to or removes from its regions' library holidays,
// validated field by field and applied for the years being expanded.
import { describe, expect, it } from 'vitest';
import { expandHolidayRegions } from '../../functions/catalog/holidays.ts';
import { type Calendar, parseCalendar } from '../../functions/domain/calendar.ts';
import { ValidationError } from '../../functions/domain/errors.ts';

const YEAR_2026 = { fromYear: 2026, toYear: 2026 };

const calendarOf = (extra: Record<string, unknown>): Calendar =>
  parseCalendar({ timeZone: 'Asia/Seoul', weekly: {}, holidayRegions: ['KR'], ...extra });

function fieldsOf(input: Record<string, unknown>): string[] {
  try {
    calendarOf(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues.map((i) => i.field);
  }
  throw new Error('calendar was accepted');
}

describe('holiday corrections: expansion', () => {
  it('KR 2026: date-holidays starts Seollal a day late; the correction gives 16-18 February', () => {
    const library = expandHolidayRegions(calendarOf({}), YEAR_2026).holidays;
    expect(library).toEqual(expect.arrayContaining(['2026-02-17', '2026-02-18', '2026-02-19']));
    expect(library).not.toContain('2026-02-16');

    const corrected = calendarOf({
      holidayCorrections: {
        KR: {
          add: [{ date: '2026-02-16', name: '설날 전날' }],
          remove: [{ date: '2026-02-19', reason: 'Seollal is 16-18 February' }],
        },
      },
    });
    const { holidays } = expandHolidayRegions(corrected, YEAR_2026);
    expect(holidays?.filter((d) => d.startsWith('2026-02'))).toEqual([
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
    ]);
    expect(holidays).toHaveLength(library?.length ?? -1);
  });

  it('applies only the corrections dated in the expanded years', () => {
    const calendar = calendarOf({
      holidayCorrections: {
        KR: {
          add: [
            { date: '2026-06-03', name: 'local elections' },
            { date: '2030-06-05', name: 'a correction for a later year' },
          ],
          remove: [{ date: '2027-02-09', reason: 'a correction for a later year' }],
        },
      },
    });
    const once = expandHolidayRegions(calendar, YEAR_2026);
    expect(once.holidays).toContain('2026-06-03');
    expect(once.holidays?.some((d) => !d.startsWith('2026'))).toBe(false);

    // 2027, expanded earlier without the correction, keeps its dates until it is expanded again.
    const earlier2027 = expandHolidayRegions(calendarOf({}), { fromYear: 2027, toYear: 2027 }).holidays;
    const again2026 = expandHolidayRegions({ ...calendar, holidays: earlier2027 }, YEAR_2026);
    expect(again2026.holidays).toContain('2027-02-09');

    const later = expandHolidayRegions(once, { fromYear: 2027, toYear: 2030 });
    expect(later.holidays).toContain('2030-06-05');
    expect(later.holidays).not.toContain('2027-02-09');
    expect(later.holidays).toContain('2027-02-08');
  });

  it('a removal also drops the date an earlier expansion put in holidays', () => {
    const before = expandHolidayRegions(calendarOf({}), YEAR_2026);
    expect(before.holidays).toContain('2026-02-19');
    const corrected = parseCalendar({
      ...before,
      holidayCorrections: { KR: { remove: [{ date: '2026-02-19', reason: 'Seollal ends on the 18th' }] } },
    });
    expect(expandHolidayRegions(corrected, YEAR_2026).holidays).not.toContain('2026-02-19');
  });

  it('a date one region removes stays when another region of the calendar has it', () => {
    const calendar = parseCalendar({
      timeZone: 'Europe/London',
      weekly: {},
      holidayRegions: ['GB-ENG', 'HR'],
      holidayCorrections: {
        'GB-ENG': { remove: [{ date: '2026-12-26', reason: 'Saturday: the bank holiday is Monday 28th' }] },
      },
    });
    expect(expandHolidayRegions(calendar, YEAR_2026).holidays).toContain('2026-12-26'); // Sveti Stjepan
    const alone = parseCalendar({ ...calendar, holidayRegions: ['GB-ENG'] });
    expect(expandHolidayRegions(alone, YEAR_2026).holidays).not.toContain('2026-12-26');
  });

  it('removing a day that is no holiday, or adding one that is, changes nothing', () => {
    const plain = expandHolidayRegions(calendarOf({}), YEAR_2026);
    const noOps = calendarOf({
      holidayCorrections: {
        KR: {
          add: [{ date: '2026-05-05', name: '어린이날' }],
          remove: [{ date: '2026-04-01', reason: 'not a holiday anyway' }],
        },
      },
    });
    expect(expandHolidayRegions(noOps, YEAR_2026).holidays).toEqual(plain.holidays);
  });

  it('the result is a valid calendar that expanding again leaves as it is', () => {
    const calendar = calendarOf({
      holidays: ['2026-12-31'],
      holidayCorrections: {
        KR: {
          add: [{ date: '2026-05-01', name: '노동절' }],
          remove: [{ date: '2026-02-19', reason: 'Seollal ends on the 18th' }],
        },
      },
    });
    const expanded = expandHolidayRegions(calendar, YEAR_2026);
    expect(parseCalendar(expanded)).toEqual(expanded);
    expect(expandHolidayRegions(expanded, YEAR_2026)).toEqual(expanded);
    expect(expanded.holidayCorrections).toEqual(calendar.holidayCorrections);
    expect(expanded.holidays).toEqual(expect.arrayContaining(['2026-12-31', '2026-05-01']));
  });
});

describe('holiday corrections: schema', () => {
  const add = (date: unknown, name: unknown = 'x') => ({
    holidayCorrections: { KR: { add: [{ date, name }] } },
  });

  it.each([
    ['a badly written date', add('2026-2-16'), 'holidayCorrections.KR.add[0].date'],
    ['a date that does not exist', add('2026-02-30'), 'holidayCorrections.KR.add[0].date'],
    ['an empty name', add('2026-02-16', ''), 'holidayCorrections.KR.add[0].name'],
    [
      'a missing name',
      { holidayCorrections: { KR: { add: [{ date: '2026-02-16' }] } } },
      'holidayCorrections.KR.add[0].name',
    ],
    [
      'a removal without a reason',
      { holidayCorrections: { KR: { remove: [{ date: '2026-02-19' }] } } },
      'holidayCorrections.KR.remove[0].reason',
    ],
    [
      'a plain date as a removal',
      { holidayCorrections: { KR: { remove: ['2026-02-19'] } } },
      'holidayCorrections.KR.remove[0]',
    ],
    [
      'a date added twice',
      {
        holidayCorrections: {
          KR: {
            add: [
              { date: '2026-02-16', name: 'a' },
              { date: '2026-02-16', name: 'b' },
            ],
          },
        },
      },
      'holidayCorrections.KR.add[1].date',
    ],
    [
      'a date both added and removed',
      {
        holidayCorrections: {
          KR: {
            add: [{ date: '2026-02-16', name: 'a' }],
            remove: [{ date: '2026-02-16', reason: 'b' }],
          },
        },
      },
      'holidayCorrections.KR.remove[0].date',
    ],
    ['an unknown field', { holidayCorrections: { KR: { delete: [] } } }, 'holidayCorrections.KR'],
    ['a bad region code', { holidayCorrections: { Korea: {} } }, 'holidayCorrections.Korea'],
    [
      'a region the calendar does not name',
      { holidayCorrections: { ES: { remove: [{ date: '2026-12-06', reason: 'x' }] } } },
      'holidayCorrections.ES',
    ],
  ])('rejects %s, naming %s', (_what, input, field) => {
    expect(fieldsOf(input)).toContain(field);
  });

  it('says what is wrong', () => {
    const messages = (input: Record<string, unknown>) => {
      try {
        calendarOf(input);
      } catch (error) {
        return (error as ValidationError).issues.map((i) => i.message);
      }
      return [];
    };
    expect(messages({ holidayCorrections: { ES: {} } })).toEqual([
      'corrects ES, which is not in holidayRegions',
    ]);
    expect(
      messages({
        holidayCorrections: {
          KR: { add: [{ date: '2026-02-16', name: 'a' }], remove: [{ date: '2026-02-16', reason: 'b' }] },
        },
      }),
    ).toEqual(['2026-02-16 is also added']);
    expect(messages({ holidayCorrections: { KR: { delete: [] } } })).toEqual(['unknown field delete']);
  });

  it('a calendar without corrections reads as before', () => {
    const calendar = { timeZone: 'Asia/Seoul', weekly: {}, holidayRegions: ['KR'] };
    expect(parseCalendar(calendar)).toEqual(calendar);
    expect(parseCalendar({ ...calendar, holidayCorrections: { KR: {} } })).toEqual({
      ...calendar,
      holidayCorrections: { KR: {} },
    });
  });
});
