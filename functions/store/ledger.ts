// Ledger entries: written put-if-absent in the transaction of the change that caused them (ids are
// derived from the cause, so a retried command cannot book twice); read per account and month, or
// per month across accounts for the export. An entry recorded after its month ended is booked into
// the open month as an adjustment (functions/domain/month-close.ts); its key keeps the month it is
// dated in, so a retry after the close still finds (and does not duplicate) it, and tickets' refs
// stay valid. The month index (GSI3) holds it under the month it is booked into.
import { BatchGetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { type LedgerEntry, ledgerEntrySchema } from '../domain/ledger.ts';
import { datedMonthOf } from '../domain/month-close.ts';
import { codec } from './codec.ts';
import type { StoreContext } from './context.ts';
import { keys, ledgerIndexKeys, partitions } from './keys.ts';
import { queryAll, queryPages } from './query.ts';
import { LEDGER_INDEX_ATTRIBUTES } from './table-definition.ts';
import { putNew, type WriteOp } from './transact.ts';

/** A ledger entry as booked: keyed by the month it is dated in, indexed under the month it is booked into. */
export const ledgerCodec = codec<LedgerEntry>({
  type: 'ledger',
  schema: z.looseObject(ledgerEntrySchema.shape),
  key: (entry) => keys.ledgerEntry(entry.accountId, datedMonthOf(entry), entry.id),
  index: ledgerIndexKeys,
});

/** The write of an entry already booked into its month (`bookInOpenMonth`, done by the use case). */
export function ledgerOp(ctx: StoreContext, booked: LedgerEntry): WriteOp {
  return putNew(ctx, `ledger:${booked.id}`, ledgerCodec.toItem(booked));
}

/** An account's entries dated in one month (`YYYY-MM`, late ones included), in entry-id order. */
export function ledgerOfAccount(ctx: StoreContext, accountId: string, month: string): Promise<LedgerEntry[]> {
  return queryAll(ctx, partitions.ledgerOfAccount(accountId, month), ledgerCodec.fromItem, {
    consistent: true,
  });
}

/**
 * An account's entries booked into `month` (the export's selection): those dated in it, read
 * consistently from the account's partition, and late entries of earlier months booked into it, from
 * the month index (GSI3, `<accountId>#...`). The caller keeps those whose booked month is `month`.
 */
export async function ledgerBookedInMonth(
  ctx: StoreContext,
  accountId: string,
  month: string,
): Promise<LedgerEntry[]> {
  const [dated, indexed] = await Promise.all([
    ledgerOfAccount(ctx, accountId, month),
    queryAll(
      ctx,
      { ...partitions.ledgerOfMonth(month), sortKeyPrefix: `${accountId}#` },
      ledgerCodec.fromItem,
    ),
  ]);
  const byId = new Map<string, LedgerEntry>();
  for (const entry of [...dated, ...indexed]) if (entry.month === month) byId.set(entry.id, entry);
  return [...byId.values()];
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
        Keys: refs.slice(i, i + 100).map((ref) => ({ ...keys.ledgerEntryByRef(accountId, ref) })),
        ConsistentRead: true,
      },
    };
    while (request && Object.keys(request).length > 0) {
      const result: BatchGetCommandOutput = await ctx.doc.send(
        new BatchGetCommand({ RequestItems: request }),
      );
      entries.push(...(result.Responses?.[ctx.tableName] ?? []).map(ledgerCodec.fromItem));
      request = result.UnprocessedKeys as typeof request;
    }
  }
  return entries.sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
}

/**
 * The entries booked in `month`, page by page as DynamoDB returns them (up to 1 MB each), ordered by
 * account then time: one Query on the month's index partition, never a Scan, and never the whole
 * month in memory. `pageSize` caps items per page (tests).
 */
export function ledgerPagesOfMonth(
  ctx: StoreContext,
  month: string,
  pageSize?: number,
): AsyncGenerator<LedgerEntry[]> {
  // The month index holds whole entries (LEDGER_INDEX_ATTRIBUTES): no second read.
  return queryPages(ctx, partitions.ledgerOfMonth(month), ledgerCodec.fromItem, {
    attributes: LEDGER_INDEX_ATTRIBUTES,
    ...(pageSize ? { pageSize } : {}),
  });
}
