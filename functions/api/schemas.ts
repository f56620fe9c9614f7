// The API's request and response shapes as zod schemas: handlers validate with them and the
// OpenAPI document (GET /v1/openapi.json) is generated from them, so the two cannot drift apart.
import * as z from 'zod';
import { calendarSchema } from '../domain/calendar.ts';
import { catalogSchema } from '../domain/catalog.ts';
import { contractSchema } from '../domain/contract.ts';
import { LEDGER_KINDS, LEDGER_UNITS } from '../domain/ledger.ts';
import { idSchema, planSchema } from '../domain/plan.ts';
import { TICKET_KINDS, TICKET_STATUSES } from '../domain/ticket.ts';
import { ROLES } from '../store/api-keys.ts';

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
    workedAt: z.iso.datetime({ offset: true }).optional().meta({
      description:
        'When the work was done (default now; at most 90 days back, never ahead). Work in a month already closed is billed in the open month as an adjustment.',
    }),
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

// --- Admin, account and usage routes ---------------------------------------------------------

const accountId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'must be 1-64 letters, digits, ".", "_" or "-", starting alphanumeric',
  );
const catalogItemId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'must be <catalogId>.<id>, e.g. "b2bee.standard"',
  );

export const catalogIdPath = z.object({ id: idSchema });
export const catalogItemPath = z.object({
  id: catalogItemId.meta({
    description:
      'The catalog id, a dot, then the plan or calendar id (plans are validated within their catalog). A catalog whose id holds a dot is edited whole with PUT /v1/catalogs/{id}.',
    example: 'b2bee.standard',
  }),
});
export const accountIdPath = z.object({ id: accountId });
export const contactPath = z.object({ id: accountId, email: z.email().max(254) });
export const apiKeyIdPath = z.object({ keyId: z.string().regex(/^[0-9a-f]{16}$/, 'must be a key id') });

export const storedCatalogSchema = z
  .object({ version: z.int(), updatedAt: instant, catalog: catalogSchema })
  .meta({ id: 'StoredCatalog' });
export const storedCalendarSchema = z
  .object({ catalogId: z.string(), id: z.string(), catalogVersion: z.int(), calendar: calendarSchema })
  .meta({ id: 'StoredCalendar' });
export const storedPlanSchema = z
  .object({ catalogId: z.string(), catalogVersion: z.int(), plan: planSchema })
  .meta({ id: 'StoredPlan' });

export const contractInputSchema = contractSchema.omit({ accountId: true }).meta({ id: 'ContractInput' });
export const contractViewSchema = contractSchema.meta({ id: 'Contract' });

export const newAccountSchema = z
  .strictObject({
    id: accountId.optional().meta({ description: 'Omit to have one generated' }),
    name: z.string().trim().min(1).max(200),
    referencePrefix: z
      .string()
      .regex(/^[A-Z0-9]{2,10}$/, 'must be 2-10 uppercase letters or digits')
      .meta({ description: 'Ticket references are <prefix>-<n>; unique across accounts', example: 'ACME' }),
    catalogId: idSchema,
    contract: contractInputSchema.optional().meta({
      description: "Absent: the catalog's pay-per-use plan applies, if it has one",
    }),
  })
  .meta({ id: 'NewAccount' });

export const accountSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    referencePrefix: z.string(),
    catalogId: z.string(),
    contract: contractViewSchema.nullable(),
    contactCount: z.int(),
    createdAt: instant,
    updatedAt: instant,
    version: z.int().meta({ description: 'Send it back in If-Match to update the contract' }),
  })
  .meta({ id: 'Account' });

export const accountPageSchema = z.object({
  items: z.array(accountSchema),
  nextCursor: z.string().optional(),
});

export const newContactSchema = z
  .strictObject({
    email: z.email().max(254),
    name: z.string().trim().min(1).max(200).optional(),
  })
  .meta({ id: 'NewContact' });

export const contactSchema = z
  .object({ email: z.string(), name: z.string().optional(), createdAt: instant })
  .meta({ id: 'Contact' });

export const contactListSchema = z.object({
  items: z.array(contactSchema),
  max: z.int().nullable().meta({ description: "The plan's registered-person limit (null: none)" }),
});

export const newApiKeySchema = z
  .strictObject({
    role: z.enum(ROLES),
    accountId: accountId
      .optional()
      .meta({ description: 'Required for customer keys (the one account the key sees); refused otherwise' }),
    name: z.string().trim().min(1).max(200),
  })
  .meta({ id: 'NewApiKey' });

export const apiKeySchema = z
  .object({
    keyId: z.string(),
    role: z.enum(ROLES),
    accountId: z.string().optional(),
    name: z.string(),
    createdAt: instant,
    revokedAt: instant.optional(),
  })
  .meta({ id: 'ApiKey' });

export const createdApiKeySchema = z
  .object({
    secret: z.string().meta({ description: 'Shown this once; only its hash is stored' }),
    key: apiKeySchema,
  })
  .meta({ id: 'CreatedApiKey' });

export const usageQuerySchema = z.strictObject({
  month: monthSchema
    .optional()
    .meta({ description: "Default: the current month in the catalog's billing time zone" }),
});

export const ledgerEntryViewSchema = z
  .object({
    id: z.string(),
    month: z.string(),
    at: instant,
    ticketId: z.string().optional(),
    poolId: z.string().optional(),
    periodStart: z.string().optional(),
    kind: z.enum(LEDGER_KINDS),
    quantity: z.int(),
    unit: z.enum(LEDGER_UNITS),
    unitPrice: z.int().optional(),
    hourlyRate: z.int().optional(),
    amount: z.int().meta({ description: 'Signed minor units' }),
    currency: z.string(),
    reason: z.string(),
    reverses: z.string().optional(),
    severity: z.string().optional(),
    adjustsMonth: z
      .string()
      .optional()
      .meta({ description: 'A late entry: the closed month it belongs to (`month` is where it was booked)' }),
  })
  .meta({ id: 'LedgerEntry' });

export const poolBalanceSchema = z
  .object({
    poolId: z.string(),
    unit: z.enum(['request', 'minute']).meta({ description: 'Hour pools count minutes' }),
    period: z.enum(['month', 'contractYear']),
    periodStart: z.string(),
    periodEnd: z.string().meta({ description: 'Exclusive' }),
    allowance: z.int(),
    carriedIn: z.int().nullable().meta({ description: 'null: not recorded for a closed period' }),
    used: z.int(),
    remaining: z.int().nullable(),
    source: z.enum(['counter', 'ledger']).meta({
      description: 'counter: the live pool counter; ledger: a closed period summed from its entries',
    }),
  })
  .meta({ id: 'PoolBalance' });

export const usageSchema = z
  .object({
    accountId: z.string(),
    month: z.string(),
    catalogId: z.string(),
    planId: z.string().nullable(),
    billingTimeZone: z.string(),
    pools: z.array(poolBalanceSchema),
    entries: z.array(ledgerEntryViewSchema),
    totals: z.record(z.string(), z.int()).meta({ description: 'Sum of the month’s amounts per currency' }),
  })
  .meta({ id: 'Usage' });
