// Ticket persistence: creation with a per-account sequential reference (no gaps, no duplicates,
// even under concurrency), reads by id and reference, versioned saves and paged lists.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError, ValidationError, VersionConflictError } from '../domain/errors.ts';
import { conditionFailureItem, isConditionalCheckFailed } from './conditions.ts';
import type { StoreContext } from './context.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { INDEX_FOR, INDEX_KEY_ATTRIBUTES, keys, ticketIndexKeys } from './keys.ts';

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
const MAX_BACKOFF_MS = 250;

function toItem(ticket: StoredTicket): Record<string, unknown> {
  return { ...ticket, ...keys.ticket(ticket.id), ...ticketIndexKeys(ticket), type: 'ticket' };
}

function fromItem(item: Record<string, unknown>): StoredTicket {
  const { PK: _pk, SK: _sk, type: _type, ...rest } = item;
  for (const attribute of INDEX_KEY_ATTRIBUTES) delete rest[attribute];
  return rest as StoredTicket;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates a ticket with the account's next reference. One transaction advances the account's
 * counter from the value we believe it holds (a conditional write) and puts the ticket; if another
 * writer got there first, the failed condition returns the counter's current value and we retry.
 * So references are 1..n without gaps or duplicates, and a warm create is one round trip.
 */
export function createTicket(
  ctx: StoreContext,
  input: { ticket: NewTicket; referencePrefix: string },
): Promise<StoredTicket> {
  // Creations for one account from this process go one at a time: racing ourselves would only
  // turn into failed transactions. Other processes (containers) still race, and the condition
  // keeps them right.
  const accountId = input.ticket.accountId;
  const previous = ctx.creationQueues.get(accountId) ?? Promise.resolve();
  const created = previous.then(
    () => allocateAndPut(ctx, input),
    () => allocateAndPut(ctx, input),
  );
  const settled = created.then(
    () => undefined,
    () => undefined,
  );
  ctx.creationQueues.set(accountId, settled);
  void settled.then(() => {
    if (ctx.creationQueues.get(accountId) === settled) ctx.creationQueues.delete(accountId);
  });
  return created;
}

async function allocateAndPut(
  ctx: StoreContext,
  input: { ticket: NewTicket; referencePrefix: string },
): Promise<StoredTicket> {
  const { ticket, referencePrefix } = input;
  const counterKey = keys.ticketCounter(ticket.accountId);
  let expected = ctx.referenceHints.get(ticket.accountId) ?? 0;
  let losses = 0;
  for (let attempt = 0; attempt < MAX_CREATE_ATTEMPTS; attempt++) {
    const number = expected + 1;
    const stored: StoredTicket = { ...ticket, number, reference: `${referencePrefix}-${number}`, version: 1 };
    try {
      await ctx.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: ctx.tableName,
                Key: counterKey,
                UpdateExpression: 'SET #seq = :next, #type = :type',
                ConditionExpression: expected === 0 ? 'attribute_not_exists(#seq)' : '#seq = :expected',
                ExpressionAttributeNames: { '#seq': 'seq', '#type': 'type' },
                ExpressionAttributeValues: {
                  ':next': number,
                  ':type': 'ticketCounter',
                  ...(expected === 0 ? {} : { ':expected': expected }),
                },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            {
              Put: {
                TableName: ctx.tableName,
                Item: toItem(stored),
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
          ],
        }),
      );
      ctx.referenceHints.set(ticket.accountId, number);
      return stored;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [counter, put] = error.CancellationReasons ?? [];
      if (put?.Code === 'ConditionalCheckFailed')
        throw new ConflictError(`ticket ${ticket.id} already exists`);
      if (counter?.Code === 'ConditionalCheckFailed') {
        // Someone else took `number`: continue from the counter's actual value.
        const current = conditionFailureItem(counter.Item);
        expected = typeof current?.seq === 'number' ? current.seq : 0;
        ctx.referenceHints.set(ticket.accountId, expected);
      }
      // Lost to another writer (or TransactionConflict: one holds the counter right now). Every
      // loser learned the same new value, so spread the retries (full jitter, growing) or they
      // would collide again in lockstep.
      losses++;
      if (losses > 1) await sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** Math.min(losses, 8)));
    }
  }
  throw new ConflictError(`could not allocate a reference for account ${ticket.accountId}; retry`);
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
        Item: toItem(saved),
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
