// Ticket use cases shared by the API, the email intake and the SLA timers: open a ticket under the
// account's plan, change it, reply, log time. Each one reads what it needs, lets the domain decide,
// and writes the ticket with its counters, ledger entries and message in one transaction; a lost race
// re-reads and decides again, so concurrent writers never lose an update.
import { type Catalog, planById } from '../domain/catalog.ts';
import {
  admitRequest,
  type Metered,
  type Metering,
  meteringFor,
  type PoolUsage,
  reclassify,
  resolveRequest,
} from '../domain/entitlements.ts';
import { NotFoundError, RejectedError, ValidationError, VersionConflictError } from '../domain/errors.ts';
import type { LedgerEntry } from '../domain/ledger.ts';
import type { Plan } from '../domain/plan.ts';
import type { SlaMetric } from '../domain/sla-policy.ts';
import {
  applyTicketCommand,
  nextDueAt,
  openTicket,
  slaView,
  type Ticket,
  type TicketCommand,
  type TicketContext,
  type TicketEvent,
  type TicketKind,
  type TicketStatus,
} from '../domain/ticket.ts';
import { billTime } from '../domain/time-billing.ts';
import { type AccountState, getAccountState, type PoolRecord, savePoolOp } from '../store/accounts.ts';
import { requireCatalog } from '../store/catalogs.ts';
import {
  findIdempotentResponse,
  type IdempotencyRecord,
  idempotencyOp,
  type StoredResponse,
} from '../store/idempotency.ts';
import { ledgerEntriesByRef, ledgerOp, ledgerRef } from '../store/ledger.ts';
import { type MessageRecord, messageOp, type TimeEntryRecord, timeEntryOp } from '../store/messages.ts';
import {
  createTicketOps,
  getTicket,
  saveTicketOp,
  serializedPerAccount,
  type TicketRecord,
} from '../store/tickets.ts';
import { ConcurrentChangeError, commit, type WriteOp, withRetries } from '../store/transact.ts';
import { type AppContext, assertCanSee, type Principal } from './context.ts';
import { acknowledgementOps, agentReplyOps, resolutionOps, slaAlertOps } from './ticket-mail.ts';

export type { TicketRecord } from '../store/tickets.ts';

/** The domain's view of a plan: its severity ids, default and SLA. */
export function ticketContextOf(catalog: Catalog, plan: Plan): TicketContext {
  return {
    plan: {
      severities: plan.severities.map((s) => s.id),
      defaultSeverity: plan.defaultSeverity,
      sla: plan.sla,
    },
    calendars: catalog.calendars,
  };
}

function planOf(catalog: Catalog, planId: string): Plan {
  const plan = planById(catalog, planId);
  if (!plan) throw new Error(`catalog ${catalog.id} has no plan ${planId}`);
  return plan;
}

/** The ticket as the API shows it, with the live SLA view at `now`. */
export function ticketView(ticket: TicketRecord, catalog: Catalog, now: Date) {
  return {
    id: ticket.id,
    reference: ticket.reference,
    accountId: ticket.accountId,
    subject: ticket.subject,
    severity: ticket.severity,
    kind: ticket.kind,
    status: ticket.status,
    version: ticket.version,
    planId: ticket.planId,
    channel: ticket.channel,
    assignee: ticket.assignee ?? null,
    severityConfirmed: ticket.severityConfirmed,
    slaExempt: ticket.slaExempt,
    clocksStartAt: ticket.clocksStartAt,
    entitlement: ticket.entitlement,
    relatedTicketId: ticket.relatedTicketId ?? null,
    createdAt: ticket.createdAt,
    updatedAt: ticket.updatedAt,
    acknowledgedAt: ticket.acknowledgedAt ?? null,
    firstResponseAt: ticket.firstResponseAt ?? null,
    resolvedAt: ticket.resolvedAt ?? null,
    closedAt: ticket.closedAt ?? null,
    reopenedCount: ticket.reopenedCount,
    sla: slaView(ticket, now, catalog.calendars),
  };
}
export type TicketView = ReturnType<typeof ticketView>;

function poolOps(
  ctx: AppContext,
  accountId: string,
  stored: readonly PoolRecord[],
  updates: readonly PoolUsage[],
) {
  return updates.map((usage) => {
    const current = stored.find((p) => p.poolId === usage.poolId);
    const { version: _v, ...plain } = usage as PoolRecord;
    return savePoolOp(ctx.store, accountId, plain, current?.version ?? 0);
  });
}

function poolUsages(state: AccountState): PoolUsage[] {
  return state.pools.map(({ version: _version, ...usage }) => usage);
}

export interface Idempotency {
  scope: string;
  key: string;
  hash: string;
  /** The response to store, built from the result (same bytes on every replay). */
  respond(ticket: TicketRecord, catalog: Catalog): StoredResponse;
}

export interface OpenTicketInput {
  accountId: string;
  subject: string;
  body: string;
  severity?: string;
  kind?: TicketKind;
  channel: 'api' | 'email';
  author: MessageRecord['author'];
  /** RFC Message-ID of the mail that opened it. */
  messageId?: string;
  relatedTicketId?: string;
  idempotency?: Idempotency;
  /** The new ticket's id, when the caller needs it before the commit (email attachments). */
  id?: string;
  /** Extra writes in the same transaction, built from the new ticket (the email intake's markers). */
  extraOps?: (ticket: TicketRecord) => Promise<WriteOp[]>;
}

export type Opened =
  | {
      replayed: false;
      ticket: TicketRecord;
      events: TicketEvent[];
      metered: Metered;
      catalog: Catalog;
      /** The response recorded for the Idempotency-Key: answer with exactly it. */
      recorded?: StoredResponse;
    }
  | { replayed: true; response: StoredResponse };

/**
 * Opens a ticket under the account's plan: entitlement admission (consume, defer past a daily cap,
 * overage, refusal), SLA clocks, the next reference, the first message, ledger entries and the
 * idempotency record, all in one transaction. Two round trips when the catalog is cached.
 */
export function openTicketFor(ctx: AppContext, input: OpenTicketInput): Promise<Opened> {
  return serializedPerAccount(ctx.store, input.accountId, () =>
    withRetries(async (): Promise<Opened> => {
      const state = await getAccountState(ctx.store, input.accountId);
      if (!state) throw new NotFoundError(`account ${input.accountId}`);
      const { catalog } = await requireCatalog(ctx.store, state.account.catalogId);
      const metering = meteringFor(catalog, state.account.id, state.account.contract);
      const plan = metering.plan;
      const now = ctx.clock.now();
      const id = input.id ?? ctx.newId();
      const severity = input.severity ?? plan.defaultSeverity;
      const kind = input.kind ?? 'request';
      const context = ticketContextOf(catalog, plan);
      if (!context.plan.severities.includes(severity)) {
        throw ValidationError.field(
          'severity',
          `unknown severity "${severity}"; this plan's scale is ${context.plan.severities.join(', ')}`,
        );
      }
      const metered = admitRequest(metering, poolUsages(state), { id, kind, severity }, now);
      const number = state.ticketSeq + 1;
      const opened = openTicket(
        {
          type: 'open',
          id,
          reference: `${state.account.referencePrefix}-${number}`,
          accountId: state.account.id,
          subject: input.subject,
          severity,
          kind,
          ...(metered.startAt ? { startAt: metered.startAt } : {}),
          slaExempt: metered.slaExempt,
        },
        now,
        context,
      );
      const ticket: TicketRecord = {
        ...opened.ticket,
        number,
        catalogId: catalog.id,
        planId: plan.id,
        ledgerRefs: metered.entries.map(ledgerRef),
        workByConversation: {},
        channel: input.channel,
        entitlement: { decision: metered.decision, reason: metered.reason },
        ...(input.author.type === 'customer' && input.author.email
          ? { contactEmail: input.author.email }
          : {}),
        ...(input.relatedTicketId ? { relatedTicketId: input.relatedTicketId } : {}),
      };
      const due = nextDueAt(ticket);
      if (due) ticket.nextDueAt = due;
      const message: MessageRecord = {
        id: ctx.newId(),
        ticketId: id,
        accountId: ticket.accountId,
        author: input.author,
        visibility: 'public',
        automatic: false,
        channel: input.channel,
        body: input.body,
        createdAt: now.toISOString(),
        ...(input.messageId ? { messageId: input.messageId } : {}),
      };
      const ops: WriteOp[] = [
        ...createTicketOps(ctx.store, ticket, state.ticketSeq),
        ...poolOps(ctx, state.account.id, state.pools, metered.usage),
        ...metered.entries.map((entry) => ledgerOp(ctx.store, entry)),
        messageOp(ctx.store, message),
        // Mail: the acknowledgement (outbox), and whatever the caller adds.
        ...acknowledgementOps(ctx, ticket, input.messageId),
        ...(input.extraOps ? await input.extraOps(ticket) : []),
      ];
      const idem = input.idempotency;
      const recorded = idem?.respond(ticket, catalog);
      if (idem && recorded) {
        const record: IdempotencyRecord = {
          requestHash: idem.hash,
          response: recorded,
          createdAt: now.toISOString(),
        };
        ops.push(idempotencyOp(ctx.store, idem.scope, idem.key, record, now));
      }
      try {
        await commit(ctx.store, ops);
      } catch (error) {
        if (idem && error instanceof ConcurrentChangeError && error.lost('idempotency')) {
          const response = await findIdempotentResponse(ctx.store, idem.scope, idem.key, idem.hash);
          if (response) return { replayed: true, response };
        }
        throw error;
      }
      return {
        replayed: false,
        ticket,
        events: opened.events,
        metered,
        catalog,
        ...(recorded ? { recorded } : {}),
      };
    }),
  );
}

export interface Loaded {
  ticket: TicketRecord;
  catalog: Catalog;
  plan: Plan;
}

/** A ticket the principal may see, with its catalog and plan; anything else is not found. */
export async function loadTicket(
  ctx: AppContext,
  principal: Principal | undefined,
  ticketId: string,
): Promise<Loaded> {
  const ticket = await getTicket(ctx.store, ticketId);
  if (!ticket) throw new NotFoundError(`ticket ${ticketId}`);
  if (principal) assertCanSee(principal, ticket.accountId, `ticket ${ticketId}`);
  const { catalog } = await requireCatalog(ctx.store, ticket.catalogId);
  return { ticket, catalog, plan: planOf(catalog, ticket.planId) };
}

export interface Changed {
  ticket: TicketRecord;
  events: TicketEvent[];
  catalog: Catalog;
  changed: boolean;
  /** Set when the reply belonged on a new ticket (closed, or past the reopen window). */
  continuedOn?: TicketRecord;
}

interface ChangeOptions {
  principal?: Principal;
  /** `If-Match`: act only on this version (a stale one is a 412). */
  ifMatch?: number;
  /** Extra writes in the same transaction (the message, the time entry), built from the new ticket. */
  extraOps?: (ticket: TicketRecord, metering: () => Promise<MeteringState>) => Promise<WriteOp[]>;
}

interface MeteringState {
  metering: Metering;
  state: AccountState;
}

/**
 * Applies domain commands to a ticket and saves it with whatever metering the resulting events call
 * for (reclassification reverses consumption; resolution consumes where the plan says so).
 */
export async function changeTicket(
  ctx: AppContext,
  ticketId: string,
  commands: (ticket: TicketRecord) => TicketCommand[],
  options: ChangeOptions = {},
): Promise<Changed> {
  return withRetries(async () => {
    const { ticket, catalog, plan } = await loadTicket(ctx, options.principal, ticketId);
    if (options.ifMatch !== undefined && options.ifMatch !== ticket.version) {
      throw new VersionConflictError(`ticket ${ticket.reference}`, ticket.version);
    }
    const now = ctx.clock.now();
    const context = ticketContextOf(catalog, plan);
    let current: Ticket = ticket;
    const events: TicketEvent[] = [];
    let changed = false;
    for (const command of commands(ticket)) {
      const result = applyTicketCommand(current, command, now, context);
      if (result.changed) {
        // Versions advance once per save, not once per command.
        current = { ...result.ticket, version: ticket.version + 1 };
        changed = true;
      }
      events.push(...result.events);
    }
    let meteringState: MeteringState | undefined;
    const meteringNow = async () => {
      if (!meteringState) {
        const state = await getAccountState(ctx.store, ticket.accountId);
        if (!state) throw new NotFoundError(`account ${ticket.accountId}`);
        meteringState = { state, metering: meteringFor(catalog, state.account.id, state.account.contract) };
      }
      return meteringState;
    };
    let next: TicketRecord = { ...ticket, ...current };
    let usage: PoolUsage[] = [];
    const entries: LedgerEntry[] = [];
    for (const event of events) {
      if (event.type === 'kindChanged') {
        const { metering, state } = await meteringNow();
        const own = await ledgerEntriesByRef(ctx.store, ticket.accountId, next.ledgerRefs);
        const result = reclassify(
          metering,
          mergeUsage(poolUsages(state), usage),
          { id: ticket.id, kind: event.to, severity: event.severity },
          [...own, ...entries],
          now,
        );
        usage = mergeUsage(usage, result.usage);
        entries.push(...result.entries);
      }
      if (event.type === 'resolved' && event.reopenedCount === 0) {
        const { metering, state } = await meteringNow();
        const result = resolveRequest(
          metering,
          mergeUsage(poolUsages(state), usage),
          { id: ticket.id, kind: event.kind, severity: event.severity },
          now,
        );
        usage = mergeUsage(usage, result.usage);
        entries.push(...result.entries);
      }
    }
    const extra = options.extraOps ? await options.extraOps(next, meteringNow) : [];
    // Mail the change sends (the resolution notice, the alerts of the SLA warnings and breaches it
    // recorded) goes out through the outbox, in this transaction.
    extra.push(...(await resolutionOps(ctx, next, events)));
    extra.push(...(await slaAlertOps(ctx, next, events, catalog)));
    if (!changed && entries.length === 0 && extra.length === 0)
      return { ticket, events, catalog, changed: false };
    next = {
      ...next,
      version: ticket.version + 1,
      updatedAt: now.toISOString(),
      ledgerRefs: [...next.ledgerRefs, ...entries.map(ledgerRef)],
    };
    const due = nextDueAt(next);
    if (due) next.nextDueAt = due;
    else delete next.nextDueAt;
    const ops: WriteOp[] = [
      saveTicketOp(ctx.store, next, ticket.version),
      ...(meteringState ? poolOps(ctx, ticket.accountId, meteringState.state.pools, usage) : []),
      ...entries.map((entry) => ledgerOp(ctx.store, entry)),
      ...extra,
    ];
    try {
      await commit(ctx.store, ops);
    } catch (error) {
      // With If-Match the caller asked for that version only: report, do not retry.
      if (options.ifMatch !== undefined && error instanceof ConcurrentChangeError && error.lost('ticket')) {
        throw new VersionConflictError(
          `ticket ${ticket.reference}`,
          error.failed[0]?.current?.version as number,
        );
      }
      throw error;
    }
    return { ticket: next, events, catalog, changed: true };
  });
}

function mergeUsage(base: readonly PoolUsage[], updates: readonly PoolUsage[]): PoolUsage[] {
  const byPool = new Map(base.map((u) => [u.poolId, u]));
  for (const u of updates) byPool.set(u.poolId, u);
  return [...byPool.values()];
}

export interface TicketPatch {
  severity?: string;
  kind?: TicketKind;
  status?: TicketStatus;
  assignee?: string | null;
}

/** Agent triage and workflow: severity/kind (confirms them), assignee, status, in that order. */
export function patchCommands(patch: TicketPatch): TicketCommand[] {
  const commands: TicketCommand[] = [];
  if (patch.severity !== undefined || patch.kind !== undefined) {
    commands.push({
      type: 'triage',
      ...(patch.severity !== undefined ? { severity: patch.severity } : {}),
      ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
    });
  }
  if (patch.assignee !== undefined) commands.push({ type: 'assign', assignee: patch.assignee });
  if (patch.status !== undefined) commands.push({ type: 'setStatus', status: patch.status });
  return commands;
}

export interface ReplyInput {
  body: string;
  visibility: 'public' | 'internal';
  author: MessageRecord['author'];
  automatic?: boolean;
  channel: MessageRecord['channel'];
  messageId?: string;
  /** Extra writes in the reply's transaction, built from the ticket (the email intake's markers). */
  extraOps?: (ticket: TicketRecord) => Promise<WriteOp[]>;
}

/**
 * Posts a message on a ticket and lets it drive the clocks (first response, resume from waiting,
 * reopen). A customer writing on a closed ticket, or after the reopen window, opens a new ticket
 * linked to the old one, and the message goes there.
 */
export async function replyToTicket(
  ctx: AppContext,
  principal: Principal | undefined,
  ticketId: string,
  input: ReplyInput,
): Promise<Changed & { message: MessageRecord }> {
  const now = ctx.clock.now();
  const message: MessageRecord = {
    id: ctx.newId(),
    ticketId,
    accountId: '',
    author: input.author,
    visibility: input.author.type === 'customer' ? 'public' : input.visibility,
    automatic: input.automatic ?? false,
    channel: input.channel,
    body: input.body,
    createdAt: now.toISOString(),
    ...(input.messageId ? { messageId: input.messageId } : {}),
  };
  const changed = await changeTicket(
    ctx,
    ticketId,
    () => [
      {
        type: 'reply',
        author: message.author.type,
        visibility: message.visibility,
        automatic: message.automatic,
      },
    ],
    {
      ...(principal ? { principal } : {}),
      extraOps: async (ticket) => {
        message.accountId = ticket.accountId;
        // The agent's mail first: it records on the message the Message-ID it goes out as.
        const mail = await agentReplyOps(ctx, ticket, message);
        const extra = input.extraOps ? await input.extraOps(ticket) : [];
        return [...mail, messageOp(ctx.store, message), ...extra];
      },
    },
  );
  if (!changed.events.some((e) => e.type === 'newTicketRequired')) return { ...changed, message };
  // The message was stored on the old ticket too (its history shows the late reply); the work goes on a new one.
  const old = changed.ticket;
  const opened = await openTicketFor(ctx, {
    accountId: old.accountId,
    subject: old.subject.startsWith('Re: ') ? old.subject : `Re: ${old.subject}`,
    body: input.body,
    severity: old.severity,
    kind: old.kind,
    channel: input.channel === 'system' ? 'api' : input.channel,
    author: input.author,
    relatedTicketId: old.id,
    ...(input.messageId ? { messageId: input.messageId } : {}),
  });
  if (opened.replayed) throw new Error('unexpected idempotent replay');
  return { ...changed, message, continuedOn: opened.ticket };
}

export interface TimeEntryInput {
  minutes: number;
  conversationId?: string;
  note?: string;
  /** When the work was done (ISO instant); default now. */
  workedAt?: string;
  loggedBy: string;
}

/** How far back work may be logged: a quarter, so a month's invoice can still be corrected. */
export const MAX_WORKED_AGO_MS = 90 * 24 * 3600_000;

/** Logs agent time: rounded, drawn from the hour pool, billed or refused as the plan says (001-003). */
export async function logTime(
  ctx: AppContext,
  principal: Principal,
  ticketId: string,
  input: TimeEntryInput,
): Promise<Changed & { entry: TimeEntryRecord }> {
  if (!Number.isInteger(input.minutes) || input.minutes < 1 || input.minutes > 24 * 60) {
    throw ValidationError.field('minutes', 'must be a whole number of minutes from 1 to 1440');
  }
  const workedAt = input.workedAt === undefined ? undefined : new Date(input.workedAt);
  if (workedAt !== undefined) {
    const ago = ctx.clock.now().getTime() - workedAt.getTime();
    if (Number.isNaN(ago) || ago < 0 || ago > MAX_WORKED_AGO_MS) {
      throw ValidationError.field('workedAt', 'must be an instant in the last 90 days, not in the future');
    }
  }
  let entry: TimeEntryRecord | undefined;
  const changed = await changeTicket(ctx, ticketId, () => [], {
    principal,
    extraOps: async (ticket, meteringNow) => {
      const { metering, state } = await meteringNow();
      const now = ctx.clock.now();
      const id = ctx.newId();
      const prior = input.conversationId ? (ticket.workByConversation?.[input.conversationId] ?? 0) : 0;
      const billed = billTime(
        metering,
        poolUsages(state),
        { id: ticket.id, kind: ticket.kind, severity: ticket.severity },
        {
          id,
          minutes: input.minutes,
          at: workedAt ?? now,
          ...(input.conversationId
            ? { conversationId: input.conversationId, priorConversationMinutes: prior }
            : {}),
        },
      );
      entry = {
        id,
        ticketId: ticket.id,
        accountId: ticket.accountId,
        minutes: input.minutes,
        countedMinutes: billed.minutes,
        fromPool: billed.fromPool,
        at: now.toISOString(),
        decision: billed.decision,
        loggedBy: input.loggedBy,
        ledgerRefs: billed.entries.map(ledgerRef),
        ...(input.conversationId ? { conversationId: input.conversationId } : {}),
        ...(input.note ? { note: input.note } : {}),
      };
      // The ticket remembers its entries and the work logged per conversation.
      ticket.ledgerRefs = [...ticket.ledgerRefs, ...entry.ledgerRefs];
      if (input.conversationId && billed.conversationMinutes !== undefined) {
        ticket.workByConversation = {
          ...ticket.workByConversation,
          [input.conversationId]: billed.conversationMinutes,
        };
      }
      return [
        timeEntryOp(ctx.store, entry),
        ...poolOps(ctx, ticket.accountId, state.pools, billed.usage),
        // Severity lets the export show hours by severity and rate; booking as of now makes work
        // dated in a closed month an adjustment of the open one.
        ...billed.entries.map((e) => ledgerOp(ctx.store, { ...e, severity: ticket.severity }, now)),
      ];
    },
  });
  if (!entry) throw new RejectedError('time could not be logged');
  return { ...changed, entry };
}

/** Records an SLA warning or breach if the clock still says it is due (stale firings change nothing). */
export function fireTimer(
  ctx: AppContext,
  ticketId: string,
  timer: { metric: SlaMetric; event: 'warning' | 'breach'; dueAt: string },
): Promise<Changed> {
  return changeTicket(ctx, ticketId, () => [{ type: 'timerFired', ...timer }]);
}
