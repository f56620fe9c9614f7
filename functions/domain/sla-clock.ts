// One SLA clock (acknowledge, first response or resolution) as an immutable JSON value stored on the
// ticket, and the pure operations on it: start, pause, resume, meet, retarget, reopen, evaluate.
// A clock counts business time on its calendar; elapsed time survives pauses and severity changes.
//
// Rules (decided here, documented once):
// - The target is a hard limit: the breach instant is `dueAt`, the earliest instant at which the
//   business time elapsed reaches the target. Meeting at or after `dueAt` is late.
// - `state` shows the most telling fact: met | stopped > breached > running | paused. `stopped` is a
//   clock the ticket no longer needs although its event never happened (resolved before any agent
//   reply): final like `met`, but never counted as met. A breached clock keeps
//   counting until met (elapsed and overdue time stay true); a met clock keeps `breachedAt`, so a late
//   answer still reports its breach (`breached: true` in the view).
// - A breach found late (a timer that fired after the deadline, or any operation after it) is dated
//   `dueAt`, when it happened; a breach caused by a retarget below the elapsed time is dated then.
// - A warning is not sent once the clock is breached (a late warning next to its breach is noise).
// - Every operation first records what came due by `now`, so no warning or breach is ever skipped.
import { addBusinessTime, businessTimeBetween } from './business-time.ts';
import type { Calendar } from './calendar.ts';
import type { ResolvedTarget, SlaMetric } from './sla-policy.ts';

export type ClockState = 'running' | 'paused' | 'met' | 'stopped' | 'breached';
export type TimerEvent = 'warning' | 'breach';

export interface SlaClock {
  metric: SlaMetric;
  calendarId: string;
  /** Business milliseconds allowed. */
  targetMs: number;
  /** Business milliseconds elapsed at which the warning fires; absent when the target has none. */
  warnMs?: number;
  /** Business milliseconds counted before `runningSince` (all of them when the clock is not counting). */
  elapsedMs: number;
  state: ClockState;
  /** When counting (re)started; present exactly while the clock counts. May lie ahead (deferred start). */
  runningSince?: string;
  /** The clock never counts before this instant (a deferred ticket's clocks start later). */
  startsAt: string;
  /** The deadline while counting; kept once breached or met, absent while paused before a breach. */
  dueAt?: string;
  /** When the warning falls due while counting; absent once warned or breached. */
  warnAt?: string;
  warnedAt?: string;
  breachedAt?: string;
  metAt?: string;
  /** When a clock stopped without being met. */
  stoppedAt?: string;
}

/** A clock that counts no more: met, or stopped without being met. */
export const isFinal = (clock: Pick<SlaClock, 'state'>): boolean =>
  clock.state === 'met' || clock.state === 'stopped';

export type SlaClockEvent =
  /** `dueAt` is absent when a retarget warns a paused clock (no deadline until it resumes). */
  | { type: 'slaWarning'; metric: SlaMetric; at: string; dueAt?: string }
  | { type: 'slaBreached'; metric: SlaMetric; at: string }
  | { type: 'slaMet'; metric: SlaMetric; at: string; breached: boolean; elapsedMs: number }
  | { type: 'slaStopped'; metric: SlaMetric; at: string; breached: boolean; elapsedMs: number };

/** A clock after an operation, with the events the operation caused (in order). */
export interface ClockStep {
  clock: SlaClock;
  events: SlaClockEvent[];
}

/** The calendars of the catalog by id. */
export type Calendars = Readonly<Record<string, Calendar>>;

export interface PendingTimer {
  metric: SlaMetric;
  event: TimerEvent;
  at: string;
}

/** What the API shows of a clock at `now`. */
export interface SlaClockView {
  metric: SlaMetric;
  state: ClockState;
  calendarId: string;
  targetMs: number;
  dueAt?: string;
  warnAt?: string;
  /** Business time elapsed up to `now`, including the running part. */
  elapsedMs: number;
  /** Business time left before the breach; 0 once breached or met late. */
  remainingMs: number;
  /** Business time past the target; 0 unless breached. */
  overdueMs: number;
  breached: boolean;
  paused: boolean;
  /** True only when the clock's event happened (an acknowledgement, a response, a resolution). */
  met: boolean;
  breachedAt?: string;
  metAt?: string;
  stoppedAt?: string;
}

export function calendarOf(calendars: Calendars, id: string): Calendar {
  const calendar = Object.hasOwn(calendars, id) ? calendars[id] : undefined;
  // The plan schema checks calendar ids, so a missing one is a broken catalog: an internal error.
  if (!calendar) throw new Error(`calendar "${id}" is not in the catalog`);
  return calendar;
}

const iso = (d: Date) => d.toISOString();
const later = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);
const reached = (now: Date, at: string | undefined) => at !== undefined && now.getTime() >= Date.parse(at);

/** Business time counted in the running stretch up to `now` (0 before a deferred start). */
function runningMs(clock: SlaClock, calendars: Calendars, now: Date): number {
  if (clock.runningSince === undefined) return 0;
  const since = new Date(clock.runningSince);
  if (now.getTime() <= since.getTime()) return 0;
  return businessTimeBetween(calendarOf(calendars, clock.calendarId), since, now);
}

/** Business time elapsed up to `now`, including the running part. */
export function elapsedAt(clock: SlaClock, calendars: Calendars, now: Date): number {
  return clock.elapsedMs + runningMs(clock, calendars, now);
}

/** Deadlines of a counting clock from `from` with `elapsedMs` already used; drops those that no longer apply. */
function withDeadlines(clock: SlaClock, calendars: Calendars, from: Date): SlaClock {
  const { dueAt: _due, warnAt: _warn, ...rest } = clock;
  const calendar = calendarOf(calendars, clock.calendarId);
  const next: SlaClock = { ...rest };
  if (clock.breachedAt !== undefined)
    return clock.dueAt === undefined ? next : { ...next, dueAt: clock.dueAt };
  next.dueAt = iso(addBusinessTime(calendar, from, Math.max(0, clock.targetMs - clock.elapsedMs)));
  if (clock.warnMs !== undefined && clock.warnedAt === undefined && clock.elapsedMs < clock.warnMs) {
    next.warnAt = iso(addBusinessTime(calendar, from, clock.warnMs - clock.elapsedMs));
  }
  return next;
}

/** A running clock for `target`, counting from `startAt` (now, or later for a deferred ticket). */
export function startClock(target: ResolvedTarget, calendars: Calendars, startAt: Date): SlaClock {
  const clock: SlaClock = {
    metric: target.metric,
    calendarId: target.calendarId,
    targetMs: target.targetMs,
    ...(target.warnMs === undefined ? {} : { warnMs: target.warnMs }),
    elapsedMs: 0,
    state: 'running',
    runningSince: iso(startAt),
    startsAt: iso(startAt),
  };
  return withDeadlines(clock, calendars, startAt);
}

/**
 * Records the warning and breach that are due at `now` (a counting clock past `warnAt` or `dueAt`).
 * Idempotent: evaluating again at the same or a later instant yields no second event.
 */
export function evaluateClock(clock: SlaClock, now: Date): ClockStep {
  if (isFinal(clock) || clock.runningSince === undefined) return { clock, events: [] };
  if (clock.breachedAt === undefined && reached(now, clock.dueAt)) {
    const { warnAt: _warn, ...rest } = clock;
    const at = clock.dueAt!;
    return {
      clock: { ...rest, state: 'breached', breachedAt: at },
      events: [{ type: 'slaBreached', metric: clock.metric, at }],
    };
  }
  if (clock.breachedAt === undefined && clock.warnedAt === undefined && reached(now, clock.warnAt)) {
    const { warnAt: at, ...rest } = clock;
    return {
      clock: { ...rest, warnedAt: at },
      events: [{ type: 'slaWarning', metric: clock.metric, at: at!, dueAt: clock.dueAt! }],
    };
  }
  return { clock, events: [] };
}

/** Stops counting at `now` (waiting on the customer), keeping the business time elapsed. */
export function pauseClock(clock: SlaClock, calendars: Calendars, now: Date): ClockStep {
  const settled = evaluateClock(clock, now);
  const current = settled.clock;
  if (isFinal(current) || current.runningSince === undefined) return settled;
  const { runningSince: _since, warnAt: _warn, dueAt, ...rest } = current;
  const breached = current.breachedAt !== undefined;
  const paused: SlaClock = {
    ...rest,
    elapsedMs: elapsedAt(current, calendars, now),
    state: breached ? 'breached' : 'paused',
    // Until it resumes a paused clock has no deadline; a breached one keeps the one it missed.
    ...(breached ? { dueAt } : {}),
  };
  return { clock: paused, events: settled.events };
}

/** Counts again from `now` (or the deferred start): the deadline is the remaining target from here. */
export function resumeClock(clock: SlaClock, calendars: Calendars, now: Date): ClockStep {
  if (isFinal(clock) || clock.runningSince !== undefined) return evaluateClock(clock, now);
  const from = later(now, new Date(clock.startsAt));
  const running = withDeadlines(
    { ...clock, runningSince: iso(from), state: clock.breachedAt === undefined ? 'running' : 'breached' },
    calendars,
    from,
  );
  return evaluateClock(running, now);
}

/** The clock ends at `now` as met or stopped, with its elapsed time; a final clock is left as it is. */
function endClock(clock: SlaClock, calendars: Calendars, now: Date, end: 'met' | 'stopped'): ClockStep {
  const settled = evaluateClock(clock, now);
  const current = settled.clock;
  if (isFinal(current)) return settled;
  const { runningSince: _since, warnAt: _warn, ...rest } = current;
  const elapsedMs = elapsedAt(current, calendars, now);
  const at = iso(now);
  const breached = current.breachedAt !== undefined;
  return end === 'met'
    ? {
        clock: { ...rest, elapsedMs, state: 'met', metAt: at },
        events: [...settled.events, { type: 'slaMet', metric: current.metric, at, breached, elapsedMs }],
      }
    : {
        clock: { ...rest, elapsedMs, state: 'stopped', stoppedAt: at },
        events: [...settled.events, { type: 'slaStopped', metric: current.metric, at, breached, elapsedMs }],
      };
}

/** The clock's goal was reached at `now`. Met is final; an earlier breach stays on record. */
export function meetClock(clock: SlaClock, calendars: Calendars, now: Date): ClockStep {
  return endClock(clock, calendars, now, 'met');
}

/**
 * The ticket no longer needs the clock although its goal was never reached (resolved before any
 * agent reply): it stops at `now` with its elapsed time, final, and never met. A breach stays on record.
 */
export function stopClock(clock: SlaClock, calendars: Calendars, now: Date): ClockStep {
  return endClock(clock, calendars, now, 'stopped');
}

/**
 * A met or stopped clock counts again from `now` with its elapsed time kept (a reopened ticket's
 * resolution, or a response still owed), paused if `paused` (the ticket is in a pausing status).
 */
export function reopenClock(clock: SlaClock, calendars: Calendars, now: Date, paused = false): ClockStep {
  if (!isFinal(clock)) return evaluateClock(clock, now);
  const { metAt: _met, stoppedAt: _stopped, runningSince: _since, dueAt, ...rest } = clock;
  const breached = clock.breachedAt !== undefined;
  const stopped: SlaClock = {
    ...rest,
    state: breached ? 'breached' : 'paused',
    ...(breached ? { dueAt } : {}),
  };
  return paused ? { clock: stopped, events: [] } : resumeClock(stopped, calendars, now);
}

/**
 * Applies a new target (a severity change), possibly on another calendar, at `now`. The business time
 * already elapsed is kept: the new deadline is the new target's remainder from now. If that remainder
 * is gone the clock breaches now. A breach under the old target stays; a met clock is left as it was.
 * A warning already sent is re-armed when the new target puts its threshold ahead again.
 */
export function retargetClock(
  clock: SlaClock,
  target: ResolvedTarget,
  calendars: Calendars,
  now: Date,
): ClockStep {
  const settled = evaluateClock(clock, now);
  const current = settled.clock;
  if (isFinal(current)) return settled;
  const events = [...settled.events];
  const elapsedMs = elapsedAt(current, calendars, now);
  const { warnMs: _warnMs, warnAt: _warnAt, runningSince, dueAt: _dueAt, ...rest } = current;
  let next: SlaClock = {
    ...rest,
    calendarId: target.calendarId,
    targetMs: target.targetMs,
    ...(target.warnMs === undefined ? {} : { warnMs: target.warnMs }),
    elapsedMs,
    ...(current.breachedAt === undefined ? {} : { dueAt: current.dueAt ?? current.breachedAt }),
  };
  const at = iso(now);
  if (next.breachedAt === undefined && elapsedMs >= next.targetMs) {
    next = { ...next, state: 'breached', breachedAt: at, dueAt: at };
    events.push({ type: 'slaBreached', metric: next.metric, at });
  } else if (next.warnedAt !== undefined && next.warnMs !== undefined && elapsedMs < next.warnMs) {
    const { warnedAt: _warned, ...rearmed } = next;
    next = rearmed;
  }
  if (runningSince !== undefined) {
    const from = later(now, new Date(next.startsAt));
    next = withDeadlines({ ...next, runningSince: iso(from) }, calendars, from);
  }
  const warningDue =
    next.breachedAt === undefined &&
    next.warnedAt === undefined &&
    next.warnMs !== undefined &&
    elapsedMs >= next.warnMs;
  if (warningDue) {
    next = { ...next, warnedAt: at };
    events.push({
      type: 'slaWarning',
      metric: next.metric,
      at,
      ...(next.dueAt === undefined ? {} : { dueAt: next.dueAt }),
    });
  }
  return { clock: next, events };
}

/** The timers a clock needs scheduled now: only counting clocks have any. */
export function clockTimers(clock: SlaClock): PendingTimer[] {
  if (isFinal(clock) || clock.runningSince === undefined || clock.breachedAt !== undefined) return [];
  const timers: PendingTimer[] = [];
  if (clock.warnAt !== undefined) timers.push({ metric: clock.metric, event: 'warning', at: clock.warnAt });
  if (clock.dueAt !== undefined) timers.push({ metric: clock.metric, event: 'breach', at: clock.dueAt });
  return timers;
}

/** The clock as the API shows it at `now`, with anything due by then taken into account. */
export function clockView(clock: SlaClock, calendars: Calendars, now: Date): SlaClockView {
  const current = evaluateClock(clock, now).clock;
  const elapsedMs = elapsedAt(current, calendars, now);
  const breached = current.breachedAt !== undefined;
  return {
    metric: current.metric,
    state: current.state,
    calendarId: current.calendarId,
    targetMs: current.targetMs,
    ...(current.dueAt === undefined ? {} : { dueAt: current.dueAt }),
    ...(current.warnAt === undefined ? {} : { warnAt: current.warnAt }),
    elapsedMs,
    remainingMs: breached ? 0 : Math.max(0, current.targetMs - elapsedMs),
    overdueMs: breached ? Math.max(0, elapsedMs - current.targetMs) : 0,
    breached,
    paused: !isFinal(current) && current.runningSince === undefined,
    met: current.state === 'met',
    ...(breached ? { breachedAt: current.breachedAt } : {}),
    ...(current.metAt === undefined ? {} : { metAt: current.metAt }),
    ...(current.stoppedAt === undefined ? {} : { stoppedAt: current.stoppedAt }),
  };
}
