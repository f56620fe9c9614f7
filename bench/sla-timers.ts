// Benchmark of the local SLA timers on their own DynamoDB Local: N open tickets on B2Bee Premium,
// their timers made by the reconciler from the real stream, then one `POST /local/clock
// {"advance":"P1D"}` that must fire every due timer exactly once.
// N defaults to 1,000, not the 10,000 of the target: every timer costs about five DynamoDB Local
// writes (timer put, ticket transaction, timer delete, for warning and breach), and DynamoDB Local
// manages about 150-400 writes a second on a 2-core machine, so 10,000 tickets take several minutes
// (past the ~2-minute budget of `npm run bench`). SLA_BENCH_TICKETS=10000 runs the full count.
// Figures: seconds to reconcile the stream, seconds for the day's advance, timers fired, and checks
// (every ticket breached once, one breach alert each in the outbox, no timer left). Run alone with `node bench/sla-timers.ts`,
// or through bench/run.ts via run().
import { readFileSync } from 'node:fs';
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { localScheduler } from '../functions/adapters/scheduler-local.ts';
import { MovableClock } from '../functions/app/local-clock.ts';
import { ticketContextOf } from '../functions/app/tickets/record.ts';
import type { TicketRecord } from '../functions/app/tickets.ts';
import { type Catalog, parseCatalog, planById } from '../functions/domain/catalog.ts';
import { openTicket } from '../functions/domain/ticket.ts';
import { defaultSettings } from '../functions/settings.ts';
import { desiredSchedules } from '../functions/sla/schedules.ts';
import { putCatalog } from '../functions/store/catalogs.ts';
import { createStoreContext, type StoreContext } from '../functions/store/context.ts';
import { listTicketsByStatus, ticketCodec } from '../functions/store/tickets.ts';
import {
  ensureTable,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localClient,
  startDynamoDbLocal,
} from '../local/dynamodb-local.ts';
import { startSlaRuntime } from '../local/sla-runtime.ts';

const TABLE = 'support-desk-sla-bench';
/** Tuesday 08:00 in Zagreb: every B2Bee calendar is open within the day that follows. */
const START = new Date('2026-12-01T07:00:00Z');
/** Premium's targets (1 h, 1 h, 4 h, 8 h) all fall due within the day the clock advances. */
const SEVERITIES = ['Critical', 'Significant', 'Minor', 'None'] as const;
const PLAN = 'premium';

function catalog(): Catalog {
  return parseCatalog(
    JSON.parse(readFileSync(new URL('../examples/b2bee.catalog.json', import.meta.url), 'utf8')),
  );
}

/** N tickets opened over the first hour, mixed severities, written 25 at a time. */
async function seedTickets(store: StoreContext, desk: Catalog, count: number): Promise<TicketRecord[]> {
  const tickets: TicketRecord[] = [];
  for (let i = 0; i < count; i++) {
    const plan = planById(desk, PLAN)!;
    const opened = openTicket(
      {
        type: 'open',
        id: `bench-${String(i).padStart(6, '0')}`,
        reference: `BEN-${i + 1}`,
        accountId: `bench-account-${i % 50}`,
        subject: 'Bench',
        severity: SEVERITIES[i % SEVERITIES.length]!,
        kind: 'incident',
        // Assessed as they open, so the mixed severities apply (B2Bee assesses a customer's).
        openedBy: { role: 'staff', keyId: 'bench' },
      },
      new Date(START.getTime() + (i * 3_600_000) / count),
      ticketContextOf(desk, plan),
    );
    tickets.push({
      ...opened.ticket,
      number: i + 1,
      catalogId: desk.id,
      planId: plan.id,
      ledgerRefs: [],
      workByConversation: {},
      channel: 'api',
      entitlement: { decision: 'exempt', reason: 'bench' },
    });
  }
  const batches: TicketRecord[][] = [];
  for (let i = 0; i < tickets.length; i += 25) batches.push(tickets.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        let items: Record<string, unknown>[] = batch.map((t) => ticketCodec.toItem(t));
        while (items.length > 0) {
          const result = await store.doc.send(
            new BatchWriteCommand({
              RequestItems: { [store.tableName]: items.map((Item) => ({ PutRequest: { Item } })) },
            }),
          );
          items = (result.UnprocessedItems?.[store.tableName] ?? []).map(
            (request) => request.PutRequest!.Item as Record<string, unknown>,
          );
        }
      }
    }),
  );
  return tickets;
}

/** Breach alerts to the agents in the outbox, per ticket id (a scan: the bench's own table). */
async function breachAlerts(store: StoreContext): Promise<Map<string, number>> {
  const perTicket = new Map<string, number>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.send(
      new ScanCommand({
        TableName: store.tableName,
        FilterExpression: '#type = :outbox AND kind = :breached',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':outbox': 'outbox', ':breached': 'slaBreached' },
        ProjectionExpression: 'ticketId',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const ticketId = item.ticketId as string;
      perTicket.set(ticketId, (perTicket.get(ticketId) ?? 0) + 1);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return perTicket;
}

/** Every ticket still in status `new` (all of them): GSI4, page by page. */
async function allTickets(store: StoreContext): Promise<TicketRecord[]> {
  const found: TicketRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await listTicketsByStatus(store, 'new', { limit: 100, ...(cursor ? { cursor } : {}) });
    found.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return found;
}

function clockEvent(body: unknown): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /local/clock',
    rawPath: '/local/clock',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { requestId: 'bench' } as APIGatewayProxyEventV2['requestContext'],
  };
}

export async function run(): Promise<Record<string, number>> {
  const count = Number(process.env.SLA_BENCH_TICKETS ?? 1_000);
  const db = await startDynamoDbLocal();
  const previousLevel = process.env.LOG_LEVEL;
  // Tens of thousands of info lines would measure the terminal, not the timers.
  process.env.LOG_LEVEL = process.env.SLA_BENCH_LOG_LEVEL ?? 'warn';
  try {
    const client = localClient(db.endpoint);
    await ensureTable(client, TABLE);
    client.destroy();
    const store = createStoreContext(TABLE, {
      endpoint: db.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const desk = catalog();
    await putCatalog(store, desk, START);
    const seedStarted = performance.now();
    const tickets = await seedTickets(store, desk, count);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const expectedTimers = tickets.reduce((sum, t) => sum + desiredSchedules(t).length, 0);

    // Real time stands still at the end of the opening hour; only the advance moves the clock.
    const clock = new MovableClock(() => START.getTime() + 3_600_000);
    const reconcileStarted = performance.now();
    const runtime = await startSlaRuntime({
      endpoint: db.endpoint,
      tableName: TABLE,
      clock,
      tickMs: 0,
      pollMs: 50,
      // The agents' address: every recorded warning and breach writes their alert to the outbox.
      settings: defaultSettings({ alerts: { agents: ['oncall@bench.localhost'] } }),
    });
    // Timers for every ticket from the stream; the few warnings already due at the hour fire here.
    const firedBefore = await runtime.settle();
    const reconcileSeconds = (performance.now() - reconcileStarted) / 1000;
    const scheduler = localScheduler(store);
    const scheduled = (await scheduler.due(new Date('2100-01-01T00:00:00Z'))).length;

    const route = runtime.routes.find((r) => r.routeKey === 'POST /local/clock')!;
    const advanceStarted = performance.now();
    const response = await route.handler(clockEvent({ advance: 'P1D' }), {} as Context);
    const advanceSeconds = (performance.now() - advanceStarted) / 1000;
    const { fired } = JSON.parse(String((response as { body?: string }).body)) as { fired: number };

    const after = await allTickets(store);
    const breached = after.filter((t) => t.sla.firstResponse?.state === 'breached').length;
    // Each ticket must be told of its breach exactly once (the agents' alert, an outbox item).
    const alerts = await breachAlerts(store);
    const alertedOnce = [...alerts.values()].filter((n) => n === 1).length;
    const left = (await scheduler.due(new Date('2100-01-01T00:00:00Z'))).length;
    await runtime.stop();
    store.doc.destroy();
    return {
      tickets: count,
      seedSeconds: round(seedSeconds),
      reconcileSeconds: round(reconcileSeconds),
      timersExpected: expectedTimers,
      timersScheduledAfterReconcile: scheduled,
      firedBeforeAdvance: firedBefore,
      firedByDayAdvance: fired,
      advanceDaySeconds: round(advanceSeconds),
      firedPerSecond: Math.round(fired / advanceSeconds),
      ticketsBreached: breached,
      ticketsAlertedOnce: alertedOnce,
      timersLeft: left,
      exactlyOnce:
        firedBefore + fired === expectedTimers &&
        scheduled + firedBefore === expectedTimers &&
        breached === count &&
        alertedOnce === count &&
        alerts.size === count &&
        left === 0
          ? 1
          : 0,
    };
  } finally {
    if (previousLevel === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = previousLevel;
    await db.stop();
  }
}

const round = (seconds: number) => Number(seconds.toFixed(2));

/** Every due timer fired once, every ticket breached once, with one alert each. */
export function check(figures: Record<string, number>): string[] {
  return figures.exactlyOnce === 1
    ? []
    : [
        `timers or alerts not exactly once (${figures.ticketsAlertedOnce} of ${figures.tickets} alerted once)`,
      ];
}

if (import.meta.main) {
  const figures = await run();
  console.table(figures);
  console.log(
    `every due timer fired exactly once: ${figures.exactlyOnce ? 'yes' : 'NO'}; a day's advance over ${figures.tickets} tickets took ${figures.advanceDaySeconds} s`,
  );
}
