// Idempotency-Key support for creates: the response of the first request is stored in the same
// transaction as what it created, so a retry (same key, same body) gets the same answer and
// creates nothing; the same key with another body is refused. Records expire after a day (TTL).
import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { DeskError, ValidationError } from '../domain/errors.ts';
import { codec } from './codec.ts';
import type { StoreContext } from './context.ts';
import { keys } from './keys.ts';
import { TTL_ATTRIBUTE } from './table-definition.ts';
import { putNew, type WriteOp } from './transact.ts';

const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

export interface StoredResponse {
  status: number;
  body: unknown;
}

export interface IdempotencyRecord {
  requestHash: string;
  response: StoredResponse;
  createdAt: string;
}

/** The record of one Idempotency-Key in one scope (both are its key); expires after a day. */
const idempotencyCodec = (scope: string, key: string) =>
  codec<IdempotencyRecord>({
    type: 'idempotency',
    schema: z.looseObject({
      requestHash: z.string(),
      response: z.looseObject({ status: z.int(), body: z.unknown() }),
      createdAt: z.string(),
    }),
    key: () => keys.idempotency(scope, key),
    notInRecord: [TTL_ATTRIBUTE],
  });

/** The same key reused with a different request. */
export class IdempotencyMismatchError extends DeskError {
  readonly code = 'idempotency_mismatch';
  constructor() {
    super('this Idempotency-Key was already used with a different request');
    this.name = 'IdempotencyMismatchError';
  }
}

export function requestHash(body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(body ?? null))
    .digest('hex');
}

/** The write that records the response; label `idempotency`. Lost: the key was used meanwhile. */
export function idempotencyOp(
  ctx: StoreContext,
  scope: string,
  key: string,
  record: IdempotencyRecord,
  now: Date,
): WriteOp {
  return putNew(
    ctx,
    'idempotency',
    idempotencyCodec(scope, key).toItem(record, {
      [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
    }),
  );
}

export async function findIdempotentResponse(
  ctx: StoreContext,
  scope: string,
  key: string,
  hash: string,
): Promise<StoredResponse | undefined> {
  const result = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: keys.idempotency(scope, key), ConsistentRead: true }),
  );
  if (!result.Item) return undefined;
  const record = idempotencyCodec(scope, key).fromItem(result.Item);
  if (record.requestHash !== hash) throw new IdempotencyMismatchError();
  return record.response;
}
