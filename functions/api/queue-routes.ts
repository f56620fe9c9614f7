// The queue route group's routes: the agents' SLA-ordered queue across accounts and its summary.
import * as z from 'zod/mini';
import { QUEUE_STATES } from '../domain/queue.ts';
import { withMeta } from '../domain/zod-mini.ts';
import type { RouteSpec } from './routing.ts';
import { ticketSchema } from './schemas.ts';
import { id, limit, problemSchema } from './schemas-common.ts';

const OPEN_STATUSES = ['new', 'acknowledged', 'in_progress', 'waiting_on_customer'] as const;

const filters = {
  state: withMeta(z.optional(z.enum(QUEUE_STATES)), {
    description:
      'breached; at_risk (a warning fired, nothing breached); running; paused (waiting on the customer); none (no clock left)',
  }),
  accountId: z.optional(id),
  catalogId: z.optional(id),
  severity: withMeta(z.optional(id), { description: 'A severity id of the plans (e.g. P1, Critical)' }),
  assignee: withMeta(
    z.optional(z.string().check(z.regex(/^(me|none|[0-9a-f]{16})$/, 'must be me, none or an API keyId'))),
    { description: '`me` (the calling key), `none` (unassigned) or a staff keyId' },
  ),
  status: withMeta(z.optional(z.enum(OPEN_STATUSES)), { description: 'The queue holds open tickets only' }),
};

export const queueQuerySchema = z.strictObject({
  limit,
  cursor: z.optional(z.string().check(z.maxLength(2000))),
  ...filters,
});

export const queueSummaryQuerySchema = z.strictObject(filters);

const queueSlaSchema = withMeta(
  z.object({
    state: z.enum(QUEUE_STATES),
    metric: z.nullable(z.enum(['acknowledge', 'firstResponse', 'resolution'])),
    dueAt: z.nullable(z.string()),
    remainingMs: z.nullable(z.int()),
  }),
  { id: 'QueueSla', description: 'The clock that decides the ticket’s place, live' },
);

export const queueItemSchema = withMeta(z.object({ ...ticketSchema.shape, queue: queueSlaSchema }), {
  id: 'QueueItem',
});

export const queuePageSchema = z.object({
  items: z.array(queueItemSchema),
  nextCursor: z.optional(z.string()),
});

export const queueSummarySchema = withMeta(
  z.object({
    at: z.string(),
    total: z.int(),
    // Every state, spelled out (a record keyed by an enum reads as properties nobody defined).
    states: z.object({
      breached: z.int(),
      at_risk: z.int(),
      running: z.int(),
      paused: z.int(),
      none: z.int(),
    }),
    severities: z.record(z.string(), z.int()),
  }),
  { id: 'QueueSummary' },
);

const problems = {
  400: { description: 'Invalid input; `errors` names each field', schema: problemSchema },
  401: { description: 'Missing or unknown API key', schema: problemSchema },
  403: { description: 'The key’s role may not use this route', schema: problemSchema },
} as const;

export const queueRoutes = {
  getQueue: {
    routeKey: 'GET /v1/queue',
    roles: ['agent', 'admin'],
    tags: ['queue'],
    summary: 'Open tickets of every account, next SLA deadline first (breached first, paused after running)',
    description:
      'One Query on the queue index per page. With filters other than `state`, a page reads at most 200 queue entries and keeps the matching ones, so it may hold fewer than `limit` (even none) and still have a `nextCursor`.',
    query: queueQuerySchema,
    responses: { 200: { description: 'A page', schema: queuePageSchema }, ...problems },
  },
  getQueueSummary: {
    routeKey: 'GET /v1/queue/summary',
    roles: ['agent', 'admin'],
    tags: ['queue'],
    summary: 'Counts of the open tickets per live SLA state and per severity, for the same filters',
    query: queueSummaryQuerySchema,
    responses: { 200: { description: 'The counts', schema: queueSummarySchema }, ...problems },
  },
} satisfies Record<string, RouteSpec>;
