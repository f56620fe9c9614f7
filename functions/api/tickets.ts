// Ticket routes (one Lambda function): open, list, read, triage/update, messages and time entries.

import type { AppContext } from '../app/context.ts';
import { assertCanSee, type Principal } from '../app/context.ts';
import {
  changeTicket,
  loadTicket,
  logTime,
  openTicketFor,
  patchCommands,
  replyToTicket,
  type TicketRecord,
  ticketView,
} from '../app/tickets.ts';
import { ValidationError } from '../domain/errors.ts';
import { requireCatalog } from '../store/catalogs.ts';
import { findIdempotentResponse, requestHash, validIdempotencyKey } from '../store/idempotency.ts';
import type { MessageRecord } from '../store/messages.ts';
import { listMessages } from '../store/messages.ts';
import { listTicketsByStatus, listTicketsOfAccount } from '../store/tickets.ts';
import { ticketRoutes as routes } from './contract.ts';
import type { HttpResult } from './http.ts';
import { idempotencyKeyOf, ifMatchVersion, jsonBody, pathParam, queryOf } from './request.ts';
import { routeGroup } from './routing.ts';
import {
  createTicketSchema,
  listQuerySchema,
  listTicketsQuerySchema,
  newMessageSchema,
  newTimeEntrySchema,
  patchTicketSchema,
} from './schemas.ts';

function authorOf(principal: Principal): MessageRecord['author'] {
  return { type: principal.role === 'customer' ? 'customer' : 'agent', keyId: principal.keyId };
}

async function view(app: AppContext, ticket: TicketRecord) {
  const { catalog } = await requireCatalog(app.store, ticket.catalogId);
  return ticketView(ticket, catalog, app.clock.now());
}

function withVersion(status: number, ticket: TicketRecord, body: unknown): HttpResult {
  return { status, body, headers: { etag: `"${ticket.version}"` } };
}

/** A retried create answers what the first one answered: its body, and the ETag of that version. */
function replayed(response: { status: number; body: unknown }): HttpResult {
  const version = (response.body as { version?: unknown } | null)?.version;
  return {
    status: response.status,
    body: response.body,
    headers: {
      'idempotent-replayed': 'true',
      ...(typeof version === 'number' ? { etag: `"${version}"` } : {}),
    },
  };
}

export const { handler, routeKeys } = routeGroup('tickets', [
  [
    routes.createTicket,
    async ({ event, principal, app }) => {
      const input = jsonBody(event, createTicketSchema);
      let accountId: string;
      if (principal.role === 'customer') {
        if (input.accountId !== undefined && input.accountId !== principal.accountId) {
          throw ValidationError.field(
            'accountId',
            'customer keys open tickets on their own account only; omit it',
          );
        }
        accountId = principal.accountId!;
      } else {
        if (!input.accountId)
          throw ValidationError.field('accountId', 'is required for agent and admin keys');
        accountId = input.accountId;
      }
      const key = validIdempotencyKey(idempotencyKeyOf(event));
      const hash = requestHash({ ...input, accountId });
      if (key) {
        // A retry of a create that already happened answers from the record, before any plan rule runs again.
        const prior = await findIdempotentResponse(app.store, principal.keyId, key, hash);
        if (prior) return replayed(prior);
      }
      const opened = await openTicketFor(app, {
        accountId,
        subject: input.subject,
        body: input.body,
        ...(input.severity ? { severity: input.severity } : {}),
        ...(input.kind ? { kind: input.kind } : {}),
        channel: 'api',
        author: authorOf(principal),
        ...(key
          ? {
              idempotency: {
                scope: principal.keyId,
                key,
                hash,
                respond: (ticket, catalog) => ({
                  status: 201,
                  body: ticketView(ticket, catalog, app.clock.now()),
                }),
              },
            }
          : {}),
      });
      if (opened.replayed) return replayed(opened.response);
      if (opened.recorded) return withVersion(opened.recorded.status, opened.ticket, opened.recorded.body);
      return withVersion(201, opened.ticket, ticketView(opened.ticket, opened.catalog, app.clock.now()));
    },
  ],
  [
    routes.listTickets,
    async ({ event, principal, app }) => {
      const query = queryOf(event, listTicketsQuerySchema);
      const options = {
        ...(query.limit ? { limit: query.limit } : {}),
        ...(query.cursor ? { cursor: query.cursor } : {}),
      };
      let page: Awaited<ReturnType<typeof listTicketsOfAccount>>;
      if (principal.role === 'customer' || query.accountId) {
        const accountId = principal.role === 'customer' ? principal.accountId! : query.accountId!;
        if (query.accountId) assertCanSee(principal, query.accountId, `account ${query.accountId}`);
        page = await listTicketsOfAccount(app.store, accountId, {
          ...options,
          ...(query.status ? { status: query.status } : {}),
        });
      } else if (query.status) {
        page = await listTicketsByStatus(app.store, query.status, options);
      } else {
        throw ValidationError.field('query', 'staff keys list by accountId or by status (or both)');
      }
      const items = await Promise.all(page.items.map((item) => view(app, item)));
      return { status: 200, body: { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
    },
  ],
  [
    routes.getTicket,
    async ({ event, principal, app }) => {
      const { ticket, catalog } = await loadTicket(app, principal, pathParam(event, 'id'));
      return withVersion(200, ticket, ticketView(ticket, catalog, app.clock.now()));
    },
  ],
  [
    routes.patchTicket,
    async ({ event, principal, app }) => {
      const id = pathParam(event, 'id');
      const ifMatch = ifMatchVersion(event);
      const patch = jsonBody(event, patchTicketSchema);
      const changed = await changeTicket(app, id, () => patchCommands(patch), {
        principal,
        ...(ifMatch === undefined ? {} : { ifMatch }),
      });
      return withVersion(200, changed.ticket, ticketView(changed.ticket, changed.catalog, app.clock.now()));
    },
  ],
  [
    routes.listMessages,
    async ({ event, principal, app }) => {
      const id = pathParam(event, 'id');
      const query = queryOf(event, listQuerySchema);
      await loadTicket(app, principal, id);
      const page = await listMessages(app.store, id, {
        includeInternal: principal.role !== 'customer',
        ...(query.limit ? { limit: query.limit } : {}),
        ...(query.cursor ? { cursor: query.cursor } : {}),
      });
      const items = page.items.map(({ accountId: _a, messageId: _m, ...message }) => message);
      return { status: 200, body: { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
    },
  ],
  [
    routes.postMessage,
    async ({ event, principal, app }) => {
      const id = pathParam(event, 'id');
      const input = jsonBody(event, newMessageSchema);
      if (principal.role === 'customer' && input.visibility === 'internal') {
        throw ValidationError.field('visibility', 'customers write public messages only');
      }
      const result = await replyToTicket(app, principal, id, {
        body: input.body,
        visibility: input.visibility ?? 'public',
        author: authorOf(principal),
        channel: 'api',
      });
      const { accountId: _a, messageId: _m, ...message } = result.message;
      const body = {
        message,
        ticket: ticketView(result.ticket, result.catalog, app.clock.now()),
        ...(result.continuedOn ? { continuedOn: await view(app, result.continuedOn) } : {}),
      };
      return withVersion(201, result.ticket, body);
    },
  ],
  [
    routes.logTime,
    async ({ event, principal, app }) => {
      const id = pathParam(event, 'id');
      const input = jsonBody(event, newTimeEntrySchema);
      const result = await logTime(app, principal, id, { ...input, loggedBy: principal.keyId });
      const { accountId: _a, ledgerRefs: _l, loggedBy: _b, ...entry } = result.entry;
      return withVersion(201, result.ticket, {
        entry,
        ticket: ticketView(result.ticket, result.catalog, app.clock.now()),
      });
    },
  ],
]);
