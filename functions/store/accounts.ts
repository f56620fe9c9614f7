// Accounts and what hangs off them in one partition: the account (with its contract), registered
// contacts, the ticket counter and the entitlement pool counters. One Query reads it all, which is
// what opening a ticket needs before its single write transaction.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { type BundleCounter, bundleSchema } from '../domain/bundles.ts';
import type { Contract } from '../domain/contract.ts';
import type { PoolUsage } from '../domain/entitlements.ts';
import { ConflictError, NotFoundError, RejectedError, VersionConflictError } from '../domain/errors.ts';
import { codec, validated } from './codec.ts';
import { isConditionalCheckFailed } from './conditions.ts';
import type { StoreContext } from './context.ts';
import { accountIndexKeys, contactIndexKeys, keys, partitions } from './keys.ts';
import { type Page, type PageRequest, queryAll, queryPage } from './query.ts';
import { ConcurrentChangeError, commitThroughConflicts, putVersioned, type WriteOp } from './transact.ts';

export interface AccountRecord {
  id: string;
  name: string;
  /** Prefix of the account's ticket references: `ACME` gives `ACME-1`, `ACME-2`, ... */
  referencePrefix: string;
  /** The catalog whose plans govern the account. */
  catalogId: string;
  /** Absent: the catalog's pay-per-use plan applies (if it has one). */
  contract?: Contract;
  contactCount: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface ContactRecord {
  accountId: string;
  /** Lowercased address. */
  email: string;
  name?: string;
  createdAt: string;
}

export interface PoolRecord extends PoolUsage {
  version: number;
}

export interface AccountState {
  account: AccountRecord;
  /** Last ticket number handed out (0: none yet). */
  ticketSeq: number;
  pools: PoolRecord[];
  contacts: ContactRecord[];
}

const accountSchema: z.ZodMiniType<AccountRecord> = z.looseObject({
  id: z.string(),
  name: z.string(),
  referencePrefix: z.string(),
  catalogId: z.string(),
  contract: z.optional(validated<Contract>()),
  contactCount: z.int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.int(),
});

export const accountCodec = codec<AccountRecord>({
  type: 'account',
  schema: accountSchema,
  key: (account) => keys.account(account.id),
  index: accountIndexKeys,
});

const contactSchema: z.ZodMiniType<ContactRecord> = z.looseObject({
  accountId: z.string(),
  email: z.string(),
  name: z.optional(z.string()),
  createdAt: z.string(),
});

const contactCodec = codec<ContactRecord>({
  type: 'contact',
  schema: contactSchema,
  key: (contact) => keys.contact(contact.accountId, contact.email),
  index: contactIndexKeys,
});

const poolSchema: z.ZodMiniType<PoolRecord> = z.looseObject({
  poolId: z.string(),
  periodStart: z.string(),
  used: z.number(),
  carriedIn: z.number(),
  usedOnDay: z.optional(z.looseObject({ date: z.string(), count: z.number() })),
  bundle: z.optional(bundleSchema),
  version: z.int(),
});

/** The pool counters of one account (the account is in their key, not in the record). */
const poolCodec = (accountId: string) =>
  codec<PoolRecord>({
    type: 'pool',
    schema: poolSchema,
    key: (pool) => keys.pool(accountId, pool.poolId),
  });

/** Last ticket number handed out; advanced only by the conditional update of `createTicketOps`. */
interface TicketCounterRecord {
  seq: number;
}

const ticketCounterCodec = (accountId: string) =>
  codec<TicketCounterRecord>({
    type: 'ticketCounter',
    schema: z.looseObject({ seq: z.int() }),
    key: () => keys.ticketCounter(accountId),
  });

/** The write that stores a pool counter over the version read (0: none yet). Label `pool:<id>`. */
export function savePoolOp(
  ctx: StoreContext,
  accountId: string,
  pool: PoolUsage,
  expectedVersion: number,
): WriteOp {
  const record: PoolRecord = { ...pool, version: expectedVersion + 1 };
  return putVersioned(ctx, `pool:${pool.poolId}`, poolCodec(accountId).toItem(record), expectedVersion);
}

/**
 * Records a prepaid bundle as a new balance counter (version 1). Recording the same bundle again
 * answers the stored one; another bundle under the same id is a conflict.
 */
export async function addBundle(
  ctx: StoreContext,
  accountId: string,
  counter: BundleCounter,
): Promise<{ counter: PoolRecord; created: boolean }> {
  const record: PoolRecord = { ...counter, version: 1 };
  try {
    await commitThroughConflicts(ctx, [
      {
        label: 'account',
        ConditionCheck: {
          TableName: ctx.tableName,
          Key: keys.account(accountId),
          ConditionExpression: 'attribute_exists(PK)',
        },
      },
      putVersioned(ctx, `pool:${counter.poolId}`, poolCodec(accountId).toItem(record), 0),
    ]);
    return { counter: record, created: true };
  } catch (error) {
    if (!(error instanceof ConcurrentChangeError)) throw error;
    if (error.lost('account')) throw new NotFoundError(`account ${accountId}`);
    const stored = await getPool(ctx, accountId, counter.poolId);
    if (stored && JSON.stringify(stored.bundle) === JSON.stringify(counter.bundle)) {
      return { counter: stored, created: false };
    }
    throw new ConflictError(
      `bundle ${counter.poolId.slice('bundle:'.length)} is already recorded with other terms`,
    );
  }
}

async function getPool(
  ctx: StoreContext,
  accountId: string,
  poolId: string,
): Promise<PoolRecord | undefined> {
  const result = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: keys.pool(accountId, poolId), ConsistentRead: true }),
  );
  return result.Item ? poolCodec(accountId).fromItem(result.Item) : undefined;
}

/**
 * An account alone, put-if-absent: how tests and benchmarks seed one (the admin API creates an
 * account with its reference-prefix claim through `createAccountOps`).
 * @internal
 */
export async function createAccount(ctx: StoreContext, account: AccountRecord): Promise<AccountRecord> {
  try {
    await ctx.doc.send(
      new PutCommand({
        TableName: ctx.tableName,
        Item: accountCodec.toItem(account),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return account;
  } catch (error) {
    if (isConditionalCheckFailed(error)) throw new ConflictError(`account ${account.id} already exists`);
    throw error;
  }
}

export async function getAccount(ctx: StoreContext, accountId: string): Promise<AccountRecord | undefined> {
  const result = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: keys.account(accountId), ConsistentRead: true }),
  );
  return result.Item ? accountCodec.fromItem(result.Item) : undefined;
}

/** Saves a changed account over the version read; a lost race is a VersionConflictError. */
export async function saveAccount(
  ctx: StoreContext,
  account: AccountRecord,
  expectedVersion: number,
): Promise<AccountRecord> {
  const saved = { ...account, version: expectedVersion + 1 };
  try {
    await commitThroughConflicts(ctx, [
      putVersioned(ctx, 'account', accountCodec.toItem(saved), expectedVersion),
    ]);
    return saved;
  } catch (error) {
    if (error instanceof ConcurrentChangeError) {
      const failed = error.failed[0];
      // No failed condition: transaction conflicts outlasted the retries; the caller may try again.
      if (!failed) throw new VersionConflictError(`account ${account.id}`);
      if (!failed.current) throw new NotFoundError(`account ${account.id}`);
      throw new VersionConflictError(`account ${account.id}`, failed.current.version as number);
    }
    throw error;
  }
}

/** Everything in the account's partition, in one Query (paged only for very large accounts). */
export async function getAccountState(
  ctx: StoreContext,
  accountId: string,
): Promise<AccountState | undefined> {
  let account: AccountRecord | undefined;
  let ticketSeq = 0;
  const pools: PoolRecord[] = [];
  const contacts: ContactRecord[] = [];
  const pool = poolCodec(accountId);
  const counter = ticketCounterCodec(accountId);
  const items = await queryAll(ctx, partitions.account(accountId), (item) => item, { consistent: true });
  for (const item of items) {
    if (item.type === accountCodec.type) account = accountCodec.fromItem(item);
    else if (item.type === counter.type) ticketSeq = counter.fromItem(item).seq;
    else if (item.type === pool.type) pools.push(pool.fromItem(item));
    else if (item.type === contactCodec.type) contacts.push(contactCodec.fromItem(item));
  }
  return account ? { account, ticketSeq, pools, contacts } : undefined;
}

export function listAccounts(ctx: StoreContext, request: PageRequest = {}): Promise<Page<AccountRecord>> {
  return queryPage(ctx, partitions.accounts(), accountCodec.fromItem, request);
}

/**
 * Registers a contact. The account's contact count rises in the same transaction, conditioned on
 * staying within `max` (the plan's registered-person limit: 004), so two concurrent registrations
 * can never both take the last place.
 */
export async function addContact(
  ctx: StoreContext,
  contact: ContactRecord,
  max: number | undefined,
): Promise<ContactRecord> {
  const record = { ...contact, email: contact.email.toLowerCase() };
  const limit = max === undefined ? '' : ' AND contactCount < :max';
  try {
    await commitThroughConflicts(ctx, [
      {
        label: 'account',
        Update: {
          TableName: ctx.tableName,
          Key: keys.account(contact.accountId),
          // The version moves too: saveAccount writes the whole item (contactCount included) over
          // the version it read, so a count changed meanwhile must make that save lose its race.
          UpdateExpression:
            'SET contactCount = contactCount + :one, version = if_not_exists(version, :zero) + :one',
          ConditionExpression: `attribute_exists(PK)${limit}`,
          ExpressionAttributeValues: {
            ':one': 1,
            ':zero': 0,
            ...(max === undefined ? {} : { ':max': max }),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        label: 'contact',
        Put: {
          TableName: ctx.tableName,
          Item: contactCodec.toItem(record),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ]);
    return record;
  } catch (error) {
    if (!(error instanceof ConcurrentChangeError)) throw error;
    if (error.lost('contact'))
      throw new ConflictError(`${record.email} is already registered on this account`);
    const account = error.failed.find((f) => f.label === 'account');
    if (account && !account.current) throw new NotFoundError(`account ${contact.accountId}`);
    if (account) {
      throw new RejectedError(
        `the plan allows ${max} registered ${max === 1 ? 'person' : 'persons'}; remove one before adding another`,
      );
    }
    throw error;
  }
}

export async function removeContact(ctx: StoreContext, accountId: string, email: string): Promise<void> {
  try {
    await commitThroughConflicts(ctx, [
      {
        label: 'contact',
        Delete: {
          TableName: ctx.tableName,
          Key: keys.contact(accountId, email),
          ConditionExpression: 'attribute_exists(PK)',
        },
      },
      {
        label: 'account',
        Update: {
          TableName: ctx.tableName,
          Key: keys.account(accountId),
          UpdateExpression:
            'SET contactCount = contactCount - :one, version = if_not_exists(version, :zero) + :one',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
        },
      },
    ]);
  } catch (error) {
    if (error instanceof ConcurrentChangeError && error.failed.length > 0) {
      throw new NotFoundError(`contact ${email.toLowerCase()}`);
    }
    throw error;
  }
}

/** Accounts on which an address is registered (email intake: who is writing?). */
export function findContactsByEmail(ctx: StoreContext, email: string): Promise<ContactRecord[]> {
  return queryAll(ctx, partitions.contactsByEmail(email), contactCodec.fromItem);
}
