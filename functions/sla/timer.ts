// The sla-timer: invoked by a schedule (EventBridge Scheduler in AWS, the local scheduler on one
// machine) with the ticket, metric, event and the deadline it was created for. It re-reads the ticket
// and records the warning or breach only if the clock still says it is due (fireTimer); stale,
// duplicate and early firings change nothing. What it records is mailed as the plan asks.
//
// Mail goes out after the ticket is saved: a duplicate firing finds the event recorded and mails
// nothing, so an alert is sent at most once. A send that fails is logged, not retried (a retry would
// find nothing due).
import * as z from 'zod';
import { sesMailSenderFromEnvironment } from '../adapters/mail-ses.ts';
import type { AppContext } from '../app/context.ts';
import { runtimeContext } from '../app/runtime.ts';
import { fireTimer, type TicketRecord } from '../app/tickets.ts';
import { type Catalog, planById } from '../domain/catalog.ts';
import { NotFoundError } from '../domain/errors.ts';
import { SLA_METRICS } from '../domain/sla-policy.ts';
import type { MailSender } from '../ports/mail.ts';
import type { TimerPayload } from '../ports/scheduler.ts';
import { log } from '../shared/log.ts';
import {
  type AlertSettings,
  alertSettingsFromEnv,
  isSlaAlertEvent,
  type SlaAlertEvent,
  slaAlerts,
} from './notifications.ts';

export const timerPayloadSchema = z.strictObject({
  ticketId: z.string().min(1).max(128),
  metric: z.enum(SLA_METRICS),
  event: z.enum(['warning', 'breach']),
  dueAt: z.iso.datetime(),
});

export interface TimerDeps {
  context: () => AppContext;
  mail: MailSender;
  alerts: AlertSettings;
  /** A firing at most this early waits for its deadline (clock skew); earlier ones change nothing. */
  maxEarlyMs?: number;
}

export interface TimerOutcome {
  outcome: 'recorded' | 'unchanged' | 'early' | 'missing' | 'invalid';
  /** Types of the SLA events recorded, e.g. `slaBreached`. */
  recorded: string[];
  mailed: number;
}

const MAX_EARLY_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function timerHandler(deps: TimerDeps) {
  return async function fire(event: unknown): Promise<TimerOutcome> {
    const parsed = timerPayloadSchema.safeParse(event);
    if (!parsed.success) {
      // A malformed payload never becomes valid: retrying it would only fill the dead-letter queue.
      log('error', 'sla timer payload invalid', { issues: parsed.error.issues.map((i) => i.path.join('.')) });
      return { outcome: 'invalid', recorded: [], mailed: 0 };
    }
    const payload: TimerPayload = parsed.data;
    const ctx = deps.context();
    const early = Date.parse(payload.dueAt) - ctx.clock.now().getTime();
    if (early > (deps.maxEarlyMs ?? MAX_EARLY_MS)) {
      log('warn', 'sla timer early', { ticketId: payload.ticketId, metric: payload.metric, earlyMs: early });
      return { outcome: 'early', recorded: [], mailed: 0 };
    }
    if (early > 0) await sleep(early);

    let result: Awaited<ReturnType<typeof fireTimer>>;
    try {
      result = await fireTimer(ctx, payload.ticketId, payload);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      log('info', 'sla timer for a missing ticket', { ticketId: payload.ticketId });
      return { outcome: 'missing', recorded: [], mailed: 0 };
    }
    const alerts = result.events.filter(isSlaAlertEvent);
    const fields = { ticketId: payload.ticketId, metric: payload.metric, event: payload.event };
    if (!result.changed || alerts.length === 0) {
      log('info', 'sla timer changed nothing', fields);
      return { outcome: result.changed ? 'recorded' : 'unchanged', recorded: [], mailed: 0 };
    }
    const mailed = await sendAlerts(deps, result.ticket, result.catalog, alerts);
    log('info', 'sla timer recorded', { ...fields, recorded: alerts.map((a) => a.type), mailed });
    return { outcome: 'recorded', recorded: alerts.map((a) => a.type), mailed };
  };
}

async function sendAlerts(
  deps: TimerDeps,
  ticket: TicketRecord,
  catalog: Catalog,
  alerts: SlaAlertEvent[],
): Promise<number> {
  const policy = planById(catalog, ticket.planId)?.sla ?? {};
  let mailed = 0;
  for (const alert of alerts) {
    for (const mail of slaAlerts(ticket, alert, policy, deps.alerts)) {
      try {
        await deps.mail.send(mail);
        mailed += 1;
      } catch (error) {
        log('error', 'sla alert not sent', {
          ticketId: ticket.id,
          alert: alert.type,
          error: error instanceof Error ? error.name : 'unknown',
        });
      }
    }
  }
  return mailed;
}

let fromEnvironment: ((event: unknown) => Promise<TimerOutcome>) | undefined;

/** Lambda entry: the schedule's input is the event. */
export async function handler(event: unknown): Promise<TimerOutcome> {
  fromEnvironment ??= timerHandler({
    context: runtimeContext,
    mail: sesMailSenderFromEnvironment(),
    alerts: alertSettingsFromEnv(),
  });
  return fromEnvironment(event);
}
