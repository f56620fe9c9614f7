// API keys: shown once when created, stored only as a SHA-256 hash. A key carries a role and, for
// customers, the one account it may see. A small lookup item maps the public keyId to the hash so
// an admin can revoke a key without ever holding its secret. Staff keys (agent, admin) may carry the
// person's mail address: notifications go there, and replies from it act as that key.
import { createHash, randomBytes } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.ts';
import { codec } from './codec.ts';
import { isConditionalCheckFailed } from './conditions.ts';
import type { StoreContext } from './context.ts';
import { keys } from './keys.ts';
import { ConcurrentChangeError, commit, putNew, type WriteOp } from './transact.ts';

export const ROLES = ['customer', 'agent', 'finance', 'admin'] as const;
export type Role = (typeof ROLES)[number];
/** Roles that work tickets: they may be assigned, and may have a staff mail address. */
export const STAFF_ROLES: readonly Role[] = ['agent', 'admin'];

export interface ApiKeyRecord {
  keyId: string;
  role: Role;
  /** Customers only: the account the key is scoped to. */
  accountId?: string;
  name: string;
  /** Staff keys only: the person's mail address (lowercase). */
  email?: string;
  /** Staff keys: the name customers see on the key's messages (default "Support agent"). */
  displayName?: string;
  createdAt: string;
  revokedAt?: string;
}

const apiKeySchema: z.ZodMiniType<ApiKeyRecord> = z.looseObject({
  keyId: z.string(),
  role: z.enum(ROLES),
  accountId: z.optional(z.string()),
  name: z.string(),
  email: z.optional(z.string()),
  displayName: z.optional(z.string()),
  createdAt: z.string(),
  revokedAt: z.optional(z.string()),
});

/** The key's record, stored under the hash of its secret (the item holds no secret). */
const apiKeyCodec = (keyHash: string) =>
  codec<ApiKeyRecord>({ type: 'apiKey', schema: apiKeySchema, key: () => keys.apiKey(keyHash) });

/** A key's public keyId -> the hash its record is stored under, for revocation. */
const apiKeyIdCodec = (keyId: string) =>
  codec<{ keyHash: string }>({
    type: 'apiKeyId',
    schema: z.looseObject({ keyHash: z.string() }),
    key: () => keys.apiKeyId(keyId),
  });

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A new secret: `sd_<role>_<43 base64url chars>` (256 random bits); the prefix helps secret scanners. */
function newApiKeySecret(role: Role): string {
  return `sd_${role}_${randomBytes(32).toString('base64url')}`;
}

/** A staff address and the key it belongs to. */
const staffAddressCodec = codec<{ email: string; keyId: string }>({
  type: 'staffAddress',
  schema: z.looseObject({ email: z.string(), keyId: z.string() }),
  key: (entry) => keys.staffAddress(entry.email),
});

export async function createApiKey(
  ctx: StoreContext,
  input: Omit<ApiKeyRecord, 'keyId' | 'createdAt'>,
  now: Date,
  secret = newApiKeySecret(input.role),
): Promise<{ record: ApiKeyRecord; secret: string }> {
  const hash = hashApiKey(secret);
  const { email, ...rest } = input;
  const address = email?.toLowerCase();
  const record: ApiKeyRecord = {
    ...rest,
    ...(address ? { email: address } : {}),
    keyId: hash.slice(0, 16),
    createdAt: now.toISOString(),
  };
  try {
    await commit(ctx, [
      putNew(ctx, 'apiKey', apiKeyCodec(hash).toItem(record)),
      putNew(ctx, 'apiKeyId', apiKeyIdCodec(record.keyId).toItem({ keyHash: hash })),
      ...(address
        ? [putNew(ctx, 'staffAddress', staffAddressCodec.toItem({ email: address, keyId: record.keyId }))]
        : []),
    ]);
  } catch (error) {
    if (error instanceof ConcurrentChangeError && error.lost('staffAddress')) throw addressTaken(address!);
    throw error;
  }
  return { record, secret };
}

const addressTaken = (email: string) => new ConflictError(`${email} is the address of another staff key`);

/** The hash a keyId's record is stored under, if the key exists. */
async function hashOfKeyId(ctx: StoreContext, keyId: string): Promise<string | undefined> {
  const lookup = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: keys.apiKeyId(keyId), ConsistentRead: true }),
  );
  return lookup.Item ? apiKeyIdCodec(keyId).fromItem(lookup.Item).keyHash : undefined;
}

/** A key's record by its public keyId (revoked keys too), or undefined. */
export async function getApiKeyById(ctx: StoreContext, keyId: string): Promise<ApiKeyRecord | undefined> {
  const hash = await hashOfKeyId(ctx, keyId);
  if (!hash) return undefined;
  const result = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: keys.apiKey(hash), ConsistentRead: true }),
  );
  return result.Item ? apiKeyCodec(hash).fromItem(result.Item) : undefined;
}

/** A staff key that may work tickets now: agent or admin, not revoked. */
export async function activeStaffKey(ctx: StoreContext, keyId: string): Promise<ApiKeyRecord | undefined> {
  const record = await getApiKeyById(ctx, keyId);
  return record && !record.revokedAt && STAFF_ROLES.includes(record.role) ? record : undefined;
}

/** The active staff key whose registered address is `email`, if any. */
export async function staffByAddress(ctx: StoreContext, email: string): Promise<ApiKeyRecord | undefined> {
  const result = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: keys.staffAddress(email), ConsistentRead: true }),
  );
  const item = result.Item;
  if (!item) return undefined;
  const staff = await activeStaffKey(ctx, staffAddressCodec.fromItem(item).keyId);
  return staff?.email === email.toLowerCase() ? staff : undefined;
}

/**
 * Sets (or with null removes) the mail address of a staff key: the address is claimed for this key
 * alone, the previous one released, in one transaction.
 */
export async function setStaffAddress(
  ctx: StoreContext,
  keyId: string,
  email: string | null,
): Promise<ApiKeyRecord> {
  const hash = await hashOfKeyId(ctx, keyId);
  const record = hash ? await getApiKeyById(ctx, keyId) : undefined;
  if (!hash || !record) throw new NotFoundError(`API key ${keyId}`);
  if (record.revokedAt) throw ValidationError.field('keyId', 'is revoked');
  if (!STAFF_ROLES.includes(record.role)) {
    throw ValidationError.field(
      'email',
      `only agent and admin keys have a staff address; this is a ${record.role} key`,
    );
  }
  const address = email?.toLowerCase();
  if (address === record.email) return record;
  const { email: _previous, ...rest } = record;
  const next: ApiKeyRecord = { ...rest, ...(address ? { email: address } : {}) };
  const ops: WriteOp[] = [
    {
      label: 'apiKey',
      Update: {
        TableName: ctx.tableName,
        Key: keys.apiKey(hash),
        UpdateExpression: address ? 'SET email = :email' : 'REMOVE email',
        // Over the record as read: a concurrent revocation or address change is not overwritten.
        ConditionExpression: `attribute_exists(PK) AND attribute_not_exists(revokedAt) AND ${
          record.email === undefined ? 'attribute_not_exists(email)' : 'email = :previous'
        }`,
        ...(address || record.email
          ? {
              ExpressionAttributeValues: {
                ...(address ? { ':email': address } : {}),
                ...(record.email ? { ':previous': record.email } : {}),
              },
            }
          : {}),
      },
    },
    ...(address ? [putNew(ctx, 'staffAddress', staffAddressCodec.toItem({ email: address, keyId }))] : []),
    ...(record.email
      ? [{ label: 'oldAddress', Delete: { TableName: ctx.tableName, Key: keys.staffAddress(record.email) } }]
      : []),
  ];
  try {
    await commit(ctx, ops);
  } catch (error) {
    if (error instanceof ConcurrentChangeError && error.lost('staffAddress')) throw addressTaken(address!);
    throw error;
  }
  return next;
}

/** The key's record if the secret is known and not revoked. */
export async function findApiKey(ctx: StoreContext, secret: string): Promise<ApiKeyRecord | undefined> {
  const hash = hashApiKey(secret);
  const result = await ctx.doc.send(new GetCommand({ TableName: ctx.tableName, Key: keys.apiKey(hash) }));
  if (!result.Item) return undefined;
  const record = apiKeyCodec(hash).fromItem(result.Item);
  return record.revokedAt ? undefined : record;
}

/**
 * Marks a key revoked (the authorizer refuses it from then on; API Gateway may serve its cached
 * answer until the authorizer cache expires). Revoking twice keeps the first date.
 */
export async function revokeApiKey(ctx: StoreContext, keyId: string, now: Date): Promise<ApiKeyRecord> {
  const lookup = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: keys.apiKeyId(keyId), ConsistentRead: true }),
  );
  if (!lookup.Item) throw new NotFoundError(`API key ${keyId}`);
  const hash = apiKeyIdCodec(keyId).fromItem(lookup.Item).keyHash;
  try {
    const result = await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: keys.apiKey(hash),
        UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now)',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':now': now.toISOString() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return apiKeyCodec(hash).fromItem(result.Attributes ?? {});
  } catch (error) {
    if (isConditionalCheckFailed(error)) throw new NotFoundError(`API key ${keyId}`);
    throw error;
  }
}
