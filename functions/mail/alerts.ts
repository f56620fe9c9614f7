// The mail an SLA warning or breach sends: always to the agents' alert addresses (a deployment
// setting), and to the customer contact on a breach only where the plan promises it
// (`sla.notify.customerOnBreach`). Pure: the ticket use cases write the result to the outbox in the
// transaction that records the event, whichever write recorded it.
import type { SlaPolicy } from '../domain/sla-policy.ts';
import type { AlertSettings, MailSettings } from './settings.ts';
import {
  type AlertedTicket,
  type ComposedMail,
  type SlaAlertEvent,
  slaAgentAlert,
  slaBreachNotice,
  type Thread,
} from './templates.ts';

/** What the alert needs of the ticket. */
export interface AlertTicket extends AlertedTicket {
  subject: string;
}

export const isSlaAlertEvent = (event: { type: string }): event is SlaAlertEvent =>
  event.type === 'slaWarning' || event.type === 'slaBreached';

/** Whether the customer contact is told of this event: breaches only, where the plan promises it. */
export function tellsCustomer(
  ticket: Pick<AlertTicket, 'contactEmail'>,
  event: SlaAlertEvent,
  policy: Pick<SlaPolicy, 'notify'>,
): boolean {
  return event.type === 'slaBreached' && policy.notify?.customerOnBreach === true && !!ticket.contactEmail;
}

/** One mail to send, with the unique id it is composed with (its outbox item's id). */
export interface AlertMail {
  id: string;
  composed: ComposedMail;
}

/**
 * The mail one recorded warning or breach sends. `thread` is the ticket's conversation, which the
 * customer's notice continues; `newId` gives each mail its id (and so its Message-ID).
 */
export function slaAlerts(
  ticket: AlertTicket,
  event: SlaAlertEvent,
  policy: Pick<SlaPolicy, 'notify'>,
  alerts: AlertSettings,
  settings: MailSettings,
  thread: Thread,
  newId: () => string,
): AlertMail[] {
  const mail: AlertMail[] = [];
  if (alerts.agents.length > 0) {
    const id = newId();
    mail.push({ id, composed: slaAgentAlert(ticket, event, alerts.agents, id, settings) });
  }
  if (ticket.contactEmail && tellsCustomer(ticket, event, policy)) {
    const id = newId();
    const target = { ...ticket, contactEmail: ticket.contactEmail };
    mail.push({ id, composed: slaBreachNotice(target, event.metric, id, settings, thread) });
  }
  return mail;
}
