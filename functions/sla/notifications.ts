// The mail an SLA warning or breach sends: always to the agents' alert address (a deployment
// setting), and to the customer contact only where the plan promises it (`sla.notify`). Pure:
// the timer handler hands the result to the mail port.
import type { SlaClockEvent } from '../domain/sla-clock.ts';
import type { SlaMetric, SlaPolicy } from '../domain/sla-policy.ts';
import type { OutboundMail } from '../ports/mail.ts';

export interface AlertSettings {
  /** The support address mail comes from. */
  from: string;
  /** Agents' (or escalation) addresses; empty: agents are not mailed. */
  agents: string[];
}

/** What the alert needs of the ticket. */
export interface AlertTicket {
  id: string;
  reference: string;
  subject: string;
  severity: string;
  contactEmail?: string;
}

export type SlaAlertEvent = Extract<SlaClockEvent, { type: 'slaWarning' | 'slaBreached' }>;

export const isSlaAlertEvent = (event: { type: string }): event is SlaAlertEvent =>
  event.type === 'slaWarning' || event.type === 'slaBreached';

const METRIC_NAMES: Record<SlaMetric, string> = {
  acknowledge: 'acknowledgement',
  firstResponse: 'first response',
  resolution: 'resolution',
};

/** Headers of every mail no person wrote: RFC 3834 says auto-responders must not answer it. */
export const AUTOMATIC_HEADERS = {
  'Auto-Submitted': 'auto-generated',
  'X-Auto-Response-Suppress': 'All',
} as const;

function agentMail(ticket: AlertTicket, event: SlaAlertEvent, settings: AlertSettings): OutboundMail {
  const what = METRIC_NAMES[event.metric];
  const warning = event.type === 'slaWarning';
  const lines = warning
    ? [
        `The ${what} target of ticket ${ticket.reference} (severity ${ticket.severity}) is close.`,
        `Warning since: ${event.at}`,
        ...(event.dueAt ? [`Breach at:     ${event.dueAt}`] : []),
      ]
    : [
        `Ticket ${ticket.reference} (severity ${ticket.severity}) missed its ${what} target.`,
        `Breached at: ${event.at}`,
      ];
  return {
    from: settings.from,
    to: settings.agents,
    subject: `[${ticket.reference}] SLA ${warning ? 'warning' : 'breached'}: ${what}`,
    text: `${[...lines, '', `Ticket id: ${ticket.id}`].join('\n')}\n`,
    headers: { ...AUTOMATIC_HEADERS, 'X-Support-Desk-Ticket': ticket.reference },
  };
}

function customerMail(ticket: AlertTicket, event: SlaAlertEvent, from: string, to: string): OutboundMail {
  const what = METRIC_NAMES[event.metric];
  return {
    from,
    to: [to],
    subject: `[${ticket.reference}] ${ticket.subject}`,
    text:
      `We have not met the ${what} time your support plan promises for ticket ${ticket.reference}.\n` +
      'We are sorry. Our team has been alerted and is working on it; you will hear from us on this ticket.\n',
    headers: { ...AUTOMATIC_HEADERS, 'X-Support-Desk-Ticket': ticket.reference },
  };
}

/** The mail one recorded warning or breach sends. */
export function slaAlerts(
  ticket: AlertTicket,
  event: SlaAlertEvent,
  policy: Pick<SlaPolicy, 'notify'>,
  settings: AlertSettings,
): OutboundMail[] {
  const mail: OutboundMail[] = [];
  if (settings.agents.length > 0) mail.push(agentMail(ticket, event, settings));
  if (event.type === 'slaBreached' && policy.notify?.customerOnBreach && ticket.contactEmail) {
    mail.push(customerMail(ticket, event, settings.from, ticket.contactEmail));
  }
  return mail;
}

/** `SLA_ALERTS_TO` (comma-separated) and `SUPPORT_ADDRESS` from the environment. */
export function alertSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): AlertSettings {
  return {
    from: env.SUPPORT_ADDRESS || 'support@support-desk.localhost',
    agents: (env.SLA_ALERTS_TO ?? '')
      .split(',')
      .map((address) => address.trim())
      .filter((address) => address !== ''),
  };
}
