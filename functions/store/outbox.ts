// The transactional outbox: mail to send is written as an item in the same transaction as the change
// that causes it (a ticket opened, an agent's reply, a resolution), so it is never lost when a
// handler crashes after its commit and never written twice when it retries. A sender claims an item,
// sends it and marks it sent; unsent items stay in a sparse index the sender sweeps.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { OutboundMail } from '../ports/mail.ts';
import { codec } from './codec.ts';
import { isConditionalCheckFailed } from './conditions.ts';
import type { StoreContext } from './context.ts';
import { addressHash } from './inbound-mail.ts';
import { keys, partitions, pendingOutboxIndexKeys } from './keys.ts';
import { queryItems } from './query.ts';
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
  attempts: number;
  createdAt: string;
  /** While `sending`: until when the claim holds (a crashed sender's claim lapses). */
  claimedUntil?: string;
  sentAt?: string;
}

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
    claimedUntil: z.optional(z.string()),
    sentAt: z.optional(z.string()),
  }),
  key: (record) => keys.outbox(record.id),
  // Unsent items only: finishing an item removes it from the sweep's index.
  index: pendingOutboxIndexKeys,
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

/** Unsent items, oldest first (index reads are eventually consistent: claim before sending). */
export async function pendingOutboxIds(ctx: StoreContext, limit = 100): Promise<string[]> {
  const { items } = await queryItems(ctx, partitions.pendingOutbox(), { attributes: ['id'], limit });
  return items.map((item) => item.id).filter((id): id is string => typeof id === 'string');
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
        ConditionExpression: '#status = :pending OR (#status = :sending AND claimedUntil < :now)',
        ExpressionAttributeNames: { '#status': 'status' },
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

/** Ends an item's life: sent, suppressed (rate limit) or failed for good. Leaves the pending index. */
export async function finishOutboxItem(
  ctx: StoreContext,
  id: string,
  status: 'sent' | 'suppressed' | 'failed',
  now: Date,
  attempts: number,
): Promise<void> {
  await ctx.doc.send(
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: keys.outbox(id),
      UpdateExpression:
        'SET #status = :status, finishedAt = :now, attempts = :attempts REMOVE GSI5PK, GSI5SK, claimedUntil',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status, ':now': now.toISOString(), ':attempts': attempts },
    }),
  );
}

/** A send failed: back to pending (still in the index) for a later attempt. */
export async function retryOutboxItem(ctx: StoreContext, id: string, attempts: number): Promise<void> {
  await ctx.doc.send(
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: keys.outbox(id),
      UpdateExpression: 'SET #status = :pending, attempts = :attempts REMOVE claimedUntil',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pending': 'pending', ':attempts': attempts },
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
