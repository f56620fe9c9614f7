// The HTTPS API contract: every route's path, roles and schemas, declared once. Route groups
// implement these, the local server and CDK route by them, and the OpenAPI document is built
// from them. Paths and roles are a published contract (DESIGN.md): keep them.
import { z } from 'zod';
import type { RouteContract } from './routing.ts';
import {
  createTicketSchema,
  listQuerySchema,
  listTicketsQuerySchema,
  loggedTimeSchema,
  messagePageSchema,
  newMessageSchema,
  newTimeEntrySchema,
  patchTicketSchema,
  postedMessageSchema,
  problemSchema,
  ticketIdPath,
  ticketPageSchema,
  ticketSchema,
} from './schemas.ts';

const problems = {
  400: { description: 'Invalid input; `errors` names each field', schema: problemSchema },
  401: { description: 'Missing or unknown API key', schema: problemSchema },
  403: { description: 'The key’s role may not use this route', schema: problemSchema },
} as const;
const notFound = {
  404: { description: 'No such resource visible to this key', schema: problemSchema },
} as const;

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
    headers: z.object({ 'idempotency-key': z.string().max(255).optional() }),
    body: createTicketSchema,
    responses: {
      201: { description: 'Created', schema: ticketSchema },
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
    query: listTicketsQuerySchema,
    responses: { 200: { description: 'A page', schema: ticketPageSchema }, ...problems },
  },
  getTicket: {
    routeKey: 'GET /v1/tickets/{id}',
    roles: everyone,
    tags: ['tickets'],
    summary: 'A ticket with its live SLA view',
    path: ticketIdPath,
    responses: { 200: { description: 'The ticket', schema: ticketSchema }, ...problems, ...notFound },
  },
  patchTicket: {
    routeKey: 'PATCH /v1/tickets/{id}',
    roles: staff,
    tags: ['tickets'],
    summary: 'Triage (severity, kind), assign, or change status',
    description:
      'Severity or kind confirms triage (meets acknowledge). Honours If-Match with the ticket version.',
    path: ticketIdPath,
    headers: z.object({ 'if-match': z.string().optional() }),
    body: patchTicketSchema,
    responses: {
      200: { description: 'The updated ticket', schema: ticketSchema },
      ...problems,
      ...notFound,
      412: { description: 'If-Match names an older version', schema: problemSchema },
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
    path: ticketIdPath,
    body: newMessageSchema,
    responses: { 201: { description: 'Posted', schema: postedMessageSchema }, ...problems, ...notFound },
  },
  logTime: {
    routeKey: 'POST /v1/tickets/{id}/time-entries',
    roles: staff,
    tags: ['tickets'],
    summary: 'Log agent time: rounded, drawn from the hour pool, billed as the plan says',
    path: ticketIdPath,
    body: newTimeEntrySchema,
    responses: {
      201: { description: 'Logged', schema: loggedTimeSchema },
      ...problems,
      ...notFound,
      422: { description: 'Refused by the plan (prepaid hours used up)', schema: problemSchema },
    },
  },
} satisfies Record<string, RouteContract>;

export const systemRoutes = {
  health: {
    routeKey: 'GET /v1/health',
    roles: 'public',
    tags: ['system'],
    summary: 'Liveness and table reachability',
    responses: { 200: { description: 'Healthy' }, 503: { description: 'The table does not answer' } },
  },
  openapi: {
    routeKey: 'GET /v1/openapi.json',
    roles: 'public',
    tags: ['system'],
    summary: 'This OpenAPI 3.1 document',
    responses: { 200: { description: 'The document' } },
  },
} satisfies Record<string, RouteContract>;

/**
 * Route groups: each is one Lambda function whose handler is `functions/api/<group>.ts`. The CDK
 * API construct and the local server both route by this table.
 */
export const routeGroups: Record<string, Record<string, RouteContract>> = {
  system: systemRoutes,
  tickets: ticketRoutes,
};

/** Every route of the API, for the OpenAPI document, the local server and the CDK routes. */
export const allRoutes: RouteContract[] = Object.values(routeGroups).flatMap((group) => Object.values(group));
