// Benchmark of the agents' queue on its own DynamoDB Local: open tickets over 50 accounts (breached,
// running, paused and untimed, as the B2Bee Standard plan makes them), then p50/p99 of a queue page
// (no filter, and filtered by account: the bounded over-read), and of the summary, as ratios to one
// bare Query of 25 queue entries in the same run, at 1,000 and at 10,000 open tickets, with the
// DynamoDB requests each made. Target: a page costs the same at 10,000 as at 1,000 (one Query); the
// summary reads every entry, so it grows with the open tickets.
// Run alone with `node bench/queue.ts` (BENCH_QUEUE_TICKETS=2000 for a quick run), or through run.ts.
import { readFileSync } from 'node:fs';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type AppContext, appContext } from '../functions/app/context.ts';
import { MovableClock } from '../functions/app/local-clock.ts';
import { queueOf, queueSummary } from '../functions/app/queue.ts';
import { ticketContextOf } from '../functions/app/tickets/record.ts';
import { parseCatalog } from '../functions/domain/catalog.ts';
import { decideTicket, openTicket } from '../functions/domain/ticket.ts';
import { defaultSettings } from '../functions/settings.ts';
import { createAccount } from '../functions/store/accounts.ts';
import { putCatalog } from '../functions/store/catalogs.ts';
import { createStoreContext } from '../functions/store/context.ts';
import { partitions } from '../functions/store/keys.ts';
import { queryItems } from '../functions/store/query.ts';
import { type TicketRecord, ticketCodec } from '../functions/store/tickets.ts';
import {
  ensureTable,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localClient,
  startDynamoDbLocal,
} from '../local/dynamodb-local.ts';
import { percentile, round } from './support.ts';

const TABLE = 'support-desk-bench-queue';
const ACCOUNTS = 50;
const SIZES = [1_000, Number(process.env.BENCH_QUEUE_TICKETS ?? 10_000)];
const PAGE_RUNS = 60;
const SUMMARY_RUNS = 8;
const NOW = new Date('2026-12-14T12:00:00Z');

const catalog = parseCatalog(
  JSON.parse(readFileSync(new URL('../examples/b2bee.catalog.json', import.meta.url), 'utf8')),
);
const plan = catalog.plans.find((p) => p.id === 'standard')!;
const context = ticketContextOf(catalog, plan);
const SEVERITIES = ['Critical', 'Significant', 'Minor', 'None'];

/** Ticket `n`: opened up to 3 days before NOW; every 7th waits on the customer, every 11th was answered. */
function ticket(n: number): TicketRecord {
  const accountId = `bench-${n % ACCOUNTS}`;
  const opened = new Date(NOW.getTime() - ((n * 7919) % (3 * 24 * 60)) * 60_000);
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  let { ticket: t } = openTicket(
    {
      type: 'open',
      id,
      reference: `B${n % ACCOUNTS}-${n}`,
      accountId,
      subject: `Bench ticket ${n}`,
      severity: SEVERITIES[n % SEVERITIES.length]!,
    },
    opened,
    context,
  );
  const later = new Date(opened.getTime() + 5 * 60_000);
  if (n % 7 === 0)
    t = decideTicket(t, [{ type: 'setStatus', status: 'waiting_on_customer' }], later, context).ticket;
  else if (n % 11 === 0) {
    t = decideTicket(
      t,
      [{ type: 'reply', author: 'agent', visibility: 'public', automatic: false }],
      later,
      context,
    ).ticket;
  }
  return {
    ...t,
    number: n,
    catalogId: catalog.id,
    planId: plan.id,
    ledgerRefs: [],
    workByConversation: {},
    channel: 'api',
    entitlement: { decision: 'consume', reason: 'Credit 1 of 5 this month.' },
  };
}

async function seed(ctx: AppContext, from: number, to: number): Promise<void> {
  const items = [];
  for (let n = from; n < to; n++) items.push(ticketCodec.toItem(ticket(n)));
  for (let i = 0; i < items.length; i += 25) {
    let request = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (request.length > 0) {
      const result = await ctx.store.doc.send(new BatchWriteCommand({ RequestItems: { [TABLE]: request } }));
      request = (result.UnprocessedItems?.[TABLE] ?? []) as typeof request;
    }
  }
}

let requests = 0;
let bareQuery: () => Promise<unknown> = async () => undefined;

interface Timing {
  p50: number;
  p99: number;
  /** The bare Query timed right before each run of the operation, so both see the same machine. */
  bare: number;
  requests: number;
}

async function timed(runs: number, action: () => Promise<unknown>): Promise<Timing> {
  const times: number[] = [];
  const bare: number[] = [];
  await action(); // warm: catalogs cached, connections open
  let counted = 0;
  for (let i = 0; i < runs; i++) {
    let started = performance.now();
    await bareQuery();
    bare.push(performance.now() - started);
    requests = 0;
    started = performance.now();
    await action();
    times.push(performance.now() - started);
    counted += requests;
  }
  return {
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    bare: percentile(bare, 0.5),
    requests: counted / runs,
  };
}

export async function run(): Promise<Record<string, number>> {
  const db = await startDynamoDbLocal();
  try {
    const client = localClient(db.endpoint);
    await ensureTable(client, TABLE);
    client.destroy();
    const store = createStoreContext(TABLE, {
      endpoint: db.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    store.doc.middlewareStack.add(
      (next) => async (args) => {
        requests++;
        return next(args);
      },
      { step: 'initialize', name: 'benchRequestCounter' },
    );
    const clock = new MovableClock();
    clock.set(NOW);
    const ctx = appContext(store, clock, defaultSettings({ tableName: TABLE }));
    await putCatalog(store, catalog, NOW);
    for (let a = 0; a < ACCOUNTS; a++) {
      await createAccount(store, {
        id: `bench-${a}`,
        name: `Bench ${a}`,
        referencePrefix: `B${a}`,
        catalogId: catalog.id,
        contactCount: 0,
        createdAt: NOW.toISOString(),
        updatedAt: NOW.toISOString(),
        version: 1,
      });
    }
    const agent = { role: 'agent' as const, keyId: 'bench-agent' };
    bareQuery = () => queryItems(store, partitions.queue(), { limit: 25 });
    const figures: Record<string, number> = {};
    let seeded = 0;
    for (const size of SIZES) {
      await seed(ctx, seeded, size);
      seeded = size;
      const page = await timed(PAGE_RUNS, () => queueOf(ctx, agent, {}, { limit: 25 }));
      const filtered = await timed(PAGE_RUNS, () =>
        queueOf(ctx, agent, { accountId: 'bench-7' }, { limit: 25 }),
      );
      const breached = await timed(PAGE_RUNS, () =>
        queueOf(ctx, agent, { state: 'breached' }, { limit: 25 }),
      );
      const summary = await timed(SUMMARY_RUNS, () => queueSummary(ctx, agent, {}));
      const k = `${size / 1000}k`;
      figures[`${k} bare Query p50 ms`] = round(page.bare);
      figures[`${k} page p50 / bare`] = round(page.p50 / page.bare, 2);
      figures[`${k} page p99 / bare`] = round(page.p99 / page.bare, 2);
      figures[`${k} page requests`] = round(page.requests, 2);
      figures[`${k} state=breached page p50 / bare`] = round(breached.p50 / breached.bare, 2);
      figures[`${k} accountId page p50 / bare`] = round(filtered.p50 / filtered.bare, 2);
      figures[`${k} accountId page p99 / bare`] = round(filtered.p99 / filtered.bare, 2);
      figures[`${k} accountId page requests`] = round(filtered.requests, 2);
      figures[`${k} summary p50 / bare`] = round(summary.p50 / summary.bare, 1);
      figures[`${k} summary p99 / bare`] = round(summary.p99 / summary.bare, 1);
      figures[`${k} summary requests`] = round(summary.requests, 1);
    }
    const item = ticketCodec.toItem(ticket(3));
    figures['ticket item bytes (JSON)'] = Buffer.byteLength(JSON.stringify(item));
    store.doc.destroy();
    return figures;
  } finally {
    await db.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
