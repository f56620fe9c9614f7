// Shared by the SLA timer tests: a table of their own on the run's DynamoDB Local (the SLA runtime
// reads the whole stream, so other test files' tickets must not be in it), the B2Bee catalog and an
// account on its Premium plan, a frozen movable clock, and the outbox items a ticket's changes wrote.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { type AppContext, appContext } from '../../functions/app/context.ts';
import { MovableClock } from '../../functions/app/local-clock.ts';
import { openTicketFor, type TicketRecord } from '../../functions/app/tickets.ts';
import { type Catalog, parseCatalog } from '../../functions/domain/catalog.ts';
import { defaultSettings } from '../../functions/settings.ts';
import { createAccount } from '../../functions/store/accounts.ts';
import { putCatalog } from '../../functions/store/catalogs.ts';
import { createStoreContext, type StoreContext } from '../../functions/store/context.ts';
import type { OutboxRecord } from '../../functions/store/outbox.ts';
import { ensureTable, LOCAL_CREDENTIALS, LOCAL_REGION, localClient } from '../../local/dynamodb-local.ts';

export interface SlaTestTable {
  endpoint: string;
  tableName: string;
  store: StoreContext;
}

export async function slaTestTable(label: string): Promise<SlaTestTable> {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `sla-${label}-${randomUUID().slice(0, 8)}`;
  const client = localClient(endpoint);
  await ensureTable(client, tableName);
  client.destroy();
  const store = createStoreContext(tableName, {
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  return { endpoint, tableName, store };
}

/**
 * The B2Bee example catalog, with the warning 15 minutes before the breach (the example keeps the
 * default 80%, 48 minutes into a 1-hour target), so a Critical ticket warns at 45 minutes. The
 * customer's severity stands from the start (the example has B2Bee assess it first), so a ticket
 * opened Critical runs on the Critical target these timer tests are about; and with no daily cap, so
 * the many tickets a test opens in one day (metered as requests until triage) are not deferred.
 */
export function b2beeCatalog(changes: { warningAt?: string; customerOnBreach?: boolean } = {}): Catalog {
  const raw = JSON.parse(readFileSync(new URL('../../examples/b2bee.catalog.json', import.meta.url), 'utf8'));
  for (const plan of raw.plans) {
    plan.severityAssessedBy = 'customer';
    for (const pool of plan.pools) delete pool.dailyCap;
    if (changes.warningAt) plan.sla.warningAt = changes.warningAt;
    if (changes.customerOnBreach) plan.sla.notify = { customerOnBreach: true };
  }
  return parseCatalog(raw);
}

/** 09:00 in Zagreb on a Tuesday: inside the Critical 08:00-24:00 window. */
export const START = new Date('2026-12-01T08:00:00Z');

/** A movable clock frozen at `start` (it moves only when told), so tests are exact. */
export function frozenClock(start: Date = START): MovableClock {
  const base = start.getTime();
  return new MovableClock(() => base);
}

/** The agents' alert address the desks mail (the deployment's `SLA_ALERTS_TO`). */
export const ONCALL = 'oncall@vendor.test';

export interface Desk {
  ctx: AppContext;
  accountId: string;
  open(input?: { severity?: string; contactEmail?: string }): Promise<TicketRecord>;
}

/** An account on `planId` of `catalog`, and a way to open tickets on it through the use case. */
export async function deskOn(
  store: StoreContext,
  clock: MovableClock,
  catalog: Catalog,
  planId = 'premium',
  alertsTo: string[] = [ONCALL],
): Promise<Desk> {
  const ctx = appContext(store, clock, defaultSettings({ alerts: { agents: alertsTo } }));
  const now = clock.now();
  const catalogId = `b2bee-${randomUUID().slice(0, 8)}`;
  await putCatalog(store, { ...catalog, id: catalogId }, now);
  const accountId = `acc-${randomUUID().slice(0, 8)}`;
  await createAccount(store, {
    id: accountId,
    name: 'Acme',
    referencePrefix: `A${randomUUID().slice(0, 4).toUpperCase()}`,
    catalogId,
    contract: { accountId, planId, startDate: '2026-01-01' },
    contactCount: 0,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 1,
  });
  return {
    ctx,
    accountId,
    async open(input = {}) {
      const opened = await openTicketFor(ctx, {
        accountId,
        subject: 'Checkout is down',
        body: 'Nobody can pay.',
        severity: input.severity ?? 'Critical',
        kind: 'incident',
        channel: 'api',
        author: { type: 'customer', ...(input.contactEmail ? { email: input.contactEmail } : {}) },
      });
      if (opened.replayed) throw new Error('unexpected replay');
      return opened.ticket;
    },
  };
}

/** Every outbox item written about `ticketId` (a scan: the test's own table is small). */
export async function outboxOf(store: StoreContext, ticketId: string): Promise<OutboxRecord[]> {
  const items: OutboxRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.send(
      new ScanCommand({
        TableName: store.tableName,
        FilterExpression: '#type = :outbox AND ticketId = :ticket',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':outbox': 'outbox', ':ticket': ticketId },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...((page.Items ?? []) as OutboxRecord[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** The SLA alerts in the outbox for `ticketId`: the agents' first, then the customer's. */
export async function alertsOf(store: StoreContext, ticketId: string): Promise<OutboxRecord[]> {
  return (await outboxOf(store, ticketId))
    .filter((item) => item.kind === 'slaWarning' || item.kind === 'slaBreached')
    .sort((a, b) => Number(a.automatic) - Number(b.automatic) || a.kind.localeCompare(b.kind));
}
