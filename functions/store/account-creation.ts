// Creating an account through the API: the account, the claim on its ticket-reference prefix and the
// idempotency record in one transaction. Prefixes must be unique because tickets are found by
// reference across all accounts (GSI1 `REF#<reference>`): two accounts sharing `ACME` would both
// own `ACME-1`.
import * as z from 'zod/mini';
import { type AccountRecord, accountCodec } from './accounts.ts';
import { codec } from './codec.ts';
import type { StoreContext } from './context.ts';
import { keys } from './keys.ts';
import { putNew, type WriteOp } from './transact.ts';

/** Labels of the writes, for reading a ConcurrentChangeError. */
export const ACCOUNT_WRITE = 'account';
export const PREFIX_WRITE = 'referencePrefix';

/** A reference prefix and the one account whose references use it. */
interface ReferencePrefixClaim {
  prefix: string;
  accountId: string;
}

const referencePrefixCodec = codec<ReferencePrefixClaim>({
  type: 'referencePrefix',
  schema: z.looseObject({ prefix: z.string(), accountId: z.string() }),
  key: (claim) => keys.referencePrefix(claim.prefix),
});

export function createAccountOps(ctx: StoreContext, account: AccountRecord): WriteOp[] {
  return [
    putNew(ctx, ACCOUNT_WRITE, accountCodec.toItem(account)),
    putNew(
      ctx,
      PREFIX_WRITE,
      referencePrefixCodec.toItem({ prefix: account.referencePrefix, accountId: account.id }),
    ),
  ];
}
