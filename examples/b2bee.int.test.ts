// Seed 004 (B2Bee), the clauses the store enforces: registering contacts through the accounts use
// case on DynamoDB Local, on the example catalog, as the API does.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAccountFor,
  registerContact,
  setContract,
  unregisterContact,
} from '../functions/app/accounts.ts';
import { appContext } from '../functions/app/context.ts';
import { RejectedError } from '../functions/domain/errors.ts';
import { putCatalog } from '../functions/store/catalogs.ts';
import { testStore } from '../test/store/helpers.ts';
import { loadExample } from './seed-helpers.ts';

const store = testStore();
const ctx = appContext(store);
const admin = { role: 'admin' as const, keyId: 'key-b2bee-contacts' };
const catalogId = `b2bee-${randomUUID().slice(0, 8)}`;

beforeAll(() => putCatalog(store, { ...loadExample('b2bee'), id: catalogId }, new Date()));
afterAll(() => store.doc.destroy());

/** A new account on `planId` of the B2Bee catalog. */
async function accountOn(planId: string): Promise<string> {
  const id = `acc-${randomUUID().slice(0, 8)}`;
  await createAccountFor(ctx, admin, {
    id,
    name: `B2Bee customer on ${planId}`,
    referencePrefix: `B${randomUUID().replaceAll('-', '').slice(0, 9).toUpperCase()}`,
    catalogId,
    contract: { planId, startDate: '2026-01-15' },
  });
  return id;
}

const register = (accountId: string, n: number) =>
  registerContact(ctx, accountId, { email: `person${n}@customer.example` });

describe('B2Bee registered persons', () => {
  it('"1 registered person" on Basic, "2 registered persons" on Standard, "3 registered persons" on Premium', async () => {
    for (const [planId, max] of [
      ['basic', 1],
      ['standard', 2],
      ['premium', 3],
    ] as const) {
      const accountId = await accountOn(planId);
      for (let n = 1; n <= max; n++) await register(accountId, n);
      const refused = register(accountId, max + 1);
      await expect(refused, planId).rejects.toThrow(RejectedError);
      await expect(refused, planId).rejects.toThrow(
        `allows ${max} registered ${max === 1 ? 'person' : 'persons'}`,
      );
    }
  });

  it('a place freed by removing a person, or by a larger plan, takes the next one', async () => {
    const accountId = await accountOn('basic');
    await register(accountId, 1);
    await expect(register(accountId, 2)).rejects.toThrow(RejectedError);
    await unregisterContact(ctx, accountId, 'person1@customer.example');
    await register(accountId, 2);
    await setContract(ctx, accountId, { planId: 'standard', startDate: '2026-01-15' });
    await register(accountId, 3);
    await expect(register(accountId, 4)).rejects.toThrow('allows 2 registered persons');
  });
});
