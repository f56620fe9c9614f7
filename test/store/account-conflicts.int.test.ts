// Regression: account writes survive DynamoDB's TransactionConflict (another transaction held the
// account item; nothing was written). DynamoDB Local serializes transactions and never answers
// with one, so these tests inject it into the first transaction of a real store context.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, test } from 'vitest';
import {
  type AccountRecord,
  addContact,
  createAccount,
  getAccountState,
  removeContact,
  saveAccount,
} from '../../functions/store/accounts.ts';
import type { StoreContext } from '../../functions/store/context.ts';
import { newAccountId, testStore } from './helpers.ts';

/** `store` whose next `conflicts` transactions fail with TransactionConflict before reaching the table. */
function withConflicts(store: StoreContext, conflicts: number): StoreContext & { injected: () => number } {
  let injected = 0;
  const doc = {
    send: (command: unknown) => {
      if (command instanceof TransactWriteCommand && injected < conflicts) {
        injected++;
        const items = command.input.TransactItems ?? [];
        return Promise.reject(
          new TransactionCanceledException({
            message: 'Transaction cancelled',
            $metadata: {},
            CancellationReasons: items.map((_, i) => ({ Code: i === 0 ? 'TransactionConflict' : 'None' })),
          }),
        );
      }
      return store.doc.send(command as TransactWriteCommand);
    },
  } as unknown as DynamoDBDocumentClient;
  return { ...store, doc, injected: () => injected };
}

async function seeded(store: StoreContext): Promise<AccountRecord> {
  const id = newAccountId();
  const now = new Date().toISOString();
  return createAccount(store, {
    id,
    name: id,
    referencePrefix: 'CONF',
    catalogId: 'none',
    contactCount: 0,
    createdAt: now,
    updatedAt: now,
    version: 1,
  });
}

describe('a transaction conflict is retried, not reported as a refusal', () => {
  test('addContact and removeContact', async () => {
    const store = testStore();
    const account = await seeded(store);
    const flaky = withConflicts(store, 2);
    await addContact(
      flaky,
      { accountId: account.id, email: 'a@example.com', createdAt: account.createdAt },
      1,
    );
    expect(flaky.injected()).toBe(2);
    const state = await getAccountState(store, account.id);
    expect(state?.contacts.map((c) => c.email)).toEqual(['a@example.com']);
    expect(state?.account.contactCount).toBe(1);
    await removeContact(withConflicts(store, 1), account.id, 'a@example.com');
    expect((await getAccountState(store, account.id))?.account.contactCount).toBe(0);
  });

  test('saveAccount', async () => {
    const store = testStore();
    const account = await seeded(store);
    const saved = await saveAccount(
      withConflicts(store, 1),
      { ...account, name: 'renamed' },
      account.version,
    );
    expect(saved.version).toBe(account.version + 1);
    expect((await getAccountState(store, account.id))?.account.name).toBe('renamed');
  });
});
