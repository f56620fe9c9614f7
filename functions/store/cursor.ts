// Opaque pagination cursors: DynamoDB's LastEvaluatedKey, base64url-encoded, bound to the partition
// it was issued for so a cursor from one account's list cannot page through another's.
import { ValidationError } from '../domain/errors.ts';

type Key = Record<string, unknown>;

export function encodeCursor(lastKey: Key | undefined): string | undefined {
  return lastKey ? Buffer.from(JSON.stringify(lastKey)).toString('base64url') : undefined;
}

export function decodeCursor(
  cursor: string | undefined,
  partitionAttribute: string,
  partition: string,
): Key | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw ValidationError.field('cursor', 'is not a cursor this list issued');
  }
  if (!key || typeof key !== 'object' || (key as Key)[partitionAttribute] !== partition) {
    throw ValidationError.field('cursor', 'is not a cursor this list issued');
  }
  return key as Key;
}
