// Admin routes (one Lambda function): catalogs, calendars and plans, accounts and their contracts
// and contacts, API keys. Staff and customers may read some of them (see the contract).
import * as z from 'zod/mini';
import {
  accountView,
  contactsOf,
  contactView,
  createAccountFor,
  listAccountsPage,
  loadAccount,
  registerContact,
  setContract,
  unregisterContact,
} from '../app/accounts.ts';
import { apiKeyView, issueApiKey, revokeKey } from '../app/api-keys.ts';
import {
  readCalendar,
  readCatalog,
  readPlan,
  saveCalendar,
  saveCatalog,
  savePlan,
  splitCatalogItemId,
} from '../app/catalogs.ts';
import { NotFoundError } from '../domain/errors.ts';
import { parseWith } from '../domain/validation.ts';
import type { AccountRecord } from '../store/accounts.ts';
import type { StoredCatalog } from '../store/catalogs.ts';
import { validIdempotencyKey } from '../store/idempotency.ts';
import { adminRoutes as routes } from './contract.ts';
import type { HttpResult } from './http.ts';
import { idempotencyKeyOf, ifMatchVersion, jsonBody, pathParam, queryOf } from './request.ts';
import { routeGroup } from './routing.ts';
import {
  contactPath,
  contractInputSchema,
  listQuerySchema,
  newAccountSchema,
  newApiKeySchema,
  newContactSchema,
} from './schemas.ts';

/** Catalog, calendar and plan bodies are checked whole by the use case (cross-field rules included). */
const anyJson = z.unknown();

function withVersion(status: number, version: number, body: unknown): HttpResult {
  return { status, body, headers: { etag: `"${version}"` } };
}

function catalogResult(status: number, stored: StoredCatalog): HttpResult {
  return withVersion(status, stored.version, stored);
}

function accountResult(status: number, account: AccountRecord): HttpResult {
  return withVersion(status, account.version, accountView(account));
}

export const { handler, routeKeys } = routeGroup('admin', [
  [
    routes.putCatalog,
    async ({ event, app }) => {
      const ifMatch = ifMatchVersion(event);
      const stored = await saveCatalog(app, pathParam(event, 'id'), jsonBody(event, anyJson), ifMatch);
      return catalogResult(stored.version === 1 ? 201 : 200, stored);
    },
  ],
  [
    routes.getCatalog,
    async ({ event, app }) => catalogResult(200, await readCatalog(app, pathParam(event, 'id'))),
  ],
  [
    routes.putCalendar,
    async ({ event, app }) => {
      const id = pathParam(event, 'id');
      const ifMatch = ifMatchVersion(event);
      const stored = await saveCalendar(app, id, jsonBody(event, anyJson), ifMatch);
      const { catalogId, itemId } = splitCatalogItemId(id);
      return withVersion(200, stored.version, {
        catalogId,
        id: itemId,
        catalogVersion: stored.version,
        calendar: stored.catalog.calendars[itemId],
      });
    },
  ],
  [
    routes.getCalendar,
    async ({ event, app }) => {
      const found = await readCalendar(app, pathParam(event, 'id'));
      return withVersion(200, found.catalogVersion, found);
    },
  ],
  [
    routes.putPlan,
    async ({ event, app }) => {
      const id = pathParam(event, 'id');
      const ifMatch = ifMatchVersion(event);
      const stored = await savePlan(app, id, jsonBody(event, anyJson), ifMatch);
      const { catalogId, itemId } = splitCatalogItemId(id);
      return withVersion(200, stored.version, {
        catalogId,
        catalogVersion: stored.version,
        plan: stored.catalog.plans.find((p) => p.id === itemId),
      });
    },
  ],
  [
    routes.getPlan,
    async ({ event, app }) => {
      const found = await readPlan(app, pathParam(event, 'id'));
      return withVersion(200, found.catalogVersion, found);
    },
  ],
  [
    routes.createAccount,
    async ({ event, principal, app }) => {
      const input = jsonBody(event, newAccountSchema);
      const key = validIdempotencyKey(idempotencyKeyOf(event));
      const response = await createAccountFor(app, principal, input, key);
      const version = (response.body as { version?: number }).version;
      return version === undefined
        ? { status: response.status, body: response.body }
        : withVersion(response.status, version, response.body);
    },
  ],
  [
    routes.listAccounts,
    async ({ event, app }) => {
      const query = queryOf(event, listQuerySchema);
      const page = await listAccountsPage(app, {
        ...(query.limit ? { limit: query.limit } : {}),
        ...(query.cursor ? { cursor: query.cursor } : {}),
      });
      return {
        status: 200,
        body: {
          items: page.items.map(accountView),
          ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
        },
      };
    },
  ],
  [
    routes.getAccount,
    async ({ event, principal, app }) =>
      accountResult(200, await loadAccount(app, principal, pathParam(event, 'id'))),
  ],
  [
    routes.getContract,
    async ({ event, principal, app }) => {
      const account = await loadAccount(app, principal, pathParam(event, 'id'));
      if (!account.contract) throw new NotFoundError(`contract of account ${account.id}`);
      return withVersion(200, account.version, account.contract);
    },
  ],
  [
    routes.putContract,
    async ({ event, app }) => {
      const id = pathParam(event, 'id');
      const ifMatch = ifMatchVersion(event);
      const input = jsonBody(event, contractInputSchema);
      return accountResult(200, await setContract(app, id, input, ifMatch));
    },
  ],
  [
    routes.listContacts,
    async ({ event, principal, app }) => ({
      status: 200,
      body: await contactsOf(app, principal, pathParam(event, 'id')),
    }),
  ],
  [
    routes.addContact,
    async ({ event, app }) => {
      const id = pathParam(event, 'id');
      const input = jsonBody(event, newContactSchema);
      return { status: 201, body: contactView(await registerContact(app, id, input)) };
    },
  ],
  [
    routes.removeContact,
    async ({ event, app }) => {
      // Addresses may hold characters other ids may not (o'brien@...); a still-encoded one is decoded
      // once, which is safe because no valid address contains '%'.
      const raw = event.pathParameters?.email ?? '';
      const email = raw.includes('%') ? decodeURIComponent(raw) : raw;
      const path = parseWith(contactPath, { id: pathParam(event, 'id'), email });
      await unregisterContact(app, path.id, path.email);
      return { status: 204 };
    },
  ],
  [
    routes.createApiKey,
    async ({ event, app }) => {
      const { secret, record } = await issueApiKey(app, jsonBody(event, newApiKeySchema));
      return {
        status: 201,
        body: { secret, key: apiKeyView(record) },
        headers: { 'cache-control': 'no-store' },
      };
    },
  ],
  [
    routes.revokeApiKey,
    async ({ event, app }) => ({
      status: 200,
      body: apiKeyView(await revokeKey(app, pathParam(event, 'keyId'))),
    }),
  ],
]);
