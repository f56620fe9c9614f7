// Holiday regions expanded into explicit dates with date-holidays (public holidays only).
import { describe, expect, it } from 'vitest';
import { expandHolidayRegions } from '../../functions/catalog/holidays.ts';
import { type Calendar, parseCalendar } from '../../functions/domain/calendar.ts';
import { ValidationError } from '../../functions/domain/errors.ts';

const withRegions = (holidayRegions: string[], extra: Partial<Calendar> = {}) =>
  parseCalendar({ timeZone: 'Europe/Madrid', weekly: {}, holidayRegions, ...extra });

describe('expandHolidayRegions', () => {
  it('ES 2027: national public holidays, not observances or regional ones', () => {
    const { holidays } = expandHolidayRegions(withRegions(['ES']), { fromYear: 2027, toYear: 2027 });
    expect(holidays).toEqual(
      expect.arrayContaining(['2027-01-01', '2027-01-06', '2027-10-12', '2027-12-25']),
    );
    expect(holidays).not.toContain('2027-03-28'); // Easter Sunday: an observance
    expect(holidays).not.toContain('2027-03-19'); // San José: regional
  });

  it('GB-ENG 2026: England and Wales bank holidays with substitutes', () => {
    const { holidays } = expandHolidayRegions(withRegions(['GB-ENG']), { fromYear: 2026, toYear: 2026 });
    expect(holidays).toEqual([
      '2026-01-01',
      '2026-04-03',
      '2026-04-06',
      '2026-05-04',
      '2026-05-25',
      '2026-08-31',
      '2026-12-25',
      '2026-12-26',
      '2026-12-28',
    ]);
  });

  it('KR: Chuseok lasts three days', () => {
    const { holidays } = expandHolidayRegions(withRegions(['KR']), { fromYear: 2026, toYear: 2027 });
    expect(holidays).toEqual(
      expect.arrayContaining([
        '2026-09-24',
        '2026-09-25',
        '2026-09-26',
        '2027-09-14',
        '2027-09-15',
        '2027-09-16',
      ]),
    );
  });

  it('merges with existing holidays, sorted and without duplicates, keeping everything else', () => {
    const calendar = withRegions(['ES', 'GB-ENG'], {
      holidays: ['2026-12-31', '2026-12-25'],
      overrides: { '2026-12-24': [['08:00', '13:00']] },
    });
    const expanded = expandHolidayRegions(calendar, { fromYear: 2026, toYear: 2026 });
    expect(expanded.holidays).toEqual([...new Set(expanded.holidays)].sort());
    expect(expanded.holidays).toEqual(
      expect.arrayContaining(['2026-12-31', '2026-12-25', '2026-10-12', '2026-08-31']),
    );
    expect(expanded.overrides).toEqual(calendar.overrides);
    expect(expanded.holidayRegions).toEqual(['ES', 'GB-ENG']);
    expect(expanded.expandedYears).toEqual([2026]);
    // The result is a valid calendar and expanding it again changes nothing.
    expect(parseCalendar(expanded)).toEqual(expanded);
    expect(expandHolidayRegions(expanded, { fromYear: 2026, toYear: 2026 })).toEqual(expanded);
    expect(calendar.holidays).toEqual(['2026-12-31', '2026-12-25']);
  });

  it('records every expanded year', () => {
    const once = expandHolidayRegions(withRegions(['ES']), { fromYear: 2027, toYear: 2028 });
    expect(expandHolidayRegions(once, { fromYear: 2026, toYear: 2026 }).expandedYears).toEqual([
      2026, 2027, 2028,
    ]);
  });

  it('leaves a calendar without regions alone', () => {
    const calendar = parseCalendar({ timeZone: 'Europe/Madrid', weekly: {}, holidays: ['2026-01-01'] });
    expect(expandHolidayRegions(calendar, { fromYear: 2026, toYear: 2026 })).toEqual(calendar);
  });

  it.each([
    [['XX'], 'holidayRegions[0]'],
    [['ES', 'GB-XYZ'], 'holidayRegions[1]'],
  ])('rejects unknown region %j naming %s', (regions, field) => {
    const expand = () => expandHolidayRegions(withRegions(regions), { fromYear: 2026, toYear: 2026 });
    expect(expand).toThrow(ValidationError);
    try {
      expand();
    } catch (error) {
      expect((error as ValidationError).issues[0].field).toBe(field);
    }
  });

  it('rejects a bad year range', () => {
    expect(() => expandHolidayRegions(withRegions(['ES']), { fromYear: 2027, toYear: 2026 })).toThrow(
      /toYear/,
    );
    expect(() => expandHolidayRegions(withRegions(['ES']), { fromYear: 2026.5, toYear: 2027 })).toThrow(
      /fromYear/,
    );
  });
});
