// Ticket persistence: the ticket record and its codec, the writes that create a ticket with its
// account's next reference (no gaps, no duplicates, even under concurrency) and save it over the
// version read, reads by id, ids and reference, and paged lists.
import { BatchGetCommand, type BatchGetCommandOutput, GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { CustomerNote } from '../domain/entitlements.ts';
import { UnavailableError } from '../domain/errors.ts';
import { TICKET_KINDS, TICKET_STATUSES, type Ticket } from '../domain/ticket.ts';
import type { TicketClocks } from '../domain/ticket-clocks.ts';
import { codec, validated } from './codec.ts';
import type { StoreContext } from './context.ts';
import { keys, partitions, ticketIndexKeys } from './keys.ts';
import { type Page, type PageRequest, queryItems, queryPage } from './query.ts';
import { putNew, putVersioned, type WriteOp } from './transact.ts';

/** A ticket as stored: the domain's ticket plus what the store and the use cases need. */
export interface TicketRecord extends Ticket {
  /** Position in the account's sequence, 1, 2, 3, ... (the reference is `<prefix>-<number>`). */
  number: number;
  catalogId: string;
  planId: string;
  /** Earliest pending SLA deadline while open (the due-time index). */
  nextDueAt?: string;
  /** Where this ticket's ledger entries are (`<month>#<id>`), for reclassification. */
  ledgerRefs: string[];
  /** Work logged per conversation, each entry rounded to the increment (the per-conversation
   * minimum, 002, is counted against it). */
  workByConversation?: Record<string, number>;
  channel: 'api' | 'email';
  /** The registered contact who opened it, if any. */
  contactEmail?: string;
  /** The earlier ticket a late reply continued (reply after the reopen window or on a closed ticket). */
  relatedTicketId?: string;
  /**
   * What metering decided at acceptance: `reason` in words for agents and the ledger, `notes` for the
   * customer (absent on tickets stored before they were kept).
   */
  entitlement: { decision: string; reason: string; notes?: CustomerNote[] };
}

const classification = { kind: z.enum(TICKET_KINDS), severity: z.string() };

/** What a ticket stored before kinds were assessed holds: its own values were both. */
function withAssessment<T extends TicketRecord>(ticket: T): T {
  if (ticket.declared && ticket.assessed !== undefined) return ticket;
  const own = { kind: ticket.kind, severity: ticket.severity };
  const assessed =
    ticket.assessed ??
    (ticket.severityConfirmed
      ? { ...own, by: 'unknown', at: ticket.acknowledgedAt ?? ticket.updatedAt }
      : null);
  return { ...ticket, declared: ticket.declared ?? own, assessed };
}

const storedTicketSchema = z.looseObject({
  id: z.string(),
  reference: z.string(),
  accountId: z.string(),
  subject: z.string(),
  severity: z.string(),
  kind: z.enum(TICKET_KINDS),
  declared: z.optional(z.looseObject(classification)),
  assessed: z.optional(z.nullable(z.looseObject({ ...classification, by: z.string(), at: z.string() }))),
  status: z.enum(TICKET_STATUSES),
  version: z.int(),
  sla: validated<TicketClocks>(),
  severityConfirmed: z.boolean(),
  slaExempt: z.boolean(),
  clocksStartAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  acknowledgedAt: z.optional(z.string()),
  firstResponseAt: z.optional(z.string()),
  resolvedAt: z.optional(z.string()),
  closedAt: z.optional(z.string()),
  reopenedCount: z.int(),
  assignee: z.optional(z.string()),
  number: z.int(),
  catalogId: z.string(),
  planId: z.string(),
  nextDueAt: z.optional(z.string()),
  ledgerRefs: z.array(z.string()),
  workByConversation: z.optional(z.record(z.string(), z.number())),
  channel: z.enum(['api', 'email']),
  contactEmail: z.optional(z.string()),
  relatedTicketId: z.optional(z.string()),
  entitlement: z.looseObject({
    decision: z.string(),
    reason: z.string(),
    notes: z.optional(z.array(validated<CustomerNote>())),
  }),
});

const ticketSchema: z.ZodMiniType<TicketRecord> = z.pipe(
  storedTicketSchema,
  z.transform((stored) => withAssessment(stored as unknown as TicketRecord)),
);

export const ticketCodec = codec<TicketRecord>({
  type: 'ticket',
  schema: ticketSchema,
  key: (ticket) => keys.ticket(ticket.id),
  index: ticketIndexKeys,
});

/**
 * The writes that create ticket number `expectedSeq + 1` of its account: advance the account's
 * counter from `expectedSeq` (a conditional write, so two creators can never take one number) and
 * put the ticket. Labels: `counter`, `ticket`.
 */
export function createTicketOps(ctx: StoreContext, ticket: TicketRecord, expectedSeq: number): WriteOp[] {
  if (ticket.number !== expectedSeq + 1) throw new RangeError('ticket number must follow the counter');
  return [
    {
      label: 'counter',
      Update: {
        TableName: ctx.tableName,
        Key: keys.ticketCounter(ticket.accountId),
        UpdateExpression: 'SET #seq = :next, #type = :type',
        ConditionExpression: expectedSeq === 0 ? 'attribute_not_exists(#seq)' : '#seq = :expected',
        ExpressionAttributeNames: { '#seq': 'seq', '#type': 'type' },
        ExpressionAttributeValues: {
          ':next': ticket.number,
          ':type': 'ticketCounter',
          ...(expectedSeq === 0 ? {} : { ':expected': expectedSeq }),
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    putNew(ctx, 'ticket', ticketCodec.toItem(ticket)),
  ];
}

/** The write that saves a changed ticket over version `expectedVersion`. Label: `ticket`. */
export function saveTicketOp(ctx: StoreContext, ticket: TicketRecord, expectedVersion: number): WriteOp {
  return putVersioned(ctx, 'ticket', ticketCodec.toItem(ticket), expectedVersion);
}

/**
 * Runs creations for one account from this process one at a time: racing ourselves would only
 * turn into failed transactions. Other processes (containers) still race; conditions keep them right.
 * A creation still queued at `deadline` (epoch ms) is never started: it fails at once with an
 * UnavailableError (503, Retry-After), so a client told "not done" can trust it; work that started
 * finishes and answers whatever it did.
 */
export function serializedPerAccount<T>(
  ctx: StoreContext,
  accountId: string,
  work: () => Promise<T>,
  deadline?: number,
): Promise<T> {
  let state: 'queued' | 'started' | 'abandoned' = 'queued';
  const tooLate = () =>
    new UnavailableError(
      'Too many tickets are being opened on this account right now; try again shortly.',
      2,
    );
  const start = () => {
    if (state === 'abandoned' || (deadline !== undefined && Date.now() >= deadline)) {
      state = 'abandoned';
      throw tooLate();
    }
    state = 'started';
    return work();
  };
  const previous = ctx.creationQueues.get(accountId) ?? Promise.resolve();
  const result = previous.then(start, start);
  const settled = result.then(
    () => undefined,
    () => undefined,
  );
  ctx.creationQueues.set(accountId, settled);
  void settled.then(() => {
    if (ctx.creationQueues.get(accountId) === settled) ctx.creationQueues.delete(accountId);
  });
  if (deadline === undefined) return result;
  // Answer at the deadline rather than when the queue reaches this creation.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => {
        if (state !== 'queued') return;
        state = 'abandoned';
        reject(tooLate());
      },
      Math.max(0, deadline - Date.now()),
    );
    result.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

export async function getTicket(ctx: StoreContext, ticketId: string): Promise<TicketRecord | undefined> {
  const result = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: keys.ticket(ticketId), ConsistentRead: true }),
  );
  return result.Item ? ticketCodec.fromItem(result.Item) : undefined;
}

/** BatchGetItem's limit of keys per request. */
const MAX_BATCH_KEYS = 100;

/**
 * The tickets with these ids as stored now (consistent): one BatchGetItem per 100 ids instead of a
 * GetItem each. Ids with no ticket are absent from the map.
 */
export async function getTicketsById(
  ctx: StoreContext,
  ids: readonly string[],
): Promise<Map<string, TicketRecord>> {
  const found = new Map<string, TicketRecord>();
  for (let i = 0; i < ids.length; i += MAX_BATCH_KEYS) {
    let request: Record<string, unknown>[] | undefined = ids
      .slice(i, i + MAX_BATCH_KEYS)
      .map((id) => ({ ...keys.ticket(id) }));
    for (let attempt = 0; request && request.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
      const result: BatchGetCommandOutput = await ctx.doc.send(
        new BatchGetCommand({
          RequestItems: { [ctx.tableName]: { Keys: request, ConsistentRead: true } },
        }),
      );
      for (const item of result.Responses?.[ctx.tableName] ?? []) {
        const ticket = ticketCodec.fromItem(item);
        found.set(ticket.id, ticket);
      }
      // Throttled or too large: DynamoDB hands back what it did not read; ask again with backoff.
      request = result.UnprocessedKeys?.[ctx.tableName]?.Keys;
    }
  }
  return found;
}

export async function getTicketByReference(
  ctx: StoreContext,
  reference: string,
): Promise<TicketRecord | undefined> {
  const { items } = await queryItems(ctx, partitions.ticketByReference(reference), { limit: 1 });
  return items[0] ? ticketCodec.fromItem(items[0]) : undefined;
}

/** An account's tickets, newest first, optionally of one status: one Query per page. */
export function listTicketsOfAccount(
  ctx: StoreContext,
  accountId: string,
  request: PageRequest & { status?: string } = {},
): Promise<Page<TicketRecord>> {
  const partition =
    request.status === undefined
      ? partitions.ticketsOfAccount(accountId)
      : partitions.ticketsOfAccountInStatus(accountId, request.status);
  return queryPage(ctx, partition, ticketCodec.fromItem, request, { descending: true });
}

/** Tickets of one status across accounts (agents' queue), newest first. */
export function listTicketsByStatus(
  ctx: StoreContext,
  status: string,
  request: PageRequest = {},
): Promise<Page<TicketRecord>> {
  return queryPage(ctx, partitions.ticketsInStatus(status), ticketCodec.fromItem, request, {
    descending: true,
  });
}
