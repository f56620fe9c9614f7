// Which ticket changes send mail, as outbox items written in the change's own transaction: to the
// ticket's contact the acknowledgement with the reference when a ticket opens, an agent's public
// reply, the resolution notice; and the SLA alerts of every warning or breach the change records
// (to the agents, and the breach notice to the contact where the plan promises it). Tickets without
// a contact address (opened through the API with a key) get no customer mail: the API response is
// their acknowledgement. The outbox sender delivers them.
import { type Catalog, planById } from '../domain/catalog.ts';
import type { TicketEvent } from '../domain/ticket.ts';
import {
  acknowledgement,
  agentReply,
  type ComposedMail,
  type MailTicket,
  resolutionNotice,
  type Thread,
} from '../email/outbound.ts';
import { mailSettingsFromEnv } from '../email/settings.ts';
import { alertSettingsFromEnv, isSlaAlertEvent, slaAlerts, tellsCustomer } from '../sla/notifications.ts';
import { type MessageRecord, recentMessageIds } from '../store/messages.ts';
import { outboxOp } from '../store/outbox.ts';
import type { WriteOp } from '../store/transact.ts';
import type { AppContext } from './context.ts';
import type { TicketRecord } from './tickets.ts';

/** How many earlier Message-IDs of a ticket a mail's References carries. */
const THREAD_DEPTH = 20;

function mailTicket(ticket: TicketRecord): MailTicket | undefined {
  if (!ticket.contactEmail) return undefined;
  return {
    id: ticket.id,
    reference: ticket.reference,
    subject: ticket.subject,
    contactEmail: ticket.contactEmail,
  };
}

/** The outbox write of a composed mail. */
export function outboxOpFor(ctx: AppContext, composed: ComposedMail, id: string): WriteOp {
  return outboxOp(ctx.store, {
    id,
    kind: composed.kind,
    messageId: composed.messageId,
    automatic: composed.automatic,
    mail: composed.mail,
    status: 'pending',
    attempts: 0,
    createdAt: ctx.clock.now().toISOString(),
    ...(composed.ticketId ? { ticketId: composed.ticketId } : {}),
  });
}

/** Message-IDs of the ticket's recent messages, oldest first: the thread a new mail continues. */
function threadOf(ctx: AppContext, ticketId: string): Promise<string[]> {
  return recentMessageIds(ctx.store, ticketId, THREAD_DEPTH);
}

function threadFrom(ids: string[]): Thread {
  const last = ids.at(-1);
  return { ...(last ? { inReplyTo: last } : {}), references: ids };
}

/** The acknowledgement of a new ticket, answering the mail that opened it (if one did). */
export function acknowledgementOps(
  ctx: AppContext,
  ticket: TicketRecord,
  inboundMessageId?: string,
): WriteOp[] {
  const target = mailTicket(ticket);
  if (!target) return [];
  const id = ctx.newId();
  const composed = acknowledgement(
    { ...target, entitlement: ticket.entitlement, ...(ticket.relatedTicketId ? { continues: true } : {}) },
    id,
    mailSettingsFromEnv(),
    inboundMessageId ? { inReplyTo: inboundMessageId, references: [inboundMessageId] } : {},
  );
  return [outboxOpFor(ctx, composed, id)];
}

/**
 * An agent's public reply goes to the contact in the ticket's thread; the message records the
 * Message-ID it went out as, so the customer's answer threads back to it.
 */
export async function agentReplyOps(
  ctx: AppContext,
  ticket: TicketRecord,
  message: MessageRecord,
): Promise<WriteOp[]> {
  const target = mailTicket(ticket);
  if (!target || message.author.type !== 'agent' || message.visibility !== 'public' || message.automatic)
    return [];
  const id = ctx.newId();
  const composed = agentReply(
    target,
    id,
    mailSettingsFromEnv(),
    threadFrom(await threadOf(ctx, ticket.id)),
    message.body,
  );
  message.messageId = composed.messageId;
  return [outboxOpFor(ctx, composed, id)];
}

/** The resolution notice, when a change resolved the ticket. */
export async function resolutionOps(
  ctx: AppContext,
  ticket: TicketRecord,
  events: readonly TicketEvent[],
): Promise<WriteOp[]> {
  const target = mailTicket(ticket);
  if (!target || !events.some((e) => e.type === 'resolved')) return [];
  const id = ctx.newId();
  const composed = resolutionNotice(
    target,
    id,
    mailSettingsFromEnv(),
    threadFrom(await threadOf(ctx, ticket.id)),
  );
  return [outboxOpFor(ctx, composed, id)];
}

/**
 * The alerts of the SLA warnings and breaches a change recorded, whichever change it was: the
 * timer's firing, or a reply, pause or severity change that found a deadline passed first. Written
 * with the change, so the event and its alert are saved together or not at all: a duplicate firing
 * records nothing and so alerts nothing, and a crash after the commit loses no alert.
 */
export async function slaAlertOps(
  ctx: AppContext,
  ticket: TicketRecord,
  events: readonly TicketEvent[],
  catalog: Catalog,
): Promise<WriteOp[]> {
  const alerts = events.filter(isSlaAlertEvent);
  if (alerts.length === 0) return [];
  const policy = planById(catalog, ticket.planId)?.sla ?? {};
  // Only the customer's notice continues the conversation: read it only when one is sent.
  const thread = alerts.some((alert) => tellsCustomer(ticket, alert, policy))
    ? threadFrom(await threadOf(ctx, ticket.id))
    : {};
  const settings = mailSettingsFromEnv();
  const recipients = alertSettingsFromEnv();
  return alerts.flatMap((alert) =>
    slaAlerts(ticket, alert, policy, recipients, settings, thread, ctx.newId).map(({ id, composed }) =>
      outboxOpFor(ctx, composed, id),
    ),
  );
}
