// Logging agent time on a ticket: load the ticket and the account's counters; bill the entry under
// the plan (rounded, drawn from the hour pool, billed or recorded over the allowance: 001-003); commit the time entry,
// the ticket (its ledger references and work per conversation), counters and ledger entries as one
// transaction. Entries are booked as of now, so work dated in a closed month adjusts the open one.
import { meteringFor } from '../../domain/entitlements.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { billTime } from '../../domain/time-billing.ts';
import { getAccountState } from '../../store/accounts.ts';
import { ledgerRef } from '../../store/ledger.ts';
import { type TimeEntryRecord, timeEntryOp } from '../../store/messages.ts';
import type { TicketRecord } from '../../store/tickets.ts';
import { saveTicketOp } from '../../store/tickets.ts';
import { commit, withRetries } from '../../store/transact.ts';
import { balanceMailOps } from '../balances.ts';
import type { AppContext, Principal } from '../context.ts';
import { countCommitted } from '../ticket-metrics.ts';
import type { Changed } from './change.ts';
import { ledgerOps, poolOps, poolUsages } from './record.ts';
import { loadTicket } from './view.ts';

export interface TimeEntryInput {
  minutes: number;
  conversationId?: string;
  note?: string;
  /** When the work was done (ISO instant); default now. */
  workedAt?: string;
  loggedBy: string;
}

/** How far back work may be logged: a quarter, so a month's invoice can still be corrected. */
export const MAX_WORKED_AGO_MS = 90 * 24 * 3600_000;

/**
 * Logs agent time: rounded, drawn from the hour pool, billed as the plan says (001-003). Work is
 * always recorded: past the allowance it is marked over-allowance and billed or not as the pool says.
 */
export async function logTime(
  ctx: AppContext,
  principal: Principal,
  ticketId: string,
  input: TimeEntryInput,
): Promise<Changed & { entry: TimeEntryRecord }> {
  if (!Number.isInteger(input.minutes) || input.minutes < 1 || input.minutes > 24 * 60) {
    throw ValidationError.field('minutes', 'must be a whole number of minutes from 1 to 1440');
  }
  const workedAt = input.workedAt === undefined ? undefined : new Date(input.workedAt);
  if (workedAt !== undefined) {
    const ago = ctx.clock.now().getTime() - workedAt.getTime();
    if (Number.isNaN(ago) || ago < 0 || ago > MAX_WORKED_AGO_MS) {
      throw ValidationError.field('workedAt', 'must be an instant in the last 90 days, not in the future');
    }
  }
  return withRetries(async () => {
    // Load.
    const { ticket, catalog } = await loadTicket(ctx, principal, ticketId);
    const state = await getAccountState(ctx.store, ticket.accountId);
    if (!state) throw new NotFoundError(`account ${ticket.accountId}`);
    const now = ctx.clock.now();
    // Decide.
    const id = ctx.newId();
    const conversation = input.conversationId;
    const prior = conversation ? (ticket.workByConversation?.[conversation] ?? 0) : 0;
    const metering = meteringFor(catalog, state.account.id, state.account.contract, workedAt ?? now);
    const billed = billTime(
      metering,
      poolUsages(state),
      { id: ticket.id, kind: ticket.kind, severity: ticket.severity },
      {
        id,
        minutes: input.minutes,
        at: workedAt ?? now,
        ...(conversation ? { conversationId: conversation, priorConversationMinutes: prior } : {}),
      },
    );
    // Severity lets the export show hours by severity and rate.
    const entries = billed.entries.map((e) => ({ ...e, severity: ticket.severity }));
    const entry: TimeEntryRecord = {
      id,
      ticketId: ticket.id,
      accountId: ticket.accountId,
      minutes: input.minutes,
      countedMinutes: billed.minutes,
      fromPool: billed.fromPool,
      overAllowance: billed.overAllowance,
      at: now.toISOString(),
      decision: billed.decision,
      loggedBy: input.loggedBy,
      ledgerRefs: entries.map(ledgerRef),
      ...(conversation ? { conversationId: conversation } : {}),
      ...(input.note ? { note: input.note } : {}),
    };
    // The ticket remembers its entries and the work logged per conversation.
    const next: TicketRecord = {
      ...ticket,
      version: ticket.version + 1,
      updatedAt: now.toISOString(),
      ledgerRefs: [...ticket.ledgerRefs, ...entry.ledgerRefs],
      ...(conversation && billed.conversationMinutes !== undefined
        ? { workByConversation: { ...ticket.workByConversation, [conversation]: billed.conversationMinutes } }
        : {}),
    };
    // Commit.
    await commit(ctx.store, [
      saveTicketOp(ctx.store, next, ticket.version),
      timeEntryOp(ctx.store, entry),
      ...poolOps(ctx, ticket.accountId, state.pools, billed.usage),
      ...ledgerOps(ctx, entries, now),
      ...balanceMailOps(ctx, state, metering, billed.usage),
    ]);
    countCommitted([], entries.length);
    return { ticket: next, events: [], catalog, changed: true, entry };
  });
}
