// What the email intake remembers about inbound mail: the redelivery markers (by RFC Message-ID and
// by SES message id) written in the same transaction as the mail's outcome, the quarantine agents
// release from, the once-a-day answer to unknown senders, and attachment records under a ticket.
import { createHash } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { StoreContext } from './context.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { INDEX_FOR, INDEX_KEY_ATTRIBUTES, keys, quarantineIndexKeys } from './keys.ts';
import type { Page } from './tickets.ts';
import { putNew, type WriteOp } from './transact.ts';

/** How one inbound mail ended: every mail ends as exactly one of these. */
export type MailOutcome =
  | 'ticket'
  | 'reply'
  | 'quarantined'
  | 'automatic'
  | 'bounce'
  | 'unknownSender'
  | 'oversized'
  | 'refused'
  | 'dropped';

export interface InboundMailRecord {
  messageId: string;
  sesMessageId: string;
  outcome: MailOutcome;
  ticketId?: string;
  /** Where the raw message is kept (blob store key). */
  rawKey: string;
  receivedAt: string;
  processedAt: string;
}

const DAY_S = 24 * 60 * 60;
/** Message-IDs are remembered for a year, SES ids for two weeks (SES retries for hours, not weeks). */
const MESSAGE_ID_TTL_S = 366 * DAY_S;
const SES_ID_TTL_S = 14 * DAY_S;

/** A Message-ID fit for a key: long or odd ones are hashed (keys hold at most 2 KB). */
export function messageIdKey(messageId: string): string {
  return messageId.length <= 300 && /^[\x21-\x7e]+$/.test(messageId)
    ? messageId
    : `sha256:${createHash('sha256').update(messageId).digest('hex')}`;
}

/** sha-256 of a lowercased address: rate-limit keys need the identity, not the address. */
export function addressHash(address: string): string {
  return createHash('sha256').update(address.trim().toLowerCase()).digest('hex').slice(0, 32);
}

const epoch = (at: Date, plus: number) => Math.floor(at.getTime() / 1000) + plus;

/** The marker of a mail processed before, by Message-ID or SES id (consistent reads). */
export async function findProcessedMail(
  ctx: StoreContext,
  messageId: string | undefined,
  sesMessageId: string,
): Promise<InboundMailRecord | undefined> {
  const get = (key: { PK: string; SK: string }) =>
    ctx.doc.send(new GetCommand({ TableName: ctx.tableName, Key: key, ConsistentRead: true }));
  const [bySes, byId] = await Promise.all([
    get(keys.sesMail(sesMessageId)),
    messageId === undefined ? Promise.resolve(undefined) : get(keys.inboundMail(messageIdKey(messageId))),
  ]);
  const item = bySes.Item ?? byId?.Item;
  if (!item) return undefined;
  const { PK: _pk, SK: _sk, type: _type, expiresAt: _e, ...record } = item;
  return record as InboundMailRecord;
}

/**
 * The two redelivery markers, each put only if absent: in the transaction of the mail's outcome, so
 * a crash before it commits leaves nothing behind and a retry processes the mail again. Labels
 * `inboundMail` and `sesMail`.
 */
export function processedMailOps(ctx: StoreContext, record: InboundMailRecord, now: Date): WriteOp[] {
  const item = { ...record, type: 'inboundMail' };
  return [
    putNew(ctx, 'inboundMail', {
      ...item,
      ...keys.inboundMail(messageIdKey(record.messageId)),
      expiresAt: epoch(now, MESSAGE_ID_TTL_S),
    }),
    putNew(ctx, 'sesMail', {
      ...item,
      ...keys.sesMail(record.sesMessageId),
      expiresAt: epoch(now, SES_ID_TTL_S),
    }),
  ];
}

export interface Verdicts {
  spam: string;
  virus: string;
  spf: string;
  dkim: string;
  dmarc: string;
}

export interface QuarantineRecord {
  id: string;
  status: 'held' | 'released';
  /** Why it is held, e.g. `spam`, `dkim`. */
  reasons: string[];
  verdicts: Verdicts;
  messageId: string;
  sesMessageId: string;
  rawKey: string;
  /** For the agent deciding: the sender's address and the subject as received. */
  from: string;
  subject: string;
  receivedAt: string;
  releasedAt?: string;
  releasedBy?: string;
  /** What releasing it led to. */
  outcome?: MailOutcome;
  ticketId?: string;
  version: number;
}

function stripped(item: Record<string, unknown>): Record<string, unknown> {
  const { PK: _pk, SK: _sk, type: _type, ...rest } = item;
  for (const attribute of INDEX_KEY_ATTRIBUTES) delete rest[attribute];
  return rest;
}

export function quarantineOp(ctx: StoreContext, entry: QuarantineRecord): WriteOp {
  return putNew(ctx, 'quarantine', {
    ...entry,
    ...keys.quarantine(entry.id),
    ...quarantineIndexKeys(entry),
    type: 'quarantine',
  });
}

export async function getQuarantine(ctx: StoreContext, id: string): Promise<QuarantineRecord | undefined> {
  const result = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: keys.quarantine(id), ConsistentRead: true }),
  );
  return result.Item ? (stripped(result.Item) as unknown as QuarantineRecord) : undefined;
}

/**
 * Marks a held entry released, only if it is still held at the version read (two agents releasing
 * at once: one wins). Leaves the agents' list (index attributes removed). Label `quarantine`.
 */
export function releaseQuarantineOp(
  ctx: StoreContext,
  entry: QuarantineRecord,
  release: { at: string; by: string; outcome: MailOutcome; ticketId?: string },
): WriteOp {
  return {
    label: 'quarantine',
    Update: {
      TableName: ctx.tableName,
      Key: keys.quarantine(entry.id),
      UpdateExpression:
        'SET #status = :released, releasedAt = :at, releasedBy = :by, outcome = :outcome, #version = :next' +
        (release.ticketId ? ', ticketId = :ticket' : '') +
        ' REMOVE GSI4PK, GSI4SK',
      ConditionExpression: '#status = :held AND #version = :version',
      ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
      ExpressionAttributeValues: {
        ':released': 'released',
        ':held': 'held',
        ':at': release.at,
        ':by': release.by,
        ':outcome': release.outcome,
        ':version': entry.version,
        ':next': entry.version + 1,
        ...(release.ticketId ? { ':ticket': release.ticketId } : {}),
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** Held entries, oldest first. */
export async function listHeldQuarantine(
  ctx: StoreContext,
  options: { limit?: number; cursor?: string } = {},
): Promise<Page<QuarantineRecord>> {
  const result = await ctx.doc.send(
    new QueryCommand({
      TableName: ctx.tableName,
      IndexName: INDEX_FOR.heldQuarantine,
      KeyConditionExpression: 'GSI4PK = :pk',
      ExpressionAttributeValues: { ':pk': 'QUARANTINE' },
      Limit: options.limit ?? 25,
      ExclusiveStartKey: decodeCursor(options.cursor, 'GSI4PK', 'QUARANTINE'),
    }),
  );
  const page: Page<QuarantineRecord> = {
    items: (result.Items ?? []).map((item) => stripped(item) as unknown as QuarantineRecord),
  };
  const next = encodeCursor(result.LastEvaluatedKey);
  if (next) page.nextCursor = next;
  return page;
}

/**
 * Claims the one automatic answer of `kind` to an address for `periodS` seconds: put if absent or
 * expired (TTL deletes lazily, so an expired item may still be there). Label `autoReply`.
 */
export function autoReplyClaimOp(
  ctx: StoreContext,
  kind: string,
  address: string,
  now: Date,
  periodS: number,
): WriteOp {
  return {
    label: 'autoReply',
    Put: {
      TableName: ctx.tableName,
      Item: {
        ...keys.autoReply(kind, addressHash(address)),
        type: 'autoReply',
        kind,
        at: now.toISOString(),
        expiresAt: epoch(now, periodS),
      },
      ConditionExpression: 'attribute_not_exists(PK) OR expiresAt <= :now',
      ExpressionAttributeValues: { ':now': epoch(now, 0) },
    },
  };
}

/** Has `address` had its automatic answer of `kind` within the period? */
export async function autoReplyClaimed(
  ctx: StoreContext,
  kind: string,
  address: string,
  now: Date,
): Promise<boolean> {
  const result = await ctx.doc.send(
    new GetCommand({
      TableName: ctx.tableName,
      Key: keys.autoReply(kind, addressHash(address)),
      ConsistentRead: true,
    }),
  );
  const expiresAt = result.Item?.expiresAt;
  return typeof expiresAt === 'number' && expiresAt > epoch(now, 0);
}

export interface AttachmentRecord {
  id: string;
  ticketId: string;
  accountId: string;
  /** RFC Message-ID of the mail it came with. */
  messageId: string;
  filename: string;
  contentType: string;
  size: number;
  /** Blob store key of the bytes. */
  key: string;
  at: string;
}

export function attachmentOp(ctx: StoreContext, record: AttachmentRecord): WriteOp {
  return putNew(ctx, 'attachment', {
    ...record,
    ...keys.attachment(record.ticketId, record.at, record.id),
    type: 'attachment',
  });
}
