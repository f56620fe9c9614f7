// Request shapes of the EventBridge Scheduler adapter, on a mocked client (aws-sdk-client-mock).
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, test } from 'vitest';
import {
  type AwsSchedulerSettings,
  atExpression,
  awsScheduler,
  fireAt,
  RETRY_POLICY,
} from '../../functions/adapters/scheduler-aws.ts';
import type { SlaSchedule } from '../../functions/ports/scheduler.ts';

const scheduler = mockClient(SchedulerClient);
const NOW = new Date('2026-12-01T08:00:00.000Z');
const settings: AwsSchedulerSettings = {
  groupName: 'support-desk-sla',
  targetArn: 'arn:aws:lambda:eu-west-1:111122223333:function:sla-timer',
  roleArn: 'arn:aws:iam::111122223333:role/sla-scheduler',
  deadLetterArn: 'arn:aws:sqs:eu-west-1:111122223333:sla-timer-dlq',
  now: () => NOW,
};
const schedule: SlaSchedule = {
  name: 'sla-0b8f7c52-4a3e-4c1e-9d5b-2f4a6c8e0a1b-firstResponse-breach',
  at: '2026-12-01T09:00:00.000Z',
  payload: {
    ticketId: '0b8f7c52-4a3e-4c1e-9d5b-2f4a6c8e0a1b',
    metric: 'firstResponse',
    event: 'breach',
    dueAt: '2026-12-01T09:00:00.000Z',
  },
};

beforeEach(() => scheduler.reset());

describe('the at() expression', () => {
  test('UTC wall time to the second, no milliseconds, no zone suffix', () => {
    expect(atExpression(new Date('2026-12-01T09:00:00.000Z'))).toBe('at(2026-12-01T09:00:00)');
  });

  test('a deadline is rounded up to the whole minute, never fired before it', () => {
    expect(fireAt('2026-12-01T09:13:27.456Z', NOW).toISOString()).toBe('2026-12-01T09:14:00.000Z');
    expect(fireAt('2026-12-01T09:13:00.000Z', NOW).toISOString()).toBe('2026-12-01T09:13:00.000Z');
  });

  test('a deadline already past fires at the first whole minute at least 30 s ahead', () => {
    expect(fireAt('2026-11-30T09:00:00.000Z', NOW).toISOString()).toBe('2026-12-01T08:01:00.000Z');
    expect(fireAt('2026-12-01T08:00:10.000Z', new Date('2026-12-01T08:00:45Z')).toISOString()).toBe(
      '2026-12-01T08:02:00.000Z',
    );
  });
});

describe('awsScheduler', () => {
  test('creates a one-shot schedule: group, at() in UTC, flexible window off, delete after completion, target with retry and DLQ', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await awsScheduler(new SchedulerClient({}), settings).upsert(schedule, { exists: false });
    expect(scheduler.calls()).toHaveLength(1);
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toEqual({
      Name: schedule.name,
      GroupName: 'support-desk-sla',
      ScheduleExpression: 'at(2026-12-01T09:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Description: 'SLA breach of firstResponse',
      Target: {
        Arn: settings.targetArn,
        RoleArn: settings.roleArn,
        Input: JSON.stringify(schedule.payload),
        RetryPolicy: RETRY_POLICY,
        DeadLetterConfig: { Arn: settings.deadLetterArn },
      },
    });
    const input = JSON.parse(scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input.Target!.Input!);
    expect(input).toEqual(schedule.payload);
  });

  test('a create that conflicts (redelivered record) becomes an update with the same definition', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }))
      .on(UpdateScheduleCommand)
      .resolves({ ScheduleArn: 'arn' });
    await awsScheduler(new SchedulerClient({}), settings).upsert(schedule, { exists: false });
    const create = scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input;
    const update = scheduler.commandCalls(UpdateScheduleCommand)[0]!.args[0].input;
    expect(update).toEqual(create);
  });

  test('a moved deadline is one update; if the schedule is gone it is created', async () => {
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await awsScheduler(new SchedulerClient({}), settings).upsert(schedule, { exists: true });
    expect(scheduler.calls()).toHaveLength(1);
    scheduler.reset();
    scheduler
      .on(UpdateScheduleCommand)
      .rejects(new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: {} }))
      .on(CreateScheduleCommand)
      .resolves({ ScheduleArn: 'arn' });
    await awsScheduler(new SchedulerClient({}), settings).upsert(schedule, { exists: true });
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(1);
  });

  test('remove deletes in the group; not found counts as done; other errors are thrown', async () => {
    scheduler.on(DeleteScheduleCommand).resolves({});
    const port = awsScheduler(new SchedulerClient({}), settings);
    await port.remove(schedule.name);
    expect(scheduler.commandCalls(DeleteScheduleCommand)[0]!.args[0].input).toEqual({
      Name: schedule.name,
      GroupName: 'support-desk-sla',
    });
    scheduler
      .on(DeleteScheduleCommand)
      .rejects(new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: {} }));
    await expect(port.remove(schedule.name)).resolves.toBeUndefined();
    scheduler.on(DeleteScheduleCommand).rejects(new Error('throttled'));
    await expect(port.remove(schedule.name)).rejects.toThrow('throttled');
  });

  test('a past deadline is scheduled ahead, not in the past', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await awsScheduler(new SchedulerClient({}), settings).upsert(
      {
        ...schedule,
        at: '2026-12-01T07:00:00.000Z',
        payload: { ...schedule.payload, dueAt: '2026-12-01T07:00:00.000Z' },
      },
      { exists: false },
    );
    const input = scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input;
    expect(input.ScheduleExpression).toBe('at(2026-12-01T08:01:00)');
    // The payload keeps the real deadline: the timer records the breach at it.
    expect(JSON.parse(input.Target!.Input!).dueAt).toBe('2026-12-01T07:00:00.000Z');
  });
});
