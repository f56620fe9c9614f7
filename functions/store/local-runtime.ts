// What the local runtime (`npm start`) keeps in the table that AWS keeps elsewhere: the SLA timers
// (EventBridge Scheduler's schedules in AWS), indexed by when they fire, and how far the movable
// clock has been moved, so both survive a restart.
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { SLA_METRICS } from '../domain/sla-policy.ts';
import type { SlaSchedule, TimerPayload } from '../ports/scheduler.ts';
import { codec } from './codec.ts';
import { isConditionalCheckFailed } from './conditions.ts';
import type { StoreContext } from './context.ts';
import { keys, localScheduleIndexKeys, partitions } from './keys.ts';
import { queryAll } from './query.ts';

export interface StoredSchedule extends SlaSchedule {
  /** Failed firings so far. */
  attempts: number;
}

const scheduleCodec = codec<StoredSchedule>({
  type: 'localSchedule',
  schema: z.looseObject({
    name: z.string(),
    at: z.string(),
    payload: z.looseObject({
      ticketId: z.string(),
      metric: z.enum(SLA_METRICS),
      event: z.enum(['warning', 'breach']),
      dueAt: z.string(),
    }) satisfies z.ZodMiniType<TimerPayload>,
    attempts: z._default(z.int(), 0),
    parkedAt: z.optional(z.string()),
  }),
  key: (schedule) => keys.localSchedule(schedule.name),
  // Parked timers leave the due index (recordFailedFiring).
  index: localScheduleIndexKeys,
});

/** Creates or replaces a timer: creating twice or updating a fired one gives the same item. */
export async function putLocalSchedule(ctx: StoreContext, schedule: SlaSchedule): Promise<void> {
  const { name, at, payload } = schedule;
  await ctx.doc.send(
    new PutCommand({
      TableName: ctx.tableName,
      Item: scheduleCodec.toItem({ name, at, payload, attempts: 0 }),
    }),
  );
}

export async function deleteLocalSchedule(ctx: StoreContext, name: string): Promise<void> {
  await ctx.doc.send(new DeleteCommand({ TableName: ctx.tableName, Key: keys.localSchedule(name) }));
}

/** Every timer due at or before `now`, earliest first. */
export function localSchedulesDue(ctx: StoreContext, now: Date): Promise<StoredSchedule[]> {
  // `~` sorts after every character a schedule name may hold.
  return queryAll(ctx, partitions.localSchedules(), scheduleCodec.fromItem, {
    sortKeyAtMost: `${now.toISOString()}#~`,
  });
}

// A change applies only to the timer as it was read: same time, same attempts.
const unchanged = (schedule: StoredSchedule) => ({
  ConditionExpression: '#at = :at AND #attempts = :attempts',
  ExpressionAttributeNames: { '#at': 'at', '#attempts': 'attempts' },
  ExpressionAttributeValues: { ':at': schedule.at, ':attempts': schedule.attempts },
});

/** Deletes a fired timer unless it was moved or replaced meanwhile; false then. */
export async function deleteFiredSchedule(ctx: StoreContext, schedule: StoredSchedule): Promise<boolean> {
  try {
    await ctx.doc.send(
      new DeleteCommand({
        TableName: ctx.tableName,
        Key: keys.localSchedule(schedule.name),
        ...unchanged(schedule),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/**
 * Counts a failed firing: the timer fires again at `retryAt`, or, without one, is parked (kept, out of
 * the due index). Nothing changes if the timer was moved or replaced meanwhile.
 */
export async function recordFailedFiring(
  ctx: StoreContext,
  schedule: StoredSchedule,
  now: Date,
  retryAt: string | undefined,
): Promise<void> {
  const condition = unchanged(schedule);
  const index = localScheduleIndexKeys({ at: retryAt ?? schedule.at, name: schedule.name });
  try {
    await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: keys.localSchedule(schedule.name),
        UpdateExpression:
          retryAt === undefined
            ? 'SET #attempts = :next, #parkedAt = :now REMOVE #gsiPk, #gsiSk'
            : 'SET #attempts = :next, #gsiSk = :sk',
        ConditionExpression: condition.ConditionExpression,
        ExpressionAttributeNames: {
          ...condition.ExpressionAttributeNames,
          '#gsiSk': partitions.localSchedules().sortKey,
          ...(retryAt === undefined
            ? { '#parkedAt': 'parkedAt', '#gsiPk': partitions.localSchedules().partitionKey }
            : {}),
        },
        ExpressionAttributeValues: {
          ...condition.ExpressionAttributeValues,
          ':next': schedule.attempts + 1,
          ...(retryAt === undefined ? { ':now': now.toISOString() } : { ':sk': index.GSI5SK }),
        },
      }),
    );
  } catch (error) {
    // Moved or replaced meanwhile: the new version fires on its own time.
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

/** How far the local clock was moved ahead of the system clock, and to when. */
interface LocalClockRecord {
  offsetMs: number;
  movedTo: string;
}

const clockCodec = codec<LocalClockRecord>({
  type: 'localClock',
  schema: z.looseObject({ offsetMs: z.number(), movedTo: z.string() }),
  key: () => keys.localClock(),
});

/** The saved offset of the local clock, if it was ever moved. */
export async function getLocalClockOffset(ctx: StoreContext): Promise<number | undefined> {
  const result = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: keys.localClock(), ConsistentRead: true }),
  );
  return result.Item ? clockCodec.fromItem(result.Item).offsetMs : undefined;
}

export async function saveLocalClock(ctx: StoreContext, offsetMs: number, movedTo: Date): Promise<void> {
  await ctx.doc.send(
    new PutCommand({
      TableName: ctx.tableName,
      Item: clockCodec.toItem({ offsetMs, movedTo: movedTo.toISOString() }),
    }),
  );
}
