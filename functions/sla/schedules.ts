// The schedules a ticket should have, and the difference between two sets of them: the pure core
// of the sla-scheduler. A ticket image (the stored item, as a stream record carries it) has one
// schedule per pending warning and breach of its running clocks (`pendingTimers`).
import { createHash } from 'node:crypto';
import type { TimerEvent } from '../domain/sla-clock.ts';
import type { SlaMetric } from '../domain/sla-policy.ts';
import type { Ticket } from '../domain/ticket.ts';
import { clocksTimers } from '../domain/ticket-clocks.ts';
import type { SlaSchedule } from '../ports/scheduler.ts';

/** What the schedules need of a ticket image: its id and its clocks. */
export interface TicketImage {
  id: string;
  sla?: Ticket['sla'];
}

/** EventBridge Scheduler's limits on names: 1-64 characters of [0-9a-zA-Z-_.]. */
const MAX_NAME = 64;
const NAME_CHARS = /^[0-9a-zA-Z._-]+$/;

/**
 * `sla-<ticketId>-<metric>-<event>`: the same deadline always has the same name, so a duplicate
 * create is a conflict (not a second timer) and a moved deadline is an update of one schedule. A UUID
 * ticket id gives at most 62 characters; an id that is longer or has other characters is replaced by
 * a hash of it, under another prefix (`slah-`) so a hash can never collide with a plain id.
 */
export function scheduleName(ticketId: string, metric: SlaMetric, event: TimerEvent): string {
  const plain = `sla-${ticketId}-${metric}-${event}`;
  if (plain.length <= MAX_NAME && NAME_CHARS.test(ticketId)) return plain;
  const digest = createHash('sha256').update(ticketId).digest('hex').slice(0, 32);
  return `slah-${digest}-${metric}-${event}`;
}

/** The schedules the ticket should have: one per pending warning and breach, earliest first. */
export function desiredSchedules(image: TicketImage | undefined): SlaSchedule[] {
  if (!image) return [];
  // A ticket's pending timers are its clocks' (domain pendingTimers); an image is a stored ticket.
  return clocksTimers(image.sla ?? {}).map((timer) => ({
    name: scheduleName(image.id, timer.metric, timer.event),
    at: timer.at,
    payload: { ticketId: image.id, metric: timer.metric, event: timer.event, dueAt: timer.at },
  }));
}

export interface ScheduleDiff {
  /** Names the ticket did not have. */
  creates: SlaSchedule[];
  /** Names it had, at another time. */
  updates: SlaSchedule[];
  /** Names it no longer needs. */
  removes: SlaSchedule[];
}

const sameSchedule = (a: SlaSchedule, b: SlaSchedule) =>
  a.at === b.at &&
  a.payload.ticketId === b.payload.ticketId &&
  a.payload.metric === b.payload.metric &&
  a.payload.event === b.payload.event &&
  a.payload.dueAt === b.payload.dueAt;

/** What turns the schedules a ticket has into those it should have, and nothing more. */
export function diffSchedules(has: readonly SlaSchedule[], wants: readonly SlaSchedule[]): ScheduleDiff {
  const before = new Map(has.map((s) => [s.name, s]));
  const after = new Map(wants.map((s) => [s.name, s]));
  const diff: ScheduleDiff = { creates: [], updates: [], removes: [] };
  for (const schedule of wants) {
    const old = before.get(schedule.name);
    if (!old) diff.creates.push(schedule);
    else if (!sameSchedule(old, schedule)) diff.updates.push(schedule);
  }
  for (const schedule of has) if (!after.has(schedule.name)) diff.removes.push(schedule);
  return diff;
}

export const isEmptyDiff = (diff: ScheduleDiff) =>
  diff.creates.length + diff.updates.length + diff.removes.length === 0;

/** True when the two images want different schedules (a deadline appeared, moved or went away). */
export function deadlinesMoved(before: TicketImage | undefined, after: TicketImage | undefined): boolean {
  return !isEmptyDiff(diffSchedules(desiredSchedules(before), desiredSchedules(after)));
}

/**
 * The calls to make at `now`. A schedule whose time has passed has fired (or is firing) and deletes
 * itself afterwards (`ActionAfterCompletion: DELETE`; the local scheduler deletes what it fired), so
 * removing it would be a wasted call: the common case of a warning or breach just recorded by its own
 * timer costs no Scheduler call. If it has not fired yet, it fires once, finds nothing due and changes
 * nothing. An update of such a schedule is a create (it is gone, or about to be).
 */
export function reconcilePlan(has: readonly SlaSchedule[], wants: readonly SlaSchedule[], now: Date) {
  const diff = diffSchedules(has, wants);
  const gone = (schedule: SlaSchedule | undefined) =>
    schedule === undefined || Date.parse(schedule.at) <= now.getTime();
  const before = new Map(has.map((s) => [s.name, s]));
  return {
    upserts: [...diff.creates, ...diff.updates].map((schedule) => ({
      schedule,
      exists: !gone(before.get(schedule.name)),
    })),
    removes: diff.removes.filter((schedule) => !gone(schedule)).map((schedule) => schedule.name),
  };
}
type ReconcilePlan = ReturnType<typeof reconcilePlan>;
