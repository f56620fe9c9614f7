// API-key administration: issue a key (the secret is returned once and never stored) and revoke one
// by its public keyId. Customer keys are bound to one existing account; staff keys to none.
// Creation does not honour Idempotency-Key: replaying it would mean storing the secret. Staff keys
// may carry the person's mail address (agent notifications go there; replies from it act as the key).
import { ValidationError } from '../domain/errors.ts';
import { getAccount } from '../store/accounts.ts';
import {
  type ApiKeyRecord,
  createApiKey,
  type Role,
  revokeApiKey,
  STAFF_ROLES,
  setStaffAddress,
} from '../store/api-keys.ts';
import type { AppContext } from './context.ts';

export function apiKeyView(record: ApiKeyRecord) {
  return {
    keyId: record.keyId,
    role: record.role,
    ...(record.accountId ? { accountId: record.accountId } : {}),
    name: record.name,
    ...(record.email ? { email: record.email } : {}),
    ...(record.displayName ? { displayName: record.displayName } : {}),
    createdAt: record.createdAt,
    ...(record.revokedAt ? { revokedAt: record.revokedAt } : {}),
  };
}

export async function issueApiKey(
  ctx: AppContext,
  input: {
    role: Role;
    accountId?: string | undefined;
    name: string;
    email?: string | undefined;
    displayName?: string | undefined;
  },
): Promise<{ secret: string; record: ApiKeyRecord }> {
  if (input.email !== undefined && !STAFF_ROLES.includes(input.role)) {
    throw ValidationError.field(
      'email',
      `is for agent and admin keys only (their staff address), not ${input.role} keys`,
    );
  }
  if (input.role === 'customer') {
    if (!input.accountId) throw ValidationError.field('accountId', 'is required for customer keys');
    if (!(await getAccount(ctx.store, input.accountId))) {
      throw ValidationError.field('accountId', `no account "${input.accountId}"`);
    }
  } else if (input.accountId !== undefined) {
    throw ValidationError.field(
      'accountId',
      `is for customer keys only; ${input.role} keys see every account`,
    );
  }
  return createApiKey(
    ctx.store,
    {
      role: input.role,
      name: input.name,
      ...(input.accountId ? { accountId: input.accountId } : {}),
      ...(input.email ? { email: input.email } : {}),
      ...(input.displayName ? { displayName: input.displayName } : {}),
    },
    ctx.clock.now(),
  );
}

export function revokeKey(ctx: AppContext, keyId: string): Promise<ApiKeyRecord> {
  return revokeApiKey(ctx.store, keyId, ctx.clock.now());
}

/** Sets or removes the staff address of an agent or admin key (notifications, replies by mail). */
export function setKeyAddress(ctx: AppContext, keyId: string, email: string | null): Promise<ApiKeyRecord> {
  return setStaffAddress(ctx.store, keyId, email);
}
