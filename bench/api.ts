// Benchmark of the HTTPS API on its own DynamoDB Local, through the in-process HTTP server and the
// same route handlers Lambda runs: (a) DynamoDB requests per API operation, counted by a middleware
// on the document client; (b) 32 concurrent clients creating and updating tickets, checked for 5xx,
// lost updates and duplicate references, with create latency against a bare two-item
// TransactWriteItems on the same DynamoDB Local. Targets: 0 / 0 / 0 and median create <= 3x that.
// (c) The tail at 32 connections: p99 of create and of get against the p99 of a bare
// TransactWriteItems and a bare GetItem from as many connections in the same run.
// Run alone with `node bench/api.ts` (BENCH_API_SECONDS sets the load duration: default 20 s, which
// keeps the whole `npm run bench` near 3 minutes; 30 s gives steadier figures), or
// through bench/run.ts via run(), which measures in a child process.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import type { AuthorizerContext } from '../functions/api/auth.ts';
import { authenticate } from '../functions/api/auth.ts';
import { runtimeContext } from '../functions/app/runtime.ts';
import { createAccount } from '../functions/store/accounts.ts';
import { createApiKey } from '../functions/store/api-keys.ts';
import { putCatalog } from '../functions/store/catalogs.ts';
import {
  ensureTable,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localClient,
  startDynamoDbLocal,
} from '../local/dynamodb-local.ts';
import { createHttpServer } from '../local/http-server.ts';
import { apiRoutes } from '../local/routes.ts';
import {
  type BenchClient,
  type BenchResponse,
  clientFor,
  percentile,
  round,
  unlimitedB2Bee,
} from './support.ts';

const TABLE = 'support-desk-bench';
const CLIENTS = 32;
const ACCOUNTS = 8;
const UPDATES_PER_CREATE = 3;
const TARGET_RATIO = 3;
/** Seconds of 32-connection reads of tickets, for the p99 of get. */
const GET_SECONDS = 5;

// --- DynamoDB request counting -------------------------------------------------------------

const counts = new Map<string, number>();
let counting = false;
/** Milliseconds spent in each command while counting (where a create's time goes). */
const spent = new Map<string, number[]>();
/** Items in each TransactWriteItems while counting. */
let transactionItems: number[] = [];

function installCounter(): void {
  runtimeContext().store.doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (!counting) return next(args);
      const command = context.commandName ?? 'unknown';
      counts.set(command, (counts.get(command) ?? 0) + 1);
      const items = (args.input as { TransactItems?: unknown[] }).TransactItems;
      if (items) transactionItems.push(items.length);
      const started = performance.now();
      try {
        return await next(args);
      } finally {
        const list = spent.get(command) ?? [];
        list.push(performance.now() - started);
        spent.set(command, list);
      }
    },
    // Initialize runs once per command, not once per retry attempt: this counts requests made.
    { step: 'initialize', name: 'benchRequestCounter', override: true },
  );
}

async function counted<T>(
  action: () => Promise<T>,
): Promise<{ result: T; byCommand: Record<string, number> }> {
  counts.clear();
  counting = true;
  try {
    const result = await action();
    return { result, byCommand: Object.fromEntries(counts) };
  } finally {
    counting = false;
  }
}

const total = (byCommand: Record<string, number>) => Object.values(byCommand).reduce((a, b) => a + b, 0);

// --- HTTP ----------------------------------------------------------------------------------

type Response = BenchResponse;
type Client = BenchClient;

const median = (values: number[]) => percentile(values, 0.5);

// --- the run -------------------------------------------------------------------------------

/**
 * Runs the benchmark in a child process. The handlers' runtime context is a per-process singleton
 * bound to this run's DynamoDB Local, which is gone afterwards: in bench/run.ts's process it would
 * be left behind for the next benchmark to pick up.
 */
export async function run(): Promise<Record<string, number>> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), CHILD_FLAG], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const line = output.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (code !== 0 || !line) throw new Error(`bench/api.ts child failed (exit ${code}):\n${output}`);
  const { figures, byCommand } = JSON.parse(line.slice(RESULT_PREFIX.length)) as Measured;
  printRequests(byCommand);
  return figures;
}

const CHILD_FLAG = '--child';
const RESULT_PREFIX = 'BENCH_API_RESULT ';

interface Measured {
  figures: Record<string, number>;
  byCommand: Record<string, Record<string, number>>;
}

function printRequests(byCommand: Measured['byCommand']): void {
  console.log('DynamoDB requests by command, per operation (authorizer cached, catalog cached):');
  console.table(byCommand);
}

/** The benchmark itself, in this process. */
async function measure(): Promise<Measured> {
  const seconds = Number(process.env.BENCH_API_SECONDS ?? 20);
  const db = await startDynamoDbLocal();
  const admin = localClient(db.endpoint);
  await ensureTable(admin, TABLE);
  // The handlers read the same variables they read in Lambda; runtimeContext() reads them lazily.
  process.env.TABLE_NAME = TABLE;
  process.env.DYNAMODB_ENDPOINT = db.endpoint;
  process.env.AWS_REGION = LOCAL_REGION;
  process.env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
  process.env.LOG_LEVEL = 'warn';
  process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
  // Paged lists seal their cursors with the deployment's secret: a file, as under `npm start`.
  process.env.CURSOR_SECRET_FILE = join(mkdtempSync(join(tmpdir(), 'bench-api-')), 'cursor-secret');
  const store = runtimeContext().store;
  installCounter();

  // API Gateway caches the authorizer's answer per Authorization header for 5 minutes; so does
  // this stand-in, and its lookups are not counted against the route's requests.
  const authorizerCache = new Map<string, AuthorizerContext | undefined>();
  const server = createHttpServer(apiRoutes(runtimeContext), async (header) => {
    if (!authorizerCache.has(header ?? '')) {
      const was = counting;
      counting = false;
      authorizerCache.set(header ?? '', await authenticate(store, header));
      counting = was;
    }
    const context = authorizerCache.get(header ?? '');
    return context ? { ...context } : undefined;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  try {
    const catalog = unlimitedB2Bee('b2bee-bench');
    await putCatalog(store, catalog, new Date());
    const accounts: string[] = [];
    const customers: Client[] = [];
    for (let i = 0; i < ACCOUNTS; i++) {
      const id = `bench-${i}`;
      const now = new Date().toISOString();
      await createAccount(store, {
        id,
        name: `Bench account ${i}`,
        referencePrefix: `BEN${String.fromCharCode(65 + i)}`,
        catalogId: catalog.id,
        contract: { accountId: id, planId: 'premium', startDate: '2026-01-01' },
        contactCount: 0,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      accounts.push(id);
      const { secret } = await createApiKey(
        store,
        { role: 'customer', name: `bench ${id}`, accountId: id },
        new Date(),
      );
      customers.push(clientFor(baseUrl, secret));
    }
    const agentKey = await createApiKey(store, { role: 'agent', name: 'bench agent' }, new Date());
    const agent = clientFor(baseUrl, agentKey.secret);

    const requests = await requestsPerOperation(customers[0]!, agent, agentKey.record.keyId);
    const sequential = await sequentialCreates(customers[1]!, admin);
    const bare = sequential.bareMs;
    // Half before and half after the load, so drift on a shared machine weighs on both sides.
    const bareSamples = await bareTransactionsConcurrent(admin, CLIENTS, 2500);
    const load = await concurrentLoad(customers, agent, seconds * 1000);
    const verdict = await verify(agent, accounts, load);
    bareSamples.push(...(await bareTransactionsConcurrent(admin, CLIENTS, 2500)));
    const bareUnderLoad = median(bareSamples);
    // Reads at 32 connections, between two halves of bare GetItems at as many.
    const bareGets = await bareGetsConcurrent(admin, CLIENTS, 2500);
    const gets = await concurrentGets(agent, load.creates, GET_SECONDS * 1000);
    bareGets.push(...(await bareGetsConcurrent(admin, CLIENTS, 2500)));

    const figures: Record<string, number> = {
      'requests.createTicket': requests.createTicket,
      'requests.createTicketIdempotent': requests.createTicketIdempotent,
      'requests.getTicket': requests.getTicket,
      'requests.listTicketsPage': requests.listTicketsPage,
      'requests.patchTicket': requests.patchTicket,
      'requests.reply': requests.reply,
      'sequential.createMedianMs': round(sequential.createMs),
      'sequential.createQueryMs': round(sequential.queryMs),
      'sequential.createTransactMs': round(sequential.transactMs),
      'sequential.createTransactItems': sequential.transactItems,
      'sequential.createOverBareTransact': round(sequential.createMs / bare, 2),
      'load.seconds': seconds,
      'load.clients': CLIENTS,
      'load.creates': load.creates.length,
      'load.updates': load.updatesAcknowledged,
      'load.5xx': load.serverErrors,
      'load.otherFailures': load.otherFailures,
      'load.lostUpdates': verdict.lostUpdates,
      'load.lostCreates': verdict.lostCreates,
      'load.duplicateReferences': verdict.duplicateReferences,
      'load.createMedianMs': round(percentile(load.createMs, 0.5)),
      'load.createP95Ms': round(percentile(load.createMs, 0.95)),
      'load.updateMedianMs': round(percentile(load.updateMs, 0.5)),
      'bareTransact.medianMs': round(bare),
      'bareTransact.medianMsAt32': round(bareUnderLoad),
      'load.createOverBareTransact': round(percentile(load.createMs, 0.5) / bare, 2),
      'load.createOverBareTransactAt32': round(percentile(load.createMs, 0.5) / bareUnderLoad, 2),
      'load.createP99Ms': round(percentile(load.createMs, 0.99)),
      'bareTransact.p99MsAt32': round(percentile(bareSamples, 0.99)),
      'load.createP99OverBareTransactP99At32': round(
        percentile(load.createMs, 0.99) / percentile(bareSamples, 0.99),
        2,
      ),
      'get.requestsAt32': gets.times.length,
      'get.5xx': gets.serverErrors,
      'get.medianMsAt32': round(median(gets.times)),
      'get.p99MsAt32': round(percentile(gets.times, 0.99)),
      'bareGet.medianMsAt32': round(median(bareGets)),
      'bareGet.p99MsAt32': round(percentile(bareGets, 0.99)),
      'get.p99OverBareGetP99At32': round(percentile(gets.times, 0.99) / percentile(bareGets, 0.99), 2),
    };
    figures.targetsMet =
      figures['load.5xx'] === 0 &&
      figures['get.5xx'] === 0 &&
      figures['load.lostUpdates'] === 0 &&
      figures['load.lostCreates'] === 0 &&
      figures['load.duplicateReferences'] === 0 &&
      figures['load.createOverBareTransactAt32']! <= TARGET_RATIO
        ? 1
        : 0;
    return { figures, byCommand: requests.byCommand };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    runtimeContext().store.doc.middlewareStack.remove('benchRequestCounter');
    admin.destroy();
    await db.stop();
  }
}

/** Requests per operation, warm (catalog cached), the median of five repetitions. */
async function requestsPerOperation(customer: Client, agent: Client, agentKeyId: string) {
  const byCommand: Record<string, Record<string, number>> = {};
  const samples: Record<string, number[]> = {};
  const measure = async (name: string, action: () => Promise<Response>, expected: number) => {
    const { result, byCommand: commands } = await counted(action);
    if (result.status !== expected) throw new Error(`${name}: expected ${expected}, got ${result.status}`);
    samples[name] = [...(samples[name] ?? []), total(commands)];
    byCommand[name] = commands;
    return result;
  };
  // Warm-up: the catalog cache and a first page worth of tickets.
  for (let i = 0; i < 25; i++)
    await customer('POST', '/v1/tickets', { subject: `Warm ${i}`, body: 'warm-up' });
  for (let round = 0; round < 5; round++) {
    const created = await measure(
      'createTicket',
      () => customer('POST', '/v1/tickets', { subject: 'Orders stuck', body: 'Nothing syncs' }),
      201,
    );
    await measure(
      'createTicketIdempotent',
      () =>
        customer(
          'POST',
          '/v1/tickets',
          { subject: 'Once', body: 'only once' },
          { 'idempotency-key': `bench-${round}` },
        ),
      201,
    );
    const id = created.body.id as string;
    await measure('getTicket', () => customer('GET', `/v1/tickets/${id}`), 200);
    await measure('listTicketsPage', () => customer('GET', '/v1/tickets?limit=20'), 200);
    await measure(
      'patchTicket',
      () => agent('PATCH', `/v1/tickets/${id}`, { assignee: agentKeyId }, { 'if-match': created.etag! }),
      200,
    );
    await measure(
      'reply',
      () => agent('POST', `/v1/tickets/${id}/messages`, { body: 'Looking into it' }),
      201,
    );
  }
  const requests = (name: string) => median(samples[name] ?? []);
  return {
    createTicket: requests('createTicket'),
    createTicketIdempotent: requests('createTicketIdempotent'),
    getTicket: requests('getTicket'),
    listTicketsPage: requests('listTicketsPage'),
    patchTicket: requests('patchTicket'),
    reply: requests('reply'),
    byCommand,
  };
}

/**
 * One client creating tickets one after another, each create paired with a bare two-item
 * transaction (interleaved, so both see the same machine): the create's latency, its parts and
 * the floor it compares with.
 */
async function sequentialCreates(customer: Client, client: ReturnType<typeof localClient>) {
  for (let i = 0; i < 20; i++) await bareTransaction(client, i);
  const times: number[] = [];
  const bare: number[] = [];
  spent.clear();
  transactionItems = [];
  try {
    for (let i = 0; i < 100; i++) {
      const began = performance.now();
      await bareTransaction(client, 1000 + i);
      bare.push(performance.now() - began);
      counting = true;
      const started = performance.now();
      const created = await customer('POST', '/v1/tickets', { subject: `Seq ${i}`, body: 'sequential' });
      times.push(performance.now() - started);
      counting = false;
      if (created.status !== 201) throw new Error(`sequential create: ${created.status}`);
    }
  } finally {
    counting = false;
  }
  return {
    bareMs: median(bare),
    createMs: median(times),
    queryMs: median(spent.get('QueryCommand') ?? []),
    transactMs: median(spent.get('TransactWriteItemsCommand') ?? []),
    transactItems: median(transactionItems),
  };
}

function bareTransaction(client: ReturnType<typeof localClient>, n: number) {
  return client.send(
    new TransactWriteItemsCommand({
      TransactItems: [
        { Put: { TableName: TABLE, Item: { PK: { S: `BENCH#${n}` }, SK: { S: 'A' }, n: { N: String(n) } } } },
        { Put: { TableName: TABLE, Item: { PK: { S: `BENCH#${n}` }, SK: { S: 'B' }, n: { N: String(n) } } } },
      ],
    }),
  );
}

/** The same transaction from as many concurrent loops as the load test has clients. */
async function bareTransactionsConcurrent(
  client: ReturnType<typeof localClient>,
  loops: number,
  durationMs: number,
): Promise<number[]> {
  const times: number[] = [];
  const deadline = performance.now() + durationMs;
  let n = 100_000 + Math.floor(Math.random() * 1_000_000_000);
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        await bareTransaction(client, n++);
        times.push(performance.now() - started);
      }
    }),
  );
  return times;
}

/** A bare GetItem of one of the items the bare transactions wrote, from `loops` concurrent loops. */
async function bareGetsConcurrent(
  client: ReturnType<typeof localClient>,
  loops: number,
  durationMs: number,
): Promise<number[]> {
  const times: number[] = [];
  const deadline = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: loops }, async (_, loop) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const started = performance.now();
        await client.send(
          new GetItemCommand({
            TableName: TABLE,
            Key: { PK: { S: `BENCH#${1000 + ((loop * 7 + i) % 100)}` }, SK: { S: 'A' } },
          }),
        );
        times.push(performance.now() - started);
      }
    }),
  );
  return times;
}

/** CLIENTS loops reading tickets created under load (GET /v1/tickets/{id}), for `durationMs`. */
async function concurrentGets(agent: Client, tickets: { id: string }[], durationMs: number) {
  const times: number[] = [];
  let serverErrors = 0;
  const deadline = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < deadline) {
        const target = tickets[Math.floor(Math.random() * tickets.length)]!;
        const started = performance.now();
        const read = await agent('GET', `/v1/tickets/${target.id}`).catch(() => undefined);
        if (read?.status === 200) times.push(performance.now() - started);
        else if ((read?.status ?? 500) >= 500) serverErrors++;
      }
    }),
  );
  return { times, serverErrors };
}

interface Load {
  creates: { id: string; accountId: string; reference: string }[];
  updatesByTicket: Map<string, number>;
  updatesAcknowledged: number;
  createMs: number[];
  updateMs: number[];
  serverErrors: number;
  otherFailures: number;
}

/**
 * CLIENTS loops, four per account: each creates a ticket on its account, then updates (assigns) three
 * tickets picked from the 50 most recently created anywhere, so updates race on the same tickets.
 * No If-Match: the server must retry a lost race itself, never drop the update.
 */
async function concurrentLoad(customers: Client[], agent: Client, durationMs: number): Promise<Load> {
  const load: Load = {
    creates: [],
    updatesByTicket: new Map(),
    updatesAcknowledged: 0,
    createMs: [],
    updateMs: [],
    serverErrors: 0,
    otherFailures: 0,
  };
  const record = (status: number) => {
    if (status >= 500) load.serverErrors++;
    else load.otherFailures++;
  };
  const deadline = performance.now() + durationMs;
  let serial = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, clientIndex) => {
      const customer = customers[clientIndex % customers.length]!;
      while (performance.now() < deadline) {
        const started = performance.now();
        const created = await customer('POST', '/v1/tickets', {
          subject: `Load ${clientIndex}`,
          body: 'concurrent create',
        }).catch(() => undefined);
        if (created?.status === 201) {
          load.createMs.push(performance.now() - started);
          load.creates.push({
            id: created.body.id,
            accountId: created.body.accountId,
            reference: created.body.reference,
          });
        } else record(created?.status ?? 0);
        for (let u = 0; u < UPDATES_PER_CREATE && load.creates.length > 0; u++) {
          const recent = load.creates.slice(-50);
          const target = recent[Math.floor(Math.random() * recent.length)]!;
          const began = performance.now();
          // An internal note: a conditional write of the ticket that always changes it (a new version).
          const updated = await agent('POST', `/v1/tickets/${target.id}/messages`, {
            body: `note ${clientIndex}-${serial++}`,
            visibility: 'internal',
          }).catch(() => undefined);
          if (updated?.status === 201) {
            load.updateMs.push(performance.now() - began);
            load.updatesAcknowledged++;
            load.updatesByTicket.set(target.id, (load.updatesByTicket.get(target.id) ?? 0) + 1);
          } else record(updated?.status ?? 0);
        }
      }
    }),
  );
  load.createMs.sort((a, b) => a - b);
  load.updateMs.sort((a, b) => a - b);
  return load;
}

/** Every acknowledged write is in the table: versions add up, references are unique per account. */
async function verify(agent: Client, accounts: string[], load: Load) {
  let lostUpdates = 0;
  const queue = [...load.creates];
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let next = queue.pop(); next; next = queue.pop()) {
        const read = await agent('GET', `/v1/tickets/${next.id}`);
        const expected = 1 + (load.updatesByTicket.get(next.id) ?? 0);
        if (read.status !== 200) lostUpdates += expected;
        else lostUpdates += Math.max(0, expected - (read.body.version as number));
      }
    }),
  );
  let duplicateReferences = 0;
  let lostCreates = 0;
  for (const accountId of accounts) {
    const references: string[] = [];
    const ids = new Set<string>();
    let cursor: string | undefined;
    do {
      const query = `accountId=${accountId}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await agent('GET', `/v1/tickets?${query}`);
      if (page.status !== 200) throw new Error(`listing ${accountId}: ${page.status}`);
      for (const ticket of page.body.items) {
        references.push(ticket.reference);
        ids.add(ticket.id);
      }
      cursor = page.body.nextCursor;
    } while (cursor);
    duplicateReferences += references.length - new Set(references).size;
    lostCreates += load.creates.filter((c) => c.accountId === accountId && !ids.has(c.id)).length;
  }
  return { lostUpdates, lostCreates, duplicateReferences };
}

if (import.meta.main && process.argv.includes(CHILD_FLAG)) {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(await measure())}\n`);
} else if (import.meta.main) {
  const { figures, byCommand } = await measure();
  printRequests(byCommand);
  console.table(figures);
  console.log(
    `5xx, lost updates, lost creates, duplicate references all 0 and median create <= ${TARGET_RATIO}x a bare ` +
      `two-item transaction at the same concurrency: ${figures.targetsMet ? 'met' : 'NOT met'}`,
  );
}
