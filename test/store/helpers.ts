// Store contexts for integration tests, on the run's DynamoDB Local (see test/setup), and accounts to
// open tickets on through the same use cases production runs (functions/app/tickets.ts).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { type AppContext, appContext } from '../../functions/app/context.ts';
import { openTicketFor, type TicketRecord } from '../../functions/app/tickets.ts';
import { parseCatalog } from '../../functions/domain/catalog.ts';
import { createAccount } from '../../functions/store/accounts.ts';
import { getCatalog, putCatalog } from '../../functions/store/catalogs.ts';
import { createStoreContext, type StoreContext } from '../../functions/store/context.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb-local.ts';

export function testStore(): StoreContext {
  return createStoreContext(inject('tableName'), {
    endpoint: inject('dynamoEndpoint'),
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
}

/** A fresh account id, so tests never see each other's data. */
export function newAccountId(): string {
  return `acc-${randomUUID().slice(0, 8)}`;
}

/** The Performars catalog under an id of this test run's own (its pay-per-use plan refuses nothing). */
async function storeCatalog(store: StoreContext): Promise<string> {
  const catalog = parseCatalog(
    JSON.parse(readFileSync(new URL('../../examples/performars.catalog.json', import.meta.url), 'utf8')),
  );
  const id = `store-tests-${inject('tableName')}`;
  if (!(await getCatalog(store, id))) {
    try {
      await putCatalog(store, { ...catalog, id }, new Date());
    } catch (error) {
      // Another test file stored it at the same moment: the same catalog, so nothing is lost.
      if (!(await getCatalog(store, id))) throw error;
    }
  }
  return id;
}

/** A reference prefix no other account of the run has: tickets are found by reference across accounts. */
export function uniquePrefix(): string {
  return `S${randomUUID()
    .replace(/[^a-f]/g, '')
    .slice(0, 8)
    .toUpperCase()}`;
}

/** An account on Performars' pay-per-use plan (every ticket accepted, billed per ticket). */
export async function seedAccount(store: StoreContext, referencePrefix = uniquePrefix()): Promise<string> {
  const catalogId = await storeCatalog(store);
  const id = newAccountId();
  const now = new Date().toISOString();
  await createAccount(store, {
    id,
    name: id,
    referencePrefix,
    catalogId,
    contract: { accountId: id, planId: 'pay-per-use', startDate: '2026-01-01' },
    contactCount: 0,
    createdAt: now,
    updatedAt: now,
    version: 1,
  });
  return id;
}

/** Opens a ticket as the API does (`openTicketFor`), on `ctx`'s own store context. */
export async function openTicket(
  ctx: AppContext,
  accountId: string,
  subject = 'Export fails',
): Promise<TicketRecord> {
  const opened = await openTicketFor(ctx, {
    accountId,
    subject,
    body: 'The nightly export stopped.',
    channel: 'api',
    author: { type: 'customer', keyId: 'store-tests' },
  });
  if (opened.replayed) throw new Error('unexpected replay');
  return opened.ticket;
}

/** An app context on a store context of its own: what one process (container) has. */
export function newProcess(): AppContext {
  return appContext(testStore());
}
