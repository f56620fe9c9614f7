// Ticket persistence: creation with a per-account sequential reference (no gaps, no duplicates,
// even under concurrency), reads by id and reference, versioned saves and paged lists.
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError, ValidationError, VersionConflictError } from '../domain/errors.ts';
import { conditionFailureItem, isConditionalCheckFailed } from './conditions.ts';
import type { StoreContext } from './context.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { INDEX_FOR, INDEX_KEY_ATTRIBUTES, keys, ticketIndexKeys } from './keys.ts';
import {
  ConcurrentChangeError,
  commit,
  putNew,
  putVersioned,
  type WriteOp,
  withRetries,
} from './transact.ts';

/** What the store needs of a new ticket; the rest of the ticket is stored as given. */
export interface NewTicket {
  id: string;
  accountId: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  /** Earliest pending SLA deadline while the ticket is open (feeds the due-time index). */
  nextDueAt?: string;
  [field: string]: unknown;
}

export interface StoredTicket extends NewTicket {
  /** Human reference, `<prefix>-<number>`, unique across the table. */
  reference: string;
  /** Position in the account's sequence, 1, 2, 3, ... */
  number: number;
  version: number;
}

const MAX_CREATE_ATTEMPTS = 100;

export function ticketItem(ticket: StoredTicket): Record<string, unknown> {
  return { ...ticket, ...keys.ticket(ticket.id), ...ticketIndexKeys(ticket), type: 'ticket' };
}

function fromItem(item: Record<string, unknown>): StoredTicket {
  const { PK: _pk, SK: _sk, type: _type, ...rest } = item;
  for (const attribute of INDEX_KEY_ATTRIBUTES) delete rest[attribute];
  return rest as StoredTicket;
}

/**
 * The writes that create ticket number `expectedSeq + 1` of its account: advance the account's
 * counter from `expectedSeq` (a conditional write, so two creators can never take one number) and
 * put the ticket. Labels: `counter`, `ticket`.
 */
export function createTicketOps(ctx: StoreContext, ticket: StoredTicket, expectedSeq: number): WriteOp[] {
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
    putNew(ctx, 'ticket', ticketItem(ticket)),
  ];
}

/** The write that saves a changed ticket over version `expectedVersion`. Label: `ticket`. */
export function saveTicketOp(ctx: StoreContext, ticket: StoredTicket, expectedVersion: number): WriteOp {
  return putVersioned(ctx, 'ticket', ticketItem(ticket), expectedVersion);
}

/**
 * Creates a ticket with the account's next reference, `<prefix>-<number>`, without gaps or
 * duplicates under concurrency. A lost race returns the counter's current value and we retry
 * from it; the last value seen is remembered per process, so a warm create is one round trip.
 */
export function createTicket(
  ctx: StoreContext,
  input: { ticket: NewTicket; referencePrefix: string },
): Promise<StoredTicket> {
  return serializedPerAccount(ctx, input.ticket.accountId, () => allocateAndPut(ctx, input));
}

/**
 * Runs creations for one account from this process one at a time: racing ourselves would only
 * turn into failed transactions. Other processes (containers) still race; conditions keep them right.
 */
export function serializedPerAccount<T>(
  ctx: StoreContext,
  accountId: string,
  work: () => Promise<T>,
): Promise<T> {
  const previous = ctx.creationQueues.get(accountId) ?? Promise.resolve();
  const result = previous.then(work, work);
  const settled = result.then(
    () => undefined,
    () => undefined,
  );
  ctx.creationQueues.set(accountId, settled);
  void settled.then(() => {
    if (ctx.creationQueues.get(accountId) === settled) ctx.creationQueues.delete(accountId);
  });
  return result;
}

async function allocateAndPut(
  ctx: StoreContext,
  input: { ticket: NewTicket; referencePrefix: string },
): Promise<StoredTicket> {
  const { ticket, referencePrefix } = input;
  let expected = ctx.referenceHints.get(ticket.accountId) ?? 0;
  return withRetries(async () => {
    const number = expected + 1;
    const stored: StoredTicket = { ...ticket, number, reference: `${referencePrefix}-${number}`, version: 1 };
    try {
      await commit(ctx, createTicketOps(ctx, stored, expected));
    } catch (error) {
      if (error instanceof ConcurrentChangeError) {
        if (error.lost('ticket')) throw new ConflictError(`ticket ${ticket.id} already exists`);
        const counter = error.failed.find((f) => f.label === 'counter');
        // Someone else took `number`: continue from the counter's actual value.
        if (counter) expected = typeof counter.current?.seq === 'number' ? counter.current.seq : 0;
        ctx.referenceHints.set(ticket.accountId, expected);
      }
      throw error;
    }
    ctx.referenceHints.set(ticket.accountId, number);
    return stored;
  }, MAX_CREATE_ATTEMPTS);
}

export async function getTicket(ctx: StoreContext, ticketId: string): Promise<StoredTicket | undefined> {
  const result = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: keys.ticket(ticketId), ConsistentRead: true }),
  );
  return result.Item ? fromItem(result.Item) : undefined;
}

export async function getTicketByReference(
  ctx: StoreContext,
  reference: string,
): Promise<StoredTicket | undefined> {
  const result = await ctx.doc.send(
    new QueryCommand({
      TableName: ctx.tableName,
      IndexName: INDEX_FOR.ticketByReference,
      KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK = :sk',
      ExpressionAttributeValues: { ':pk': `REF#${reference.toUpperCase()}`, ':sk': 'TICKET' },
      Limit: 1,
    }),
  );
  const item = result.Items?.[0];
  return item ? fromItem(item) : undefined;
}

/**
 * Saves a changed ticket if nobody changed it since `expectedVersion` was read; the saved ticket has
 * version `expectedVersion + 1`. A lost race is a VersionConflictError carrying the current version.
 */
export async function saveTicket(
  ctx: StoreContext,
  ticket: StoredTicket,
  expectedVersion: number,
): Promise<StoredTicket> {
  if (!Number.isInteger(expectedVersion) || expectedVersion < 1) {
    throw ValidationError.field('version', 'must be a positive integer');
  }
  const saved: StoredTicket = { ...ticket, version: expectedVersion + 1 };
  try {
    await ctx.doc.send(
      new PutCommand({
        TableName: ctx.tableName,
        Item: ticketItem(saved),
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': expectedVersion },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return saved;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const current = conditionFailureItem((error as { Item?: unknown }).Item);
    if (!current) throw new NotFoundError(`ticket ${ticket.id}`);
    throw new VersionConflictError(`ticket ${ticket.id}`, current.version as number | undefined);
  }
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface ListOptions {
  limit?: number;
  cursor?: string;
}

const MAX_PAGE = 100;

function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return 25;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw ValidationError.field('limit', `must be an integer from 1 to ${MAX_PAGE}`);
  }
  return limit;
}

/** An account's tickets, newest first, optionally of one status: one Query per page. */
export async function listTicketsOfAccount(
  ctx: StoreContext,
  accountId: string,
  options: ListOptions & { status?: string } = {},
): Promise<Page<StoredTicket>> {
  const byStatus = options.status !== undefined;
  const index = byStatus ? INDEX_FOR.ticketsByAccountAndStatus : INDEX_FOR.ticketsByAccount;
  const partitionAttribute = byStatus ? 'GSI2PK' : 'GSI3PK';
  const partition = byStatus
    ? `ACCOUNT#${accountId}#STATUS#${options.status}`
    : `ACCOUNT#${accountId}#TICKETS`;
  return queryPage(ctx, index, partitionAttribute, partition, options);
}

/** Tickets of one status across accounts (agents' queue), newest first. */
export async function listTicketsByStatus(
  ctx: StoreContext,
  status: string,
  options: ListOptions = {},
): Promise<Page<StoredTicket>> {
  return queryPage(ctx, INDEX_FOR.ticketsByStatus, 'GSI4PK', `STATUS#${status}`, options);
}

async function queryPage(
  ctx: StoreContext,
  index: string,
  partitionAttribute: string,
  partition: string,
  options: ListOptions,
): Promise<Page<StoredTicket>> {
  const result = await ctx.doc.send(
    new QueryCommand({
      TableName: ctx.tableName,
      IndexName: index,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': partitionAttribute },
      ExpressionAttributeValues: { ':pk': partition },
      ScanIndexForward: false,
      Limit: pageLimit(options.limit),
      ExclusiveStartKey: decodeCursor(options.cursor, partitionAttribute, partition),
    }),
  );
  const page: Page<StoredTicket> = { items: (result.Items ?? []).map(fromItem) };
  const nextCursor = encodeCursor(result.LastEvaluatedKey);
  if (nextCursor) page.nextCursor = nextCursor;
  return page;
}
