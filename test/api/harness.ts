// An in-process local API for integration tests: the real HTTP server and route handlers on the
// run's DynamoDB Local, a movable clock, and helpers to seed catalogs, accounts and keys.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import { authenticate } from '../../functions/api/auth.ts';
import { type AppContext, appContext } from '../../functions/app/context.ts';
import { MovableClock } from '../../functions/app/local-clock.ts';
import { parseCatalog } from '../../functions/domain/catalog.ts';
import type { Contract } from '../../functions/domain/contract.ts';
import { defaultSettings } from '../../functions/settings.ts';
import { logger } from '../../functions/shared/log.ts';
import { type AccountRecord, addContact, createAccount } from '../../functions/store/accounts.ts';
import { createApiKey, type Role } from '../../functions/store/api-keys.ts';
import { getCatalog, putCatalog } from '../../functions/store/catalogs.ts';
import { createStoreContext } from '../../functions/store/context.ts';
import { fixedCursorSecret } from '../../functions/store/cursor.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb-local.ts';
import { createHttpServer } from '../../local/http-server.ts';
import { apiRoutes } from '../../local/routes.ts';

export interface Harness {
  baseUrl: string;
  clock: MovableClock;
  /** The desk the API runs on: the run's table, the harness's clock, the test's settings. */
  ctx: AppContext;
  close(): Promise<void>;
}

let desk: AppContext | undefined;

/** The cursor secret of every test desk: fixed, so a failing cursor test can be replayed. */
export const TEST_CURSOR_SECRET = 'test-cursor-secret-0123456789abcdef0123456789';

export interface DeskOptions {
  /** Default: the run's shared table. */
  tableName?: string;
  mailDir?: string;
  dataDir?: string;
}

export interface ApiOptions extends DeskOptions {
  /** Each request's time from arrival (the local server's default: the API functions' timeout). */
  requestBudgetMs?: number;
}

/**
 * The desk of this test file (a table, a movable clock, default settings with `mailDir` and
 * `dataDir` where given), built by the first call: what `npm start` builds on one machine.
 */
export function deskContext(options: DeskOptions = {}): AppContext {
  if (!desk) {
    logger().setLogLevel('WARN');
    const { tableName = inject('tableName'), ...dirs } = options;
    const store = createStoreContext(
      tableName,
      { endpoint: inject('dynamoEndpoint'), region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS },
      { cursorSecret: fixedCursorSecret(TEST_CURSOR_SECRET) },
    );
    desk = appContext(store, new MovableClock(), defaultSettings({ tableName, ...dirs }));
  }
  return desk;
}

export async function startApi(options: ApiOptions = {}): Promise<Harness> {
  const { requestBudgetMs, ...desk } = options;
  const ctx = deskContext(desk);
  const server = createHttpServer(
    apiRoutes(() => ctx),
    async (header) => {
      const principal = await authenticate(ctx.store, header);
      return principal ? { ...principal } : undefined;
    },
    () => true,
    requestBudgetMs === undefined ? {} : { requestBudgetMs },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    clock: ctx.clock as MovableClock,
    ctx,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Stores an example catalog once per test run (test files share the table and run in parallel). */
export async function seedCatalog(name: string): Promise<string> {
  const catalog = parseCatalog(
    JSON.parse(readFileSync(new URL(`../../examples/${name}.catalog.json`, import.meta.url), 'utf8')),
  );
  if (await getCatalog(deskContext().store, catalog.id)) return catalog.id;
  try {
    await putCatalog(deskContext().store, catalog, new Date());
  } catch (error) {
    // Another test file stored it at the same moment: the same example, so nothing is lost.
    if (!(await getCatalog(deskContext().store, catalog.id))) throw error;
  }
  return catalog.id;
}

let prefixes = 0;
/** A reference prefix no other account of this run has (letters only, as references are looked up by it). */
function uniquePrefix(): string {
  prefixes += 1;
  const letters = randomUUID()
    .replace(/[^a-f]/g, '')
    .toUpperCase()
    .slice(0, 6);
  return `T${letters}${String.fromCharCode(65 + (prefixes % 26))}`;
}

export async function seedAccount(
  catalogId: string,
  contract: Omit<Contract, 'accountId'> | undefined,
  contacts: string[] = [],
): Promise<AccountRecord> {
  const id = `acct-${randomUUID().slice(0, 8)}`;
  const now = new Date().toISOString();
  const account = await createAccount(deskContext().store, {
    id,
    name: `Account ${id}`,
    referencePrefix: uniquePrefix(),
    catalogId,
    ...(contract ? { contract: { ...contract, accountId: id } } : {}),
    contactCount: 0,
    createdAt: now,
    updatedAt: now,
    version: 1,
  });
  for (const email of contacts)
    await addContact(deskContext().store, { accountId: id, email, createdAt: now }, undefined);
  return account;
}

export async function keyFor(role: Role, accountId?: string, displayName?: string): Promise<string> {
  const { secret } = await createApiKey(
    deskContext().store,
    {
      role,
      name: `${role} test key`,
      ...(accountId ? { accountId } : {}),
      ...(displayName ? { displayName } : {}),
    },
    new Date(),
  );
  return secret;
}

export function client(baseUrl: string, key: string | undefined) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected field by field
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: response.status, headers: response.headers, body: json };
  };
}
