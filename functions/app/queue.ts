// The agents' queue: open tickets of every account in SLA order (breached first, then the soonest
// deadline, paused after running, untimed last), each with its live SLA, filtered by state, account,
// catalog, severity, assignee and status; and the counts per state and severity for the same filters.
// A page is one Query on the queue index (functions/store/queue.ts); the state filters narrow the
// Query's rank range, the others are applied to what it read.
import { ValidationError } from '../domain/errors.ts';
import {
  PAUSED_RANK_PREFIX,
  QUEUE_STATES,
  type QueueState,
  queueSla,
  queueState,
  UNTIMED_RANK_PREFIX,
} from '../domain/queue.ts';
import type { TicketClocks } from '../domain/ticket-clocks.ts';
import { getAccount } from '../store/accounts.ts';
import { requireCatalog } from '../store/catalogs.ts';
import { type QueueRange, queueEntries, queuePage } from '../store/queue.ts';
import type { AppContext, Principal } from './context.ts';
import { ticketView } from './tickets/view.ts';

export const OPEN_STATUSES = ['new', 'acknowledged', 'in_progress', 'waiting_on_customer'] as const;

export interface QueueFilters {
  state?: QueueState;
  accountId?: string;
  catalogId?: string;
  severity?: string;
  /** `me`, `none` or a staff keyId. */
  assignee?: string;
  status?: (typeof OPEN_STATUSES)[number];
}

/** What a filter reads of a queue entry. */
interface Filterable {
  accountId: string;
  catalogId: string;
  severity: string;
  status: string;
  assignee?: string;
  sla: TicketClocks;
}

/** The stretch of the queue a state lives in: breached ranks are past instants, running ones future. */
function rangeOf(state: QueueState | undefined, now: Date): QueueRange {
  const instant = now.toISOString();
  switch (state) {
    case undefined:
      return {};
    case 'breached':
      // `#~` sorts after every `<instant>#<id>` of this instant: a deadline reached now is breached.
      return { atMost: `${instant}#~` };
    case 'at_risk':
    case 'running':
      // Every instant is below the paused prefix.
      return { atLeast: instant, atMost: PAUSED_RANK_PREFIX };
    case 'paused':
      return { prefix: PAUSED_RANK_PREFIX };
    case 'none':
      return { prefix: UNTIMED_RANK_PREFIX };
  }
}

/** The filters the rank range does not serve, as one test; undefined when there are none. */
function keeper(
  filters: QueueFilters,
  principal: Principal,
  now: Date,
): ((entry: Filterable) => boolean) | undefined {
  const tests: ((entry: Filterable) => boolean)[] = [];
  const { state, accountId, catalogId, severity, assignee, status } = filters;
  // The rank range holds exactly the breached, paused or untimed tickets; running holds at-risk too.
  if (state === 'at_risk' || state === 'running') tests.push((e) => queueState(e.sla, now) === state);
  if (accountId !== undefined) tests.push((e) => e.accountId === accountId);
  if (catalogId !== undefined) tests.push((e) => e.catalogId === catalogId);
  if (severity !== undefined) tests.push((e) => e.severity === severity);
  if (status !== undefined) tests.push((e) => e.status === status);
  if (assignee === 'none') tests.push((e) => e.assignee === undefined);
  else if (assignee !== undefined) {
    const keyId = assignee === 'me' ? principal.keyId : assignee;
    tests.push((e) => e.assignee === keyId);
  }
  return tests.length === 0 ? undefined : (entry) => tests.every((test) => test(entry));
}

/**
 * Filter values that name something checked where it is cheap: an account that does not exist, or a
 * severity no plan of the catalog has, would only ever give empty pages.
 */
async function checkFilters(ctx: AppContext, filters: QueueFilters): Promise<void> {
  if (filters.assignee !== undefined && !/^(me|none|[0-9a-f]{16})$/.test(filters.assignee)) {
    throw ValidationError.field('query.assignee', 'must be me, none or an API keyId');
  }
  if (filters.accountId !== undefined && !(await getAccount(ctx.store, filters.accountId))) {
    throw ValidationError.field('query.accountId', `no account "${filters.accountId}"`);
  }
  if (filters.catalogId !== undefined) {
    const { catalog } = await requireCatalog(ctx.store, filters.catalogId).catch(() => {
      throw ValidationError.field('query.catalogId', `no catalog "${filters.catalogId}"`);
    });
    const severities = new Set(catalog.plans.flatMap((plan) => plan.severities.map((s) => s.id)));
    if (filters.severity !== undefined && !severities.has(filters.severity)) {
      throw ValidationError.field(
        'query.severity',
        `no plan of catalog ${catalog.id} has severity "${filters.severity}"; its severities are ${[...severities].join(', ')}`,
      );
    }
  }
}

/** One page of the queue, each ticket with its live queue SLA. */
export async function queueOf(
  ctx: AppContext,
  principal: Principal,
  filters: QueueFilters,
  page: { limit?: number | undefined; cursor?: string | undefined; scope?: string },
) {
  await checkFilters(ctx, filters);
  const now = ctx.clock.now();
  const keep = keeper(filters, principal, now);
  const found = await queuePage(ctx.store, {
    limit: page.limit ?? 25,
    ...(page.cursor ? { cursor: page.cursor } : {}),
    ...(page.scope ? { scope: page.scope } : {}),
    range: rangeOf(filters.state, now),
    ...(keep ? { keep } : {}),
  });
  // One read per catalog of the page (when not cached), not one per ticket.
  const catalogIds = [...new Set(found.items.map((ticket) => ticket.catalogId))];
  const catalogs = new Map(
    await Promise.all(
      catalogIds.map(async (id) => [id, (await requireCatalog(ctx.store, id)).catalog] as const),
    ),
  );
  const items = found.items.map((ticket) => {
    const catalog = catalogs.get(ticket.catalogId)!;
    return {
      ...ticketView(ticket, catalog, now, 'staff'),
      queue: queueSla(ticket.sla, catalog.calendars, now),
    };
  });
  return { items, ...(found.nextCursor ? { nextCursor: found.nextCursor } : {}) };
}

/** Counts of the open tickets matching `filters`, per live state and per severity. */
export async function queueSummary(ctx: AppContext, principal: Principal, filters: QueueFilters) {
  await checkFilters(ctx, filters);
  const now = ctx.clock.now();
  const keep = keeper(filters, principal, now);
  const states = Object.fromEntries(QUEUE_STATES.map((state) => [state, 0])) as Record<QueueState, number>;
  const severities = new Map<string, number>();
  let total = 0;
  for await (const entries of queueEntries(ctx.store, rangeOf(filters.state, now))) {
    for (const entry of entries) {
      if (keep && !keep(entry)) continue;
      total++;
      states[queueState(entry.sla, now)]++;
      severities.set(entry.severity, (severities.get(entry.severity) ?? 0) + 1);
    }
  }
  return { at: now.toISOString(), total, states, severities: Object.fromEntries(severities) };
}
