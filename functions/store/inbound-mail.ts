// What the email intake remembers about inbound mail: the redelivery markers (by RFC Message-ID and
// by SES message id) written in the same transaction as the mail's outcome, the quarantine agents
// release from, the once-a-day answer to unknown senders, and attachment records under a ticket.
import { createHash } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { codec } from './codec.ts';
import { isConditionalCheckFailed } from './conditions.ts';
import type { StoreContext } from './context.ts';
import { keys, partitions, quarantineIndexKeys } from './keys.ts';
import { type Page, type PageRequest, queryPage } from './query.ts';
import { TTL_ATTRIBUTE } from './table-definition.ts';
import { putNew, type WriteOp } from './transact.ts';

const MAIL_OUTCOMES = [
  'ticket',
  'reply',
  'quarantined',
  'automatic',
  'bounce',
  'unknownSender',
  'oversized',
  'refused',
  'dropped',
  /** From a staff address: an agent's reply on the ticket, an internal note, or nothing matched. */
  'agentReply',
  'note',
  'staffUnmatched',
] as const;
/** How one inbound mail ended: every mail ends as exactly one of these. */
export type MailOutcome = (typeof MAIL_OUTCOMES)[number];

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

const inboundMailSchema: z.ZodMiniType<InboundMailRecord> = z.looseObject({
  messageId: z.string(),
  sesMessageId: z.string(),
  outcome: z.enum(MAIL_OUTCOMES),
  ticketId: z.optional(z.string()),
  rawKey: z.string(),
  receivedAt: z.string(),
  processedAt: z.string(),
});

/** The redelivery marker by RFC Message-ID. */
const inboundMailCodec = codec<InboundMailRecord>({
  type: 'inboundMail',
  schema: inboundMailSchema,
  key: (record) => keys.inboundMail(messageIdKey(record.messageId)),
  notInRecord: [TTL_ATTRIBUTE],
});

/** The same marker by SES message id (same type: both say the mail was processed). */
const sesMailCodec = codec<InboundMailRecord>({
  type: 'inboundMail',
  schema: inboundMailSchema,
  key: (record) => keys.sesMail(record.sesMessageId),
  notInRecord: [TTL_ATTRIBUTE],
});

const DAY_S = 24 * 60 * 60;
/** Message-IDs are remembered for a year, SES ids for two weeks (SES retries for hours, not weeks). */
const MESSAGE_ID_TTL_S = 366 * DAY_S;
const SES_ID_TTL_S = 14 * DAY_S;

/** A Message-ID fit for a key: long or odd ones are hashed (keys hold at most 2 KB). */
function messageIdKey(messageId: string): string {
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
  if (bySes.Item) return sesMailCodec.fromItem(bySes.Item);
  return byId?.Item ? inboundMailCodec.fromItem(byId.Item) : undefined;
}

/**
 * The two redelivery markers, each put only if absent: in the transaction of the mail's outcome, so
 * a crash before it commits leaves nothing behind and a retry processes the mail again. Labels
 * `inboundMail` and `sesMail`.
 */
export function processedMailOps(ctx: StoreContext, record: InboundMailRecord, now: Date): WriteOp[] {
  return [
    putNew(
      ctx,
      'inboundMail',
      inboundMailCodec.toItem(record, { [TTL_ATTRIBUTE]: epoch(now, MESSAGE_ID_TTL_S) }),
    ),
    putNew(ctx, 'sesMail', sesMailCodec.toItem(record, { [TTL_ATTRIBUTE]: epoch(now, SES_ID_TTL_S) })),
  ];
}

export interface Verdicts {
  spam: string;
  virus: string;
  spf: string;
  dkim: string;
  dmarc: string;
}

export const QUARANTINE_STATUSES = ['held', 'releasing', 'released'] as const;

export interface QuarantineRecord {
  id: string;
  /** `releasing`: an agent released it and the intake has it (asynchronously); `released`: done. */
  status: (typeof QUARANTINE_STATUSES)[number];
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
  /** When and by whom the release was asked for (the intake then runs it). */
  releaseRequestedAt?: string;
  releaseRequestedBy?: string;
  /** What releasing it led to. */
  outcome?: MailOutcome;
  ticketId?: string;
  version: number;
}

const verdict = z.string();

const quarantineCodec = codec<QuarantineRecord>({
  type: 'quarantine',
  schema: z.looseObject({
    id: z.string(),
    status: z.enum(QUARANTINE_STATUSES),
    reasons: z.array(z.string()),
    verdicts: z.looseObject({ spam: verdict, virus: verdict, spf: verdict, dkim: verdict, dmarc: verdict }),
    messageId: z.string(),
    sesMessageId: z.string(),
    rawKey: z.string(),
    from: z.string(),
    subject: z.string(),
    receivedAt: z.string(),
    releasedAt: z.optional(z.string()),
    releasedBy: z.optional(z.string()),
    releaseRequestedAt: z.optional(z.string()),
    releaseRequestedBy: z.optional(z.string()),
    outcome: z.optional(z.enum(MAIL_OUTCOMES)),
    ticketId: z.optional(z.string()),
    version: z.int(),
  }),
  key: (entry) => keys.quarantine(entry.id),
  // Held and releasing entries only: a finished release removes them from the agents' list.
  index: quarantineIndexKeys,
});

export function quarantineOp(ctx: StoreContext, entry: QuarantineRecord): WriteOp {
  return putNew(ctx, 'quarantine', quarantineCodec.toItem(entry));
}

export async function getQuarantine(ctx: StoreContext, id: string): Promise<QuarantineRecord | undefined> {
  const result = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: keys.quarantine(id), ConsistentRead: true }),
  );
  return result.Item ? quarantineCodec.fromItem(result.Item) : undefined;
}

/**
 * Asks for a held entry's release: `releasing`, by whom and when, only if still held at the version
 * read. The entry stays in the agents' list until the intake has released it. Returns the entry as
 * it is now (another agent's request, or a finished release, wins and is returned as stored).
 */
export async function requestQuarantineRelease(
  ctx: StoreContext,
  entry: QuarantineRecord,
  request: { at: string; by: string },
): Promise<QuarantineRecord> {
  try {
    const result = await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: keys.quarantine(entry.id),
        UpdateExpression:
          'SET #status = :releasing, releaseRequestedAt = :at, releaseRequestedBy = :by, #version = :next',
        ConditionExpression: '#status = :held AND #version = :version',
        ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
        ExpressionAttributeValues: {
          ':releasing': 'releasing',
          ':held': 'held',
          ':at': request.at,
          ':by': request.by,
          ':version': entry.version,
          ':next': entry.version + 1,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return quarantineCodec.fromItem(result.Attributes!);
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const now = await getQuarantine(ctx, entry.id);
    if (!now) throw error;
    return now;
  }
}

/**
 * Marks a held or releasing entry released, only if unchanged since the version read (two releases
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
      ConditionExpression: '#status IN (:held, :releasing) AND #version = :version',
      ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
      ExpressionAttributeValues: {
        ':released': 'released',
        ':held': 'held',
        ':releasing': 'releasing',
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
export function listHeldQuarantine(
  ctx: StoreContext,
  request: PageRequest = {},
): Promise<Page<QuarantineRecord>> {
  return queryPage(ctx, partitions.heldQuarantine(), quarantineCodec.fromItem, request);
}

/** An automatic answer of `kind` given to an address (its hash is in the key), until `expiresAt`. */
interface AutoReplyClaim {
  kind: string;
  at: string;
  /** Epoch seconds; also the item's TTL. */
  expiresAt: number;
}

const autoReplyCodec = (address: string) =>
  codec<AutoReplyClaim>({
    type: 'autoReply',
    schema: z.looseObject({ kind: z.string(), at: z.string(), expiresAt: z.number() }),
    key: (claim) => keys.autoReply(claim.kind, addressHash(address)),
  });

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
      Item: autoReplyCodec(address).toItem({ kind, at: now.toISOString(), expiresAt: epoch(now, periodS) }),
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
  return result.Item ? autoReplyCodec(address).fromItem(result.Item).expiresAt > epoch(now, 0) : false;
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

// Written only: the API does not list attachments yet.
const attachmentCodec = codec<AttachmentRecord>({
  type: 'attachment',
  schema: z.looseObject({
    id: z.string(),
    ticketId: z.string(),
    accountId: z.string(),
    messageId: z.string(),
    filename: z.string(),
    contentType: z.string(),
    size: z.number(),
    key: z.string(),
    at: z.string(),
  }),
  key: (record) => keys.attachment(record.ticketId, record.at, record.id),
});

export function attachmentOp(ctx: StoreContext, record: AttachmentRecord): WriteOp {
  return putNew(ctx, 'attachment', attachmentCodec.toItem(record));
}
