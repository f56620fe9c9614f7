// Every example catalog's expanded calendars against holiday lists written by hand from each
// government's publication (test/fixtures/holidays/), and the corrections the catalogs carry
// against the differences between those lists and the holiday library.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandHolidayRegions } from '../../functions/catalog/holidays.ts';
import { type Calendar, epochDayOf } from '../../functions/domain/calendar.ts';
import { parseCatalog } from '../../functions/domain/catalog.ts';

const YEARS = [2026, 2027, 2028] as const;
const RANGE = { fromYear: 2026, toYear: 2028 };

interface OfficialYear {
  source: { title: string; url: string };
  status: 'published' | 'rule';
  note: string;
  holidays: { date: string; name: string }[];
}
interface OfficialList {
  region: string;
  scope: string;
  method: string;
  statuses: Record<string, string>;
  years: Record<string, OfficialYear>;
}

const root = new URL('../../', import.meta.url);
const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));

const OFFICIAL: Record<string, OfficialList> = Object.fromEntries(
  readdirSync(new URL('test/fixtures/holidays/', root))
    .filter((file) => file.endsWith('.json'))
    .map((file) => [file.replace(/\.json$/, ''), readJson(`test/fixtures/holidays/${file}`) as OfficialList]),
);

const officialDates = (region: string) =>
  YEARS.flatMap((year) => OFFICIAL[region].years[year].holidays.map((h) => h.date));

/** 0 = Sunday ... 6 = Saturday. */
const weekdayOf = (date: string) => (epochDayOf(date) + 4) % 7;

const CALENDARS: [string, Calendar][] = readdirSync(new URL('examples/', root))
  .filter((file) => file.endsWith('.catalog.json'))
  .flatMap((file) => {
    const catalog = parseCatalog(readJson(`examples/${file}`));
    return Object.entries(catalog.calendars)
      .filter(([, calendar]) => calendar.holidayRegions?.length)
      .map(([id, calendar]): [string, Calendar] => [`${file.replace('.catalog.json', '')} ${id}`, calendar]);
  });

describe('official holiday lists (test/fixtures/holidays)', () => {
  it('cover every region the example catalogs name', () => {
    expect(CALENDARS.length).toBeGreaterThan(0);
    const regions = new Set(CALENDARS.flatMap(([, calendar]) => calendar.holidayRegions ?? []));
    expect([...regions].filter((region) => !OFFICIAL[region])).toEqual([]);
  });

  it.each(Object.keys(OFFICIAL))(
    '%s: each year cites its source, dates sorted and of that year',
    (region) => {
      const list = OFFICIAL[region];
      expect(list.region).toBe(region);
      for (const year of YEARS) {
        const entry = list.years[year];
        expect(entry.source.title, `${region} ${year}`).toMatch(/\S/);
        expect(entry.source.url, `${region} ${year}`).toMatch(/^https:\/\//);
        expect(Object.keys(list.statuses)).toContain(entry.status);
        const dates = entry.holidays.map((h) => h.date);
        expect(dates, `${region} ${year}`).toEqual([...new Set(dates)].sort());
        for (const { date, name } of entry.holidays) {
          expect(Number.isNaN(epochDayOf(date)), date).toBe(false);
          expect(date.slice(0, 4), date).toBe(String(year));
          expect(name, date).toMatch(/\S/);
        }
      }
    },
  );

  it('GB-ENG and US list the weekday a holiday is observed on; ES leaves Sundays out', () => {
    const weekend = (region: string) => officialDates(region).filter((d) => [0, 6].includes(weekdayOf(d)));
    expect(weekend('GB-ENG')).toEqual([]);
    expect(weekend('US')).toEqual([]);
    expect(officialDates('ES').filter((d) => weekdayOf(d) === 0)).toEqual([]);
  });

  it('KR substitute holidays fall on weekdays', () => {
    const substitutes = YEARS.flatMap((year) => OFFICIAL.KR.years[year].holidays)
      .filter((h) => h.name.startsWith('대체공휴일'))
      .map((h) => h.date);
    expect(substitutes.length).toBeGreaterThan(0);
    expect(substitutes.filter((d) => [0, 6].includes(weekdayOf(d)))).toEqual([]);
  });
});

describe.each(CALENDARS)('example calendar %s', (_name, calendar) => {
  const regions = calendar.holidayRegions ?? [];
  const official = [...new Set(regions.flatMap(officialDates))].sort();

  it('expands 2026-2028 to exactly the official holidays of its regions', () => {
    const { holidays } = expandHolidayRegions({ ...calendar, holidays: [] }, RANGE);
    expect(holidays).toEqual(official);
    expect(calendar.holidays).toEqual(official);
  });

  it.each(regions)('carries exactly the corrections %s needs: where the library differs', (region) => {
    const library =
      expandHolidayRegions(
        { ...calendar, holidayRegions: [region], holidayCorrections: {}, holidays: [] },
        RANGE,
      ).holidays ?? [];
    const expected = officialDates(region);
    const inYears = (date: string) => YEARS.some((year) => date.startsWith(String(year)));
    const corrections = calendar.holidayCorrections?.[region] ?? {};
    expect({
      add: (corrections.add ?? []).map((a) => a.date).filter(inYears),
      remove: (corrections.remove ?? []).map((r) => r.date).filter(inYears),
    }).toEqual({
      add: expected.filter((date) => !library.includes(date)),
      remove: library.filter((date) => !expected.includes(date)),
    });
  });
});
