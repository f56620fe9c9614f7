// The set of SLA clocks a ticket carries (at most one per metric) and the operations the ticket
// lifecycle applies to all of them at once: start for a severity, settle, pause, resume, meet, retarget.
import {
  type Calendars,
  type ClockStep,
  clockTimers,
  clockView,
  evaluateClock,
  isFinal,
  meetClock,
  type PendingTimer,
  pauseClock,
  resumeClock,
  retargetClock,
  type SlaClock,
  type SlaClockEvent,
  type SlaClockView,
  startClock,
  stopClock,
} from './sla-clock.ts';
import { SLA_METRICS, type SlaMetric, type SlaPolicy, targetsFor } from './sla-policy.ts';

export type TicketClocks = Partial<Record<SlaMetric, SlaClock>>;

export interface ClocksStep {
  clocks: TicketClocks;
  events: SlaClockEvent[];
}

/** Applies `step` to each clock (in metric order) that `only` selects. */
export function eachClock(
  clocks: TicketClocks,
  step: (clock: SlaClock) => ClockStep,
  only: (metric: SlaMetric) => boolean = () => true,
): ClocksStep {
  const next: TicketClocks = {};
  const events: SlaClockEvent[] = [];
  for (const metric of SLA_METRICS) {
    const clock = clocks[metric];
    if (!clock) continue;
    if (!only(metric)) {
      next[metric] = clock;
      continue;
    }
    const result = step(clock);
    next[metric] = result.clock;
    events.push(...result.events);
  }
  return { clocks: next, events };
}

/** Clocks for every metric the policy sets for `severity`, counting from `startAt`. */
export function startClocks(
  policy: SlaPolicy,
  severity: string,
  calendars: Calendars,
  startAt: Date,
): TicketClocks {
  const clocks: TicketClocks = {};
  for (const target of targetsFor(policy, severity))
    clocks[target.metric] = startClock(target, calendars, startAt);
  return clocks;
}

/** Records every warning and breach due by `now`. */
export const settleClocks = (clocks: TicketClocks, now: Date) =>
  eachClock(clocks, (clock) => evaluateClock(clock, now));

export const pauseClocks = (clocks: TicketClocks, calendars: Calendars, now: Date) =>
  eachClock(clocks, (clock) => pauseClock(clock, calendars, now));

export const resumeClocks = (clocks: TicketClocks, calendars: Calendars, now: Date) =>
  eachClock(clocks, (clock) => resumeClock(clock, calendars, now));

export const meetClocks = (
  clocks: TicketClocks,
  calendars: Calendars,
  now: Date,
  only?: (metric: SlaMetric) => boolean,
) => eachClock(clocks, (clock) => meetClock(clock, calendars, now), only);

/** Stops the clocks `only` selects without meeting them (their event never happened). */
export const stopClocks = (
  clocks: TicketClocks,
  calendars: Calendars,
  now: Date,
  only?: (metric: SlaMetric) => boolean,
) => eachClock(clocks, (clock) => stopClock(clock, calendars, now), only);

/**
 * Moves the clocks to the targets of `severity`, keeping the business time elapsed on each. A metric
 * the new severity lacks loses its clock unless already met (its record stays); a metric only the new
 * severity has starts now (`startAt`), paused if `paused`: its time before the change is unknown.
 */
export function retargetClocks(
  clocks: TicketClocks,
  policy: SlaPolicy,
  severity: string,
  calendars: Calendars,
  now: Date,
  startAt: Date,
  paused: boolean,
): ClocksStep {
  const targets = new Map(targetsFor(policy, severity).map((t) => [t.metric, t]));
  const next: TicketClocks = {};
  const events: SlaClockEvent[] = [];
  for (const metric of SLA_METRICS) {
    const clock = clocks[metric];
    const target = targets.get(metric);
    if (clock && !target) {
      if (isFinal(clock)) next[metric] = clock;
      continue;
    }
    if (!target) continue;
    if (clock) {
      const result = retargetClock(clock, target, calendars, now);
      next[metric] = result.clock;
      events.push(...result.events);
      continue;
    }
    const started = startClock(target, calendars, startAt);
    next[metric] = paused ? pauseClock(started, calendars, now).clock : started;
  }
  return { clocks: next, events };
}

/** The timers the clocks need scheduled now, earliest first. */
export function clocksTimers(clocks: TicketClocks): PendingTimer[] {
  return SLA_METRICS.flatMap((metric) => {
    const clock = clocks[metric];
    return clock ? clockTimers(clock) : [];
  }).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

export function clocksView(
  clocks: TicketClocks,
  calendars: Calendars,
  now: Date,
): Partial<Record<SlaMetric, SlaClockView>> {
  const view: Partial<Record<SlaMetric, SlaClockView>> = {};
  for (const metric of SLA_METRICS) {
    const clock = clocks[metric];
    if (clock) view[metric] = clockView(clock, calendars, now);
  }
  return view;
}
