// The API's request and response shapes as zod schemas: handlers validate with them and the
// OpenAPI document (GET /v1/openapi.json) is generated from them, so the two cannot drift apart.
import * as z from 'zod/mini';
import { newBundleSchema } from '../domain/bundles.ts';
import { calendarSchema } from '../domain/calendar.ts';
import { catalogSchema } from '../domain/catalog.ts';
import { contractSchema } from '../domain/contract.ts';
import { LEDGER_KINDS, LEDGER_UNITS } from '../domain/ledger.ts';
import { idSchema, planSchema } from '../domain/plan.ts';
import { TICKET_KINDS, TICKET_STATUSES } from '../domain/ticket.ts';
import { withMeta } from '../domain/zod-mini.ts';
import { ROLES } from '../store/api-keys.ts';
import { id, limit, monthSchema } from './schemas-common.ts';

export {
  idempotencyKeyHeader,
  ifMatchHeader,
  listQuerySchema,
  problemSchema,
  ticketIdPath,
} from './schemas-common.ts';

const instant = withMeta(z.string(), { format: 'date-time', example: '2026-12-01T09:00:00.000Z' });

export const slaClockViewSchema = withMeta(
  z.object({
    metric: z.enum(['acknowledge', 'firstResponse', 'resolution']),
    state: withMeta(z.enum(['running', 'paused', 'met', 'stopped', 'breached']), {
      description:
        '`stopped`: the ticket no longer needs the clock although its event never happened (resolved before any agent reply): not met',
    }),
    calendarId: z.string(),
    targetMs: z.int(),
    dueAt: z.optional(instant),
    warnAt: z.optional(instant),
    elapsedMs: withMeta(z.int(), { description: 'Business time elapsed up to now' }),
    remainingMs: z.int(),
    overdueMs: z.int(),
    breached: z.boolean(),
    paused: z.boolean(),
    met: withMeta(z.boolean(), { description: "True only when the clock's event happened in time or late" }),
    breachedAt: z.optional(instant),
    metAt: z.optional(instant),
    stoppedAt: z.optional(instant),
  }),
  { id: 'SlaClock' },
);

const classificationSchema = z.object({ kind: z.enum(TICKET_KINDS), severity: z.string() });

/** What a new ticket used, for the customer (the acknowledgement says the same in words). */
export const customerNoteSchema = withMeta(
  z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('consumed'),
      used: z.int(),
      allowance: z.int(),
      period: z.enum(['month', 'contractYear']),
    }),
    z.object({
      kind: z.literal('deferred'),
      until: instant,
      cap: z.int(),
      used: z.int(),
      allowance: z.int(),
      period: z.enum(['month', 'contractYear']),
    }),
    z.object({ kind: z.literal('overage'), price: z.object({ amount: z.int(), currency: z.string() }) }),
    z.object({ kind: z.literal('withoutSla'), because: z.enum(['requestsUsed', 'hoursUsed']) }),
    z.object({ kind: z.literal('countedOnResolution'), period: z.enum(['month', 'contractYear']) }),
    z.object({
      kind: z.literal('fee'),
      price: z.object({ amount: z.int(), currency: z.string() }),
      on: z.enum(['acceptance', 'resolution']),
    }),
    z.object({
      kind: z.literal('hours'),
      remainingMinutes: z.int(),
      period: z.enum(['month', 'contractYear']),
    }),
    z.object({ kind: z.literal('notCounted') }),
  ]),
  { id: 'UsageNote' },
);

export const ticketSchema = withMeta(
  z.object({
    id: z.string(),
    reference: withMeta(z.string(), { example: 'ACME-42' }),
    accountId: z.string(),
    subject: z.string(),
    severity: withMeta(z.string(), { description: 'The severity in effect (see declared and assessed)' }),
    kind: withMeta(z.enum(TICKET_KINDS), {
      description: "The kind in effect: a customer's ticket is metered as a request until staff assess it",
    }),
    declared: withMeta(classificationSchema, { description: 'Kind and severity as the opener stated them' }),
    assessed: withMeta(
      z.nullable(z.object({ kind: z.enum(TICKET_KINDS), severity: z.string(), by: z.string(), at: instant })),
      {
        description:
          'Kind and severity as staff assessed them (by: the API key id), null until then; staff opening a ticket assess it',
      },
    ),
    status: z.enum(TICKET_STATUSES),
    version: withMeta(z.int(), { description: 'Send it back in If-Match to update' }),
    planId: z.string(),
    channel: z.enum(['api', 'email']),
    assignee: z.nullable(z.string()),
    severityConfirmed: z.boolean(),
    slaExempt: z.boolean(),
    clocksStartAt: instant,
    entitlement: z.object({
      decision: z.string(),
      notes: z.array(customerNoteSchema),
      reason: withMeta(z.optional(z.string()), {
        description: "Staff only: metering's internal reason, for agents and the ledger",
      }),
    }),
    relatedTicketId: z.nullable(z.string()),
    createdAt: instant,
    updatedAt: instant,
    acknowledgedAt: z.nullable(instant),
    firstResponseAt: z.nullable(instant),
    resolvedAt: z.nullable(instant),
    closedAt: z.nullable(instant),
    reopenedCount: z.int(),
    sla: z.object({
      acknowledge: z.optional(slaClockViewSchema),
      firstResponse: z.optional(slaClockViewSchema),
      resolution: z.optional(slaClockViewSchema),
    }),
  }),
  { id: 'Ticket' },
);

export const createTicketSchema = withMeta(
  z.strictObject({
    subject: z.string().check(z.trim(), z.minLength(1), z.maxLength(300)),
    body: z.string().check(z.minLength(1), z.maxLength(100_000)),
    severity: z.optional(id),
    kind: z.optional(z.enum(TICKET_KINDS)),
    accountId: withMeta(z.optional(id), {
      description: 'Agents and admins: the account the ticket is for. Customers: omit.',
    }),
  }),
  { id: 'NewTicket' },
);

export const patchTicketSchema = withMeta(
  z
    .strictObject({
      severity: z.optional(id),
      kind: z.optional(z.enum(TICKET_KINDS)),
      status: z.optional(z.enum(TICKET_STATUSES)),
      assignee: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(200)))),
    })
    .check(
      z.refine(
        (patch) => Object.keys(patch).length > 0,
        'give at least one of severity, kind, status, assignee',
      ),
    ),
  { id: 'TicketPatch' },
);

export const listTicketsQuerySchema = z.strictObject({
  limit,
  cursor: z.optional(z.string().check(z.maxLength(2000))),
  status: z.optional(z.enum(TICKET_STATUSES)),
  accountId: z.optional(id),
});

export const ticketPageSchema = z.object({
  items: z.array(ticketSchema),
  nextCursor: z.optional(z.string()),
});

export const messageSchema = withMeta(
  z.object({
    id: z.string(),
    ticketId: z.string(),
    author: z.object({
      type: z.enum(['agent', 'customer', 'system']),
      keyId: z.optional(z.string()),
      email: z.optional(z.string()),
      name: z.optional(z.string()),
    }),
    visibility: z.enum(['public', 'internal']),
    automatic: z.boolean(),
    channel: z.enum(['api', 'email', 'system']),
    body: z.string(),
    createdAt: instant,
  }),
  { id: 'Message' },
);

export const newMessageSchema = withMeta(
  z.strictObject({
    body: z.string().check(z.minLength(1), z.maxLength(100_000)),
    visibility: withMeta(z.optional(z.enum(['public', 'internal'])), {
      description: 'Agents only; customers always write public messages',
    }),
  }),
  { id: 'NewMessage' },
);

export const messagePageSchema = z.object({
  items: z.array(messageSchema),
  nextCursor: z.optional(z.string()),
});

export const postedMessageSchema = z.object({
  message: messageSchema,
  ticket: ticketSchema,
  continuedOn: withMeta(z.optional(ticketSchema), { description: 'The new ticket a late reply opened' }),
});

export const newTimeEntrySchema = withMeta(
  z.strictObject({
    minutes: z.int().check(z.minimum(1), z.maximum(1440)),
    conversationId: withMeta(z.optional(id), {
      description: 'The conversation (chat, call) the work belongs to',
    }),
    note: z.optional(z.string().check(z.maxLength(2000))),
    workedAt: withMeta(z.optional(z.iso.datetime({ offset: true })), {
      description:
        'When the work was done (default now; at most 90 days back, never ahead). Work in a month already closed is billed in the open month as an adjustment.',
    }),
  }),
  { id: 'NewTimeEntry' },
);

export const timeEntrySchema = withMeta(
  z.object({
    id: z.string(),
    ticketId: z.string(),
    minutes: z.int(),
    countedMinutes: z.int(),
    fromPool: z.int(),
    overAllowance: withMeta(z.optional(z.int()), {
      description:
        "Minutes past the hour pool's allowance: recorded all the same, billed or not as the plan's overage says",
    }),
    decision: z.string(),
    conversationId: z.optional(z.string()),
    note: z.optional(z.string()),
    at: instant,
  }),
  { id: 'TimeEntry' },
);

export const loggedTimeSchema = z.object({ entry: timeEntrySchema, ticket: ticketSchema });

// --- Admin, account and usage routes ---------------------------------------------------------

const accountId = z
  .string()
  .check(
    z.regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
      'must be 1-64 letters, digits, ".", "_" or "-", starting alphanumeric',
    ),
  );
const catalogItemId = z
  .string()
  .check(
    z.regex(
      /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
      'must be <catalogId>.<id>, e.g. "b2bee.standard"',
    ),
  );

export const catalogIdPath = z.object({ id: idSchema });
export const catalogItemPath = z.object({
  id: withMeta(catalogItemId, {
    description:
      'The catalog id, a dot, then the plan or calendar id (plans are validated within their catalog). A catalog whose id holds a dot is edited whole with PUT /v1/catalogs/{id}.',
    example: 'b2bee.standard',
  }),
});
export const accountIdPath = z.object({ id: accountId });
export const contactPath = z.object({ id: accountId, email: z.email().check(z.maxLength(254)) });
export const apiKeyIdPath = z.object({
  keyId: z.string().check(z.regex(/^[0-9a-f]{16}$/, 'must be a key id')),
});

export const storedCatalogSchema = withMeta(
  z.object({ version: z.int(), updatedAt: instant, catalog: catalogSchema }),
  { id: 'StoredCatalog' },
);
export const storedCalendarSchema = withMeta(
  z.object({ catalogId: z.string(), id: z.string(), catalogVersion: z.int(), calendar: calendarSchema }),
  { id: 'StoredCalendar' },
);
export const storedPlanSchema = withMeta(
  z.object({ catalogId: z.string(), catalogVersion: z.int(), plan: planSchema }),
  { id: 'StoredPlan' },
);

export const contractInputSchema = withMeta(z.omit(contractSchema, { accountId: true, cancelledAt: true }), {
  id: 'ContractInput',
});
export const contractViewSchema = withMeta(contractSchema, { id: 'Contract' });

export const newAccountSchema = withMeta(
  z.strictObject({
    id: withMeta(z.optional(accountId), { description: 'Omit to have one generated' }),
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
    referencePrefix: withMeta(
      z.string().check(z.regex(/^[A-Z0-9]{2,10}$/, 'must be 2-10 uppercase letters or digits')),
      { description: 'Ticket references are <prefix>-<n>; unique across accounts', example: 'ACME' },
    ),
    catalogId: idSchema,
    contract: withMeta(z.optional(contractInputSchema), {
      description: "Absent: the catalog's pay-per-use plan applies, if it has one",
    }),
  }),
  { id: 'NewAccount' },
);

export const accountSchema = withMeta(
  z.object({
    id: z.string(),
    name: z.string(),
    referencePrefix: z.string(),
    catalogId: z.string(),
    contract: z.nullable(contractViewSchema),
    contactCount: z.int(),
    createdAt: instant,
    updatedAt: instant,
    version: withMeta(z.int(), { description: 'Send it back in If-Match to update the contract' }),
  }),
  { id: 'Account' },
);

export const accountPageSchema = z.object({
  items: z.array(accountSchema),
  nextCursor: z.optional(z.string()),
});

export const newContactSchema = withMeta(
  z.strictObject({
    email: z.email().check(z.maxLength(254)),
    name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  }),
  { id: 'NewContact' },
);

export const contactSchema = withMeta(
  z.object({ email: z.string(), name: z.optional(z.string()), createdAt: instant }),
  { id: 'Contact' },
);

export const contactListSchema = z.object({
  items: z.array(contactSchema),
  max: withMeta(z.nullable(z.int()), { description: "The plan's registered-person limit (null: none)" }),
});

export const newApiKeySchema = withMeta(
  z.strictObject({
    role: z.enum(ROLES),
    accountId: withMeta(z.optional(accountId), {
      description: 'Required for customer keys (the one account the key sees); refused otherwise',
    }),
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
    email: withMeta(z.optional(z.email().check(z.maxLength(254))), {
      description: 'Agent and admin keys: the person’s staff address (notifications; replies by mail)',
    }),
    displayName: withMeta(z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))), {
      description: 'Staff keys: the name customers see on this key’s messages (default "Support agent")',
    }),
  }),
  { id: 'NewApiKey' },
);

export const apiKeySchema = withMeta(
  z.object({
    keyId: z.string(),
    role: z.enum(ROLES),
    accountId: z.optional(z.string()),
    name: z.string(),
    email: z.optional(z.string()),
    displayName: z.optional(z.string()),
    createdAt: instant,
    revokedAt: z.optional(instant),
  }),
  { id: 'ApiKey' },
);

export const staffAddressSchema = withMeta(
  z.strictObject({ email: z.nullable(z.email().check(z.maxLength(254))) }),
  { id: 'StaffAddress' },
);

export const createdApiKeySchema = withMeta(
  z.object({
    secret: withMeta(z.string(), { description: 'Shown this once; only its hash is stored' }),
    key: apiKeySchema,
  }),
  { id: 'CreatedApiKey' },
);

export const usageQuerySchema = z.strictObject({
  month: withMeta(z.optional(monthSchema), {
    description: "Default: the current month in the catalog's billing time zone",
  }),
});

export const ledgerEntryViewSchema = withMeta(
  z.object({
    id: z.string(),
    month: z.string(),
    at: instant,
    ticketId: z.optional(z.string()),
    poolId: z.optional(z.string()),
    periodStart: z.optional(z.string()),
    kind: z.enum(LEDGER_KINDS),
    quantity: z.int(),
    unit: z.enum(LEDGER_UNITS),
    unitPrice: z.optional(z.int()),
    hourlyRate: z.optional(z.int()),
    amount: withMeta(z.int(), { description: 'Signed minor units' }),
    currency: z.string(),
    reason: z.string(),
    reverses: z.optional(z.string()),
    severity: z.optional(z.string()),
    adjustsMonth: withMeta(z.optional(z.string()), {
      description: 'A late entry: the closed month it belongs to (`month` is where it was booked)',
    }),
  }),
  { id: 'LedgerEntry' },
);

export const poolBalanceSchema = withMeta(
  z.object({
    poolId: z.string(),
    unit: withMeta(z.enum(['request', 'minute']), { description: 'Hour pools count minutes' }),
    period: z.enum(['month', 'contractYear']),
    periodStart: z.string(),
    periodEnd: withMeta(z.string(), { description: 'Exclusive' }),
    allowance: z.int(),
    carriedIn: withMeta(z.nullable(z.int()), { description: 'null: not recorded for a closed period' }),
    used: z.int(),
    remaining: z.nullable(z.int()),
    source: withMeta(z.enum(['counter', 'ledger']), {
      description: 'counter: the live pool counter; ledger: a closed period summed from its entries',
    }),
  }),
  { id: 'PoolBalance' },
);

export const newBundleInputSchema = withMeta(newBundleSchema, { id: 'NewBundle' });

export const bundleBalanceSchema = withMeta(
  z.object({
    id: z.string(),
    poolId: withMeta(z.string(), { description: '`bundle:<id>`: the pool id its ledger lines carry' }),
    hours: z.int(),
    tier: z.optional(z.string()),
    purchasedOn: z.string(),
    expiresOn: withMeta(z.nullable(z.string()), { description: 'Exclusive; null: never expires' }),
    unit: z.literal('minute'),
    allowance: z.int(),
    used: z.int(),
    remaining: z.int(),
    state: z.enum(['notStarted', 'active', 'usedUp', 'expired']),
  }),
  { id: 'BundleBalance' },
);

export const termViewSchema = withMeta(
  z.object({
    planId: z.string(),
    contractStart: z.string(),
    state: withMeta(z.enum(['active', 'notStarted', 'ended']), {
      description: "ended: the catalog's no-contract rule applies",
    }),
    start: withMeta(z.nullable(z.string()), { description: 'First day of the current (or last) term' }),
    end: withMeta(z.nullable(z.string()), {
      description: 'First day after the term (exclusive); null: the plan has no term',
    }),
    renews: withMeta(z.boolean(), { description: 'Whether another term follows this one' }),
    cancelled: z.boolean(),
    cancelledAt: z.nullable(instant),
    months: z.nullable(z.int()),
  }),
  { id: 'Term' },
);

export const usageSchema = withMeta(
  z.object({
    accountId: z.string(),
    month: z.string(),
    catalogId: z.string(),
    planId: z.nullable(z.string()),
    billingTimeZone: z.string(),
    term: withMeta(z.nullable(termViewSchema), { description: 'null: no contract' }),
    withoutContract: withMeta(
      z.optional(z.object({ action: z.enum(['reject', 'acceptWithoutSla']), reason: z.string() })),
      { description: "No contract in force: the catalog's rule for new tickets" },
    ),
    pools: z.array(poolBalanceSchema),
    bundles: z.array(bundleBalanceSchema),
    entries: withMeta(z.array(ledgerEntryViewSchema), {
      description:
        'Entries booked into the month, as the export has them: late entries of closed months included, with `adjustsMonth`',
    }),
    totals: withMeta(z.record(z.string(), z.int()), {
      description: 'Sum of the month’s amounts per currency: the account’s totals in the month’s export',
    }),
    adjustments: withMeta(
      z.array(
        z.object({
          adjustsMonth: z.string(),
          totals: z.record(z.string(), z.int()),
          entryCount: z.int(),
        }),
      ),
      {
        description: 'Late entries booked into this month, per closed month they adjust (included in totals)',
      },
    ),
  }),
  { id: 'Usage' },
);

// --- System routes ---------------------------------------------------------------------------

export const healthSchema = withMeta(
  z.object({
    status: z.enum(['ok', 'degraded']),
    table: withMeta(z.enum(['ok', 'unavailable']), { description: 'Whether the table answers' }),
  }),
  { id: 'Health' },
);

/** The OpenAPI document, described only as far as a client relies on it. */
export const openApiObjectSchema = withMeta(
  z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.record(z.string(), z.unknown()) }),
  { id: 'OpenApiDocument', description: 'An OpenAPI 3.1 document' },
);
