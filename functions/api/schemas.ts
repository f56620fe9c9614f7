// The API's request and response shapes as zod schemas: handlers validate with them and the
// OpenAPI document (GET /v1/openapi.json) is generated from them, so the two cannot drift apart.
import { z } from 'zod';
import { TICKET_KINDS, TICKET_STATUSES } from '../domain/ticket.ts';

const id = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\w.@:+-]+$/, 'letters, digits and . _ @ : + - only');
const instant = z.string().meta({ format: 'date-time', example: '2026-12-01T09:00:00.000Z' });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

export const slaClockViewSchema = z
  .object({
    metric: z.enum(['acknowledge', 'firstResponse', 'resolution']),
    state: z.enum(['running', 'paused', 'met', 'breached']),
    calendarId: z.string(),
    targetMs: z.int(),
    dueAt: instant.optional(),
    warnAt: instant.optional(),
    elapsedMs: z.int().meta({ description: 'Business time elapsed up to now' }),
    remainingMs: z.int(),
    overdueMs: z.int(),
    breached: z.boolean(),
    paused: z.boolean(),
    breachedAt: instant.optional(),
    metAt: instant.optional(),
  })
  .meta({ id: 'SlaClock' });

export const ticketSchema = z
  .object({
    id: z.string(),
    reference: z.string().meta({ example: 'ACME-42' }),
    accountId: z.string(),
    subject: z.string(),
    severity: z.string(),
    kind: z.enum(TICKET_KINDS),
    status: z.enum(TICKET_STATUSES),
    version: z.int().meta({ description: 'Send it back in If-Match to update' }),
    planId: z.string(),
    channel: z.enum(['api', 'email']),
    assignee: z.string().nullable(),
    severityConfirmed: z.boolean(),
    slaExempt: z.boolean(),
    clocksStartAt: instant,
    entitlement: z.object({ decision: z.string(), reason: z.string() }),
    relatedTicketId: z.string().nullable(),
    createdAt: instant,
    updatedAt: instant,
    acknowledgedAt: instant.nullable(),
    firstResponseAt: instant.nullable(),
    resolvedAt: instant.nullable(),
    closedAt: instant.nullable(),
    reopenedCount: z.int(),
    sla: z.object({
      acknowledge: slaClockViewSchema.optional(),
      firstResponse: slaClockViewSchema.optional(),
      resolution: slaClockViewSchema.optional(),
    }),
  })
  .meta({ id: 'Ticket' });

export const createTicketSchema = z
  .strictObject({
    subject: z.string().trim().min(1).max(300),
    body: z.string().min(1).max(100_000),
    severity: id.optional(),
    kind: z.enum(TICKET_KINDS).optional(),
    accountId: id
      .optional()
      .meta({ description: 'Agents and admins: the account the ticket is for. Customers: omit.' }),
  })
  .meta({ id: 'NewTicket' });

export const patchTicketSchema = z
  .strictObject({
    severity: id.optional(),
    kind: z.enum(TICKET_KINDS).optional(),
    status: z.enum(TICKET_STATUSES).optional(),
    assignee: z.string().min(1).max(200).nullable().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'give at least one of severity, kind, status, assignee')
  .meta({ id: 'TicketPatch' });

const limit = z.coerce.number().int().min(1).max(100).optional();

export const listTicketsQuerySchema = z.strictObject({
  limit,
  cursor: z.string().max(2000).optional(),
  status: z.enum(TICKET_STATUSES).optional(),
  accountId: id.optional(),
});

export const listQuerySchema = z.strictObject({ limit, cursor: z.string().max(2000).optional() });

export const ticketPageSchema = z.object({ items: z.array(ticketSchema), nextCursor: z.string().optional() });

export const messageSchema = z
  .object({
    id: z.string(),
    ticketId: z.string(),
    author: z.object({
      type: z.enum(['agent', 'customer', 'system']),
      keyId: z.string().optional(),
      email: z.string().optional(),
      name: z.string().optional(),
    }),
    visibility: z.enum(['public', 'internal']),
    automatic: z.boolean(),
    channel: z.enum(['api', 'email', 'system']),
    body: z.string(),
    createdAt: instant,
  })
  .meta({ id: 'Message' });

export const newMessageSchema = z
  .strictObject({
    body: z.string().min(1).max(100_000),
    visibility: z
      .enum(['public', 'internal'])
      .optional()
      .meta({ description: 'Agents only; customers always write public messages' }),
  })
  .meta({ id: 'NewMessage' });

export const messagePageSchema = z.object({
  items: z.array(messageSchema),
  nextCursor: z.string().optional(),
});

export const postedMessageSchema = z.object({
  message: messageSchema,
  ticket: ticketSchema,
  continuedOn: ticketSchema.optional().meta({ description: 'The new ticket a late reply opened' }),
});

export const newTimeEntrySchema = z
  .strictObject({
    minutes: z.int().min(1).max(1440),
    conversationId: id.optional().meta({ description: 'The conversation (chat, call) the work belongs to' }),
    note: z.string().max(2000).optional(),
  })
  .meta({ id: 'NewTimeEntry' });

export const timeEntrySchema = z
  .object({
    id: z.string(),
    ticketId: z.string(),
    minutes: z.int(),
    countedMinutes: z.int(),
    fromPool: z.int(),
    decision: z.string(),
    conversationId: z.string().optional(),
    note: z.string().optional(),
    at: instant,
  })
  .meta({ id: 'TimeEntry' });

export const loggedTimeSchema = z.object({ entry: timeEntrySchema, ticket: ticketSchema });

export const ticketIdPath = z.object({ id });
export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM');
