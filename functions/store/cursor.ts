// Opaque pagination cursors: DynamoDB's LastEvaluatedKey, base64url-encoded, bound to the partition
// it was issued for so a cursor from one account's list cannot page through another's. A decoded
// cursor must have exactly the key attributes of the query it resumes (the table's keys, plus the
// index's for an index query), all strings, in the query's partition: anything else is refused here
// as a bad `cursor` rather than reaching DynamoDB as an ExclusiveStartKey it rejects.
import { ValidationError } from '../domain/errors.ts';
import type { QueryPartition } from './keys.ts';
import { PARTITION_KEY, SORT_KEY } from './table-definition.ts';

type Key = Record<string, string>;

export function encodeCursor(lastKey: Record<string, unknown> | undefined): string | undefined {
  return lastKey ? Buffer.from(JSON.stringify(lastKey)).toString('base64url') : undefined;
}

const refused = () => ValidationError.field('cursor', 'is not a cursor this list issued');

/** The ExclusiveStartKey a cursor stands for, checked against the query it is meant to resume. */
export function decodeCursor(cursor: string | undefined, query: QueryPartition): Key | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refused();
  }
  if (!key || typeof key !== 'object' || Array.isArray(key)) throw refused();
  const expected = new Set([PARTITION_KEY, SORT_KEY, query.partitionKey, query.sortKey]);
  const attributes = Object.entries(key);
  if (attributes.length !== expected.size) throw refused();
  for (const [name, value] of attributes) {
    if (!expected.has(name) || typeof value !== 'string' || value === '') throw refused();
  }
  const start = key as Key;
  if (start[query.partitionKey] !== query.partition) throw refused();
  if (query.sortKeyPrefix !== undefined && !start[query.sortKey]!.startsWith(query.sortKeyPrefix)) {
    throw refused();
  }
  return start;
}
