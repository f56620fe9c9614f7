// EventBridge Scheduler adapter of the scheduler port: one one-shot `at()` schedule per SLA deadline
// in one schedule group, invoking the sla-timer function with the timer payload as input.
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import type { SchedulerPort, SlaSchedule } from '../ports/scheduler.ts';

export interface AwsSchedulerSettings {
  groupName: string;
  /** The sla-timer function. */
  targetArn: string;
  /** The role Scheduler assumes to invoke it (and to write to the dead-letter queue). */
  roleArn: string;
  deadLetterArn: string;
  now: () => Date;
}

/** Scheduler retries a failed invocation with backoff for up to an hour, then dead-letters it. */
export const RETRY_POLICY = { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 20 } as const;

/** The nearest whole minute a past deadline can still be scheduled at (see `fireAt`). */
const MIN_LEAD_MS = 30_000;
const MINUTE = 60_000;

/**
 * When the schedule fires. Scheduler works with 60-second precision (a schedule at 10:00 fires
 * between 10:00:00 and 10:00:59) and drops milliseconds, so a deadline is rounded UP to the next
 * whole minute: a timer that fired before its deadline would find nothing due, delete itself and
 * the breach would go unnoticed. A deadline already past (or under 30 s ahead) goes to the first
 * whole minute at least 30 s from now: Scheduler rejects `at()` in the past, and the timer records
 * the breach dated at its deadline anyway.
 */
export function fireAt(dueAt: string, now: Date): Date {
  const earliest = Math.max(Date.parse(dueAt), now.getTime() + MIN_LEAD_MS);
  return new Date(Math.ceil(earliest / MINUTE) * MINUTE);
}

/** `at(yyyy-mm-ddThh:mm:ss)`, UTC, no milliseconds, no zone suffix (the zone is a separate field). */
export function atExpression(instant: Date): string {
  return `at(${instant.toISOString().slice(0, 19)})`;
}

export function scheduleRequest(
  schedule: SlaSchedule,
  settings: AwsSchedulerSettings,
): CreateScheduleCommandInput {
  return {
    Name: schedule.name,
    GroupName: settings.groupName,
    ScheduleExpression: atExpression(fireAt(schedule.at, settings.now())),
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    State: 'ENABLED',
    // Ids only: the payload names the ticket, never its content.
    Description: `SLA ${schedule.payload.event} of ${schedule.payload.metric}`,
    Target: {
      Arn: settings.targetArn,
      RoleArn: settings.roleArn,
      Input: JSON.stringify(schedule.payload),
      RetryPolicy: { ...RETRY_POLICY },
      DeadLetterConfig: { Arn: settings.deadLetterArn },
    },
  };
}

// By class, or by name when another copy of the SDK threw it.
const isConflict = (error: unknown) =>
  error instanceof ConflictException || (error instanceof Error && error.name === 'ConflictException');
const isNotFound = (error: unknown) =>
  error instanceof ResourceNotFoundException ||
  (error instanceof Error && error.name === 'ResourceNotFoundException');

export function awsScheduler(client: SchedulerClient, settings: AwsSchedulerSettings): SchedulerPort {
  const create = (input: CreateScheduleCommandInput) => client.send(new CreateScheduleCommand(input));
  const update = (input: CreateScheduleCommandInput) => client.send(new UpdateScheduleCommand(input));
  return {
    async upsert(schedule, hint) {
      const input = scheduleRequest(schedule, settings);
      // Try the call the diff expects; the other one covers a duplicate create (ConflictException: a
      // redelivered stream record) or an update of a schedule that has fired and deleted itself.
      if (hint?.exists) {
        try {
          await update(input);
        } catch (error) {
          if (!isNotFound(error)) throw error;
          await create(input);
        }
        return;
      }
      try {
        await create(input);
      } catch (error) {
        if (!isConflict(error)) throw error;
        await update(input);
      }
    },
    async remove(name) {
      try {
        await client.send(new DeleteScheduleCommand({ Name: name, GroupName: settings.groupName }));
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
  };
}
