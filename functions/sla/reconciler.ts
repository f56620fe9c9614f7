// The sla-scheduler: consumes the table's stream and keeps each ticket's schedules (one per pending
// SLA warning and breach) equal to what its clocks say, calling the scheduler only for the difference.
//
// What a ticket HAS is computed from the stream's old image (the schedules the previous change
// left), so no List call is needed. That is safe because every change of a ticket passes through
// here in order (one stream shard per item, a failed record is retried before any later record of
// the same batch position, bisect on error) and every call is idempotent: a create that finds the
// schedule is an update, a delete that finds nothing succeeded. What a ticket SHOULD HAVE is read
// from the table (one consistent BatchGetItem per batch), only for tickets whose records moved a
// deadline: a duplicate or out-of-order record then converges on the ticket as it is now instead of
// rewinding schedules to an older image. A record that moves no deadline costs no read and no call.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { tracing } from '#tracing';
import { awsScheduler } from '../adapters/scheduler-aws.ts';
import type { Clock } from '../app/context.ts';
import { runtimeContext } from '../app/runtime.ts';
import type { SchedulerPort } from '../ports/scheduler.ts';
import { log } from '../shared/log.ts';
import { observed } from '../shared/observability.ts';
import { getTicketsById } from '../store/tickets.ts';
import { deadlinesMoved, desiredSchedules, reconcilePlan, type TicketImage } from './schedules.ts';

export interface ReconcilerDeps {
  scheduler: SchedulerPort;
  /** The tickets as stored now, by id; a ticket that is gone is absent. */
  currentTickets(ticketIds: string[]): Promise<Map<string, TicketImage>>;
  clock: Clock;
  /** Tickets reconciled at once (each ticket's own records always in order). Default 8. */
  concurrency?: number;
}

export interface ReconcileStats {
  tickets: number;
  upserts: number;
  removes: number;
  failed: number;
}

interface TicketChange {
  ticketId: string;
  sequenceNumber: string;
  old: TicketImage | undefined;
  new: TicketImage | undefined;
}

function image(value: Record<string, unknown> | undefined): TicketImage | undefined {
  if (!value) return undefined;
  // The stream carries low-level attribute values; aws-lambda's type is a structural copy of them.
  const item = unmarshall(value as Record<string, AttributeValue>);
  return item.type === 'ticket' && typeof item.id === 'string' ? (item as TicketImage) : undefined;
}

/** The ticket change a record carries, or undefined for any other item. */
export function ticketChange(record: DynamoDBRecord): TicketChange | undefined {
  const before = image(record.dynamodb?.OldImage as Record<string, unknown> | undefined);
  const after = image(record.dynamodb?.NewImage as Record<string, unknown> | undefined);
  const ticketId = after?.id ?? before?.id;
  if (!ticketId) return undefined;
  return { ticketId, sequenceNumber: record.dynamodb?.SequenceNumber ?? '', old: before, new: after };
}

/** Stream sequence numbers are decimal strings of up to 40 digits: compare them as numbers. */
const bySequence = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(workers);
}

/** Reconciles the tickets a batch of stream records changed; reports the records to retry. */
export function reconcilerHandler(deps: ReconcilerDeps) {
  return async function reconcile(
    event: DynamoDBStreamEvent,
  ): Promise<DynamoDBBatchResponse & { stats: ReconcileStats }> {
    // One reconciliation per ticket and batch, from the first record's old image to the ticket now:
    // the records in between only tell whether any deadline moved.
    const byTicket = new Map<string, TicketChange[]>();
    for (const record of event.Records) {
      const change = ticketChange(record);
      if (!change) continue;
      const list = byTicket.get(change.ticketId);
      if (list) list.push(change);
      else byTicket.set(change.ticketId, [change]);
    }
    const stats: ReconcileStats = { tickets: 0, upserts: 0, removes: 0, failed: 0 };
    const failures: string[] = [];
    const moved = [...byTicket.values()].filter((changes) =>
      changes.some((change) => deadlinesMoved(change.old, change.new)),
    );
    if (moved.length === 0) return { batchItemFailures: [], stats };
    let current: Map<string, TicketImage>;
    try {
      current = await deps.currentTickets(moved.map((changes) => changes[0]!.ticketId));
    } catch (error) {
      // Nothing was reconciled: retry the batch from its first ticket record.
      log('error', 'sla reconcile read failed', { error: error instanceof Error ? error.name : 'unknown' });
      const first = moved.map((changes) => changes[0]!.sequenceNumber).sort(bySequence)[0]!;
      return { batchItemFailures: [{ itemIdentifier: first }], stats: { ...stats, failed: moved.length } };
    }
    const now = deps.clock.now();
    await eachLimited(moved, deps.concurrency ?? 8, async (changes) => {
      const first = changes[0]!;
      stats.tickets += 1;
      try {
        const plan = reconcilePlan(
          desiredSchedules(first.old),
          desiredSchedules(current.get(first.ticketId)),
          now,
        );
        for (const name of plan.removes) {
          await deps.scheduler.remove(name);
          stats.removes += 1;
        }
        for (const { schedule, exists } of plan.upserts) {
          await deps.scheduler.upsert(schedule, { exists });
          stats.upserts += 1;
        }
      } catch (error) {
        stats.failed += 1;
        // Retry from this ticket's first record; the stream redelivers everything after it too.
        failures.push(first.sequenceNumber);
        log('error', 'sla reconcile failed', {
          ticketId: first.ticketId,
          sequenceNumber: first.sequenceNumber,
          error: error instanceof Error ? error.name : 'unknown',
          detail: error instanceof Error ? error.message : undefined,
        });
      }
    });
    if (stats.tickets > 0) log('info', 'sla reconciled', { ...stats });
    return { batchItemFailures: failures.map((id) => ({ itemIdentifier: id })), stats };
  };
}

// Lambda entry: clients created once per container, from the settings lib/sla-timers.ts sets.
let fromEnvironment: ((event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>) | undefined;

export const handler = observed(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  if (!fromEnvironment) {
    const ctx = runtimeContext();
    const target = ctx.settings.scheduler;
    if (!target)
      throw new Error(
        'SLA_SCHEDULE_GROUP, SLA_TIMER_ARN, SLA_SCHEDULER_ROLE_ARN and SLA_TIMER_DLQ_ARN must be set',
      );
    fromEnvironment = reconcilerHandler({
      scheduler: awsScheduler(tracing.captureClient(new SchedulerClient({})), {
        ...target,
        now: () => ctx.clock.now(),
      }),
      currentTickets: (ids) => getTicketsById(ctx.store, ids),
      clock: ctx.clock,
    });
  }
  const { batchItemFailures } = await fromEnvironment(event);
  return { batchItemFailures };
});
