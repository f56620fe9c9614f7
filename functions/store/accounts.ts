// Accounts and what hangs off them in one partition: the account (with its contract), registered
// contacts, the ticket counter and the entitlement pool counters. One Query reads it all, which is
// what opening a ticket needs before its single write transaction.
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Contract } from '../domain/contract.ts';
import type { PoolUsage } from '../domain/entitlements.ts';
import { ConflictError, NotFoundError, RejectedError, VersionConflictError } from '../domain/errors.ts';
import { isConditionalCheckFailed } from './conditions.ts';
import type { StoreContext } from './context.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { accountIndexKeys, contactIndexKeys, INDEX_FOR, INDEX_KEY_ATTRIBUTES, keys } from './keys.ts';
import type { Page } from './tickets.ts';
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

function strip(item: Record<string, unknown>): Record<string, unknown> {
  const { PK: _pk, SK: _sk, type: _type, ...rest } = item;
  for (const attribute of INDEX_KEY_ATTRIBUTES) delete rest[attribute];
  return rest;
}

export function accountItem(account: AccountRecord): Record<string, unknown> {
  return { ...account, ...keys.account(account.id), ...accountIndexKeys(account), type: 'account' };
}

export function poolItem(accountId: string, pool: PoolRecord): Record<string, unknown> {
  return { ...pool, ...keys.pool(accountId, pool.poolId), type: 'pool' };
}

/** The write that stores a pool counter over the version read (0: none yet). Label `pool:<id>`. */
export function savePoolOp(
  ctx: StoreContext,
  accountId: string,
  pool: PoolUsage,
  expectedVersion: number,
): WriteOp {
  const record: PoolRecord = { ...pool, version: expectedVersion + 1 };
  return putVersioned(ctx, `pool:${pool.poolId}`, poolItem(accountId, record), expectedVersion);
}

export async function createAccount(ctx: StoreContext, account: AccountRecord): Promise<AccountRecord> {
  try {
    await ctx.doc.send(
      new PutCommand({
        TableName: ctx.tableName,
        Item: accountItem(account),
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
  return result.Item ? (strip(result.Item) as unknown as AccountRecord) : undefined;
}

/** Saves a changed account over the version read; a lost race is a VersionConflictError. */
export async function saveAccount(
  ctx: StoreContext,
  account: AccountRecord,
  expectedVersion: number,
): Promise<AccountRecord> {
  const saved = { ...account, version: expectedVersion + 1 };
  try {
    await commitThroughConflicts(ctx, [putVersioned(ctx, 'account', accountItem(saved), expectedVersion)]);
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
  let startKey: Record<string, unknown> | undefined;
  do {
    const result = await ctx.doc.send(
      new QueryCommand({
        TableName: ctx.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.account(accountId).PK },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of result.Items ?? []) {
      const sk = item.SK as string;
      if (sk === 'ACCOUNT') account = strip(item) as unknown as AccountRecord;
      else if (sk === 'COUNTER#TICKET') ticketSeq = item.seq as number;
      else if (sk.startsWith('POOL#')) pools.push(strip(item) as unknown as PoolRecord);
      else if (sk.startsWith('CONTACT#')) contacts.push(strip(item) as unknown as ContactRecord);
    }
    startKey = result.LastEvaluatedKey;
  } while (startKey);
  return account ? { account, ticketSeq, pools, contacts } : undefined;
}

export async function listAccounts(
  ctx: StoreContext,
  options: { limit?: number; cursor?: string } = {},
): Promise<Page<AccountRecord>> {
  const result = await ctx.doc.send(
    new QueryCommand({
      TableName: ctx.tableName,
      IndexName: INDEX_FOR.accounts,
      KeyConditionExpression: 'GSI4PK = :pk',
      ExpressionAttributeValues: { ':pk': 'ACCOUNTS' },
      Limit: options.limit ?? 25,
      ExclusiveStartKey: decodeCursor(options.cursor, 'GSI4PK', 'ACCOUNTS'),
    }),
  );
  const page: Page<AccountRecord> = {
    items: (result.Items ?? []).map((item) => strip(item) as unknown as AccountRecord),
  };
  const next = encodeCursor(result.LastEvaluatedKey);
  if (next) page.nextCursor = next;
  return page;
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
          Item: {
            ...record,
            ...keys.contact(record.accountId, record.email),
            ...contactIndexKeys(record),
            type: 'contact',
          },
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
export async function findContactsByEmail(ctx: StoreContext, email: string): Promise<ContactRecord[]> {
  const result = await ctx.doc.send(
    new QueryCommand({
      TableName: ctx.tableName,
      IndexName: INDEX_FOR.contactsByEmail,
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': contactIndexKeys({ accountId: '', email }).GSI1PK },
    }),
  );
  return (result.Items ?? []).map((item) => strip(item) as unknown as ContactRecord);
}
