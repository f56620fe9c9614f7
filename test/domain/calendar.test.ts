// The calendar schema: valid calendars pass; each kind of bad input names the offending field.

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { calendarSchema, parseCalendar } from '../../functions/domain/calendar.ts';
import { ValidationError } from '../../functions/domain/errors.ts';

const base = { timeZone: 'Europe/Madrid', weekly: { mon: [['08:00', '18:00']] } };

function issuesOf(input: unknown) {
  try {
    parseCalendar(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error('calendar was accepted');
}

describe('calendar schema', () => {
  it('accepts the DESIGN.md example, 24:00 ends, touching windows and every field', () => {
    const calendar = {
      timeZone: 'Europe/Madrid',
      weekly: {
        mon: [['08:00', '18:00']],
        tue: [
          ['08:00', '13:00'],
          ['14:00', '18:00'],
        ],
        wed: [
          ['00:00', '12:00'],
          ['12:00', '24:00'],
        ],
        sun: [],
      },
      holidays: ['2026-12-25', '2028-02-29'],
      overrides: { '2026-12-24': [['08:00', '13:00']], '2026-12-31': [] },
      holidayRegions: ['ES', 'GB-ENG'],
      expandedYears: [2026],
    };
    expect(parseCalendar(calendar)).toEqual(calendar);
    expect(parseCalendar({ timeZone: 'UTC', weekly: {} })).toEqual({ timeZone: 'UTC', weekly: {} });
  });

  it.each([
    ['a bad IANA zone', { ...base, timeZone: 'Europe/Madird' }, 'timeZone'],
    ['a fixed offset', { ...base, timeZone: '+01:00' }, 'timeZone'],
    ['25:00', { ...base, weekly: { mon: [['08:00', '25:00']] } }, 'weekly.mon[0][1]'],
    ['8:00 without a leading zero', { ...base, weekly: { tue: [['8:00', '12:00']] } }, 'weekly.tue[0][0]'],
    ['seconds', { ...base, weekly: { wed: [['08:00:30', '12:00']] } }, 'weekly.wed[0][0]'],
    ['24:00 as a start', { ...base, weekly: { thu: [['24:00', '24:00']] } }, 'weekly.thu[0][0]'],
    ['a reversed window', { ...base, weekly: { fri: [['18:00', '08:00']] } }, 'weekly.fri[0]'],
    ['an empty window', { ...base, weekly: { sat: [['09:00', '09:00']] } }, 'weekly.sat[0]'],
    ['a window of one time', { ...base, weekly: { sun: [['09:00']] } }, 'weekly.sun[0]'],
    [
      'overlapping windows',
      {
        ...base,
        weekly: {
          tue: [
            ['08:00', '13:00'],
            ['12:00', '18:00'],
          ],
        },
      },
      'weekly.tue[1]',
    ],
    [
      'overlapping windows listed out of order',
      {
        ...base,
        weekly: {
          mon: [
            ['14:00', '18:00'],
            ['08:00', '12:00'],
            ['11:00', '13:00'],
          ],
        },
      },
      'weekly.mon[2]',
    ],
    ['an unknown weekday', { ...base, weekly: { monday: [['08:00', '18:00']] } }, 'weekly'],
    ['a duplicate holiday', { ...base, holidays: ['2026-12-25', '2026-01-01', '2026-12-25'] }, 'holidays[2]'],
    ['a date that does not exist', { ...base, holidays: ['2026-02-30'] }, 'holidays[0]'],
    ['a badly written date', { ...base, holidays: ['2026-2-3'] }, 'holidays[0]'],
    [
      'an override on a date that does not exist',
      { ...base, overrides: { '2026-02-30': [] } },
      'overrides.2026-02-30',
    ],
    [
      'a bad override window',
      { ...base, overrides: { '2026-12-24': [['13:00', '08:00']] } },
      'overrides.2026-12-24[0]',
    ],
    ['an unknown field', { ...base, timezone: 'Europe/Madrid' }, ''],
    ['a missing zone', { weekly: {} }, 'timeZone'],
    ['a bad region code', { ...base, holidayRegions: ['Spain'] }, 'holidayRegions[0]'],
  ])('rejects %s, naming %s', (_what, input, field) => {
    expect(issuesOf(input).map((i) => i.field)).toContain(field);
  });

  it('says which key is unknown', () => {
    expect(issuesOf({ ...base, weekly: { monday: [] } })[0].message).toMatch(/monday/);
    expect(issuesOf({ ...base, timezone: 'x' })[0].message).toMatch(/timezone/);
  });

  it('reports every bad field at once', () => {
    const fields = issuesOf({
      timeZone: 'Nowhere/City',
      weekly: { mon: [['08:00', '25:00']] },
      holidays: ['x'],
    }).map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['timeZone', 'weekly.mon[0][1]', 'holidays[0]']));
  });

  it('publishes a JSON Schema that forbids unknown fields', () => {
    const schema = z.toJSONSchema(calendarSchema) as { additionalProperties?: unknown; required?: string[] };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['timeZone', 'weekly']);
  });
});
