// The sla-timer: invoked by a schedule (EventBridge Scheduler in AWS, the local scheduler on one
// machine) with the ticket, metric, event and the deadline it was created for. It re-reads the ticket
// and records the warning or breach only if the clock still says it is due (fireTimer); stale,
// duplicate and early firings change nothing.
//
// It sends no mail itself: the alerts of what it records are outbox items written in the same
// transaction (functions/app/ticket-mail.ts, `slaAlertOps`), as for any other change that records a
// warning or breach first, and the outbox sender delivers them. A duplicate firing records nothing
// and so alerts nothing; a crash after the commit loses no alert.
import * as z from 'zod/mini';
import type { AppContext } from '../app/context.ts';
import { runtimeContext } from '../app/runtime.ts';
import { fireTimer } from '../app/tickets.ts';
import { NotFoundError } from '../domain/errors.ts';
import { SLA_METRICS } from '../domain/sla-policy.ts';
import '../domain/zod-mini.ts';
import { isSlaAlertEvent } from '../mail/alerts.ts';
import type { TimerPayload } from '../ports/scheduler.ts';
import { log } from '../shared/log.ts';
import { observed } from '../shared/observability.ts';

export const timerPayloadSchema = z.strictObject({
  ticketId: z.string().check(z.minLength(1), z.maxLength(128)),
  metric: z.enum(SLA_METRICS),
  event: z.enum(['warning', 'breach']),
  dueAt: z.iso.datetime(),
});

export interface TimerDeps {
  context: () => AppContext;
  /** A firing at most this early waits for its deadline (clock skew); earlier ones change nothing. */
  maxEarlyMs?: number;
}

export interface TimerOutcome {
  outcome: 'recorded' | 'unchanged' | 'early' | 'missing' | 'invalid';
  /** Types of the SLA events recorded, e.g. `slaBreached` (their alerts are in the outbox). */
  recorded: string[];
}

const MAX_EARLY_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function timerHandler(deps: TimerDeps) {
  return async function fire(event: unknown): Promise<TimerOutcome> {
    const parsed = timerPayloadSchema.safeParse(event);
    if (!parsed.success) {
      // A malformed payload never becomes valid: retrying it would only fill the dead-letter queue.
      log('error', 'sla timer payload invalid', { issues: parsed.error.issues.map((i) => i.path.join('.')) });
      return { outcome: 'invalid', recorded: [] };
    }
    const payload: TimerPayload = parsed.data;
    const ctx = deps.context();
    const early = Date.parse(payload.dueAt) - ctx.clock.now().getTime();
    if (early > (deps.maxEarlyMs ?? MAX_EARLY_MS)) {
      log('warn', 'sla timer early', { ticketId: payload.ticketId, metric: payload.metric, earlyMs: early });
      return { outcome: 'early', recorded: [] };
    }
    if (early > 0) await sleep(early);

    let result: Awaited<ReturnType<typeof fireTimer>>;
    try {
      result = await fireTimer(ctx, payload.ticketId, payload);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      log('info', 'sla timer for a missing ticket', { ticketId: payload.ticketId });
      return { outcome: 'missing', recorded: [] };
    }
    const alerts = result.events.filter(isSlaAlertEvent);
    const fields = { ticketId: payload.ticketId, metric: payload.metric, event: payload.event };
    if (!result.changed || alerts.length === 0) {
      log('info', 'sla timer changed nothing', fields);
      return { outcome: result.changed ? 'recorded' : 'unchanged', recorded: [] };
    }
    const recorded = alerts.map((a) => a.type);
    log('info', 'sla timer recorded', { ...fields, recorded });
    return { outcome: 'recorded', recorded };
  };
}

let fromEnvironment: ((event: unknown) => Promise<TimerOutcome>) | undefined;

/** Lambda entry: the schedule's input is the event. */
export const handler = observed(async (event: unknown): Promise<TimerOutcome> => {
  fromEnvironment ??= timerHandler({ context: runtimeContext });
  return fromEnvironment(event);
});
