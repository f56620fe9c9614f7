// Where an open ticket stands in the agents' queue: its rank (stored in the queue index, so one Query
// reads the queue in order) and its live SLA state at a given instant (what an agent sees, filters
// and counts by). Pure: clocks in, rank or state out.
//
// Order (DESIGN.md, agents' queue): tickets with a deadline first, earliest deadline first, which puts
// breached tickets (their deadline is past) above every running one; then paused tickets, least
// business time left first; then open tickets no clock governs (SLA-exempt, or every target met).
import type { Calendars } from './sla-clock.ts';
import { clockView, evaluateClock, type SlaClock } from './sla-clock.ts';
import { SLA_METRICS, type SlaMetric } from './sla-policy.ts';
import type { TicketClocks } from './ticket-clocks.ts';

export const QUEUE_STATES = ['breached', 'at_risk', 'running', 'paused', 'none'] as const;
/** `at_risk`: a warning has fired and no clock is breached yet; `none`: no unmet clock. */
export type QueueState = (typeof QUEUE_STATES)[number];

/** The first characters of the ranks of paused tickets and of tickets with no clock: after any instant. */
export const PAUSED_RANK_PREFIX = 'P#';
export const UNTIMED_RANK_PREFIX = 'X#';

/** Paused ranks sort by business time left, zero-padded so text order is number order. */
const REMAINING_DIGITS = 15;

const unmet = (clocks: TicketClocks): SlaClock[] =>
  SLA_METRICS.flatMap((metric) => {
    const clock = clocks[metric];
    return clock && clock.state !== 'met' ? [clock] : [];
  });

/**
 * The queue rank of a ticket whose clocks are `clocks` as saved: the earliest deadline of an unmet
 * clock (an ISO instant: a breached clock keeps the deadline it missed, so breached sorts first),
 * else `P#<business ms left>` while paused, else `X#<createdAt>`. Ranks of different tickets compare
 * as text; the index appends the ticket id to make them unique.
 */
export function queueRank(clocks: TicketClocks, createdAt: string): string {
  const open = unmet(clocks);
  const deadlines = open.flatMap((clock) => (clock.dueAt === undefined ? [] : [clock.dueAt])).sort();
  if (deadlines.length > 0) return deadlines[0]!;
  if (open.length > 0) {
    const left = Math.min(...open.map((clock) => Math.max(0, clock.targetMs - clock.elapsedMs)));
    return `${PAUSED_RANK_PREFIX}${String(left).padStart(REMAINING_DIGITS, '0')}`;
  }
  return `${UNTIMED_RANK_PREFIX}${createdAt}`;
}

/** The SLA of a ticket as the queue shows it: the clock that decides its place, live at `now`. */
export interface QueueSla {
  state: QueueState;
  /** The deciding clock: the breached or next-due one, or the paused one with least time left. */
  metric: SlaMetric | null;
  dueAt: string | null;
  /** Business time left on the deciding clock; 0 once breached, null with no clock. */
  remainingMs: number | null;
}

/** The ticket's live queue state at `now` (anything due by then counts as happened); no calendar needed. */
export function queueState(clocks: TicketClocks, now: Date): QueueState {
  const open = unmet(clocks).map((clock) => evaluateClock(clock, now).clock);
  if (open.some((clock) => clock.breachedAt !== undefined)) return 'breached';
  const counting = open.filter((clock) => clock.runningSince !== undefined);
  if (counting.some((clock) => clock.warnedAt !== undefined)) return 'at_risk';
  if (counting.length > 0) return 'running';
  return open.length > 0 ? 'paused' : 'none';
}

/** The ticket's live queue SLA at `now`: its state and the clock deciding its place. */
export function queueSla(clocks: TicketClocks, calendars: Calendars, now: Date): QueueSla {
  const state = queueState(clocks, now);
  if (state === 'none') return { state, metric: null, dueAt: null, remainingMs: null };
  const open = unmet(clocks).map((clock) => evaluateClock(clock, now).clock);
  const byDeadline = (a: SlaClock, b: SlaClock) => (a.dueAt ?? '').localeCompare(b.dueAt ?? '');
  const left = (clock: SlaClock) => clock.targetMs - clock.elapsedMs;
  const deciding =
    state === 'breached'
      ? open.filter((clock) => clock.breachedAt !== undefined).sort(byDeadline)[0]!
      : state === 'paused'
        ? [...open].sort((a, b) => left(a) - left(b))[0]!
        : open.filter((clock) => clock.runningSince !== undefined).sort(byDeadline)[0]!;
  const view = clockView(deciding, calendars, now);
  return {
    state,
    metric: deciding.metric,
    dueAt: view.dueAt ?? null,
    remainingMs: state === 'breached' ? 0 : view.remainingMs,
  };
}
