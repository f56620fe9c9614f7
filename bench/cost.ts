// What a ticket costs in DynamoDB: write and read request units per ticket lifecycle, counted from
// DynamoDB Local's own answers (ReturnConsumedCapacity: 'INDEXES', asked for by a middleware on the
// store's client, so no call site changes), with the table and each index apart. A lifecycle is what
// a typical ticket goes through: opened by a registered contact's mail (the intake, with its
// redelivery records), triaged and assigned by an agent, answered, set waiting on the customer,
// answered by the customer's mail, resolved through the API; every mail it causes is
// delivered by the outbox sender (the mail port itself does nothing: SES is priced apart) and every
// ticket change reaches the sla-scheduler, which reads the ticket (its Scheduler calls are priced
// apart too). The authorizer's key lookup is left out: API Gateway caches it for five minutes.
//
// Prices: on-demand, us-east-1 (2026-12): USD 1.25 per million write request units, USD 0.25 per
// million read request units. Run alone with `node bench/cost.ts`, or through bench/run.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBlobs } from '../functions/adapters/blobs-local.ts';
import { authenticate } from '../functions/api/auth.ts';
import { type AppContext, appContext } from '../functions/app/context.ts';
import { MovableClock } from '../functions/app/local-clock.ts';
import { createIntake, type Intake } from '../functions/email/intake.ts';
import { outboxSender } from '../functions/email/outbox-sender.ts';
import { defaultSettings } from '../functions/settings.ts';
import { reconcilerHandler } from '../functions/sla/reconciler.ts';
import { addContact, createAccount } from '../functions/store/accounts.ts';
import { createApiKey } from '../functions/store/api-keys.ts';
import { putCatalog } from '../functions/store/catalogs.ts';
import { createStoreContext, type StoreContext } from '../functions/store/context.ts';
import { getTicketsById } from '../functions/store/tickets.ts';
import {
  ensureTable,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localClient,
  startDynamoDbLocal,
} from '../local/dynamodb-local.ts';
import { createHttpServer } from '../local/http-server.ts';
import { apiRoutes } from '../local/routes.ts';
import { startStreamPoller } from '../local/stream-poller.ts';
import { type BenchClient, clientFor, round, unlimitedB2Bee } from './support.ts';

/** On-demand request prices in us-east-1, USD per million units. */
export const PRICE_PER_MILLION = { write: 1.25, read: 0.25 } as const;

const TABLE = 'support-desk-cost';
const LIFECYCLES = 20;

/** Commands that write (the low-level names the document client's commands run under). */
const WRITE_COMMANDS = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

interface Capacity {
  /** Request units by where they were spent: `table`, `GSI1`..`GSI5`. */
  write: Map<string, number>;
  read: Map<string, number>;
  /** Units by command (transactions with their item count), reads and writes. */
  byCommand: Map<string, number>;
}

interface ConsumedCapacity {
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

const add = (map: Map<string, number>, key: string, units: number) =>
  map.set(key, (map.get(key) ?? 0) + units);

/**
 * Asks every request of `store` for its consumed capacity and adds it to `capacity` while `on()`:
 * one middleware at the initialize step (once per command, before marshalling).
 */
export function countCapacity(store: StoreContext, capacity: Capacity, on: () => boolean): void {
  store.doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (!on()) return next(args);
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity = 'INDEXES';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] })
        .ConsumedCapacity;
      const command = context.commandName ?? 'unknown';
      const target = WRITE_COMMANDS.has(command) ? capacity.write : capacity.read;
      const items = (input as { TransactItems?: unknown[] }).TransactItems;
      const label = items ? `${command}(${items.length})` : command;
      for (const entry of [consumed ?? []].flat()) {
        add(target, 'table', entry.Table?.CapacityUnits ?? 0);
        add(capacity.byCommand, label, entry.CapacityUnits ?? 0);
        for (const [index, units] of Object.entries(entry.GlobalSecondaryIndexes ?? {}))
          add(target, index, units.CapacityUnits ?? 0);
      }
      return result;
    },
    { step: 'initialize', name: 'benchCapacityCounter', override: true },
  );
}

type Client = BenchClient;

async function expect(status: number, call: ReturnType<Client>): ReturnType<Client> {
  const response = await call;
  if (response.status !== status)
    throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  return response;
}

const CONTACT = 'ivana@jadran.example';
const PASS = { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' };
let mails = 0;

/** A plain-text mail from the registered contact, received as SES hands it over. */
async function receiveMail(
  intake: Intake,
  blobs: LocalBlobs,
  clock: MovableClock,
  subject: string,
  body: string,
) {
  mails += 1;
  const id = `cost-${mails}`;
  const raw = [
    `Return-Path: <${CONTACT}>`,
    `From: Ivana <${CONTACT}>`,
    'To: support@desk.localhost',
    `Subject: ${subject}`,
    `Date: ${clock.now().toUTCString()}`,
    `Message-ID: <${id}@jadran.example>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
  ].join('\r\n');
  await blobs.putOnce(`inbound/${id}`, Buffer.from(raw), 'message/rfc822');
  return intake.receive({
    sesMessageId: id,
    rawKey: `inbound/${id}`,
    receivedAt: clock.now().toISOString(),
    envelopeFrom: CONTACT,
    verdicts: PASS,
  });
}

/** One ticket from opening to resolution, as a customer (by mail) and an agent (by API) drive it. */
async function lifecycle(
  mail: (subject: string, body: string) => ReturnType<Intake['receive']>,
  agent: Client,
  agentKeyId: string,
  clock: MovableClock,
): Promise<void> {
  const opened = await mail('Orders do not sync', 'Since 9:00 no order arrives');
  if (opened.outcome !== 'ticket' || !opened.ticketId) throw new Error(`mail became ${opened.outcome}`);
  const id = opened.ticketId;
  const { body: ticket } = await expect(200, agent('GET', `/v1/tickets/${id}`));
  clock.advance(10 * 60_000);
  await expect(200, agent('PATCH', `/v1/tickets/${id}`, { severity: 'Significant' }));
  await expect(200, agent('PATCH', `/v1/tickets/${id}`, { assignee: agentKeyId }));
  clock.advance(20 * 60_000);
  await expect(201, agent('POST', `/v1/tickets/${id}/messages`, { body: 'Which shop is it?' }));
  await expect(200, agent('PATCH', `/v1/tickets/${id}`, { status: 'waiting_on_customer' }));
  clock.advance(60 * 60_000);
  const replied = await mail(`Re: [${ticket.reference}] Orders do not sync`, 'The Zagreb shop');
  if (replied.ticketId !== id) throw new Error(`the reply went to ${replied.ticketId}, not ${id}`);
  clock.advance(60 * 60_000);
  await expect(200, agent('PATCH', `/v1/tickets/${id}`, { status: 'resolved' }));
}

export async function run(): Promise<Record<string, number>> {
  const db = await startDynamoDbLocal();
  const admin = localClient(db.endpoint);
  await ensureTable(admin, TABLE);
  const config = { endpoint: db.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const store = createStoreContext(TABLE, config);
  const clock = new MovableClock();
  const mailDir = mkdtempSync(join(tmpdir(), 'cost-mail-'));
  const ctx: AppContext = appContext(store, clock, defaultSettings({ tableName: TABLE, mailDir }));
  const blobs = new LocalBlobs(mailDir);
  const intake = createIntake({ context: () => ctx, blobs, settings: ctx.settings.mail });
  const mail = (subject: string, body: string) => receiveMail(intake, blobs, clock, subject, body);
  const capacity: Capacity = { write: new Map(), read: new Map(), byCommand: new Map() };
  let counting = false;
  countCapacity(store, capacity, () => counting);

  const authorized = new Map<string, Awaited<ReturnType<typeof authenticate>>>();
  const server = createHttpServer(
    apiRoutes(() => ctx),
    async (header) => {
      if (!authorized.has(header ?? '')) {
        const was = counting;
        counting = false;
        authorized.set(header ?? '', await authenticate(store, header));
        counting = was;
      }
      const principal = authorized.get(header ?? '');
      return principal ? { ...principal } : undefined;
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let sent = 0;
  const sender = outboxSender({
    context: () => ctx,
    mail: {
      send: async () => {
        if (counting) sent += 1;
      },
    },
  });
  const reconcile = reconcilerHandler({
    scheduler: { upsert: async () => {}, remove: async () => {} },
    currentTickets: (ids) => getTicketsById(store, ids),
    clock,
  });
  const poller = await startStreamPoller({
    endpoint: db.endpoint,
    tableName: TABLE,
    start: 'LATEST',
    intervalMs: 50,
    handle: reconcile,
  });

  try {
    const catalog = unlimitedB2Bee('b2bee-cost');
    await putCatalog(store, catalog, clock.now());
    await createAccount(store, {
      id: 'cost-1',
      name: 'Cost account',
      referencePrefix: 'COST',
      catalogId: catalog.id,
      contract: { accountId: 'cost-1', planId: 'premium', startDate: '2026-01-01' },
      contactCount: 0,
      createdAt: clock.now().toISOString(),
      updatedAt: clock.now().toISOString(),
      version: 1,
    });
    await addContact(
      store,
      { accountId: 'cost-1', email: CONTACT, createdAt: clock.now().toISOString() },
      undefined,
    );
    const agentKey = await createApiKey(store, { role: 'agent', name: 'cost agent' }, clock.now());
    const agent = clientFor(baseUrl, agentKey.secret);
    // Warm-up (catalog cache), not counted.
    await lifecycle(mail, agent, agentKey.record.keyId, clock);
    await sender.drain();
    await poller.caughtUp();

    counting = true;
    for (let i = 0; i < LIFECYCLES; i++) {
      await lifecycle(mail, agent, agentKey.record.keyId, clock);
      // Delivered while the ticket's hour is current, as the stream consumer does.
      await sender.drain();
    }
    await poller.caughtUp();
    counting = false;
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await poller.stop();
    store.doc.destroy();
    admin.destroy();
    await db.stop();
    rmSync(mailDir, { recursive: true, force: true });
  }

  // Every lifecycle mails the customer three times (acknowledgement, the agent's answer, resolution).
  if (sent !== 3 * LIFECYCLES) throw new Error(`expected ${3 * LIFECYCLES} mails sent, got ${sent}`);
  const perTicket = (map: Map<string, number>, where?: string) =>
    (where ? (map.get(where) ?? 0) : [...map.values()].reduce((a, b) => a + b, 0)) / LIFECYCLES;
  const wru = perTicket(capacity.write);
  const rru = perTicket(capacity.read);
  const figures: Record<string, number> = {
    lifecycles: LIFECYCLES,
    'mails.perTicket': sent / LIFECYCLES,
    'write.perTicket': round(wru, 2),
    'write.table': round(perTicket(capacity.write, 'table'), 2),
  };
  for (const index of ['GSI1', 'GSI2', 'GSI3', 'GSI4', 'GSI5'])
    figures[`write.${index}`] = round(perTicket(capacity.write, index), 2);
  figures['write.indexShare'] = round(1 - perTicket(capacity.write, 'table') / wru, 2);
  figures['read.perTicket'] = round(rru, 2);
  console.log('Request units per ticket lifecycle, by command:');
  console.table(
    Object.fromEntries(
      [...capacity.byCommand].map(([command, units]) => [command, round(units / LIFECYCLES, 2)]),
    ),
  );
  figures.usdPer1000Tickets = round(
    (1000 * (wru * PRICE_PER_MILLION.write + rru * PRICE_PER_MILLION.read)) / 1_000_000,
    4,
  );
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await run());
  process.exit(0);
}
