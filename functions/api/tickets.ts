// Ticket routes (one Lambda function): open, list, read, triage/update, messages and time entries.

import { checkAssignee, claimTicket } from '../app/assignment.ts';
import type { AppContext } from '../app/context.ts';
import { assertCanSee, type Principal } from '../app/context.ts';
import {
  audienceOf,
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
import type { MessageRecord } from '../store/messages.ts';
import { listMessages } from '../store/messages.ts';
import { listTicketsByStatus, listTicketsOfAccount } from '../store/tickets.ts';
import { deadlineOf, type HttpResult } from './http.ts';
import { idempotent } from './idempotency.ts';
import { pageRequest } from './paging.ts';
import { ticketRoutes as routes } from './routes.ts';
import { routeGroup } from './routing.ts';

function authorOf(principal: Principal): MessageRecord['author'] {
  if (principal.role === 'customer') return { type: 'customer', keyId: principal.keyId };
  return {
    type: 'agent',
    keyId: principal.keyId,
    ...(principal.displayName ? { name: principal.displayName } : {}),
  };
}

/** What customers see of an author who is not a customer: the role and a name, never a key id. */
export const DEFAULT_STAFF_NAME = 'Support agent';

/** The author as `viewer` may see it: staff see key ids; customers see staff by role and name. */
function authorFor(viewer: Principal, author: MessageRecord['author']): MessageRecord['author'] {
  if (viewer.role !== 'customer' || author.type === 'customer') return author;
  if (author.type === 'system') return { type: 'system', ...(author.name ? { name: author.name } : {}) };
  return { type: author.type, name: author.name ?? DEFAULT_STAFF_NAME };
}

async function view(app: AppContext, principal: Principal, ticket: TicketRecord) {
  const { catalog } = await requireCatalog(app.store, ticket.catalogId);
  return ticketView(ticket, catalog, app.clock.now(), audienceOf(principal.role));
}

function withVersion(status: number, ticket: TicketRecord, body: unknown): HttpResult {
  return { status, body, headers: { etag: `"${ticket.version}"` } };
}

/** Customers open tickets on their own account; staff name the account. */
function accountOfNewTicket(principal: Principal, accountId: string | undefined): string {
  if (principal.role === 'customer') {
    if (accountId !== undefined && accountId !== principal.accountId) {
      throw ValidationError.field(
        'accountId',
        'customer keys open tickets on their own account only; omit it',
      );
    }
    return principal.accountId!;
  }
  if (!accountId) throw ValidationError.field('accountId', 'is required for agent and admin keys');
  return accountId;
}

export const group = routeGroup('tickets', routes, {
  createTicket: idempotent(
    routes.createTicket,
    {
      hashed: ({ body, principal }) => ({
        ...body,
        accountId: accountOfNewTicket(principal, body.accountId),
      }),
    },
    // The ticket, its counters and the idempotency record are written in one transaction.
    async ({ body, principal, app, lambda }, claim) => {
      const deadline = deadlineOf(lambda);
      const opened = await openTicketFor(app, {
        ...(deadline === undefined ? {} : { deadline }),
        accountId: accountOfNewTicket(principal, body.accountId),
        subject: body.subject,
        body: body.body,
        ...(body.severity ? { severity: body.severity } : {}),
        ...(body.kind ? { kind: body.kind } : {}),
        channel: 'api',
        author: authorOf(principal),
        ...(claim
          ? {
              idempotency: {
                ...claim,
                respond: (ticket, catalog) => ({
                  status: 201,
                  body: ticketView(ticket, catalog, app.clock.now(), audienceOf(principal.role)),
                }),
              },
            }
          : {}),
      });
      if (opened.replayed) return { replayed: opened.response };
      if (opened.recorded) {
        return {
          result: withVersion(opened.recorded.status, opened.ticket, opened.recorded.body),
          recorded: true,
        };
      }
      return {
        result: withVersion(
          201,
          opened.ticket,
          ticketView(opened.ticket, opened.catalog, app.clock.now(), audienceOf(principal.role)),
        ),
      };
    },
  ),

  listTickets: async (request) => {
    const { query, principal, app } = request;
    let found: Awaited<ReturnType<typeof listTicketsOfAccount>>;
    if (principal.role === 'customer' || query.accountId) {
      const accountId = principal.role === 'customer' ? principal.accountId! : query.accountId!;
      if (query.accountId) assertCanSee(principal, query.accountId, `account ${query.accountId}`);
      found = await listTicketsOfAccount(app.store, accountId, {
        ...pageRequest(request),
        ...(query.status ? { status: query.status } : {}),
      });
    } else if (query.status) {
      found = await listTicketsByStatus(app.store, query.status, pageRequest(request));
    } else {
      // Never an empty page that looks like "no tickets": name what to give, and where the queue is.
      const message =
        'staff keys list by accountId or status (or both); every account’s open tickets in SLA order are GET /v1/queue';
      throw new ValidationError([
        { field: 'query.accountId', message },
        { field: 'query.status', message },
      ]);
    }
    const items = await Promise.all(found.items.map((item) => view(app, principal, item)));
    return { status: 200, body: { items, ...(found.nextCursor ? { nextCursor: found.nextCursor } : {}) } };
  },

  getTicket: async ({ path, principal, app }) => {
    const { ticket, catalog } = await loadTicket(app, principal, path.id);
    return withVersion(200, ticket, ticketView(ticket, catalog, app.clock.now(), audienceOf(principal.role)));
  },

  patchTicket: async ({ path, headers, body, principal, app }) => {
    const ifMatch = headers['if-match'];
    await checkAssignee(app, body.assignee);
    const changed = await changeTicket(app, path.id, () => patchCommands(body, principal.keyId), {
      principal,
      ...(ifMatch === undefined ? {} : { ifMatch }),
    });
    return withVersion(
      200,
      changed.ticket,
      ticketView(changed.ticket, changed.catalog, app.clock.now(), audienceOf(principal.role)),
    );
  },

  claimTicket: async ({ path, principal, app }) => {
    const claimed = await claimTicket(app, principal, path.id);
    return withVersion(
      200,
      claimed.ticket,
      ticketView(claimed.ticket, claimed.catalog, app.clock.now(), audienceOf(principal.role)),
    );
  },

  listMessages: async (request) => {
    const { path, principal, app } = request;
    await loadTicket(app, principal, path.id);
    const found = await listMessages(app.store, path.id, {
      includeInternal: principal.role !== 'customer',
      ...pageRequest(request),
    });
    const items = found.items.map(({ accountId: _a, messageId: _m, ...message }) => ({
      ...message,
      author: authorFor(principal, message.author),
    }));
    return { status: 200, body: { items, ...(found.nextCursor ? { nextCursor: found.nextCursor } : {}) } };
  },

  postMessage: idempotent(routes.postMessage, {}, async ({ path, body, principal, app }) => {
    if (principal.role === 'customer' && body.visibility === 'internal') {
      throw ValidationError.field('visibility', 'customers write public messages only');
    }
    const result = await replyToTicket(app, principal, path.id, {
      body: body.body,
      visibility: body.visibility ?? 'public',
      author: authorOf(principal),
      channel: 'api',
    });
    const { accountId: _a, messageId: _m, ...message } = result.message;
    const posted = {
      message,
      ticket: ticketView(result.ticket, result.catalog, app.clock.now(), audienceOf(principal.role)),
      ...(result.continuedOn ? { continuedOn: await view(app, principal, result.continuedOn) } : {}),
    };
    return { result: withVersion(201, result.ticket, posted) };
  }),

  logTime: idempotent(routes.logTime, {}, async ({ path, body, principal, app }) => {
    const result = await logTime(app, principal, path.id, { ...body, loggedBy: principal.keyId });
    const { accountId: _a, ledgerRefs: _l, loggedBy: _b, ...entry } = result.entry;
    return {
      result: withVersion(201, result.ticket, {
        entry,
        ticket: ticketView(result.ticket, result.catalog, app.clock.now(), audienceOf(principal.role)),
      }),
    };
  }),
});

export const { handler } = group;
