// Ledger entries: written put-if-absent in the transaction of the change that caused them (ids are
// derived from the cause, so a retried command cannot book twice); read per account and month, or
// per month across accounts for the export. An entry recorded after its month ended is booked into
// the open month as an adjustment (functions/domain/month-close.ts); its key keeps the month it is
// dated in, so a retry after the close still finds (and does not duplicate) it, and tickets' refs
// stay valid. The month index (GSI3) holds it under the month it is booked into.
import { BatchGetCommand, type BatchGetCommandOutput, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LedgerEntry } from '../domain/ledger.ts';
import { datedMonthOf } from '../domain/month-close.ts';
import type { StoreContext } from './context.ts';
import { INDEX_FOR, keys, ledgerIndexKeys } from './keys.ts';
import { putNew, type WriteOp } from './transact.ts';

/** The write of an entry already booked into its month (`bookInOpenMonth`, done by the use case). */
export function ledgerOp(ctx: StoreContext, booked: LedgerEntry): WriteOp {
  return putNew(ctx, `ledger:${booked.id}`, {
    ...booked,
    ...keys.ledgerEntry(booked.accountId, datedMonthOf(booked), booked.id),
    ...ledgerIndexKeys(booked),
    type: 'ledger',
  });
}

function toEntry(item: Record<string, unknown>): LedgerEntry {
  const { PK: _pk, SK: _sk, type: _type, GSI3PK: _g, GSI3SK: _s, ...entry } = item;
  return entry as LedgerEntry;
}

async function queryAll(ctx: StoreContext, input: ConstructorParameters<typeof QueryCommand>[0]) {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const result = await ctx.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(result.Items ?? []));
    startKey = result.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** An account's entries dated in one month (`YYYY-MM`, late ones included), in entry-id order. */
export async function ledgerOfAccount(
  ctx: StoreContext,
  accountId: string,
  month: string,
): Promise<LedgerEntry[]> {
  const { PK, SKPrefix } = keys.ledgerMonthPrefix(accountId, month);
  const items = await queryAll(ctx, {
    TableName: ctx.tableName,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': PK, ':prefix': SKPrefix },
    ConsistentRead: true,
  });
  return items.map(toEntry);
}

/** Where an entry is stored, `<month>#<id>`: tickets keep these to find their own entries. */
export function ledgerRef(entry: LedgerEntry): string {
  return `${datedMonthOf(entry)}#${entry.id}`;
}

/** Entries by their refs (a ticket's own, for reclassification): one BatchGet per 100. */
export async function ledgerEntriesByRef(
  ctx: StoreContext,
  accountId: string,
  refs: readonly string[],
): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  for (let i = 0; i < refs.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined = {
      [ctx.tableName]: {
        Keys: refs.slice(i, i + 100).map((ref) => ({ PK: `LEDGER#${accountId}`, SK: ref })),
        ConsistentRead: true,
      },
    };
    while (request && Object.keys(request).length > 0) {
      const result: BatchGetCommandOutput = await ctx.doc.send(
        new BatchGetCommand({ RequestItems: request }),
      );
      entries.push(...(result.Responses?.[ctx.tableName] ?? []).map(toEntry));
      request = result.UnprocessedKeys as typeof request;
    }
  }
  return entries.sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
}

/** Every account's entries booked in one month, ordered by account then time. */
export async function ledgerOfMonth(ctx: StoreContext, month: string): Promise<LedgerEntry[]> {
  const items = await queryAll(ctx, {
    TableName: ctx.tableName,
    IndexName: INDEX_FOR.ledgerByMonth,
    KeyConditionExpression: 'GSI3PK = :pk',
    ExpressionAttributeValues: { ':pk': `LEDGER#${month}` },
  });
  return items.map(toEntry);
}

/**
 * The entries booked in `month`, page by page as DynamoDB returns them (up to 1 MB each), ordered by
 * account then time: one Query on the month's index partition, never a Scan, and never the whole
 * month in memory. `pageSize` caps items per page (tests).
 */
export async function* ledgerPagesOfMonth(
  ctx: StoreContext,
  month: string,
  pageSize?: number,
): AsyncGenerator<LedgerEntry[]> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const result = await ctx.doc.send(
      new QueryCommand({
        TableName: ctx.tableName,
        IndexName: INDEX_FOR.ledgerByMonth,
        KeyConditionExpression: 'GSI3PK = :pk',
        ExpressionAttributeValues: { ':pk': `LEDGER#${month}` },
        ExclusiveStartKey: startKey,
        ...(pageSize ? { Limit: pageSize } : {}),
      }),
    );
    const items = result.Items ?? [];
    if (items.length > 0) yield items.map(toEntry);
    startKey = result.LastEvaluatedKey;
  } while (startKey);
}
