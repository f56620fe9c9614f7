// The mail the desk writes: acknowledgements, agent replies, resolution notices, SLA alerts (to the
// agents, and the breach notice to the customer), and the one polite answer to mail we cannot take
// (unknown sender, oversized, refused by the plan); and the agents' notifications (a new ticket, a
// customer's reply, an SLA warning or breach) with the ticket's SLA state, which an agent answers by
// replying (docs/email.md, Agents by email). Every mail about a
// ticket carries the reference in the subject and our token in its Message-ID, and continues the
// thread (In-Reply-To, References). Mail no person wrote says so (`Auto-Submitted`, RFC 3834) and
// asks auto-responders to stay quiet; `X-Loop` lets us recognise it if it ever comes back. Pure.
import type { QueueSla } from '../domain/queue.ts';
import type { SlaClockEvent } from '../domain/sla-clock.ts';
import type { SlaMetric } from '../domain/sla-policy.ts';
import type { OutboundMail } from '../ports/mail.ts';
import { type AcknowledgementFacts, acknowledgementLines } from './customer-text.ts';
import type { MailSettings } from './settings.ts';
import { outboundMessageId, subjectWithReference } from './threading.ts';

export type OutboundKind =
  | 'acknowledgement'
  | 'agentReply'
  | 'resolution'
  | 'slaWarning'
  | 'slaBreached'
  | 'agentNewTicket'
  | 'agentCustomerReply'
  | 'staffUnmatched'
  | 'unknownSender'
  | 'oversized'
  | 'refused'
  | 'contractNotice'
  | 'balanceNotice';

export interface ComposedMail {
  kind: OutboundKind;
  /** Our Message-ID (without brackets). */
  messageId: string;
  /**
   * Counts against the recipient's hourly limit on automatic mail (the outbox sender's loop and
   * storm guard). True for what the desk sends to customers and senders on its own; false for a
   * person's mail and for the agents' SLA alerts, which carry the RFC 3834 headers all the same.
   */
  automatic: boolean;
  ticketId?: string;
  mail: OutboundMail;
}

/** What mail about a ticket needs of it. */
export interface MailTicket {
  id: string;
  reference: string;
  subject: string;
  contactEmail: string;
}

/** Where in the conversation this mail goes: the message it answers and the thread so far. */
export interface Thread {
  inReplyTo?: string;
  references?: readonly string[];
}

const MAX_REFERENCES = 20;

/**
 * Threading headers. SES replaces the Message-ID we set with its own, so every mail about a ticket
 * also carries the ticket's thread token first in References: replies copy References, and the
 * token leads back to the ticket whichever Message-ID the mail went out with.
 */
function threadHeaders(
  messageId: string,
  thread: Thread,
  settings: MailSettings,
  ticketId?: string,
): Record<string, string> {
  const root = ticketId ? [outboundMessageId(ticketId, 'thread', settings)] : [];
  const chain = [...root, ...(thread.references ?? []).filter((id) => !root.includes(id))];
  if (thread.inReplyTo && !chain.includes(thread.inReplyTo)) chain.push(thread.inReplyTo);
  // Keep the root and the newest: mail clients thread on those, and the header stays short.
  const kept = chain.length > MAX_REFERENCES ? [chain[0]!, ...chain.slice(-(MAX_REFERENCES - 1))] : chain;
  return {
    'Message-ID': `<${messageId}>`,
    ...(thread.inReplyTo ? { 'In-Reply-To': `<${thread.inReplyTo}>` } : {}),
    ...(kept.length > 0 ? { References: kept.map((id) => `<${id}>`).join(' ') } : {}),
  };
}

function from(settings: MailSettings): string {
  return `"${settings.displayName.replace(/["\\]/g, '')}" <${settings.supportAddress}>`;
}

function automaticHeaders(settings: MailSettings, kind: 'auto-replied' | 'auto-generated') {
  return {
    'Auto-Submitted': kind,
    'X-Auto-Response-Suppress': 'All',
    Precedence: 'auto_reply',
    'X-Loop': settings.supportAddress,
  };
}

function footer(reference: string): string {
  return `\n\n--\nTicket ${reference}. Reply to this mail to add to it; keep [${reference}] in the subject.\n`;
}

function ticketMail(
  kind: OutboundKind,
  ticket: MailTicket,
  unique: string,
  settings: MailSettings,
  thread: Thread,
  text: string,
  automatic: boolean,
): ComposedMail {
  const messageId = outboundMessageId(ticket.id, unique, settings);
  return {
    kind,
    messageId,
    automatic,
    ticketId: ticket.id,
    mail: {
      from: from(settings),
      to: [ticket.contactEmail],
      subject: subjectWithReference(ticket.reference, ticket.subject),
      text,
      headers: {
        ...threadHeaders(messageId, thread, settings, ticket.id),
        ...(automatic
          ? automaticHeaders(settings, kind === 'acknowledgement' ? 'auto-replied' : 'auto-generated')
          : { 'X-Loop': settings.supportAddress }),
        'X-Support-Desk-Ticket': ticket.reference,
      },
    },
  };
}

/**
 * The acknowledgement of a new ticket: its reference, what the plan promises for its severity and
 * what the request used, in the customer's words (customer-text.ts), never metering's own reasons.
 */
export function acknowledgement(
  ticket: MailTicket & { facts?: AcknowledgementFacts; continues?: boolean },
  unique: string,
  settings: MailSettings,
  thread: Thread,
): ComposedMail {
  const facts = ticket.facts ? acknowledgementLines(ticket.facts) : [];
  const lines = [
    `We have received your request and opened ticket ${ticket.reference}.`,
    ...(ticket.continues
      ? ['It continues an earlier ticket of yours that was already resolved or closed.']
      : []),
    ...(facts.length > 0 ? ['', ...facts] : []),
    '',
    'An agent will confirm its severity and answer you here.',
  ];
  return ticketMail(
    'acknowledgement',
    ticket,
    unique,
    settings,
    thread,
    lines.join('\n') + footer(ticket.reference),
    true,
  );
}

export function agentReply(
  ticket: MailTicket,
  unique: string,
  settings: MailSettings,
  thread: Thread,
  body: string,
): ComposedMail {
  return ticketMail(
    'agentReply',
    ticket,
    unique,
    settings,
    thread,
    body.trimEnd() + footer(ticket.reference),
    false,
  );
}

export function resolutionNotice(
  ticket: MailTicket,
  unique: string,
  settings: MailSettings,
  thread: Thread,
): ComposedMail {
  const text =
    `Ticket ${ticket.reference} has been resolved.\n\n` +
    'If the problem is not solved, reply to this mail and the ticket is reopened.';
  return ticketMail('resolution', ticket, unique, settings, thread, text + footer(ticket.reference), true);
}

const METRIC_NAMES: Record<SlaMetric, string> = {
  acknowledge: 'acknowledgement',
  firstResponse: 'first response',
  resolution: 'resolution',
};

/** What a mail to the agents says of the ticket. */
export interface AlertedTicket {
  id: string;
  reference: string;
  severity: string;
  subject?: string;
  accountId?: string;
  contactEmail?: string;
  assignee?: string;
  /** The ticket's SLA as the queue shows it when the mail is composed. */
  queue?: QueueSla;
}

/** A recorded SLA warning or breach: what alerts are sent for. */
export type SlaAlertEvent = Extract<SlaClockEvent, { type: 'slaWarning' | 'slaBreached' }>;

function businessTime(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours} h ${String(minutes % 60).padStart(2, '0')} min` : `${minutes} min`;
}

/** The SLA line of an agent mail: state, deciding clock, deadline and business time left. */
export function slaLine(queue: QueueSla | undefined): string {
  if (!queue || queue.state === 'none') return 'SLA: no clock running (SLA-exempt, or every target met)';
  const what = queue.metric ? METRIC_NAMES[queue.metric] : 'target';
  if (queue.state === 'breached') return `SLA: BREACHED, ${what} was due ${queue.dueAt ?? 'earlier'}`;
  if (queue.state === 'paused') {
    return `SLA: paused (waiting on the customer), ${what} has ${businessTime(queue.remainingMs ?? 0)} of business time left`;
  }
  const state = queue.state === 'at_risk' ? 'AT RISK' : 'running';
  return `SLA: ${state}, ${what} due ${queue.dueAt} (${businessTime(queue.remainingMs ?? 0)} of business time left)`;
}

/** How an agent works the ticket from the mail: the last lines of every agent mail. */
function agentFooter(ticket: AlertedTicket): string[] {
  return [
    '',
    '--',
    `Reply to this mail to answer the customer: your reply goes to them from the support address, on ticket ${ticket.reference}.`,
    'Start the first line with #note to add an internal note instead. Replies are taken from your registered staff address only.',
    `Assigned to: ${ticket.assignee ?? 'nobody yet (claim it: POST /v1/tickets/' + ticket.id + '/claim)'}`,
    `Ticket id: ${ticket.id}`,
  ];
}

/** A mail to the agents (their shared address or the assignee's): automatic headers, the ticket's thread. */
function agentMail(
  kind: OutboundKind,
  ticket: AlertedTicket,
  to: readonly string[],
  unique: string,
  settings: MailSettings,
  subject: string,
  lines: readonly string[],
): ComposedMail {
  const messageId = outboundMessageId(ticket.id, unique, settings);
  return {
    kind,
    messageId,
    automatic: false,
    ticketId: ticket.id,
    mail: {
      from: from(settings),
      to: [...to],
      subject,
      text: `${[...lines, ...agentFooter(ticket)].join('\n')}\n`,
      headers: {
        ...threadHeaders(messageId, {}, settings, ticket.id),
        ...automaticHeaders(settings, 'auto-generated'),
        'X-Support-Desk-Ticket': ticket.reference,
      },
    },
  };
}

/**
 * An SLA warning or breach for the agents: one mail to the assignee's staff address, or to all the
 * agents' alert addresses while nobody has the ticket. It says it is automatic (RFC 3834 headers,
 * `X-Loop`), and carries the ticket's thread token, so a ticket's alerts thread together and a reply
 * to one reaches the ticket. It is not `automatic` for the outbox's per-recipient limit: the agents'
 * addresses are the deployment's own, and a storm of breaches is exactly when every alert must arrive.
 */
export function slaAgentAlert(
  ticket: AlertedTicket,
  alert: SlaAlertEvent,
  to: readonly string[],
  unique: string,
  settings: MailSettings,
): ComposedMail {
  const what = METRIC_NAMES[alert.metric];
  const lines =
    alert.type === 'slaWarning'
      ? [
          `The ${what} target of ticket ${ticket.reference} (severity ${ticket.severity}) is close.`,
          `Warning since: ${alert.at}`,
          ...(alert.dueAt ? [`Breach at:     ${alert.dueAt}`] : []),
        ]
      : [
          `Ticket ${ticket.reference} (severity ${ticket.severity}) missed its ${what} target.`,
          `Breached at: ${alert.at}`,
        ];
  return agentMail(
    alert.type,
    ticket,
    to,
    unique,
    settings,
    `[${ticket.reference}] SLA ${alert.type === 'slaWarning' ? 'warning' : 'breached'}: ${what}`,
    [...lines, ...(ticket.subject ? [`Subject: ${ticket.subject}`] : []), slaLine(ticket.queue)],
  );
}

/** A new ticket, or a customer's reply on one, for the agents: who wrote, the SLA, the message. */
export function agentNotification(
  kind: 'agentNewTicket' | 'agentCustomerReply',
  ticket: AlertedTicket & { subject: string },
  to: readonly string[],
  unique: string,
  settings: MailSettings,
  body: string,
): ComposedMail {
  const who = ticket.contactEmail ?? 'an API key';
  const account = ticket.accountId ? ` (account ${ticket.accountId})` : '';
  const heading =
    kind === 'agentNewTicket'
      ? `New ticket ${ticket.reference} from ${who}${account}, severity ${ticket.severity}.`
      : `The customer replied on ticket ${ticket.reference}${account}, severity ${ticket.severity}.`;
  const label = kind === 'agentNewTicket' ? 'New ticket' : 'Customer reply';
  return agentMail(kind, ticket, to, unique, settings, `[${ticket.reference}] ${label}: ${ticket.subject}`, [
    heading,
    slaLine(ticket.queue),
    '',
    body.trimEnd(),
  ]);
}

/** The one answer to a staff member's mail that reached no ticket: it says what replies are taken. */
export function staffUnmatchedReply(
  to: string,
  inbound: { messageId: string; subject: string },
  unique: string,
  settings: MailSettings,
): ComposedMail {
  const text =
    'Your mail was not added to any ticket, and no ticket was opened.\n\n' +
    'Mail from a staff address is taken only as a reply to a notification the desk sent you about a ticket ' +
    '(a new ticket, a customer reply, an SLA warning or breach): reply to that mail, keeping its In-Reply-To ' +
    'and References headers. Start the first line with #note for an internal note.\n\n' +
    'To open a ticket for a customer, use the API (POST /v1/tickets with accountId).\n';
  return answer('staffUnmatched', to, inbound, unique, settings, text);
}

/** The customer's notice of a breach (where the plan promises one), in the ticket's thread. */
export function slaBreachNotice(
  ticket: MailTicket,
  metric: SlaMetric,
  unique: string,
  settings: MailSettings,
  thread: Thread,
): ComposedMail {
  const text =
    `We have not met the ${METRIC_NAMES[metric]} time your support plan promises for ticket ${ticket.reference}.\n` +
    'We are sorry. Our team has been alerted and is working on it; you will hear from us on this ticket.';
  return ticketMail('slaBreached', ticket, unique, settings, thread, text + footer(ticket.reference), true);
}

/** An answer to a mail that made no ticket: to its sender, in its thread, marked automatic. */
function answer(
  kind: OutboundKind,
  to: string,
  inbound: { messageId: string; subject: string },
  unique: string,
  settings: MailSettings,
  text: string,
): ComposedMail {
  const messageId = outboundMessageId(undefined, unique, settings);
  const subject = inbound.subject.trim() || '(no subject)';
  return {
    kind,
    messageId,
    automatic: true,
    mail: {
      from: from(settings),
      to: [to],
      subject: /^re\s*:/i.test(subject) ? subject : `Re: ${subject}`,
      text,
      headers: {
        ...threadHeaders(messageId, { inReplyTo: inbound.messageId }, settings),
        ...automaticHeaders(settings, 'auto-replied'),
      },
    },
  };
}

export function unknownSenderReply(
  to: string,
  inbound: { messageId: string; subject: string },
  unique: string,
  settings: MailSettings,
): ComposedMail {
  const text =
    'Thank you for writing to us. Your address is not registered as a support contact, so no ticket was opened.\n\n' +
    `${settings.registrationHint}\n\n` +
    'This is an automatic reply; you will receive it at most once a day.\n';
  return answer('unknownSender', to, inbound, unique, settings, text);
}

export function oversizedReply(
  to: string,
  inbound: { messageId: string; subject: string },
  unique: string,
  settings: MailSettings,
  limitBytes: number,
): ComposedMail {
  const text =
    `Your message was larger than ${Math.round(limitBytes / (1024 * 1024))} MB, so we could not add it to a ticket.\n\n` +
    'Please send it again without the large attachments, or with a link to them. We have kept the message in case our team needs it.\n';
  return answer('oversized', to, inbound, unique, settings, text);
}

export function refusedReply(
  to: string,
  inbound: { messageId: string; subject: string },
  unique: string,
  settings: MailSettings,
  reason: string,
): ComposedMail {
  const text = `We could not open a ticket for your message under your support plan:\n\n${reason}\n`;
  return answer('refused', to, inbound, unique, settings, text);
}

/** Mail about an account rather than a ticket (its contract, its balances): to its contacts, automatic. */
function accountMail(
  kind: OutboundKind,
  to: readonly string[],
  subject: string,
  unique: string,
  settings: MailSettings,
  text: string,
): ComposedMail {
  const messageId = outboundMessageId(undefined, unique, settings);
  return {
    kind,
    messageId,
    automatic: true,
    mail: {
      from: from(settings),
      to: [...to],
      subject,
      text,
      headers: { ...threadHeaders(messageId, {}, settings), ...automaticHeaders(settings, 'auto-generated') },
    },
  };
}

export interface ContractNoticeFacts {
  accountName: string;
  planName: string;
  kind: 'renewal' | 'end';
  /** Last day of the term (local date). */
  lastDay: string;
  /** First day of the next term, when it renews. */
  nextStart: string;
  /** What applies after an end, in a sentence. */
  afterEnd: string;
}

/** Before a term ends: it renews on a date, or the contract ends and what applies after it. */
export function contractNotice(
  to: readonly string[],
  facts: ContractNoticeFacts,
  unique: string,
  settings: MailSettings,
): ComposedMail {
  const lines =
    facts.kind === 'renewal'
      ? [
          `Your ${facts.planName} support contract for ${facts.accountName} renews on ${facts.nextStart} for another term.`,
          `The current term runs to ${facts.lastDay}. To stop the renewal, ask us to cancel the contract before then.`,
        ]
      : [
          `Your ${facts.planName} support contract for ${facts.accountName} ends after ${facts.lastDay} and does not renew.`,
          facts.afterEnd,
          'To keep your support plan, contact us to renew it.',
        ];
  return accountMail(
    'contractNotice',
    to,
    facts.kind === 'renewal'
      ? `Your support contract renews on ${facts.nextStart}`
      : `Your support contract ends after ${facts.lastDay}`,
    unique,
    settings,
    `${lines.join('\n\n')}\n\nThis is an automatic message about your support contract.\n`,
  );
}

export interface BalanceNoticeFacts {
  accountName: string;
  /** "your 12-hour bundle bought on 2026-12-01", "the included support hours". */
  what: string;
  kind: 'low' | 'empty';
  minutesLeft: number;
  /** What happens to time once it is all used. */
  afterwards: string;
}

function hoursText(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return [h > 0 ? `${h} h` : '', m > 0 ? `${m} min` : ''].filter(Boolean).join(' ') || '0 h';
}

/** A prepaid balance fell below the plan's threshold, or ran out. */
export function balanceNotice(
  to: readonly string[],
  facts: BalanceNoticeFacts,
  unique: string,
  settings: MailSettings,
): ComposedMail {
  const text =
    facts.kind === 'low'
      ? `${hoursText(facts.minutesLeft)} of ${facts.what} ${facts.minutesLeft === 1 ? 'is' : 'are'} left for ${facts.accountName}.`
      : `All of ${facts.what} for ${facts.accountName} is used.`;
  return accountMail(
    'balanceNotice',
    to,
    facts.kind === 'low'
      ? 'Your prepaid support hours are running low'
      : 'Your prepaid support hours are used up',
    unique,
    settings,
    `${text}\n\n${facts.afterwards}\n\nThis is an automatic message about your support balance.\n`,
  );
}
