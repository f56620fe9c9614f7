// The HTTPS API's route table: every route's path, roles and the schemas of what it reads and
// answers, declared once. Route groups implement these (the group reads each request by them), the
// local server and CDK route by them, and the OpenAPI document is built from them. Paths and roles
// are published (DESIGN.md): keep them.
import { calendarSchema } from '../domain/calendar.ts';
import { catalogSchema } from '../domain/catalog.ts';
import { planSchema } from '../domain/plan.ts';
import { exportRoutes } from './export-routes.ts';
import { mailRoutes } from './mail-routes.ts';
import { queueRoutes } from './queue-routes.ts';
import type { RouteSpec } from './routing.ts';
import {
  accountIdPath,
  accountPageSchema,
  accountSchema,
  apiKeyIdPath,
  apiKeySchema,
  bundleBalanceSchema,
  catalogIdPath,
  catalogItemPath,
  contactListSchema,
  contactPath,
  contactSchema,
  contractInputSchema,
  contractViewSchema,
  createdApiKeySchema,
  createTicketSchema,
  healthSchema,
  idempotencyKeyHeader,
  ifMatchHeader,
  listQuerySchema,
  listTicketsQuerySchema,
  loggedTimeSchema,
  messagePageSchema,
  newAccountSchema,
  newApiKeySchema,
  newBundleInputSchema,
  newContactSchema,
  newMessageSchema,
  newTimeEntrySchema,
  openApiObjectSchema,
  patchTicketSchema,
  postedMessageSchema,
  problemSchema,
  staffAddressSchema,
  storedCalendarSchema,
  storedCatalogSchema,
  storedPlanSchema,
  ticketIdPath,
  ticketPageSchema,
  ticketSchema,
  usageQuerySchema,
  usageSchema,
} from './schemas.ts';

const problems = {
  400: { description: 'Invalid input; `errors` names each field', schema: problemSchema },
  401: { description: 'Missing or unknown API key', schema: problemSchema },
  403: { description: 'The key’s role may not use this route', schema: problemSchema },
} as const;
const notFound = {
  404: { description: 'No such resource visible to this key', schema: problemSchema },
} as const;

/** Answers carrying the version of what they hold (send it back in If-Match). */
const versioned = { ETag: 'required' } as const;
/** Creates honouring Idempotency-Key: a retry's answer is the first one's, marked as replayed. */
const created = { ETag: 'required', 'Idempotent-Replayed': 'optional' } as const;

const everyone = ['customer', 'agent', 'finance', 'admin'] as const;
const staff = ['agent', 'admin'] as const;

export const ticketRoutes = {
  createTicket: {
    routeKey: 'POST /v1/tickets',
    roles: ['customer', 'agent', 'admin'],
    tags: ['tickets'],
    summary: 'Open a ticket under the account’s plan',
    description:
      'Applies the plan: entitlement admission (quota, daily cap deferral, overage rule), SLA clocks and the next reference. Honours Idempotency-Key.',
    headers: idempotencyKeyHeader,
    body: createTicketSchema,
    responses: {
      201: { description: 'Created', schema: ticketSchema, headers: created },
      ...problems,
      ...notFound,
      422: {
        description: 'Refused by the plan, or Idempotency-Key reused with another body',
        schema: problemSchema,
      },
    },
  },
  listTickets: {
    routeKey: 'GET /v1/tickets',
    roles: everyone,
    tags: ['tickets'],
    summary: 'List tickets, newest first (customers: their account; staff: by account or status)',
    description:
      'Staff keys name `accountId` or `status` (or both); without either the answer is a 400 naming them. The agents’ work list across accounts is GET /v1/queue.',
    query: listTicketsQuerySchema,
    responses: {
      200: { description: 'A page', schema: ticketPageSchema },
      ...problems,
      404: { description: '`accountId` names an account this key does not see', schema: problemSchema },
    },
  },
  getTicket: {
    routeKey: 'GET /v1/tickets/{id}',
    roles: everyone,
    tags: ['tickets'],
    summary: 'A ticket with its live SLA view',
    path: ticketIdPath,
    responses: {
      200: { description: 'The ticket', schema: ticketSchema, headers: versioned },
      ...problems,
      ...notFound,
    },
  },
  patchTicket: {
    routeKey: 'PATCH /v1/tickets/{id}',
    roles: staff,
    tags: ['tickets'],
    summary: 'Triage (severity, kind), assign, or change status',
    description:
      'Severity or kind confirms triage (meets acknowledge). `assignee` is the keyId of an active agent or admin key, or null. Honours If-Match with the ticket version.',
    path: ticketIdPath,
    headers: ifMatchHeader,
    body: patchTicketSchema,
    responses: {
      200: { description: 'The updated ticket', schema: ticketSchema, headers: versioned },
      ...problems,
      ...notFound,
      412: { description: 'If-Match names an older version', schema: problemSchema },
    },
  },
  claimTicket: {
    routeKey: 'POST /v1/tickets/{id}/claim',
    roles: staff,
    tags: ['tickets'],
    summary: 'Take an open ticket nobody has: it is assigned to the calling key',
    description:
      'Claiming a ticket the caller already has changes nothing. A ticket someone else has is a 409; a resolved or closed ticket a 400 naming `status`.',
    path: ticketIdPath,
    responses: {
      200: { description: 'The ticket, assigned to the caller', schema: ticketSchema, headers: versioned },
      ...problems,
      ...notFound,
      409: { description: 'Someone else has the ticket', schema: problemSchema },
    },
  },
  listMessages: {
    routeKey: 'GET /v1/tickets/{id}/messages',
    roles: everyone,
    tags: ['tickets'],
    summary: 'Messages of a ticket, oldest first (customers do not see internal notes)',
    path: ticketIdPath,
    query: listQuerySchema,
    responses: { 200: { description: 'A page', schema: messagePageSchema }, ...problems, ...notFound },
  },
  postMessage: {
    routeKey: 'POST /v1/tickets/{id}/messages',
    roles: ['customer', 'agent', 'admin'],
    tags: ['tickets'],
    summary: 'Reply on a ticket (agents: public reply or internal note)',
    description: 'Honours Idempotency-Key.',
    path: ticketIdPath,
    headers: idempotencyKeyHeader,
    body: newMessageSchema,
    responses: {
      201: {
        description: 'Posted; ETag is the ticket’s version',
        schema: postedMessageSchema,
        headers: created,
      },
      ...problems,
      ...notFound,
      422: { description: 'Idempotency-Key reused with another request', schema: problemSchema },
    },
  },
  logTime: {
    routeKey: 'POST /v1/tickets/{id}/time-entries',
    roles: staff,
    tags: ['tickets'],
    summary: 'Log agent time: rounded, drawn from the hour pool, billed as the plan says',
    description: 'Honours Idempotency-Key.',
    path: ticketIdPath,
    headers: idempotencyKeyHeader,
    body: newTimeEntrySchema,
    responses: {
      201: {
        description: 'Logged; ETag is the ticket’s version',
        schema: loggedTimeSchema,
        headers: created,
      },
      ...problems,
      ...notFound,
      422: {
        description:
          'Refused by the plan (prepaid hours used up), or Idempotency-Key reused with another request',
        schema: problemSchema,
      },
    },
  },
} satisfies Record<string, RouteSpec>;

export const systemRoutes = {
  health: {
    routeKey: 'GET /v1/health',
    roles: 'public',
    tags: ['system'],
    summary: 'Liveness and table reachability',
    responses: {
      200: { description: 'Healthy', schema: healthSchema },
      503: {
        description:
          'The table does not answer (the health status), or the desk is starting (a problem); retry after `Retry-After` seconds where given',
        content: { 'application/json': healthSchema, 'application/problem+json': problemSchema },
        headers: { 'Retry-After': 'optional' },
      },
    },
  },
  openapi: {
    routeKey: 'GET /v1/openapi.json',
    roles: 'public',
    tags: ['system'],
    summary: 'This OpenAPI 3.1 document',
    responses: {
      200: {
        description: 'The document (cacheable for 5 minutes)',
        schema: openApiObjectSchema,
        headers: { 'Cache-Control': 'required' },
      },
    },
  },
} satisfies Record<string, RouteSpec>;

const stale = { 412: { description: 'If-Match names an older version', schema: problemSchema } } as const;
const admin = ['admin'] as const;
const accountReaders = ['customer', 'agent', 'finance', 'admin'] as const;
const itemIdForm =
  'The id is `<catalogId>.<id>` (e.g. `b2bee.standard`, `sales-layer.madrid-business`): plans and calendars are validated within their catalog.';

/**
 * Catalog, calendar and plan bodies are at most this many bytes as sent, checked before they are
 * parsed: twice what a stored catalog may hold as compact JSON (MAX_CATALOG_BYTES in
 * functions/app/catalogs.ts), room for indentation. Validating and expanding holidays cost far more.
 */
export const MAX_CATALOG_BODY_BYTES = 700_000;

/** The use case validates these bodies whole (cross-field rules, field names relative to the item). */
const catalogBody = { bodyCheckedBy: 'use case', maxBodyBytes: MAX_CATALOG_BODY_BYTES } as const;

export const catalogRoutes = {
  putCatalog: {
    routeKey: 'PUT /v1/catalogs/{id}',
    roles: admin,
    tags: ['catalogs'],
    summary: 'Create or replace a whole catalog (calendars and plans)',
    description:
      'Validated whole (every error names its field, e.g. `plans[0].sla.targets.P1.resolution.within`); nothing is stored on error. The body’s `id` must be the path’s. Calendars naming `holidayRegions` get the public holidays of last year to three years ahead added to `holidays`. Honours If-Match with the catalog version.',
    path: catalogIdPath,
    headers: ifMatchHeader,
    body: catalogSchema,
    ...catalogBody,
    responses: {
      200: { description: 'Replaced', schema: storedCatalogSchema, headers: versioned },
      201: { description: 'Created', schema: storedCatalogSchema, headers: versioned },
      ...problems,
      ...stale,
    },
  },
  getCatalog: {
    routeKey: 'GET /v1/catalogs/{id}',
    roles: ['agent', 'admin'],
    tags: ['catalogs'],
    summary: 'A catalog as stored, with its version',
    path: catalogIdPath,
    responses: {
      200: { description: 'The catalog', schema: storedCatalogSchema, headers: versioned },
      ...problems,
      ...notFound,
    },
  },
  putCalendar: {
    routeKey: 'PUT /v1/calendars/{id}',
    roles: admin,
    tags: ['catalogs'],
    summary: 'Create or replace one calendar of a catalog',
    description: `${itemIdForm} The whole catalog is re-validated; errors in the calendar name fields of the body, others \`catalog.<field>\`. Holiday regions are expanded as for a catalog. Honours If-Match with the catalog version.`,
    path: catalogItemPath,
    headers: ifMatchHeader,
    body: calendarSchema,
    ...catalogBody,
    responses: {
      200: { description: 'Saved', schema: storedCalendarSchema, headers: versioned },
      ...problems,
      ...notFound,
      ...stale,
    },
  },
  getCalendar: {
    routeKey: 'GET /v1/calendars/{id}',
    roles: ['agent', 'admin'],
    tags: ['catalogs'],
    summary: 'One calendar of a catalog',
    description: itemIdForm,
    path: catalogItemPath,
    responses: {
      200: { description: 'The calendar', schema: storedCalendarSchema, headers: versioned },
      ...problems,
      ...notFound,
    },
  },
  putPlan: {
    routeKey: 'PUT /v1/plans/{id}',
    roles: admin,
    tags: ['catalogs'],
    summary: 'Create or replace one plan of a catalog',
    description: `${itemIdForm} The body may omit \`id\` (the path gives it). The whole catalog is re-validated; errors in the plan name fields of the body (\`sla.targets.P1.resolution.within\`), others \`catalog.<field>\`. Honours If-Match with the catalog version.`,
    path: catalogItemPath,
    headers: ifMatchHeader,
    body: planSchema,
    ...catalogBody,
    responses: {
      200: { description: 'Saved', schema: storedPlanSchema, headers: versioned },
      ...problems,
      ...notFound,
      ...stale,
    },
  },
  getPlan: {
    routeKey: 'GET /v1/plans/{id}',
    roles: ['agent', 'admin'],
    tags: ['catalogs'],
    summary: 'One plan of a catalog',
    description: itemIdForm,
    path: catalogItemPath,
    responses: {
      200: { description: 'The plan', schema: storedPlanSchema, headers: versioned },
      ...problems,
      ...notFound,
    },
  },
} satisfies Record<string, RouteSpec>;

export const adminRoutes = {
  createAccount: {
    routeKey: 'POST /v1/accounts',
    roles: admin,
    tags: ['accounts'],
    summary: 'Create an account on a catalog, optionally with its contract',
    description:
      'The reference prefix is claimed for this account alone (tickets are found by reference across accounts). Honours Idempotency-Key.',
    headers: idempotencyKeyHeader,
    body: newAccountSchema,
    responses: {
      201: { description: 'Created', schema: accountSchema, headers: created },
      ...problems,
      409: { description: 'The account id or reference prefix is taken', schema: problemSchema },
      422: { description: 'Idempotency-Key reused with another body', schema: problemSchema },
    },
  },
  listAccounts: {
    routeKey: 'GET /v1/accounts',
    roles: ['agent', 'finance', 'admin'],
    tags: ['accounts'],
    summary: 'All accounts, oldest first',
    query: listQuerySchema,
    responses: { 200: { description: 'A page', schema: accountPageSchema }, ...problems },
  },
  getAccount: {
    routeKey: 'GET /v1/accounts/{id}',
    roles: accountReaders,
    tags: ['accounts'],
    summary: 'An account (customers: their own only)',
    path: accountIdPath,
    responses: {
      200: { description: 'The account', schema: accountSchema, headers: versioned },
      ...problems,
      ...notFound,
    },
  },
  getContract: {
    routeKey: 'GET /v1/accounts/{id}/contract',
    roles: accountReaders,
    tags: ['accounts'],
    summary: 'The account’s contract (customers: their own only)',
    description: 'An account without a contract (pay per use) answers 404.',
    path: accountIdPath,
    responses: {
      200: {
        description: 'The contract; ETag is the account’s version',
        schema: contractViewSchema,
        headers: versioned,
      },
      ...problems,
      ...notFound,
    },
  },
  putContract: {
    routeKey: 'PUT /v1/accounts/{id}/contract',
    roles: admin,
    tags: ['accounts'],
    summary: 'Set the account’s contract (plan, start date, tier), checked against its catalog',
    description: 'Honours If-Match with the account version (ETag of the account).',
    path: accountIdPath,
    headers: ifMatchHeader,
    body: contractInputSchema,
    responses: {
      200: { description: 'The updated account', schema: accountSchema, headers: versioned },
      ...problems,
      ...notFound,
      ...stale,
    },
  },
  cancelContract: {
    routeKey: 'POST /v1/accounts/{id}/contract/cancellation',
    roles: admin,
    tags: ['accounts'],
    summary: 'Cancel the account’s contract: it runs to the end of the current term and does not renew',
    description:
      "After the term's end the catalog's no-contract rule applies (pay per use, refusal, or no SLA). Cancelling again keeps the first date. Honours If-Match with the account version.",
    path: accountIdPath,
    headers: ifMatchHeader,
    responses: {
      200: {
        description: 'The account, its contract with `cancelledAt`',
        schema: accountSchema,
        headers: versioned,
      },
      ...problems,
      ...notFound,
      ...stale,
    },
  },
  addBundle: {
    routeKey: 'POST /v1/accounts/{id}/bundles',
    roles: admin,
    tags: ['accounts'],
    summary: 'Record a prepaid bundle of hours the customer bought',
    description:
      'Time draws the plan’s included hours first, then bundles (earliest expiry first), then the rate. The plan must sell bundles (`timeBilling.bundles`). Recording the same `id` again answers 200 with the bundle; other terms under that id are a 409. Honours Idempotency-Key.',
    path: accountIdPath,
    headers: idempotencyKeyHeader,
    body: newBundleInputSchema,
    responses: {
      201: { description: 'Recorded', schema: bundleBalanceSchema },
      200: { description: 'Already recorded with these terms', schema: bundleBalanceSchema },
      ...problems,
      ...notFound,
      409: { description: 'Another bundle has this id', schema: problemSchema },
      422: { description: 'Idempotency-Key reused with another request', schema: problemSchema },
    },
  },
  listContacts: {
    routeKey: 'GET /v1/accounts/{id}/contacts',
    roles: ['customer', 'agent', 'admin'],
    tags: ['accounts'],
    summary: 'Registered contacts of an account and the plan’s limit (customers: their own only)',
    path: accountIdPath,
    responses: { 200: { description: 'The contacts', schema: contactListSchema }, ...problems, ...notFound },
  },
  addContact: {
    routeKey: 'POST /v1/accounts/{id}/contacts',
    roles: admin,
    tags: ['accounts'],
    summary: 'Register a contact (only registered persons may open tickets)',
    description:
      'The plan’s `contacts.max` is enforced in the write, so concurrent additions never exceed it. Honours Idempotency-Key.',
    path: accountIdPath,
    headers: idempotencyKeyHeader,
    body: newContactSchema,
    responses: {
      201: {
        description: 'Registered',
        schema: contactSchema,
        headers: { 'Idempotent-Replayed': 'optional' },
      },
      ...problems,
      ...notFound,
      409: { description: 'The address is already registered on this account', schema: problemSchema },
      422: {
        description:
          'The plan’s registered-person limit is reached, or Idempotency-Key reused with another request',
        schema: problemSchema,
      },
    },
  },
  removeContact: {
    routeKey: 'DELETE /v1/accounts/{id}/contacts/{email}',
    roles: admin,
    tags: ['accounts'],
    summary: 'Remove a registered contact',
    path: contactPath,
    responses: { 204: { description: 'Removed' }, ...problems, ...notFound },
  },
  createApiKey: {
    routeKey: 'POST /v1/api-keys',
    roles: admin,
    tags: ['api-keys'],
    summary: 'Issue an API key; the secret is in this response only',
    description:
      'Customer keys need `accountId` (an existing account, the only one the key sees); other roles must omit it. Only a hash of the secret is stored. Not idempotent: a replay would have to store the secret.',
    body: newApiKeySchema,
    responses: { 201: { description: 'Issued', schema: createdApiKeySchema }, ...problems },
  },
  setStaffAddress: {
    routeKey: 'PATCH /v1/api-keys/{keyId}',
    roles: admin,
    tags: ['api-keys'],
    summary: 'Set or remove the staff address of an agent or admin key',
    description:
      'Agent notifications for tickets assigned to the key go to this address, and replies to them from it act as the key. An address belongs to one key.',
    path: apiKeyIdPath,
    body: staffAddressSchema,
    responses: {
      200: { description: 'The key', schema: apiKeySchema },
      ...problems,
      ...notFound,
      409: { description: 'The address belongs to another key', schema: problemSchema },
    },
  },
  revokeApiKey: {
    routeKey: 'DELETE /v1/api-keys/{keyId}',
    roles: admin,
    tags: ['api-keys'],
    summary: 'Revoke an API key by its keyId',
    description:
      'The key is refused from then on (in AWS, once the authorizer’s cached answer for it expires). Revoking again keeps the first date.',
    path: apiKeyIdPath,
    responses: { 200: { description: 'Revoked', schema: apiKeySchema }, ...problems, ...notFound },
  },
} satisfies Record<string, RouteSpec>;

export const accountRoutes = {
  getUsage: {
    routeKey: 'GET /v1/accounts/{id}/usage',
    roles: accountReaders,
    tags: ['usage'],
    summary: 'Pool balances for the period holding a month, the month’s ledger entries and totals',
    description:
      "Customers: their own account only. `month` defaults to the current month in the catalog's billing time zone; a future month is a 400.",
    path: accountIdPath,
    query: usageQuerySchema,
    responses: { 200: { description: 'The usage', schema: usageSchema }, ...problems, ...notFound },
  },
} satisfies Record<string, RouteSpec>;

/**
 * Route groups: each is one Lambda function whose handler is `functions/api/<group>.ts`. The CDK
 * API construct and the local server both route by this table.
 */
export const routeGroups: Record<string, Record<string, RouteSpec>> = {
  system: systemRoutes,
  tickets: ticketRoutes,
  catalogs: catalogRoutes,
  admin: adminRoutes,
  accounts: accountRoutes,
  exports: exportRoutes,
  mail: mailRoutes,
  queue: queueRoutes,
};

/** Every route of the API, for the OpenAPI document, the local server and the CDK routes. */
export const allRoutes: RouteSpec[] = Object.values(routeGroups).flatMap((group) => Object.values(group));
