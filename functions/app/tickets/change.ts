// Changing a ticket: load it (the principal must see it; If-Match must name its version); let the
// domain decide the commands into the next ticket and its events; meter the events; compose the mail
// they send; commit the ticket, counters, ledger entries, the posted message and the mail as one
// transaction. A lost race re-reads and decides again, unless the caller asked for one version.
import type { Catalog } from '../../domain/catalog.ts';
import { meteringFor } from '../../domain/entitlements.ts';
import { NotFoundError, VersionConflictError } from '../../domain/errors.ts';
import type { LedgerEntry } from '../../domain/ledger.ts';
import { eventsNeedMetering, type MeteringEffects, meterTicketEvents } from '../../domain/metering.ts';
import { queueSla } from '../../domain/queue.ts';
import type { SlaMetric } from '../../domain/sla-policy.ts';
import {
  decideTicket,
  type TicketCommand,
  type TicketEvent,
  type TicketKind,
  type TicketStatus,
} from '../../domain/ticket.ts';
import { agentReplyMessageId } from '../../mail/ticket-mail.ts';
import { getAccountState } from '../../store/accounts.ts';
import { ledgerEntriesByRef, ledgerRef } from '../../store/ledger.ts';
import { type MessageRecord, messageOp } from '../../store/messages.ts';
import type { TicketRecord } from '../../store/tickets.ts';
import { saveTicketOp } from '../../store/tickets.ts';
import { ConcurrentChangeError, commit, type WriteOp, withRetries } from '../../store/transact.ts';
import type { AppContext, Principal } from '../context.ts';
import { composeTicketMail, mailOps } from '../ticket-mail.ts';
import { countCommitted } from '../ticket-metrics.ts';
import { openTicketFor } from './open.ts';
import { ledgerOps, poolOps, poolUsages, ticketContextOf, withNextDue } from './record.ts';
import { loadTicket } from './view.ts';

export interface Changed {
  ticket: TicketRecord;
  events: TicketEvent[];
  catalog: Catalog;
  changed: boolean;
  /** The message the change posted, as stored. */
  message?: MessageRecord;
  /** Set when the reply belonged on a new ticket (closed, or past the reopen window). */
  continuedOn?: TicketRecord;
}

/** A message to post with the change; its ticket and account come from the ticket. */
export type MessageDraft = Omit<MessageRecord, 'ticketId' | 'accountId'>;

export interface ChangeOptions {
  principal?: Principal;
  /** `If-Match`: act only on this version (a stale one is a 412). */
  ifMatch?: number;
  /** A message posted by the change (a reply), stored on the ticket in the same transaction. */
  message?: MessageDraft;
  /** Extra writes in the same transaction, built from the ticket (the email intake's markers). */
  extraOps?: (ticket: TicketRecord) => Promise<WriteOp[]>;
}

const NOTHING: MeteringEffects = { usage: [], entries: [] };

/**
 * Applies domain commands to a ticket and saves it with whatever metering and mail the resulting
 * events call for (reclassification reverses consumption; resolution consumes where the plan says so).
 */
export function changeTicket(
  ctx: AppContext,
  ticketId: string,
  commands: (ticket: TicketRecord) => TicketCommand[],
  options: ChangeOptions = {},
): Promise<Changed> {
  return withRetries(async () => {
    // Load.
    const { ticket, catalog, plan } = await loadTicket(ctx, options.principal, ticketId);
    if (options.ifMatch !== undefined && options.ifMatch !== ticket.version) {
      throw new VersionConflictError(`ticket ${ticket.reference}`, ticket.version);
    }
    const now = ctx.clock.now();
    // Decide.
    const decided = decideTicket(ticket, commands(ticket), now, ticketContextOf(catalog, plan));
    const { events } = decided;
    // Meter.
    const metered = eventsNeedMetering(events);
    const state = metered ? await getAccountState(ctx.store, ticket.accountId) : undefined;
    if (metered && !state) throw new NotFoundError(`account ${ticket.accountId}`);
    const effects = state
      ? meterTicketEvents(
          // A ticket is metered by the contract in force when it was opened.
          meteringFor(catalog, state.account.id, state.account.contract, new Date(ticket.createdAt)),
          poolUsages(state),
          ticket.id,
          events,
          await ownEntries(ctx, ticket),
          now,
        )
      : NOTHING;
    const next = withNextDue({
      ...storedOnly(ticket),
      ...decided.ticket,
      version: ticket.version + 1,
      updatedAt: now.toISOString(),
      ledgerRefs: [...ticket.ledgerRefs, ...effects.entries.map(ledgerRef)],
    });
    // Compose.
    const draft = options.message;
    const mail = await composeTicketMail(ctx, {
      ticket: next,
      events,
      policy: plan.sla,
      queue: queueSla(next.sla, catalog.calendars, now),
      ...(draft ? { message: draft } : {}),
    });
    const repliedAs = agentReplyMessageId(mail);
    const message: MessageRecord | undefined = draft && {
      ...draft,
      ticketId: ticket.id,
      accountId: ticket.accountId,
      // The agent's mail went out as this Message-ID: the customer's answer threads back to it.
      ...(repliedAs ? { messageId: repliedAs } : {}),
    };
    const extra = options.extraOps ? await options.extraOps(next) : [];
    const writes =
      decided.changed || effects.entries.length > 0 || message || extra.length > 0 || mail.length > 0;
    if (!writes) return { ticket, events, catalog, changed: false };
    // Commit.
    const ops: WriteOp[] = [
      saveTicketOp(ctx.store, next, ticket.version),
      ...(state ? poolOps(ctx, ticket.accountId, state.pools, effects.usage) : []),
      ...ledgerOps(ctx, effects.entries),
      ...(message ? [messageOp(ctx.store, message)] : []),
      ...extra,
      ...mailOps(ctx, mail),
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
    countCommitted(events, effects.entries.length);
    return { ticket: next, events, catalog, changed: true, ...(message ? { message } : {}) };
  });
}

/**
 * The record's fields the domain does not decide. The domain's optional fields (an assignee, a
 * resolution date) come from its decision alone: one it removed (unassigned, reopened) stays removed.
 */
function storedOnly(ticket: TicketRecord) {
  const {
    assignee: _assignee,
    acknowledgedAt: _acknowledgedAt,
    firstResponseAt: _firstResponseAt,
    resolvedAt: _resolvedAt,
    closedAt: _closedAt,
    ...rest
  } = ticket;
  return rest;
}

function ownEntries(ctx: AppContext, ticket: TicketRecord): Promise<LedgerEntry[]> {
  return ledgerEntriesByRef(ctx.store, ticket.accountId, ticket.ledgerRefs);
}

export interface TicketPatch {
  severity?: string;
  kind?: TicketKind;
  status?: TicketStatus;
  assignee?: string | null;
}

/**
 * Agent triage and workflow: severity/kind (confirms them, assessed by the key `by`), assignee,
 * status, in that order.
 */
export function patchCommands(patch: TicketPatch, by: string): TicketCommand[] {
  const commands: TicketCommand[] = [];
  if (patch.severity !== undefined || patch.kind !== undefined) {
    commands.push({
      type: 'triage',
      by,
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
  const draft: MessageDraft = {
    id: ctx.newId(),
    author: input.author,
    visibility: input.author.type === 'customer' ? 'public' : input.visibility,
    automatic: input.automatic ?? false,
    channel: input.channel,
    body: input.body,
    createdAt: ctx.clock.now().toISOString(),
    ...(input.messageId ? { messageId: input.messageId } : {}),
  };
  const changed = await changeTicket(
    ctx,
    ticketId,
    () => [
      { type: 'reply', author: draft.author.type, visibility: draft.visibility, automatic: draft.automatic },
    ],
    {
      ...(principal ? { principal } : {}),
      message: draft,
      ...(input.extraOps ? { extraOps: input.extraOps } : {}),
    },
  );
  const message = changed.message!;
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

/** Records an SLA warning or breach if the clock still says it is due (stale firings change nothing). */
export function fireTimer(
  ctx: AppContext,
  ticketId: string,
  timer: { metric: SlaMetric; event: 'warning' | 'breach'; dueAt: string },
): Promise<Changed> {
  return changeTicket(ctx, ticketId, () => [{ type: 'timerFired', ...timer }]);
}
