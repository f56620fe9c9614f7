// The scheduler port: one-shot timers that invoke the sla-timer handler at an instant. EventBridge
// Scheduler implements it in AWS (adapters/scheduler-aws.ts); the local runtime keeps the timers in
// the table and fires them from its clock (adapters/scheduler-local.ts).
import type { TimerEvent } from '../domain/sla-clock.ts';
import type { SlaMetric } from '../domain/sla-policy.ts';

/** What a timer hands to the sla-timer handler: which deadline of which ticket it was created for. */
export interface TimerPayload {
  ticketId: string;
  metric: SlaMetric;
  event: TimerEvent;
  /** The deadline (ISO instant, milliseconds kept) this timer was created for. */
  dueAt: string;
}

export interface SlaSchedule {
  /** Deterministic, unique per ticket, metric and event (see sla/schedules.ts). */
  name: string;
  /** When to fire: the deadline itself; an adapter may only fire later, never earlier. */
  at: string;
  payload: TimerPayload;
}

export interface SchedulerPort {
  /**
   * Creates or replaces the schedule of that name. `exists` is a hint of which call to try first
   * (update an existing schedule, or create a new one); either way the result is the same.
   */
  upsert(schedule: SlaSchedule, hint?: { exists: boolean }): Promise<void>;
  /** Deletes the schedule; one that does not exist (fired, or deleted before) is not an error. */
  remove(name: string): Promise<void>;
}
