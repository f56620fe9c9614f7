// API keys: shown once when created, stored only as a SHA-256 hash. A key carries a role and, for
// customers, the one account it may see. A small lookup item maps the public keyId to the hash so
// an admin can revoke a key without ever holding its secret.
import { createHash, randomBytes } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { NotFoundError } from '../domain/errors.ts';
import { codec } from './codec.ts';
import { isConditionalCheckFailed } from './conditions.ts';
import type { StoreContext } from './context.ts';
import { keys } from './keys.ts';
import { commit, putNew } from './transact.ts';

export const ROLES = ['customer', 'agent', 'finance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface ApiKeyRecord {
  keyId: string;
  role: Role;
  /** Customers only: the account the key is scoped to. */
  accountId?: string;
  name: string;
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

export async function createApiKey(
  ctx: StoreContext,
  input: Omit<ApiKeyRecord, 'keyId' | 'createdAt'>,
  now: Date,
  secret = newApiKeySecret(input.role),
): Promise<{ record: ApiKeyRecord; secret: string }> {
  const hash = hashApiKey(secret);
  const record: ApiKeyRecord = { ...input, keyId: hash.slice(0, 16), createdAt: now.toISOString() };
  await commit(ctx, [
    putNew(ctx, 'apiKey', apiKeyCodec(hash).toItem(record)),
    putNew(ctx, 'apiKeyId', apiKeyIdCodec(record.keyId).toItem({ keyHash: hash })),
  ]);
  return { record, secret };
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
