// Close state of ledger months: one item per month that a close has started (`closing`, with a
// lease) or finished (`closed`, with the export's object keys, sizes and sha256), and a cursor at
// the first month not closed yet. Every transition is conditional, so a schedule that fires twice,
// or two closers racing, close a month once; a closer that died is replaced once its lease ends.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from './conditions.ts';
import type { StoreContext } from './context.ts';
import { keys } from './keys.ts';

export interface ExportObject {
  key: string;
  sha256: string;
  bytes: number;
}

export interface ClosedMonth {
  month: string;
  state: 'closed';
  closedAt: string;
  exportTimeZone: string;
  /** sha256 of the CSV: the export's identity (also its ETag). */
  contentHash: string;
  csv: ExportObject;
  json: ExportObject;
  entryCount: number;
  accountCount: number;
  lineCount: number;
}

export interface ClosingMonth {
  month: string;
  state: 'closing';
  closeId: string;
  startedAt: string;
  /** Another closer may take over after this instant (this one is presumed dead). */
  leaseUntil: string;
}

export type MonthRecord = ClosedMonth | ClosingMonth;

function strip(item: Record<string, unknown>): Record<string, unknown> {
  const { PK: _pk, SK: _sk, type: _type, ...rest } = item;
  return rest;
}

export async function getMonth(ctx: StoreContext, month: string): Promise<MonthRecord | undefined> {
  const result = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: keys.month(month), ConsistentRead: true }),
  );
  return result.Item ? (strip(result.Item) as unknown as MonthRecord) : undefined;
}

export type Claim = { outcome: 'claimed' } | { outcome: 'closed'; record: ClosedMonth } | { outcome: 'busy' };

/** Starts closing `month` unless it is closed or another closer holds a live lease. */
export async function claimMonth(
  ctx: StoreContext,
  month: string,
  closeId: string,
  now: Date,
  leaseMs: number,
): Promise<Claim> {
  const record: ClosingMonth = {
    month,
    state: 'closing',
    closeId,
    startedAt: now.toISOString(),
    leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
  };
  try {
    await ctx.doc.send(
      new PutCommand({
        TableName: ctx.tableName,
        Item: { ...keys.month(month), type: 'month', ...record },
        ConditionExpression: 'attribute_not_exists(PK) OR (#state = :closing AND leaseUntil < :now)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':closing': 'closing', ':now': record.startedAt },
      }),
    );
    return { outcome: 'claimed' };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const current = await getMonth(ctx, month);
    return current?.state === 'closed' ? { outcome: 'closed', record: current } : { outcome: 'busy' };
  }
}

/** Marks `month` closed, only while `closeId` still holds it. False when it lost the lease. */
export async function completeMonth(
  ctx: StoreContext,
  closeId: string,
  record: ClosedMonth,
): Promise<boolean> {
  try {
    await ctx.doc.send(
      new PutCommand({
        TableName: ctx.tableName,
        Item: { ...keys.month(record.month), type: 'month', ...record },
        ConditionExpression: '#state = :closing AND closeId = :closeId',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':closing': 'closing', ':closeId': closeId },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** The first month not closed yet, if any close has run. */
export async function getMonthCursor(ctx: StoreContext): Promise<string | undefined> {
  const result = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: keys.monthCursor(), ConsistentRead: true }),
  );
  return result.Item?.month as string | undefined;
}

/** Moves the cursor from `from` (undefined: not set yet) to `to`; false when someone else moved it. */
export async function moveMonthCursor(
  ctx: StoreContext,
  from: string | undefined,
  to: string,
): Promise<boolean> {
  try {
    await ctx.doc.send(
      new PutCommand({
        TableName: ctx.tableName,
        Item: { ...keys.monthCursor(), type: 'monthCursor', month: to },
        ConditionExpression: from === undefined ? 'attribute_not_exists(PK)' : '#month = :from',
        ...(from === undefined
          ? {}
          : {
              ExpressionAttributeNames: { '#month': 'month' },
              ExpressionAttributeValues: { ':from': from },
            }),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}
