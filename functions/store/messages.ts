// Messages and time entries of a ticket, kept under the ticket's partition in time order.
import * as z from 'zod/mini';
import { codec } from './codec.ts';
import type { StoreContext } from './context.ts';
import { keys, partitions } from './keys.ts';
import { type Page, type PageRequest, queryItems, queryPage } from './query.ts';
import { putNew, type WriteOp } from './transact.ts';

export interface MessageRecord {
  id: string;
  ticketId: string;
  accountId: string;
  author: { type: 'agent' | 'customer' | 'system'; keyId?: string; email?: string; name?: string };
  visibility: 'public' | 'internal';
  /** Machine-sent (auto-replies, notifications): never counts as a response. */
  automatic: boolean;
  channel: 'api' | 'email' | 'system';
  body: string;
  createdAt: string;
  /** RFC Message-ID of the mail it came in or went out as. */
  messageId?: string;
}

const messageSchema: z.ZodMiniType<MessageRecord> = z.looseObject({
  id: z.string(),
  ticketId: z.string(),
  accountId: z.string(),
  author: z.looseObject({
    type: z.enum(['agent', 'customer', 'system']),
    keyId: z.optional(z.string()),
    email: z.optional(z.string()),
    name: z.optional(z.string()),
  }),
  visibility: z.enum(['public', 'internal']),
  automatic: z.boolean(),
  channel: z.enum(['api', 'email', 'system']),
  body: z.string(),
  createdAt: z.string(),
  messageId: z.optional(z.string()),
});

const messageCodec = codec<MessageRecord>({
  type: 'message',
  schema: messageSchema,
  key: (message) => keys.message(message.ticketId, message.createdAt, message.id),
});

export interface TimeEntryRecord {
  id: string;
  ticketId: string;
  accountId: string;
  /** Minutes the agent logged. */
  minutes: number;
  /** Minutes counted after rounding and the conversation minimum. */
  countedMinutes: number;
  /** Of those, minutes drawn from the hour pool. */
  fromPool: number;
  /** Of those, minutes past the hour pool's allowance (absent on entries recorded before it was kept). */
  overAllowance?: number;
  conversationId?: string;
  note?: string;
  loggedBy?: string;
  at: string;
  decision: string;
  ledgerRefs: string[];
}

const timeEntrySchema: z.ZodMiniType<TimeEntryRecord> = z.looseObject({
  id: z.string(),
  ticketId: z.string(),
  accountId: z.string(),
  minutes: z.number(),
  countedMinutes: z.number(),
  fromPool: z.number(),
  overAllowance: z.optional(z.number()),
  conversationId: z.optional(z.string()),
  note: z.optional(z.string()),
  loggedBy: z.optional(z.string()),
  at: z.string(),
  decision: z.string(),
  ledgerRefs: z.array(z.string()),
});

const timeEntryCodec = codec<TimeEntryRecord>({
  type: 'timeEntry',
  schema: timeEntrySchema,
  key: (entry) => keys.timeEntry(entry.ticketId, entry.at, entry.id),
});

export function messageOp(ctx: StoreContext, message: MessageRecord): WriteOp {
  return putNew(ctx, 'message', messageCodec.toItem(message));
}

export function timeEntryOp(ctx: StoreContext, entry: TimeEntryRecord): WriteOp {
  return putNew(ctx, 'timeEntry', timeEntryCodec.toItem(entry));
}

/** A ticket's messages in order, one Query per page; customers' pages leave internal notes out. */
export function listMessages(
  ctx: StoreContext,
  ticketId: string,
  request: PageRequest & { includeInternal: boolean },
): Promise<Page<MessageRecord>> {
  return queryPage(
    ctx,
    partitions.messages(ticketId),
    messageCodec.fromItem,
    { ...request, defaultLimit: 50 },
    // Filtering in the query keeps internal notes out of every page a customer reads.
    request.includeInternal
      ? {}
      : { filter: { expression: 'visibility = :public', values: { ':public': 'public' } } },
  );
}

/**
 * The RFC Message-IDs of the ticket's last `depth` messages, oldest first: the thread a new mail
 * continues (In-Reply-To, References). Messages without one (API messages) are left out.
 */
export async function recentMessageIds(
  ctx: StoreContext,
  ticketId: string,
  depth: number,
): Promise<string[]> {
  const { items } = await queryItems(ctx, partitions.messages(ticketId), {
    attributes: ['messageId'],
    descending: true,
    limit: depth,
  });
  return items
    .map((item) => item.messageId)
    .filter((id): id is string => typeof id === 'string')
    .reverse();
}
