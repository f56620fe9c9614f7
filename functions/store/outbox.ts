// The transactional outbox: mail to send is written as an item in the same transaction as the change
// that causes it (a ticket opened, an agent's reply, a resolution), so it is never lost when a
// handler crashes after its commit and never written twice when it retries. A sender claims an item,
// sends it and marks it sent; unsent items stay in a sparse index, sharded and ordered by when each
// is next due, which the sender sweeps. Finished items expire (TTL) after their retention.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { OutboundMail } from '../ports/mail.ts';
import { codec } from './codec.ts';
import { isConditionalCheckFailed } from './conditions.ts';
import type { StoreContext } from './context.ts';
import { addressHash } from './inbound-mail.ts';
import { keys, OUTBOX_SHARDS, partitions, pendingOutboxIndexKeys, shardsOf } from './keys.ts';
import { queryItems } from './query.ts';
import { TTL_ATTRIBUTE } from './table-definition.ts';
import { putNew, type WriteOp } from './transact.ts';

const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'suppressed', 'failed'] as const;
type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export interface OutboxRecord {
  id: string;
  /** What the mail is: acknowledgement, agentReply, resolution, unknownSender, ... */
  kind: string;
  ticketId?: string;
  /** Our Message-ID of the mail (without brackets). */
  messageId: string;
  /** Sent by the desk on its own: counts against the recipient's automatic-mail limit. */
  automatic: boolean;
  mail: OutboundMail;
  status: OutboxStatus;
  /** Failed sends so far; throttled sends are not counted (`throttled`). */
  attempts: number;
  createdAt: string;
  /** Not sent before this (backoff after a failure); absent: due since `createdAt`. */
  nextAttemptAt?: string;
  /** Sends SES refused for its sending rate; they back off but never fail the mail. */
  throttled?: number;
  /** The recipients' automatic-mail allowance is charged: retries never charge it again. */
  allowanceTaken?: boolean;
  /** The error name of the last failed send (a code, never content). */
  lastError?: string;
  /** While `sending`: until when the claim holds (a crashed sender's claim lapses). */
  claimedUntil?: string;
  sentAt?: string;
}

/**
 * How long finished items are kept before DynamoDB's TTL deletes them: sent and suppressed mail for
 * 30 days (enough to answer "did the customer get it?"), mail that failed for good for 90, as long
 * as raw inbound mail, so an operator can look into it and resend.
 */
export const OUTBOX_RETENTION_DAYS = { sent: 30, suppressed: 30, failed: 90 } as const;

const outboxCodec = codec<OutboxRecord>({
  type: 'outbox',
  schema: z.looseObject({
    id: z.string(),
    kind: z.string(),
    ticketId: z.optional(z.string()),
    messageId: z.string(),
    automatic: z.boolean(),
    mail: z.looseObject({
      from: z.string(),
      to: z.array(z.string()),
      subject: z.string(),
      text: z.string(),
      headers: z.record(z.string(), z.string()),
    }),
    status: z.enum(OUTBOX_STATUSES),
    attempts: z.int(),
    createdAt: z.string(),
    nextAttemptAt: z.optional(z.string()),
    throttled: z.optional(z.int()),
    allowanceTaken: z.optional(z.boolean()),
    lastError: z.optional(z.string()),
    claimedUntil: z.optional(z.string()),
    sentAt: z.optional(z.string()),
  }),
  key: (record) => keys.outbox(record.id),
  // Unsent items only: finishing an item removes it from the sweep's index.
  index: pendingOutboxIndexKeys,
  notInRecord: [TTL_ATTRIBUTE, 'finishedAt'],
});

export function outboxOp(ctx: StoreContext, record: OutboxRecord): WriteOp {
  return putNew(ctx, 'outbox', outboxCodec.toItem(record));
}

/** @internal the tests read what the outbox holds */
export async function getOutboxItem(ctx: StoreContext, id: string): Promise<OutboxRecord | undefined> {
  const result = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: keys.outbox(id), ConsistentRead: true }),
  );
  return result.Item ? outboxCodec.fromItem(result.Item) : undefined;
}

/**
 * Unsent items due by `dueBy` (all unsent items when absent), earliest due first, up to `limit` from
 * each shard; every shard is read. Index reads are eventually consistent: claim before sending.
 */
export async function pendingOutboxIds(ctx: StoreContext, limit = 100, dueBy?: Date): Promise<string[]> {
  const upTo = dueBy ? { sortKeyAtMost: `${dueBy.toISOString()}#~` } : {};
  const sortKey = partitions.unshardedPendingOutbox().sortKey;
  const pages = await Promise.all(
    [...shardsOf(OUTBOX_SHARDS).map(partitions.pendingOutbox), partitions.unshardedPendingOutbox()].map(
      (partition) => queryItems(ctx, partition, { attributes: ['id', sortKey], limit, ...upTo }),
    ),
  );
  return pages
    .flatMap(({ items }) => items)
    .sort((a, b) => String(a[sortKey]).localeCompare(String(b[sortKey])))
    .map((item) => item.id)
    .filter((id): id is string => typeof id === 'string');
}

/**
 * Claims an item for sending until `until`: only one sender at a time, and a claim left by a
 * crashed sender lapses. Returns the item, or undefined if it is sent or someone else holds it.
 */
export async function claimOutboxItem(
  ctx: StoreContext,
  id: string,
  now: Date,
  until: Date,
): Promise<OutboxRecord | undefined> {
  try {
    const result = await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: keys.outbox(id),
        UpdateExpression: 'SET #status = :sending, claimedUntil = :until',
        // A redelivered stream record finds an item backing off and leaves it to the sweep.
        ConditionExpression:
          '(#status = :pending AND (attribute_not_exists(#next) OR #next <= :now)) OR (#status = :sending AND claimedUntil < :now)',
        ExpressionAttributeNames: { '#status': 'status', '#next': 'nextAttemptAt' },
        ExpressionAttributeValues: {
          ':sending': 'sending',
          ':pending': 'pending',
          ':until': until.toISOString(),
          ':now': now.toISOString(),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return result.Attributes ? outboxCodec.fromItem(result.Attributes) : undefined;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return undefined;
    throw error;
  }
}

const epochSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

/**
 * Ends an item's life: sent, suppressed (rate limit) or failed for good. Leaves the pending index and
 * expires after its retention (OUTBOX_RETENTION_DAYS).
 */
export async function finishOutboxItem(
  ctx: StoreContext,
  id: string,
  status: 'sent' | 'suppressed' | 'failed',
  now: Date,
  outcome: { attempts: number; allowanceTaken?: boolean; lastError?: string },
): Promise<void> {
  const expiresAt = epochSeconds(now) + OUTBOX_RETENTION_DAYS[status] * 86_400;
  await ctx.doc.send(
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: keys.outbox(id),
      UpdateExpression:
        'SET #status = :status, finishedAt = :now, attempts = :attempts, #ttl = :expires' +
        (status === 'sent' ? ', sentAt = :now' : '') +
        (outcome.allowanceTaken ? ', allowanceTaken = :true' : '') +
        (outcome.lastError ? ', lastError = :error' : '') +
        ' REMOVE GSI5PK, GSI5SK, claimedUntil',
      ExpressionAttributeNames: { '#status': 'status', '#ttl': TTL_ATTRIBUTE },
      ExpressionAttributeValues: {
        ':status': status,
        ':now': now.toISOString(),
        ':attempts': outcome.attempts,
        ':expires': expiresAt,
        ...(outcome.allowanceTaken ? { ':true': true } : {}),
        ...(outcome.lastError ? { ':error': outcome.lastError } : {}),
      },
    }),
  );
}

/**
 * A send failed: back to pending, due again at `nextAttemptAt` (the index key moves with it, so the
 * sweep does not see the item before then). A throttled send counts in `throttled`, not `attempts`.
 */
export async function retryOutboxItem(
  ctx: StoreContext,
  item: Pick<OutboxRecord, 'id' | 'createdAt'>,
  retry: {
    attempts: number;
    throttled: number;
    nextAttemptAt: Date;
    allowanceTaken: boolean;
    lastError: string;
  },
): Promise<void> {
  const nextAttemptAt = retry.nextAttemptAt.toISOString();
  const index = pendingOutboxIndexKeys({ ...item, nextAttemptAt });
  await ctx.doc.send(
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: keys.outbox(item.id),
      UpdateExpression:
        'SET #status = :pending, attempts = :attempts, throttled = :throttled, nextAttemptAt = :next, ' +
        'allowanceTaken = :allowance, lastError = :error, GSI5PK = :pk, GSI5SK = :sk REMOVE claimedUntil',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':pending': 'pending',
        ':attempts': retry.attempts,
        ':throttled': retry.throttled,
        ':next': nextAttemptAt,
        ':allowance': retry.allowanceTaken,
        ':error': retry.lastError,
        ':pk': index.GSI5PK,
        ':sk': index.GSI5SK,
      },
    }),
  );
}

/**
 * Counts one automatic mail to `address` in the current hour; false when the hour's allowance is
 * used up (the counter expires with the window).
 */
export async function takeAutomaticAllowance(
  ctx: StoreContext,
  address: string,
  now: Date,
  perHour: number,
): Promise<boolean> {
  const window = now.toISOString().slice(0, 13);
  try {
    await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: keys.automaticMailCount(addressHash(address), window),
        UpdateExpression: 'SET #type = :type, expiresAt = :expires ADD #count :one',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
        ExpressionAttributeNames: { '#count': 'count', '#type': 'type' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':limit': perHour,
          ':type': 'automaticMailCount',
          ':expires': Math.floor(now.getTime() / 1000) + 2 * 3600,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}
