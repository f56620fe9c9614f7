// The sla-scheduler on real stream records from DynamoDB Local: tickets written through the use
// cases, records read from the table's stream, the handler run with a counted (mocked) EventBridge
// Scheduler and with the local, table-backed scheduler.
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import type { DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { awsScheduler } from '../../functions/adapters/scheduler-aws.ts';
import { localScheduler } from '../../functions/adapters/scheduler-local.ts';
import { changeTicket } from '../../functions/app/tickets.ts';
import type { SchedulerPort, SlaSchedule } from '../../functions/ports/scheduler.ts';
import { reconcilerHandler, ticketChange } from '../../functions/sla/reconciler.ts';
import { desiredSchedules, type TicketImage } from '../../functions/sla/schedules.ts';
import { getTicket, getTicketsById } from '../../functions/store/tickets.ts';
import { type StreamPoller, startStreamPoller } from '../../local/stream-poller.ts';
import { b2beeCatalog, type Desk, deskOn, frozenClock, type SlaTestTable, slaTestTable } from './helpers.ts';

const schedulerMock = mockClient(SchedulerClient);
const clock = frozenClock();
let table: SlaTestTable;
let desk: Desk;
let poller: StreamPoller;
const seen: DynamoDBRecord[] = [];

beforeAll(async () => {
  table = await slaTestTable('reconciler');
  desk = await deskOn(table.store, clock, b2beeCatalog());
  poller = await startStreamPoller({
    endpoint: table.endpoint,
    tableName: table.tableName,
    start: 'LATEST',
    intervalMs: 50,
    handle: async (event) => {
      seen.push(...event.Records);
      return undefined;
    },
  });
});

afterAll(async () => {
  await poller?.stop();
  table?.store.doc.destroy();
});

beforeEach(() => {
  schedulerMock.reset();
  schedulerMock.onAnyCommand().resolves({});
});

/** The stream records of one ticket written so far, in stream order (waits for the poller). */
async function recordsOf(ticketId: string): Promise<DynamoDBRecord[]> {
  await poller.caughtUp();
  return seen.filter((record) => ticketChange(record)?.ticketId === ticketId);
}

function counted() {
  return {
    create: schedulerMock.commandCalls(CreateScheduleCommand).length,
    update: schedulerMock.commandCalls(UpdateScheduleCommand).length,
    delete: schedulerMock.commandCalls(DeleteScheduleCommand).length,
  };
}

function awsReconciler() {
  let reads = 0;
  const reconcile = reconcilerHandler({
    scheduler: awsScheduler(new SchedulerClient({ region: 'eu-west-1' }), {
      groupName: 'sla',
      targetArn: 'arn:aws:lambda:eu-west-1:111122223333:function:timer',
      roleArn: 'arn:aws:iam::111122223333:role/scheduler',
      deadLetterArn: 'arn:aws:sqs:eu-west-1:111122223333:dlq',
      now: () => clock.now(),
    }),
    currentTickets: async (ids) => {
      reads += 1;
      return getTicketsById(table.store, ids);
    },
    clock,
  });
  return { reconcile, reads: () => reads };
}

/** An in-memory scheduler: the schedules that exist, by name. */
function memoryScheduler(): SchedulerPort & { schedules: Map<string, SlaSchedule> } {
  const schedules = new Map<string, SlaSchedule>();
  return {
    schedules,
    async upsert(schedule) {
      schedules.set(schedule.name, schedule);
    },
    async remove(name) {
      schedules.delete(name);
    },
  };
}

const current = async (id: string) => (await getTicket(table.store, id)) as TicketImage;

describe('Scheduler calls, counted', () => {
  test('a new ticket: one create per deadline; a change that moves none: zero calls and no read', async () => {
    const { reconcile, reads } = awsReconciler();
    const ticket = await desk.open();
    const [inserted] = await recordsOf(ticket.id);
    const result = await reconcile({ Records: [inserted!] });
    expect(result.batchItemFailures).toEqual([]);
    expect(counted()).toEqual({ create: 2, update: 0, delete: 0 });

    schedulerMock.resetHistory();
    await changeTicket(desk.ctx, ticket.id, () => [{ type: 'assign', assignee: 'ana' }]);
    const records = await recordsOf(ticket.id);
    const assigned = records.at(-1)!;
    expect(assigned.eventName).toBe('MODIFY');
    const before = reads();
    await reconcile({ Records: [assigned] });
    expect(counted()).toEqual({ create: 0, update: 0, delete: 0 });
    expect(reads()).toBe(before);
  });

  test('records of other items (messages, counters, accounts) cost nothing', async () => {
    const { reconcile, reads } = awsReconciler();
    const ticket = await desk.open();
    await poller.caughtUp();
    const others = seen.filter((record) => !ticketChange(record));
    expect(others.length).toBeGreaterThan(0);
    await reconcile({ Records: others });
    expect(counted()).toEqual({ create: 0, update: 0, delete: 0 });
    expect(reads()).toBe(0);
    expect(ticket.id).toBeDefined();
  });

  test('moved deadlines: one update each; paused clocks: one delete each', async () => {
    const { reconcile } = awsReconciler();
    const ticket = await desk.open({ severity: 'Critical' });
    await reconcile({ Records: await recordsOf(ticket.id) });
    schedulerMock.resetHistory();

    clock.advance(10 * 60_000);
    await changeTicket(desk.ctx, ticket.id, () => [{ type: 'triage', by: 'agent-1', severity: 'Minor' }]);
    const triaged = (await recordsOf(ticket.id)).at(-1)!;
    const change = ticketChange(triaged)!;
    const before = desiredSchedules(change.old);
    const after = desiredSchedules(change.new);
    const moved = after.filter((s) => before.find((b) => b.name === s.name)?.at !== s.at).length;
    expect(moved).toBeGreaterThan(0);
    await reconcile({ Records: [triaged] });
    expect(counted()).toEqual({ create: 0, update: moved, delete: 0 });

    schedulerMock.resetHistory();
    await changeTicket(desk.ctx, ticket.id, () => [{ type: 'setStatus', status: 'waiting_on_customer' }]);
    const paused = (await recordsOf(ticket.id)).at(-1)!;
    await reconcile({ Records: [paused] });
    expect(counted()).toEqual({ create: 0, update: 0, delete: after.length });
  });

  test('a failing Scheduler call reports that ticket record for retry, and the others succeed', async () => {
    const { reconcile } = awsReconciler();
    const one = await desk.open();
    const two = await desk.open();
    const records = [...(await recordsOf(one.id)), ...(await recordsOf(two.id))];
    schedulerMock.reset();
    schedulerMock.on(CreateScheduleCommand).resolves({});
    schedulerMock
      .on(CreateScheduleCommand, { Name: desiredSchedules(one as unknown as TicketImage)[0]!.name })
      .rejects(new Error('throttled'));
    const result = await reconcile({ Records: records });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: records[0]!.dynamodb!.SequenceNumber }]);
    expect(result.stats.failed).toBe(1);
    expect(result.stats.upserts).toBeGreaterThanOrEqual(2);
  });
});

describe('idempotency', () => {
  test('with the local scheduler, the timers in the table are what the ticket wants', async () => {
    const scheduler = localScheduler(table.store);
    const reconcile = reconcilerHandler({
      scheduler,
      currentTickets: (ids) => getTicketsById(table.store, ids),
      clock,
    });
    const ticket = await desk.open();
    await reconcile({ Records: await recordsOf(ticket.id) });
    const due = await scheduler.due(new Date('2100-01-01T00:00:00Z'));
    const mine = due.filter((s) => s.payload.ticketId === ticket.id);
    expect(mine.map(({ attempts: _a, ...s }) => s)).toEqual(desiredSchedules(await current(ticket.id)));
  });

  test('duplicate and out-of-order records converge on the ticket as it is now', async () => {
    const ticket = await desk.open({ severity: 'Critical' });
    clock.advance(5 * 60_000);
    await changeTicket(desk.ctx, ticket.id, () => [
      { type: 'triage', by: 'agent-1', severity: 'Significant' },
    ]);
    clock.advance(5 * 60_000);
    await changeTicket(desk.ctx, ticket.id, () => [{ type: 'setStatus', status: 'waiting_on_customer' }]);
    clock.advance(5 * 60_000);
    await changeTicket(desk.ctx, ticket.id, () => [{ type: 'setStatus', status: 'in_progress' }]);
    const records = await recordsOf(ticket.id);
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'MODIFY', 'MODIFY']);
    const wanted = desiredSchedules(await current(ticket.id));
    expect(wanted.length).toBe(2);

    const orders = [
      [0, 1, 2, 3],
      [0, 0, 1, 1, 2, 3, 3],
      [0, 1, 2, 3, 1, 0],
      [3, 2, 1, 0],
      [0, 2, 1, 3, 2],
    ];
    for (const order of orders) {
      const memory = memoryScheduler();
      const reconcile = reconcilerHandler({
        scheduler: memory,
        currentTickets: (ids) => getTicketsById(table.store, ids),
        clock,
      });
      // One record per batch: each redelivery is its own invocation.
      for (const i of order) await reconcile({ Records: [records[i]!] });
      expect([...memory.schedules.values()], `order ${order.join(',')}`).toEqual(wanted);
    }
    // And all in one batch, duplicates included.
    const memory = memoryScheduler();
    await reconcilerHandler({
      scheduler: memory,
      currentTickets: (ids) => getTicketsById(table.store, ids),
      clock,
    })({
      Records: [records[0]!, records[2]!, records[1]!, records[3]!, records[0]!],
    });
    expect([...memory.schedules.values()]).toEqual(wanted);
  });

  test('a redelivered batch makes the same, idempotent calls: creates that conflict become updates', async () => {
    const { reconcile } = awsReconciler();
    const ticket = await desk.open();
    const records = await recordsOf(ticket.id);
    await reconcile({ Records: records });
    const first = counted();
    schedulerMock.resetHistory();
    await reconcile({ Records: records });
    expect(counted()).toEqual(first);
  });
});
