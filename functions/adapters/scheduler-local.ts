// Local adapter of the scheduler port: each timer is an item in the table (so timers survive a
// restart), indexed by when it fires. The local SLA runtime asks for what is due on its clock, fires
// it through the same sla-timer handler, then deletes it, like EventBridge Scheduler's
// `ActionAfterCompletion: DELETE`; a failed firing is retried later and parked after a few attempts
// (the stand-in for the retry policy and dead-letter queue).
import type { SchedulerPort } from '../ports/scheduler.ts';
import type { StoreContext } from '../store/context.ts';
import {
  deleteFiredSchedule,
  deleteLocalSchedule,
  localSchedulesDue,
  putLocalSchedule,
  recordFailedFiring,
  type StoredSchedule,
} from '../store/local-runtime.ts';

export type { StoredSchedule };

export interface LocalScheduler extends SchedulerPort {
  /** Every schedule due at or before `now`, earliest first. */
  due(now: Date): Promise<StoredSchedule[]>;
  /** Deletes a fired schedule, unless it was moved or replaced meanwhile (then it fires again later). */
  completed(schedule: StoredSchedule): Promise<boolean>;
  /** A firing failed: try again later, or park it (kept, out of the due index) after `MAX_ATTEMPTS`. */
  failed(schedule: StoredSchedule, now: Date): Promise<'retry' | 'parked'>;
}

export const MAX_ATTEMPTS = 5;
const RETRY_AFTER_MS = 60_000;

export function localScheduler(store: StoreContext): LocalScheduler {
  return {
    upsert: (schedule) => putLocalSchedule(store, schedule),
    remove: (name) => deleteLocalSchedule(store, name),
    due: (now) => localSchedulesDue(store, now),
    completed: (schedule) => deleteFiredSchedule(store, schedule),
    async failed(schedule, now) {
      const attempts = schedule.attempts + 1;
      const parked = attempts >= MAX_ATTEMPTS;
      const retryAt = new Date(now.getTime() + attempts * RETRY_AFTER_MS).toISOString();
      await recordFailedFiring(store, schedule, now, parked ? undefined : retryAt);
      return parked ? 'parked' : 'retry';
    },
  };
}
