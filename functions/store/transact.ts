// Writes that must happen together go through one TransactWriteItems: a ticket and its counter,
// pool counters, ledger entries, messages and idempotency record. Each write carries the condition
// that makes it safe; a failed condition surfaces as ConcurrentChangeError naming which write lost,
// so the use case can re-read and decide again (or report a version conflict).
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { conditionFailureItem, isConditionalCheckFailed } from './conditions.ts';
import type { StoreContext } from './context.ts';

export type WriteOp = NonNullable<TransactWriteCommandInput['TransactItems']>[number] & { label: string };

/** A transaction lost a race: `failed` labels the writes whose condition did not hold. */
export class ConcurrentChangeError extends Error {
  readonly failed: { label: string; current?: Record<string, unknown> }[];
  constructor(failed: { label: string; current?: Record<string, unknown> }[]) {
    super(`concurrent change: ${failed.map((f) => f.label).join(', ') || 'transaction conflict'}`);
    this.name = 'ConcurrentChangeError';
    this.failed = failed;
  }
  lost(label: string): boolean {
    return this.failed.some((f) => f.label === label);
  }
}

/** DynamoDB's limit of items per transaction. */
const MAX_TRANSACTION_ITEMS = 100;

/**
 * One write alone, as a plain conditional write: a transaction costs two write units per kilobyte
 * of the item and of every index entry it touches, a plain write one (bench/cost.ts).
 */
async function writeAlone(ctx: StoreContext, op: WriteOp): Promise<boolean> {
  const command = op.Put
    ? new PutCommand(op.Put)
    : op.Update
      ? new UpdateCommand(op.Update)
      : op.Delete
        ? new DeleteCommand(op.Delete)
        : undefined;
  if (!command) return false;
  try {
    // biome-ignore lint/suspicious/noExplicitAny: the three commands share send's overloads poorly
    await ctx.doc.send(command as any);
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    throw new ConcurrentChangeError([
      { label: op.label, current: conditionFailureItem((error as { Item?: unknown }).Item) },
    ]);
  }
  return true;
}

export async function commit(ctx: StoreContext, ops: WriteOp[]): Promise<void> {
  if (ops.length === 0) return;
  if (ops.length === 1 && (await writeAlone(ctx, ops[0]!))) return;
  if (ops.length > MAX_TRANSACTION_ITEMS)
    throw new RangeError(`a transaction holds at most ${MAX_TRANSACTION_ITEMS} writes`);
  const items = ops.map(({ label: _label, ...item }) => item);
  try {
    await ctx.doc.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = error.CancellationReasons ?? [];
    const failed = reasons.flatMap((reason, i) =>
      reason.Code === 'ConditionalCheckFailed'
        ? [{ label: ops[i]!.label, current: conditionFailureItem(reason.Item) }]
        : [],
    );
    // No failed condition means TransactionConflict: another transaction held an item; retry.
    throw new ConcurrentChangeError(failed);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` (read, decide, commit) until it commits without losing a race. Every loser re-reads,
 * so spread the retries with growing full jitter or they collide again in lockstep.
 */
export async function withRetries<T>(attempt: (round: number) => Promise<T>, maxRounds = 60): Promise<T> {
  for (let round = 0; ; round++) {
    try {
      return await attempt(round);
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError) || round + 1 >= maxRounds) throw error;
      if (round > 0) await sleep(Math.random() * Math.min(250, 2 ** Math.min(round + 1, 8)));
    }
  }
}

/**
 * Commits `ops`, retrying only transaction conflicts (another transaction held one of the items: no
 * condition failed and nothing was written). A failed condition is thrown for the caller to read,
 * where retrying the same writes would only fail the same way.
 */
export async function commitThroughConflicts(
  ctx: StoreContext,
  ops: WriteOp[],
  maxRounds = 10,
): Promise<void> {
  for (let round = 1; ; round++) {
    try {
      return await commit(ctx, ops);
    } catch (error) {
      const conflict = error instanceof ConcurrentChangeError && error.failed.length === 0;
      if (!conflict || round >= maxRounds) throw error;
      await sleep(Math.random() * Math.min(250, 2 ** (round + 2)));
    }
  }
}

/** Put `item` only if no item has its key yet. */
export function putNew(ctx: StoreContext, label: string, item: Record<string, unknown>): WriteOp {
  return {
    label,
    Put: {
      TableName: ctx.tableName,
      Item: item,
      ConditionExpression: 'attribute_not_exists(PK)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** Put `item` over a stored one whose `version` is `expectedVersion` (0: none stored yet). */
export function putVersioned(
  ctx: StoreContext,
  label: string,
  item: Record<string, unknown>,
  expectedVersion: number,
): WriteOp {
  if (expectedVersion === 0) return putNew(ctx, label, item);
  return {
    label,
    Put: {
      TableName: ctx.tableName,
      Item: item,
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': expectedVersion },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}
