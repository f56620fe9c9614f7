// Reading a ticket: load one the principal may see (with its catalog and plan), and the view the API
// shows, with the live SLA clocks at a given instant.
import type { Catalog } from '../../domain/catalog.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { Plan } from '../../domain/plan.ts';
import { slaView } from '../../domain/ticket.ts';
import { requireCatalog } from '../../store/catalogs.ts';
import type { TicketRecord } from '../../store/tickets.ts';
import { getTicket } from '../../store/tickets.ts';
import { type AppContext, assertCanSee, type Principal } from '../context.ts';
import { planOf } from './record.ts';

export interface Loaded {
  ticket: TicketRecord;
  catalog: Catalog;
  plan: Plan;
}

/** A ticket the principal may see, with its catalog and plan; anything else is not found. */
export async function loadTicket(
  ctx: AppContext,
  principal: Principal | undefined,
  ticketId: string,
): Promise<Loaded> {
  const stored = await getTicket(ctx.store, ticketId);
  if (!stored) throw new NotFoundError(`ticket ${ticketId}`);
  const ticket = stored;
  if (principal) assertCanSee(principal, ticket.accountId, `ticket ${ticketId}`);
  const { catalog } = await requireCatalog(ctx.store, ticket.catalogId);
  return { ticket, catalog, plan: planOf(catalog, ticket.planId) };
}

/** Who reads a view: customers never see metering's internal reasons. */
export type Audience = 'customer' | 'staff';

export const audienceOf = (role: string): Audience => (role === 'customer' ? 'customer' : 'staff');

/**
 * The ticket as the API shows it to `audience`, with the live SLA view at `now`: the kind and
 * severity in effect, what was declared and who assessed it; customers read what the request used
 * (`entitlement.notes`) without metering's internal `reason`.
 */
export function ticketView(ticket: TicketRecord, catalog: Catalog, now: Date, audience: Audience) {
  const { decision, reason, notes } = ticket.entitlement;
  return {
    id: ticket.id,
    reference: ticket.reference,
    accountId: ticket.accountId,
    subject: ticket.subject,
    severity: ticket.severity,
    kind: ticket.kind,
    declared: ticket.declared,
    assessed: ticket.assessed,
    status: ticket.status,
    version: ticket.version,
    planId: ticket.planId,
    channel: ticket.channel,
    assignee: ticket.assignee ?? null,
    severityConfirmed: ticket.severityConfirmed,
    slaExempt: ticket.slaExempt,
    clocksStartAt: ticket.clocksStartAt,
    entitlement: {
      decision,
      notes: notes ?? [],
      ...(audience === 'staff' ? { reason } : {}),
    },
    relatedTicketId: ticket.relatedTicketId ?? null,
    createdAt: ticket.createdAt,
    updatedAt: ticket.updatedAt,
    acknowledgedAt: ticket.acknowledgedAt ?? null,
    firstResponseAt: ticket.firstResponseAt ?? null,
    resolvedAt: ticket.resolvedAt ?? null,
    closedAt: ticket.closedAt ?? null,
    reopenedCount: ticket.reopenedCount,
    sla: slaView(ticket, now, catalog.calendars),
  };
}
type TicketView = ReturnType<typeof ticketView>;
