// Paging cursors, opaque in fact: the key a list resumes after, sealed with AES-256-GCM under a
// per-deployment secret and bound to whoever asked and what they asked (the caller's key, route and
// filters, and the partition queried). A cursor reveals nothing of the table's keys, and one issued
// to another key, for another route or with other filters fails authentication and is refused as a
// bad `cursor`, as is anything hand-made. An opened cursor must still have exactly the key
// attributes of the query it resumes, in its partition, before it reaches DynamoDB.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { ValidationError } from '../domain/errors.ts';
import type { QueryPartition } from './keys.ts';
import { PARTITION_KEY, SORT_KEY } from './table-definition.ts';

type Key = Record<string, string>;

/** The deployment's cursor secret (at least 32 bytes), loaded when first needed and then kept. */
export type CursorSecret = () => Promise<Uint8Array>;

/** Loads the secret once per container; a failed load is tried again on the next use. */
export function lazyCursorSecret(load: () => Promise<Uint8Array>): CursorSecret {
  let loading: Promise<Uint8Array> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}

/** A secret given as text. @internal the tests seal cursors with a known secret */
export function fixedCursorSecret(secret: string): CursorSecret {
  const bytes = Buffer.from(secret, 'utf8');
  if (bytes.length < 32) throw new RangeError('a cursor secret has at least 32 bytes');
  return () => Promise.resolve(bytes);
}

/** A secret of this process alone: cursors outlive neither it nor a move to another process. */
export function ephemeralCursorSecret(): CursorSecret {
  const bytes = randomBytes(32);
  return () => Promise.resolve(bytes);
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const derived = new WeakMap<Uint8Array, Buffer>();

/** The AES key of a secret: HKDF-SHA256, so the stored secret itself never keys a cipher. */
function cipherKey(secret: Uint8Array): Buffer {
  let key = derived.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', secret, 'support-desk', 'paging cursor v1', 32));
    derived.set(secret, key);
  }
  return key;
}

/** What a cursor is bound to: the caller's scope and everything that shapes the query. */
export function cursorBinding(scope: string, query: QueryPartition, shape: unknown): string {
  return JSON.stringify([scope, query.index ?? null, query.partition, query.sortKeyPrefix ?? null, shape]);
}

/** The cursor for resuming after `lastKey`, sealed and bound to `binding`. */
export async function encodeCursor(
  secret: CursorSecret,
  lastKey: Record<string, unknown> | undefined,
  binding: string,
): Promise<string | undefined> {
  if (!lastKey) return undefined;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', cipherKey(await secret()), iv);
  cipher.setAAD(Buffer.from(binding, 'utf8'));
  const sealed = Buffer.concat([cipher.update(JSON.stringify(lastKey), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

const refused = () => ValidationError.field('cursor', 'is not a cursor this list issued to this key');

/** The ExclusiveStartKey a cursor stands for, if it was sealed for `binding` and fits `query`. */
export async function decodeCursor(
  secret: CursorSecret,
  cursor: string | undefined,
  binding: string,
  query: QueryPartition,
): Promise<Key | undefined> {
  if (cursor === undefined || cursor === '') return undefined;
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw refused();
  const raw = Buffer.from(cursor, 'base64url');
  if (raw.length <= 1 + IV_BYTES + TAG_BYTES || raw[0] !== VERSION) throw refused();
  let key: unknown;
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      cipherKey(await secret()),
      raw.subarray(1, 1 + IV_BYTES),
    );
    decipher.setAAD(Buffer.from(binding, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    const plain = Buffer.concat([
      decipher.update(raw.subarray(1 + IV_BYTES, raw.length - TAG_BYTES)),
      decipher.final(),
    ]);
    key = JSON.parse(plain.toString('utf8'));
  } catch {
    throw refused();
  }
  return checkedKey(key, query);
}

/** The key, if it has exactly the attributes of `query`'s keys, all non-empty strings, in its partition. */
export function checkedKey(key: unknown, query: QueryPartition): Key {
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

/** The key of a stored item for resuming `query` after it: the table's keys and the index's. */
export function keyOfItem(item: Record<string, unknown>, query: QueryPartition): Record<string, unknown> {
  const names = new Set([PARTITION_KEY, SORT_KEY, query.partitionKey, query.sortKey]);
  return Object.fromEntries([...names].map((name) => [name, item[name]]));
}
