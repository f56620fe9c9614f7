// The SLA sweeper: every few minutes it reads the open tickets whose deadline has passed (the
// overdue head of the agents' queue index) and fires their overdue warnings and breaches through the
// same idempotent path as a schedule (fireTimer); a lost warning is caught with its breach. A deadline whose schedule was never created (a reconcile that failed past
// the stream's 24-hour retention, a schedule deleted by hand) is recorded here, at most one sweep
// late; one whose timer did fire is already recorded and changes nothing. It reports how many it
// caught: above zero means a timer did not do its job, and an alarm says so.
import type { AppContext } from '../app/context.ts';
import { runtimeContext } from '../app/runtime.ts';
import { fireTimer } from '../app/tickets.ts';
import { NotFoundError } from '../domain/errors.ts';
import { clocksTimers } from '../domain/ticket-clocks.ts';
import { isSlaAlertEvent } from '../mail/alerts.ts';
import { log } from '../shared/log.ts';
import { metrics } from '../shared/metrics.ts';
import { observed } from '../shared/observability.ts';
import { overdueTickets } from '../store/due.ts';

/**
 * How late a deadline must be before the sweeper takes it: a timer fires within a minute of its
 * deadline (Scheduler, no flexible window), so only a missing or failing timer is this late.
 */
export const SWEEP_GRACE_MS = 5 * 60_000;

/** The log line a metric filter counts (`caught`): the sweeper's one report, whatever observes it. */
export const SWEEPER_CAUGHT_MESSAGE = 'sla sweeper caught missed deadlines';

/** Reports what one sweep caught: a log line when above zero (the alarm's metric filter reads it). */
export function sweeperCaught(caught: number, fields: Record<string, unknown> = {}): void {
  if (caught === 0) return;
  log('warn', SWEEPER_CAUGHT_MESSAGE, { caught, ...fields });
  metrics.count('SweeperCatches', caught);
}

export interface SweepResult {
  /** Open tickets read whose next deadline was more than the grace ago. */
  tickets: number;
  /** Warnings and breaches this sweep recorded (their timers did not). */
  caught: number;
}

export interface SweeperDeps {
  context: () => AppContext;
  graceMs?: number;
}

export function sweeperHandler(deps: SweeperDeps) {
  return async function sweep(): Promise<SweepResult> {
    const ctx = deps.context();
    const now = ctx.clock.now();
    const before = new Date(now.getTime() - (deps.graceMs ?? SWEEP_GRACE_MS));
    const result: SweepResult = { tickets: 0, caught: 0 };
    const caughtTickets: string[] = [];
    for await (const page of overdueTickets(ctx.store, before)) {
      for (const ticket of page) {
        result.tickets += 1;
        // In deadline order: a warning before its breach (a breach already due records itself).
        const overdue = clocksTimers(ticket.sla).filter((timer) => Date.parse(timer.at) <= before.getTime());
        for (const timer of overdue) {
          let recorded: number;
          try {
            const changed = await fireTimer(ctx, ticket.id, { ...timer, dueAt: timer.at });
            recorded = changed.changed ? changed.events.filter(isSlaAlertEvent).length : 0;
          } catch (error) {
            if (error instanceof NotFoundError) break;
            throw error;
          }
          if (recorded > 0) {
            result.caught += recorded;
            caughtTickets.push(ticket.id);
          }
        }
      }
    }
    sweeperCaught(result.caught, { tickets: caughtTickets.slice(0, 20) });
    log('info', 'sla sweep done', { ...result });
    return result;
  };
}

let fromEnvironment: (() => Promise<SweepResult>) | undefined;

/** Lambda entry: invoked by a rate schedule; the event carries nothing. */
export const handler = observed(async (): Promise<SweepResult> => {
  fromEnvironment ??= sweeperHandler({ context: runtimeContext });
  return fromEnvironment();
});
