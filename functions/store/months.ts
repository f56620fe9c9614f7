// Close state of ledger months: one item per month that a close has started (`closing`, with a
// lease) or finished (`closed`, with the export's object keys, sizes and sha256), and a cursor at
// the first month not closed yet. Every transition is conditional, so a schedule that fires twice,
// or two closers racing, close a month once; a closer that died is replaced once its lease ends.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { codec } from './codec.ts';
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

interface ClosingMonth {
  month: string;
  state: 'closing';
  closeId: string;
  startedAt: string;
  /** Another closer may take over after this instant (this one is presumed dead). */
  leaseUntil: string;
}

type MonthRecord = ClosedMonth | ClosingMonth;

const exportObject = z.looseObject({ key: z.string(), sha256: z.string(), bytes: z.number() });

const monthCodec = codec<MonthRecord>({
  type: 'month',
  schema: z.union([
    z.looseObject({
      month: z.string(),
      state: z.literal('closed'),
      closedAt: z.string(),
      exportTimeZone: z.string(),
      contentHash: z.string(),
      csv: exportObject,
      json: exportObject,
      entryCount: z.number(),
      accountCount: z.number(),
      lineCount: z.number(),
    }),
    z.looseObject({
      month: z.string(),
      state: z.literal('closing'),
      closeId: z.string(),
      startedAt: z.string(),
      leaseUntil: z.string(),
    }),
  ]),
  key: (record) => keys.month(record.month),
});

/** The first month not closed yet. */
interface MonthCursor {
  month: string;
}

const monthCursorCodec = codec<MonthCursor>({
  type: 'monthCursor',
  schema: z.looseObject({ month: z.string() }),
  key: () => keys.monthCursor(),
});

export async function getMonth(ctx: StoreContext, month: string): Promise<MonthRecord | undefined> {
  const result = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: keys.month(month), ConsistentRead: true }),
  );
  return result.Item ? monthCodec.fromItem(result.Item) : undefined;
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
        Item: monthCodec.toItem(record),
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
        Item: monthCodec.toItem(record),
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
  return result.Item ? monthCursorCodec.fromItem(result.Item).month : undefined;
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
        Item: monthCursorCodec.toItem({ month: to }),
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
