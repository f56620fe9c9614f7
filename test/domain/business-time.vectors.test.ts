// The design's worked examples of the business-time contract (a copy in test/fixtures, see its
// README), each one a test: the add result and the business time between its two instants.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addBusinessTime, businessTimeBetween } from '../../functions/domain/business-time.ts';
import { parseCalendar } from '../../functions/domain/calendar.ts';

interface Vector {
  name: string;
  calendar: unknown;
  start: string;
  durationMs: number;
  expected: string;
  betweenFrom?: string;
  betweenTo: string;
  betweenMs: number;
}

const vectors = JSON.parse(
  readFileSync(new URL('../fixtures/business-time.json', import.meta.url), 'utf8'),
) as Vector[];

describe('business-time vectors', () => {
  it('has vectors', () => {
    expect(vectors.length).toBeGreaterThan(0);
  });

  it.each(vectors.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const calendar = parseCalendar(v.calendar);
    expect(addBusinessTime(calendar, new Date(v.start), v.durationMs).toISOString()).toBe(v.expected);
    const from = new Date(v.betweenFrom ?? v.start);
    expect(businessTimeBetween(calendar, from, new Date(v.betweenTo))).toBe(v.betweenMs);
  });
});
