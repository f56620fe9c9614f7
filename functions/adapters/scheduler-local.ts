// Local adapter of the scheduler port: each timer is an item in the table (so timers survive a
// restart), indexed by when it fires. The local SLA runtime asks for what is due on its clock, fires
// it through the same sla-timer handler, then deletes it, like EventBridge Scheduler's
// `ActionAfterCompletion: DELETE`; a failed firing is retried later and parked after a few attempts
// (the stand-in for the retry policy and dead-letter queue).
import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SchedulerPort, SlaSchedule, TimerPayload } from '../ports/scheduler.ts';
import { isConditionalCheckFailed } from '../store/conditions.ts';
import type { StoreContext } from '../store/context.ts';
import { INDEX_FOR, keys, LOCAL_SCHEDULES_PARTITION, localScheduleIndexKeys } from '../store/keys.ts';

export interface StoredSchedule extends SlaSchedule {
  /** Failed firings so far. */
  attempts: number;
}

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

function scheduleItem(schedule: SlaSchedule, attempts: number): Record<string, unknown> {
  return {
    ...keys.localSchedule(schedule.name),
    ...localScheduleIndexKeys(schedule),
    type: 'localSchedule',
    name: schedule.name,
    at: schedule.at,
    payload: schedule.payload,
    attempts,
  };
}

function fromItem(item: Record<string, unknown>): StoredSchedule {
  return {
    name: item.name as string,
    at: item.at as string,
    payload: item.payload as TimerPayload,
    attempts: (item.attempts as number | undefined) ?? 0,
  };
}

export function localScheduler(store: StoreContext): LocalScheduler {
  const { doc, tableName } = store;
  // Fires only if the item still is the one that was read: same time, same attempts.
  const unchanged = {
    ConditionExpression: '#at = :at AND #attempts = :attempts',
    ExpressionAttributeNames: { '#at': 'at', '#attempts': 'attempts' },
  };
  return {
    async upsert(schedule) {
      // A put replaces the whole timer: creating twice or updating a fired one gives the same item.
      await doc.send(new PutCommand({ TableName: tableName, Item: scheduleItem(schedule, 0) }));
    },

    async remove(name) {
      await doc.send(new DeleteCommand({ TableName: tableName, Key: keys.localSchedule(name) }));
    },

    async due(now) {
      const due: StoredSchedule[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: INDEX_FOR.localSchedulesByDue,
            KeyConditionExpression: 'GSI5PK = :pk AND GSI5SK <= :upper',
            // `~` sorts after every character a schedule name may hold.
            ExpressionAttributeValues: {
              ':pk': LOCAL_SCHEDULES_PARTITION,
              ':upper': `${now.toISOString()}#~`,
            },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) due.push(fromItem(item));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return due;
    },

    async completed(schedule) {
      try {
        await doc.send(
          new DeleteCommand({
            TableName: tableName,
            Key: keys.localSchedule(schedule.name),
            ...unchanged,
            ExpressionAttributeValues: { ':at': schedule.at, ':attempts': schedule.attempts },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async failed(schedule, now) {
      const attempts = schedule.attempts + 1;
      const parked = attempts >= MAX_ATTEMPTS;
      const retryAt = new Date(now.getTime() + attempts * RETRY_AFTER_MS).toISOString();
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.localSchedule(schedule.name),
            UpdateExpression: parked
              ? 'SET #attempts = :next, #parkedAt = :now REMOVE GSI5PK, GSI5SK'
              : 'SET #attempts = :next, GSI5SK = :sk',
            ...unchanged,
            ExpressionAttributeNames: {
              ...unchanged.ExpressionAttributeNames,
              ...(parked ? { '#parkedAt': 'parkedAt' } : {}),
            },
            ExpressionAttributeValues: {
              ':at': schedule.at,
              ':attempts': schedule.attempts,
              ':next': attempts,
              ...(parked
                ? { ':now': now.toISOString() }
                : { ':sk': localScheduleIndexKeys({ at: retryAt, name: schedule.name }).GSI5SK }),
            },
          }),
        );
      } catch (error) {
        // Moved or replaced meanwhile: the new version fires on its own time.
        if (!isConditionalCheckFailed(error)) throw error;
      }
      return parked ? 'parked' : 'retry';
    },
  };
}
