// What every ticket use case shares: the due-time attribute, the domain's view of a plan, the pool
// counters and ledger entries to save.
import { type Catalog, planById } from '../../domain/catalog.ts';
import type { PoolUsage } from '../../domain/entitlements.ts';
import type { LedgerEntry } from '../../domain/ledger.ts';
import { bookInOpenMonth } from '../../domain/month-close.ts';
import type { Plan } from '../../domain/plan.ts';
import { nextDueAt, type TicketContext } from '../../domain/ticket.ts';
import { type AccountState, type PoolRecord, savePoolOp } from '../../store/accounts.ts';
import { ledgerOp } from '../../store/ledger.ts';
import type { TicketRecord } from '../../store/tickets.ts';
import type { WriteOp } from '../../store/transact.ts';
import type { AppContext } from '../context.ts';

/** `ticket` with its due-time index attribute matching its clocks. */
export function withNextDue(ticket: TicketRecord): TicketRecord {
  const { nextDueAt: _previous, ...rest } = ticket;
  const due = nextDueAt(ticket);
  return due ? { ...rest, nextDueAt: due } : rest;
}

/** The domain's view of a plan: its severity ids, default and SLA. */
export function ticketContextOf(catalog: Catalog, plan: Plan): TicketContext {
  return {
    plan: {
      severities: plan.severities.map((s) => s.id),
      defaultSeverity: plan.defaultSeverity,
      sla: plan.sla,
      severityAssessedBy: plan.severityAssessedBy,
    },
    calendars: catalog.calendars,
  };
}

export function planOf(catalog: Catalog, planId: string): Plan {
  const plan = planById(catalog, planId);
  if (!plan) throw new Error(`catalog ${catalog.id} has no plan ${planId}`);
  return plan;
}

/** The account's pool counters as the domain reads them. */
export function poolUsages(state: AccountState): PoolUsage[] {
  return state.pools.map(({ version: _version, ...usage }) => usage);
}

/** Writes of the counters metering changed, each conditional on the version it was read at. */
export function poolOps(
  ctx: AppContext,
  accountId: string,
  stored: readonly PoolRecord[],
  updates: readonly PoolUsage[],
): WriteOp[] {
  return updates.map((usage) => {
    const current = stored.find((p) => p.poolId === usage.poolId);
    const { version: _v, ...plain } = usage as PoolRecord;
    return savePoolOp(ctx.store, accountId, plain, current?.version ?? 0);
  });
}

/**
 * Writes of ledger entries, each booked as of `recordedAt` in the export time zone. Use cases date
 * their entries at the clock's now (or later: a deferred credit), so the entry's own date is the
 * default; work dated in the past (`workedAt`) passes the clock's now, and lands in the open month
 * as an adjustment when its own month is closed.
 */
export function ledgerOps(ctx: AppContext, entries: readonly LedgerEntry[], recordedAt?: Date): WriteOp[] {
  return entries.map((entry) =>
    ledgerOp(
      ctx.store,
      bookInOpenMonth(entry, recordedAt ?? new Date(entry.at), ctx.settings.exportTimeZone),
    ),
  );
}
