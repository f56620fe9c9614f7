// Which ticket changes send mail, composed from the change's events: the acknowledgement with the
// reference when a ticket opens, an agent's public reply, the resolution notice, and the SLA alerts
// of every warning or breach the change recorded (to the agents; the breach notice to the contact
// where the plan promises it). Agents are told of a new ticket and of a customer's reply too; every
// agent mail goes to the assignee's staff address, or to the agents' addresses while nobody has the
// ticket (the use case resolves which: `MailSetup.alerts.agents`), with the SLA state in the body. Tickets without a contact address (opened through the API with a key)
// get no customer mail: the API response is their acknowledgement. Pure: the use case reads the
// thread when `needsThread` says so and writes the result to the outbox in the change's transaction.
import type { QueueSla } from '../domain/queue.ts';
import type { SlaPolicy } from '../domain/sla-policy.ts';
import type { TicketEvent } from '../domain/ticket.ts';
import { isSlaAlertEvent, slaAlerts, tellsCustomer } from './alerts.ts';
import type { AcknowledgementFacts } from './customer-text.ts';
import type { AlertSettings, MailSettings } from './settings.ts';
import {
  acknowledgement,
  agentNotification,
  agentReply,
  type ComposedMail,
  type MailTicket,
  resolutionNotice,
  type Thread,
} from './templates.ts';

/** What mail needs of a ticket. */
export interface TicketForMail {
  id: string;
  reference: string;
  subject: string;
  severity: string;
  accountId?: string;
  contactEmail?: string;
  relatedTicketId?: string;
  assignee?: string;
}

/** The message a change posted, as far as mail cares. */
export interface PostedMessage {
  author: { type: 'customer' | 'agent' | 'system' };
  visibility: 'public' | 'internal';
  automatic: boolean;
  body: string;
}

export interface TicketChange {
  ticket: TicketForMail;
  events: readonly TicketEvent[];
  message?: PostedMessage;
  /** The RFC Message-ID of the mail that opened the ticket, which the acknowledgement answers. */
  inboundMessageId?: string;
  /** The plan's SLA policy (whether a breach is told to the customer). */
  policy: Pick<SlaPolicy, 'notify'>;
  /** A new ticket's promises and usage, as the acknowledgement tells them. */
  acknowledgement?: AcknowledgementFacts;
  /** The ticket's SLA as the queue shows it after the change (agent mail says it). */
  queue?: QueueSla;
}

export interface MailSetup {
  settings: MailSettings;
  /** Where agent mail of this ticket goes: the assignee's staff address, else the agents' addresses. */
  alerts: AlertSettings;
  /** The ticket's conversation so far (Message-IDs oldest first), when `needsThread` asked for it. */
  thread: readonly string[];
  /** Each mail's id, which is its outbox item's id and part of its Message-ID. */
  newId(): string;
}

/** One mail to send and the id it was composed with. */
export interface DraftMail {
  id: string;
  composed: ComposedMail;
}

const contactOf = (ticket: TicketForMail): MailTicket | undefined =>
  ticket.contactEmail
    ? {
        id: ticket.id,
        reference: ticket.reference,
        subject: ticket.subject,
        contactEmail: ticket.contactEmail,
      }
    : undefined;

const repliesByMail = (message: PostedMessage | undefined): message is PostedMessage =>
  message !== undefined &&
  message.author.type === 'agent' &&
  message.visibility === 'public' &&
  !message.automatic;

/** A customer's own message (not the one that opened the ticket): the agents hear of it. */
const customerWrote = (message: PostedMessage | undefined): message is PostedMessage =>
  message !== undefined &&
  message.author.type === 'customer' &&
  message.visibility === 'public' &&
  !message.automatic;

/** Whether this change mails the agents (so the use case finds out where to). */
export function mailsAgents(change: TicketChange): boolean {
  return (
    change.events.some((e) => e.type === 'ticketOpened' || isSlaAlertEvent(e)) ||
    customerWrote(change.message)
  );
}

/** Whether the mail of this change continues the customer's thread (and so needs it read). */
export function needsThread(change: TicketChange): boolean {
  if (!change.ticket.contactEmail) return false;
  return (
    repliesByMail(change.message) ||
    change.events.some((e) => e.type === 'resolved') ||
    change.events.some((e) => isSlaAlertEvent(e) && tellsCustomer(change.ticket, e, change.policy))
  );
}

function threadOf(ids: readonly string[]): Thread {
  const last = ids.at(-1);
  return { ...(last ? { inReplyTo: last } : {}), references: ids };
}

/** The mail a ticket change sends, in the order it happened. */
export function ticketMail(change: TicketChange, setup: MailSetup): DraftMail[] {
  const { ticket, events } = change;
  const contact = contactOf(ticket);
  const thread = threadOf(setup.thread);
  const drafts: DraftMail[] = [];
  const draft = (compose: (id: string) => ComposedMail) => {
    const id = setup.newId();
    drafts.push({ id, composed: compose(id) });
  };
  if (contact && events.some((e) => e.type === 'ticketOpened')) {
    const inbound = change.inboundMessageId;
    draft((id) =>
      acknowledgement(
        {
          ...contact,
          ...(change.acknowledgement ? { facts: change.acknowledgement } : {}),
          ...(ticket.relatedTicketId ? { continues: true } : {}),
        },
        id,
        setup.settings,
        inbound ? { inReplyTo: inbound, references: [inbound] } : {},
      ),
    );
  }
  const message = change.message;
  const opened = events.some((e) => e.type === 'ticketOpened');
  const agents = setup.alerts.agents;
  const forAgents = {
    ...ticket,
    ...(change.queue ? { queue: change.queue } : {}),
  };
  // A customer's late reply that moves to a new ticket is told once, as that new ticket.
  const continues = events.some((e) => e.type === 'newTicketRequired');
  if (agents.length > 0 && message && (opened || (customerWrote(message) && !continues))) {
    const kind = opened ? 'agentNewTicket' : 'agentCustomerReply';
    draft((id) => agentNotification(kind, forAgents, agents, id, setup.settings, message.body));
  }
  if (contact && !opened && repliesByMail(message)) {
    draft((id) => agentReply(contact, id, setup.settings, thread, message.body));
  }
  if (contact && events.some((e) => e.type === 'resolved')) {
    draft((id) => resolutionNotice(contact, id, setup.settings, thread));
  }
  for (const alert of events.filter(isSlaAlertEvent)) {
    drafts.push(
      ...slaAlerts(forAgents, alert, change.policy, setup.alerts, setup.settings, thread, setup.newId),
    );
  }
  return drafts;
}

/** The Message-ID an agent's reply goes out as, so the customer's answer threads back to it. */
export function agentReplyMessageId(drafts: readonly DraftMail[]): string | undefined {
  return drafts.find((d) => d.composed.kind === 'agentReply')?.composed.messageId;
}
