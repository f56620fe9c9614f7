// Creating an account through the API: the account, the claim on its ticket-reference prefix and the
// idempotency record in one transaction. Prefixes must be unique because tickets are found by
// reference across all accounts (GSI1 `REF#<reference>`): two accounts sharing `ACME` would both
// own `ACME-1`.
import { type AccountRecord, accountItem } from './accounts.ts';
import type { StoreContext } from './context.ts';
import { keys } from './keys.ts';
import { putNew, type WriteOp } from './transact.ts';

/** Labels of the writes, for reading a ConcurrentChangeError. */
export const ACCOUNT_WRITE = 'account';
export const PREFIX_WRITE = 'referencePrefix';

export function createAccountOps(ctx: StoreContext, account: AccountRecord): WriteOp[] {
  return [
    putNew(ctx, ACCOUNT_WRITE, accountItem(account)),
    putNew(ctx, PREFIX_WRITE, {
      ...keys.referencePrefix(account.referencePrefix),
      type: 'referencePrefix',
      prefix: account.referencePrefix,
      accountId: account.id,
    }),
  ];
}
