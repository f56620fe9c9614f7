// SLA clocks, hand-computed on a Europe/Madrid 08:00-18:00 Mon-Fri calendar (CEST = UTC+2 until
// 2026-10-25, CET = UTC+1 after) and B2Bee's two Zagreb calendars.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessTimeBetween } from '../../functions/domain/business-time.ts';
import {
  clockTimers,
  clockView,
  evaluateClock,
  meetClock,
  pauseClock,
  reopenClock,
  resumeClock,
  retargetClock,
  type SlaClock,
  startClock,
} from '../../functions/domain/sla-clock.ts';
import type { ResolvedTarget } from '../../functions/domain/sla-policy.ts';
import { at, calendars, HOUR, MINUTE, madrid } from './sla-fixtures.ts';

const ack8h: ResolvedTarget = {
  metric: 'acknowledge',
  calendarId: 'madrid',
  targetMs: 8 * HOUR,
  warnMs: 0.8 * 8 * HOUR,
};
const resolution = (hours: number, calendarId = 'madrid'): ResolvedTarget => ({
  metric: 'resolution',
  calendarId,
  targetMs: hours * HOUR,
  warnMs: Math.round(0.8 * hours * HOUR),
});

// Friday 2026-10-23 17:00 CEST.
const friday1700 = at('2026-10-23T15:00:00Z');

describe('start', () => {
  it('a ticket opened Friday 17:00 with 8 business hours is due Monday 15:00 across the DST change', () => {
    const clock = startClock(ack8h, calendars, friday1700);
    // 1 h on Friday, 7 h from Monday 08:00 CET: 15:00 CET = 14:00Z.
    expect(clock.dueAt).toBe('2026-10-26T14:00:00.000Z');
    // Warning at 80% = 6 h 24 min: Monday 13:24 CET.
    expect(clock.warnAt).toBe('2026-10-26T12:24:00.000Z');
    expect(clock).toMatchObject({ state: 'running', elapsedMs: 0, runningSince: '2026-10-23T15:00:00.000Z' });
    expect(JSON.parse(JSON.stringify(clock))).toEqual(clock);
  });

  it('a deferred clock counts nothing before its start and is due from it', () => {
    const startAt = at('2026-10-26T07:00:00Z'); // Monday 08:00 CET
    const clock = startClock(ack8h, calendars, startAt);
    expect(clock.dueAt).toBe('2026-10-26T15:00:00.000Z');
    expect(clockView(clock, calendars, friday1700)).toMatchObject({ elapsedMs: 0, remainingMs: 8 * HOUR });
    // Paused and resumed before the start, it still starts at its start.
    const paused = pauseClock(clock, calendars, at('2026-10-23T15:30:00Z')).clock;
    expect(paused.elapsedMs).toBe(0);
    const resumed = resumeClock(paused, calendars, at('2026-10-24T10:00:00Z')).clock;
    expect(resumed.runningSince).toBe('2026-10-26T07:00:00.000Z');
    expect(resumed.dueAt).toBe('2026-10-26T15:00:00.000Z');
  });
});

describe('pause and resume', () => {
  it('keeps the 30 minutes elapsed and recomputes the deadline from the remainder', () => {
    const clock = startClock(ack8h, calendars, friday1700);
    const paused = pauseClock(clock, calendars, at('2026-10-23T15:30:00Z'));
    expect(paused.events).toEqual([]);
    expect(paused.clock).toMatchObject({ state: 'paused', elapsedMs: 30 * MINUTE });
    expect(paused.clock.dueAt).toBeUndefined();
    expect(paused.clock.runningSince).toBeUndefined();
    expect(clockTimers(paused.clock)).toEqual([]);

    // Resume Monday 10:00 CET: 7 h 30 min left, due 17:30 CET; warning 5 h 54 min on, 15:54 CET.
    const resumed = resumeClock(paused.clock, calendars, at('2026-10-26T09:00:00Z')).clock;
    expect(resumed).toMatchObject({
      state: 'running',
      elapsedMs: 30 * MINUTE,
      runningSince: '2026-10-26T09:00:00.000Z',
      dueAt: '2026-10-26T16:30:00.000Z',
      warnAt: '2026-10-26T14:54:00.000Z',
    });
    expect(clockView(resumed, calendars, at('2026-10-26T10:00:00Z'))).toMatchObject({
      state: 'running',
      elapsedMs: 90 * MINUTE,
      remainingMs: 6.5 * HOUR,
      breached: false,
      paused: false,
    });
  });

  it('pausing and resuming twice is harmless', () => {
    const clock = startClock(ack8h, calendars, friday1700);
    const p1 = pauseClock(clock, calendars, at('2026-10-23T15:30:00Z')).clock;
    expect(pauseClock(p1, calendars, at('2026-10-23T15:45:00Z')).clock).toEqual(p1);
    const r1 = resumeClock(p1, calendars, at('2026-10-26T09:00:00Z')).clock;
    expect(resumeClock(r1, calendars, at('2026-10-26T09:30:00Z')).clock).toEqual(r1);
  });
});

describe('evaluate', () => {
  const clock = startClock(ack8h, calendars, friday1700);

  it('fires nothing early, then the warning once, then the breach once', () => {
    expect(evaluateClock(clock, at('2026-10-26T12:23:59Z')).events).toEqual([]);
    const warned = evaluateClock(clock, at('2026-10-26T12:24:00Z'));
    expect(warned.events).toEqual([
      {
        type: 'slaWarning',
        metric: 'acknowledge',
        at: '2026-10-26T12:24:00.000Z',
        dueAt: '2026-10-26T14:00:00.000Z',
      },
    ]);
    expect(warned.clock.warnedAt).toBe('2026-10-26T12:24:00.000Z');
    expect(evaluateClock(warned.clock, at('2026-10-26T12:30:00Z'))).toEqual({
      clock: warned.clock,
      events: [],
    });
    expect(clockTimers(warned.clock)).toEqual([
      { metric: 'acknowledge', event: 'breach', at: '2026-10-26T14:00:00.000Z' },
    ]);

    const breached = evaluateClock(warned.clock, at('2026-10-26T14:00:00Z'));
    expect(breached.events).toEqual([
      { type: 'slaBreached', metric: 'acknowledge', at: '2026-10-26T14:00:00.000Z' },
    ]);
    expect(breached.clock.state).toBe('breached');
    expect(evaluateClock(breached.clock, at('2026-10-27T14:00:00Z')).events).toEqual([]);
    expect(clockTimers(breached.clock)).toEqual([]);
  });

  it('dates a breach found late at its deadline and skips the warning it overtook', () => {
    const late = evaluateClock(clock, at('2026-10-27T09:00:00Z'));
    expect(late.events).toEqual([
      { type: 'slaBreached', metric: 'acknowledge', at: '2026-10-26T14:00:00.000Z' },
    ]);
    expect(late.clock.warnedAt).toBeUndefined();
    expect(evaluateClock(late.clock, at('2026-10-27T10:00:00Z')).events).toEqual([]);
  });

  it('a pause after the deadline records the breach first', () => {
    const paused = pauseClock(clock, calendars, at('2026-10-26T15:00:00Z'));
    expect(paused.events.map((e) => e.type)).toEqual(['slaBreached']);
    expect(paused.clock).toMatchObject({
      state: 'breached',
      elapsedMs: 9 * HOUR, // Friday 1 h + Monday 08:00-16:00 CET
      breachedAt: '2026-10-26T14:00:00.000Z',
      dueAt: '2026-10-26T14:00:00.000Z',
    });
    expect(paused.clock.runningSince).toBeUndefined();
    expect(clockView(paused.clock, calendars, at('2026-10-27T17:00:00Z'))).toMatchObject({
      state: 'breached',
      breached: true,
      paused: true,
      elapsedMs: 9 * HOUR,
      remainingMs: 0,
      overdueMs: HOUR,
    });
  });
});

describe('meet', () => {
  it('on time: met, not breached, no timers left', () => {
    const clock = startClock(ack8h, calendars, friday1700);
    const met = meetClock(clock, calendars, at('2026-10-26T08:00:00Z'));
    expect(met.events).toEqual([
      {
        type: 'slaMet',
        metric: 'acknowledge',
        at: '2026-10-26T08:00:00.000Z',
        breached: false,
        elapsedMs: 2 * HOUR,
      },
    ]);
    expect(met.clock).toMatchObject({ state: 'met', metAt: '2026-10-26T08:00:00.000Z', elapsedMs: 2 * HOUR });
    expect(clockTimers(met.clock)).toEqual([]);
    expect(meetClock(met.clock, calendars, at('2026-10-26T09:00:00Z'))).toEqual({
      clock: met.clock,
      events: [],
    });
    expect(clockView(met.clock, calendars, at('2026-10-30T09:00:00Z'))).toMatchObject({
      state: 'met',
      breached: false,
      elapsedMs: 2 * HOUR,
    });
  });

  it('exactly at the deadline is late: the target is a hard limit', () => {
    const clock = startClock(ack8h, calendars, friday1700);
    const met = meetClock(clock, calendars, at('2026-10-26T14:00:00Z'));
    expect(met.events.map((e) => e.type)).toEqual(['slaBreached', 'slaMet']);
  });

  it('after a breach: met, and the breach stays on record', () => {
    const clock = startClock(ack8h, calendars, friday1700);
    const breached = evaluateClock(clock, at('2026-10-26T14:30:00Z')).clock;
    const met = meetClock(breached, calendars, at('2026-10-26T15:00:00Z'));
    expect(met.events).toEqual([
      {
        type: 'slaMet',
        metric: 'acknowledge',
        at: '2026-10-26T15:00:00.000Z',
        breached: true,
        elapsedMs: 9 * HOUR,
      },
    ]);
    expect(met.clock).toMatchObject({ state: 'met', breachedAt: '2026-10-26T14:00:00.000Z' });
    expect(clockView(met.clock, calendars, at('2026-11-30T15:00:00Z'))).toMatchObject({
      state: 'met',
      breached: true,
      breachedAt: '2026-10-26T14:00:00.000Z',
      overdueMs: HOUR,
      remainingMs: 0,
    });
  });
});

describe('retarget on a severity change', () => {
  // Monday 2026-11-02 09:00 CET.
  const monday0900 = at('2026-11-02T08:00:00Z');

  it('P3 (40 h) to P1 (16 h) after 10 business hours: due 6 business hours after the change', () => {
    const clock = startClock(resolution(40), calendars, monday0900);
    // Tuesday 09:00 CET: Monday 9 h + Tuesday 1 h = 10 h elapsed.
    const change = at('2026-11-03T08:00:00Z');
    const step = retargetClock(clock, resolution(16), calendars, change);
    expect(step.events).toEqual([]);
    expect(step.clock).toMatchObject({
      state: 'running',
      targetMs: 16 * HOUR,
      elapsedMs: 10 * HOUR,
      runningSince: '2026-11-03T08:00:00.000Z',
      dueAt: '2026-11-03T14:00:00.000Z', // Tuesday 15:00 CET
      // 80% of 16 h = 12 h 48 min: 2 h 48 min after the change.
      warnAt: '2026-11-03T10:48:00.000Z',
    });
  });

  it('to a severity on another calendar: elapsed kept, the rest counted on the new calendar', () => {
    // B2Bee: Minor (8 h, working days) opened Friday 17:30 CET, raised to Critical (1 h, 08-24 daily) at 23:00.
    const minor: ResolvedTarget = {
      metric: 'firstResponse',
      calendarId: 'zagrebWorkdays',
      targetMs: 8 * HOUR,
      warnMs: undefined,
    };
    const critical: ResolvedTarget = {
      metric: 'firstResponse',
      calendarId: 'zagrebCritical',
      targetMs: HOUR,
      warnMs: undefined,
    };
    const clock = startClock(minor, calendars, at('2026-11-06T16:30:00Z'));
    expect(clock.dueAt).toBe('2026-11-09T14:30:00.000Z'); // Monday 15:30 CET
    const step = retargetClock(clock, critical, calendars, at('2026-11-06T22:00:00Z'));
    // 30 min used (17:30-18:00); the other 30 min on the Critical calendar from 23:00: due 23:30 CET.
    expect(step.clock).toMatchObject({
      calendarId: 'zagrebCritical',
      elapsedMs: 30 * MINUTE,
      dueAt: '2026-11-06T22:30:00.000Z',
    });
    expect(step.clock.warnAt).toBeUndefined();
  });

  it('below the time already elapsed: breached at once, at the change', () => {
    const clock = startClock(resolution(40), calendars, monday0900);
    const change = at('2026-11-04T08:00:00Z'); // Wednesday 09:00 CET: 20 h elapsed
    const step = retargetClock(clock, resolution(16), calendars, change);
    expect(step.events).toEqual([
      { type: 'slaBreached', metric: 'resolution', at: '2026-11-04T08:00:00.000Z' },
    ]);
    expect(step.clock).toMatchObject({
      state: 'breached',
      breachedAt: '2026-11-04T08:00:00.000Z',
      elapsedMs: 20 * HOUR,
    });
    expect(clockTimers(step.clock)).toEqual([]);
    expect(retargetClock(step.clock, resolution(16), calendars, change).events).toEqual([]);
  });

  it('past the new warning threshold only: warns at once', () => {
    const clock = startClock(resolution(40), calendars, monday0900);
    const change = at('2026-11-03T12:00:00Z'); // Tuesday 13:00 CET: 14 h elapsed, 80% of 16 h is 12.8 h
    const step = retargetClock(clock, resolution(16), calendars, change);
    expect(step.events).toEqual([
      {
        type: 'slaWarning',
        metric: 'resolution',
        at: '2026-11-03T12:00:00.000Z',
        dueAt: '2026-11-03T14:00:00.000Z',
      },
    ]);
    expect(clockTimers(step.clock)).toEqual([
      { metric: 'resolution', event: 'breach', at: '2026-11-03T14:00:00.000Z' },
    ]);
  });

  it('a downgrade re-arms a warning already sent; a breach under the old target stays', () => {
    const clock = startClock(resolution(16), calendars, monday0900);
    const warned = evaluateClock(clock, at('2026-11-03T12:00:00Z')).clock;
    expect(warned.warnedAt).toBeDefined();
    const relaxed = retargetClock(warned, resolution(40), calendars, at('2026-11-03T12:00:00Z')).clock;
    expect(relaxed.warnedAt).toBeUndefined();
    expect(relaxed.warnAt).toBeDefined();

    const breached = evaluateClock(clock, at('2026-11-04T12:00:00Z')).clock;
    const downgraded = retargetClock(breached, resolution(40), calendars, at('2026-11-04T12:00:00Z')).clock;
    expect(downgraded).toMatchObject({
      state: 'breached',
      breachedAt: breached.breachedAt,
      targetMs: 40 * HOUR,
    });
  });

  it('a paused clock takes the new target and gets its deadline when it resumes', () => {
    const clock = startClock(resolution(40), calendars, monday0900);
    const paused = pauseClock(clock, calendars, at('2026-11-03T08:00:00Z')).clock; // 10 h elapsed
    const moved = retargetClock(paused, resolution(16), calendars, at('2026-11-03T09:00:00Z')).clock;
    expect(moved).toMatchObject({ state: 'paused', elapsedMs: 10 * HOUR, targetMs: 16 * HOUR });
    expect(moved.dueAt).toBeUndefined();
    const resumed = resumeClock(moved, calendars, at('2026-11-04T07:00:00Z')).clock; // Wednesday 08:00
    expect(resumed.dueAt).toBe('2026-11-04T13:00:00.000Z');
  });

  it('leaves a met clock alone', () => {
    const met = meetClock(
      startClock(resolution(40), calendars, monday0900),
      calendars,
      at('2026-11-02T10:00:00Z'),
    ).clock;
    expect(retargetClock(met, resolution(1), calendars, at('2026-11-03T10:00:00Z'))).toEqual({
      clock: met,
      events: [],
    });
  });
});

describe('reopen', () => {
  it('resumes a met clock with its elapsed time kept', () => {
    const clock = startClock(resolution(16), calendars, at('2026-11-02T08:00:00Z'));
    const met = meetClock(clock, calendars, at('2026-11-02T12:00:00Z')).clock; // 4 h
    const reopened = reopenClock(met, calendars, at('2026-11-04T08:00:00Z')).clock; // Wed 09:00 CET
    expect(reopened).toMatchObject({
      state: 'running',
      elapsedMs: 4 * HOUR,
      dueAt: '2026-11-05T10:00:00.000Z',
    });
    expect(reopened.metAt).toBeUndefined();
  });
});

describe('property: elapsed time is the business time of the running stretches', () => {
  it('for any pause/resume sequence, elapsed at meeting == sum of businessTimeBetween over running intervals', () => {
    const start = Date.parse('2026-10-19T06:00:00Z');
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 * 24 * 60 }), { minLength: 0, maxLength: 12 }),
        (gaps) => {
          let now = new Date(start);
          let clock: SlaClock = startClock(resolution(2000), calendars, now);
          let running = true;
          let expected = 0;
          let since = now;
          for (const gap of gaps) {
            now = new Date(now.getTime() + gap * MINUTE);
            if (running) {
              expected += businessTimeBetween(madrid, since, now);
              clock = pauseClock(clock, calendars, now).clock;
            } else {
              since = now;
              clock = resumeClock(clock, calendars, now).clock;
            }
            running = !running;
          }
          now = new Date(now.getTime() + 90 * MINUTE);
          if (running) expected += businessTimeBetween(madrid, since, now);
          const met = meetClock(clock, calendars, now).clock;
          expect(met.elapsedMs).toBe(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
