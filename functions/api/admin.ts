// Admin routes (one Lambda function): accounts and their contracts and contacts, API keys. Staff and
// customers may read some of them (see the route table). Catalogs are apart (catalogs.ts).
import {
  accountView,
  cancelContract,
  contactsOf,
  contactView,
  createAccountFor,
  listAccountsPage,
  loadAccount,
  recordBundle,
  registerContact,
  setContract,
  unregisterContact,
} from '../app/accounts.ts';
import { apiKeyView, issueApiKey, revokeKey, setKeyAddress } from '../app/api-keys.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { AccountRecord } from '../store/accounts.ts';
import type { HttpResult } from './http.ts';
import { idempotent } from './idempotency.ts';
import { pageRequest } from './paging.ts';
import { adminRoutes as routes } from './routes.ts';
import { routeGroup } from './routing.ts';

function withVersion(status: number, version: number, body: unknown): HttpResult {
  return { status, body, headers: { etag: `"${version}"` } };
}

function accountResult(status: number, account: AccountRecord): HttpResult {
  return withVersion(status, account.version, accountView(account));
}

export const group = routeGroup('admin', routes, {
  createAccount: idempotent(
    routes.createAccount,
    // The use case hashes the body the same way and records the response in its transaction.
    { hashed: ({ body }) => body },
    async ({ body, principal, app }, claim) => {
      const response = await createAccountFor(app, principal, body, claim?.key);
      const version = (response.body as { version?: number }).version;
      return {
        result:
          version === undefined
            ? { status: response.status, body: response.body }
            : withVersion(response.status, version, response.body),
        recorded: true,
      };
    },
  ),

  listAccounts: async (request) => {
    const page = await listAccountsPage(request.app, pageRequest(request));
    return {
      status: 200,
      body: {
        items: page.items.map(accountView),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      },
    };
  },

  getAccount: async ({ path, principal, app }) =>
    accountResult(200, await loadAccount(app, principal, path.id)),

  getContract: async ({ path, principal, app }) => {
    const account = await loadAccount(app, principal, path.id);
    if (!account.contract) throw new NotFoundError(`contract of account ${account.id}`);
    return withVersion(200, account.version, account.contract);
  },

  putContract: async ({ path, headers, body, app }) =>
    accountResult(200, await setContract(app, path.id, body, headers['if-match'])),

  cancelContract: async ({ path, headers, app }) =>
    accountResult(200, await cancelContract(app, path.id, headers['if-match'])),

  addBundle: idempotent(routes.addBundle, {}, async ({ path, body, app }) => {
    const { created, bundle } = await recordBundle(app, path.id, body);
    return { result: { status: created ? 201 : 200, body: bundle } };
  }),

  listContacts: async ({ path, principal, app }) => ({
    status: 200,
    body: await contactsOf(app, principal, path.id),
  }),

  addContact: idempotent(routes.addContact, {}, async ({ path, body, app }) => ({
    result: { status: 201, body: contactView(await registerContact(app, path.id, body)) },
  })),

  removeContact: async ({ path, app }) => {
    await unregisterContact(app, path.id, path.email);
    return { status: 204 };
  },

  // Not idempotent: replaying the answer would mean storing the secret (only its hash is kept).
  createApiKey: async ({ body, app }) => {
    const { secret, record } = await issueApiKey(app, body);
    return { status: 201, body: { secret, key: apiKeyView(record) } };
  },

  setStaffAddress: async ({ path, body, app }) => ({
    status: 200,
    body: apiKeyView(await setKeyAddress(app, path.keyId, body.email)),
  }),

  revokeApiKey: async ({ path, app }) => ({
    status: 200,
    body: apiKeyView(await revokeKey(app, path.keyId)),
  }),
});

export const { handler } = group;
