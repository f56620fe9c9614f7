// Messages and time entries of a ticket, kept under the ticket's partition in time order.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { StoreContext } from './context.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { keys } from './keys.ts';
import type { Page } from './tickets.ts';
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
  conversationId?: string;
  note?: string;
  loggedBy?: string;
  at: string;
  decision: string;
  ledgerRefs: string[];
}

export function messageOp(ctx: StoreContext, message: MessageRecord): WriteOp {
  return putNew(ctx, 'message', {
    ...message,
    ...keys.message(message.ticketId, message.createdAt, message.id),
    type: 'message',
  });
}

export function timeEntryOp(ctx: StoreContext, entry: TimeEntryRecord): WriteOp {
  return putNew(ctx, 'timeEntry', {
    ...entry,
    ...keys.timeEntry(entry.ticketId, entry.at, entry.id),
    type: 'timeEntry',
  });
}

export async function listMessages(
  ctx: StoreContext,
  ticketId: string,
  options: { limit?: number; cursor?: string; includeInternal: boolean },
): Promise<Page<MessageRecord>> {
  const { PK, SKPrefix } = keys.messagePrefix(ticketId);
  const result = await ctx.doc.send(
    new QueryCommand({
      TableName: ctx.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      // Customers never see internal notes; filtering here keeps them out of every page.
      ...(options.includeInternal ? {} : { FilterExpression: 'visibility = :public' }),
      ExpressionAttributeValues: {
        ':pk': PK,
        ':prefix': SKPrefix,
        ...(options.includeInternal ? {} : { ':public': 'public' }),
      },
      Limit: options.limit ?? 50,
      ExclusiveStartKey: decodeCursor(options.cursor, 'PK', PK),
    }),
  );
  const page: Page<MessageRecord> = {
    items: (result.Items ?? []).map((item) => {
      const { PK: _pk, SK: _sk, type: _type, ...message } = item;
      return message as MessageRecord;
    }),
  };
  const next = encodeCursor(result.LastEvaluatedKey);
  if (next) page.nextCursor = next;
  return page;
}

/** RFC Message-IDs of a ticket's latest `depth` messages, oldest first: the thread a new mail continues. */
export async function recentMessageIds(
  ctx: StoreContext,
  ticketId: string,
  depth: number,
): Promise<string[]> {
  const { PK, SKPrefix } = keys.messagePrefix(ticketId);
  const result = await ctx.doc.send(
    new QueryCommand({
      TableName: ctx.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': PK, ':prefix': SKPrefix },
      ProjectionExpression: 'messageId',
      ScanIndexForward: false,
      Limit: depth,
    }),
  );
  return (result.Items ?? [])
    .map((item) => item.messageId as unknown)
    .filter((id): id is string => typeof id === 'string')
    .reverse();
}
