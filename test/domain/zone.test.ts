// The time-zone module against Temporal (temporal-polyfill as the oracle), in zones with odd
// histories, 1990-2040: offsets at instants, the next transition, local fields, and wall-clock
// times as instants by the 'compatible' rule, at random and right at, before and after transitions.
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  instantOfLocal,
  localFieldsOf,
  localTimeOf,
  nextTransition,
  offsetAt,
  startOfLocalDay,
} from '../../functions/domain/zone.ts';

const S = 1_000;
const M = 60_000;
const H = 3_600_000;
const DAY = 86_400_000;
const FROM = Date.UTC(1990, 0, 1);
const TO = Date.UTC(2041, 0, 1);

const ZONES = [
  'Europe/Madrid',
  'America/New_York',
  'Australia/Lord_Howe', // 30-minute DST
  'America/Sao_Paulo', // midnight gaps; DST abolished in 2019
  'Asia/Kolkata',
  'Pacific/Chatham', // +12:45 / +13:45
  'Pacific/Apia', // skipped 2011-12-30 entirely
  'Europe/London',
  'UTC',
  'America/St_Johns',
  'Asia/Seoul',
];

/** Every transition of `timeZone` in [FROM, TO], by Temporal. */
function temporalTransitions(timeZone: string): number[] {
  const found: number[] = [];
  let zdt: Temporal.ZonedDateTime | null =
    Temporal.Instant.fromEpochMilliseconds(FROM).toZonedDateTimeISO(timeZone);
  for (;;) {
    zdt = zdt.getTimeZoneTransition('next');
    if (!zdt || zdt.epochMilliseconds > TO) return found;
    found.push(zdt.epochMilliseconds);
  }
}

const transitions = new Map(ZONES.map((zone) => [zone, temporalTransitions(zone)]));

const temporalOffset = (timeZone: string, at: number) =>
  Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(timeZone).offsetNanoseconds / 1e6;

/** Temporal's instant of the wall clock reading `local` (ms, read by its UTC fields), 'compatible'. */
function temporalInstantOf(timeZone: string, local: number): number {
  const d = new Date(local);
  return new Temporal.PlainDateTime(
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  ).toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
}

const zone = fc.constantFrom(...ZONES);
/** Deltas around a transition: on it, a millisecond, second or minute either side, and further. */
const delta = fc.oneof(
  fc.constantFrom(0, -1, 1, -S, S, -M, M, -30 * M, 30 * M, -H, H, -2 * H, 2 * H, -DAY, DAY),
  fc.integer({ min: -2 * DAY, max: 2 * DAY }),
  fc.integer({ min: -180, max: 180 }).map((m) => m * M),
);
const randomInstant = fc.oneof(
  fc.integer({ min: FROM, max: TO }),
  fc.integer({ min: FROM / M, max: TO / M }).map((m) => m * M),
);
/** A zone and an instant: random, or near one of the zone's transitions (UTC has none). */
const zoneAndInstant = fc.oneof(
  fc.record({ timeZone: zone, at: randomInstant }),
  fc.constantFrom(...ZONES.filter((z) => transitions.get(z)!.length > 0)).chain((timeZone) =>
    fc.record({
      timeZone: fc.constant(timeZone),
      at: fc
        .tuple(fc.constantFrom(...transitions.get(timeZone)!), delta)
        .map(([t, d]) => Math.min(TO, Math.max(FROM, t + d))),
    }),
  ),
);
/**
 * A zone and a wall-clock time: random, or near the wall-clock times a transition joins (in the gap
 * or overlap it makes, and at its edges).
 */
const zoneAndLocal = fc.oneof(
  fc.record({ timeZone: zone, local: randomInstant }),
  fc
    .record({ timeZone: zone, local: fc.integer({ min: FROM / (15 * M), max: TO / (15 * M) }) })
    .map(({ timeZone, local }) => ({ timeZone, local: local * 15 * M })),
  fc.constantFrom(...ZONES.filter((z) => transitions.get(z)!.length > 0)).chain((timeZone) =>
    fc.record({
      timeZone: fc.constant(timeZone),
      local: fc
        .tuple(fc.constantFrom(...transitions.get(timeZone)!), fc.boolean(), delta)
        .map(([t, before, d]) => t + temporalOffset(timeZone, before ? t - 1 : t) + d),
    }),
  ),
);
const runs = { numRuns: 3_000 };

describe('zone offsets agree with Temporal', () => {
  it('Temporal finds the transitions these tests aim at', () => {
    // Sanity of the oracle: Lord Howe moves by 30 minutes, Sao Paulo stops in 2019, Apia skips a day.
    const lordHowe = transitions.get('Australia/Lord_Howe')!;
    expect(
      Math.abs(
        temporalOffset('Australia/Lord_Howe', lordHowe[0]) -
          temporalOffset('Australia/Lord_Howe', lordHowe[0] - 1),
      ),
    ).toBe(30 * M);
    expect(Math.max(...transitions.get('America/Sao_Paulo')!)).toBeLessThan(Date.UTC(2019, 2, 1));
    expect(transitions.get('Pacific/Apia')).toContain(Date.UTC(2011, 11, 30, 10));
    expect(transitions.get('UTC')).toEqual([]);
    expect(transitions.get('Asia/Kolkata')).toEqual([]);
  });

  it('the offset at an instant', () => {
    fc.assert(
      fc.property(zoneAndInstant, ({ timeZone, at }) => {
        expect(offsetAt(timeZone, at)).toBe(temporalOffset(timeZone, at));
      }),
      runs,
    );
  });

  it('the local date and time fields of an instant', () => {
    fc.assert(
      fc.property(zoneAndInstant, ({ timeZone, at }) => {
        const zdt = Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(timeZone);
        expect(localFieldsOf(timeZone, at)).toEqual({
          year: zdt.year,
          month: zdt.month,
          day: zdt.day,
          hour: zdt.hour,
          minute: zdt.minute,
          second: zdt.second,
          millisecond: zdt.millisecond,
        });
        expect(localTimeOf(timeZone, at)).toBe(at + zdt.offsetNanoseconds / 1e6);
      }),
      runs,
    );
  });

  it('the next transition after an instant', () => {
    fc.assert(
      fc.property(zoneAndInstant, ({ timeZone, at }) => {
        const until = Math.min(TO, at + 400 * DAY);
        const next = transitions.get(timeZone)!.find((t) => t > at);
        expect(nextTransition(timeZone, at, until)).toBe(
          next !== undefined && next <= until ? next : undefined,
        );
      }),
      runs,
    );
  });

  it('every transition 1990-2040, walking from one to the next', () => {
    for (const timeZone of ZONES) {
      const found: number[] = [];
      for (let t = nextTransition(timeZone, FROM, TO); t !== undefined; t = nextTransition(timeZone, t, TO))
        found.push(t);
      expect(found, timeZone).toEqual(transitions.get(timeZone));
    }
  });

  it("a wall-clock time's instant by the 'compatible' rule", () => {
    fc.assert(
      fc.property(zoneAndLocal, ({ timeZone, local }) => {
        expect(instantOfLocal(timeZone, local)).toBe(temporalInstantOf(timeZone, local));
      }),
      runs,
    );
  });

  it('the first instant of a local day', () => {
    const midnights = fc.oneof(
      fc.record({ timeZone: zone, day: fc.integer({ min: FROM / DAY, max: TO / DAY - 1 }) }),
      // Days holding a transition: Sao Paulo's gaps skip midnight.
      fc.constantFrom(...ZONES.filter((z) => transitions.get(z)!.length > 0)).chain((timeZone) =>
        fc.record({
          timeZone: fc.constant(timeZone),
          day: fc
            .tuple(fc.constantFrom(...transitions.get(timeZone)!), fc.integer({ min: -1, max: 1 }))
            .map(([t, d]) => Math.floor(localTimeOf(timeZone, t) / DAY) + d),
        }),
      ),
    );
    fc.assert(
      fc.property(midnights, ({ timeZone, day }) => {
        const date = Temporal.PlainDate.from(new Date(day * DAY).toISOString().slice(0, 10));
        expect(startOfLocalDay(timeZone, day * DAY)).toBe(
          date.toZonedDateTime({ timeZone }).epochMilliseconds,
        );
      }),
      runs,
    );
  });
});

describe('zone offsets at known transitions', () => {
  it('a spring-forward gap moves the wall clock on by the gap; an overlap takes the earlier instant', () => {
    // Madrid 2026-03-29 02:00 -> 03:00; 2026-10-25 03:00 -> 02:00.
    expect(new Date(instantOfLocal('Europe/Madrid', Date.UTC(2026, 2, 29, 2, 30))).toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
    expect(new Date(instantOfLocal('Europe/Madrid', Date.UTC(2026, 9, 25, 2, 30))).toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
    // Lord Howe moves by half an hour: 02:00 -> 02:30 on 2026-10-04.
    expect(new Date(instantOfLocal('Australia/Lord_Howe', Date.UTC(2026, 9, 4, 2, 15))).toISOString()).toBe(
      '2026-10-03T15:45:00.000Z',
    );
  });

  it('Apia skipped 2011-12-30: its wall-clock times land on the 31st, which starts the day', () => {
    expect(new Date(instantOfLocal('Pacific/Apia', Date.UTC(2011, 11, 30, 9))).toISOString()).toBe(
      '2011-12-30T19:00:00.000Z',
    );
    expect(startOfLocalDay('Pacific/Apia', Date.UTC(2011, 11, 30))).toBe(Date.UTC(2011, 11, 30, 10));
    expect(startOfLocalDay('Pacific/Apia', Date.UTC(2011, 11, 31))).toBe(Date.UTC(2011, 11, 30, 10));
  });

  it('Sao Paulo 2018-11-04 started at 01:00, the end of its midnight gap', () => {
    expect(new Date(startOfLocalDay('America/Sao_Paulo', Date.UTC(2018, 10, 4))).toISOString()).toBe(
      '2018-11-04T03:00:00.000Z',
    );
  });

  it('offsets with 45 and 30 minutes, and seconds before standard time', () => {
    expect(offsetAt('Pacific/Chatham', Date.UTC(2026, 0, 1))).toBe(13 * H + 45 * M);
    expect(offsetAt('Pacific/Chatham', Date.UTC(2026, 6, 1))).toBe(12 * H + 45 * M);
    expect(offsetAt('America/St_Johns', Date.UTC(2026, 0, 1))).toBe(-(3 * H + 30 * M));
    expect(offsetAt('Asia/Kolkata', Date.UTC(2026, 0, 1))).toBe(5 * H + 30 * M);
    expect(offsetAt('UTC', Date.UTC(2026, 0, 1))).toBe(0);
    expect(offsetAt('Europe/Madrid', Date.UTC(1890, 0, 1))).toBe(
      temporalOffset('Europe/Madrid', Date.UTC(1890, 0, 1)),
    );
  });

  it('an unknown zone is a RangeError', () => {
    expect(() => offsetAt('Mars/Olympus_Mons', 0)).toThrow(RangeError);
  });
});
