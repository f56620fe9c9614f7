// Open tickets whose SLA deadline has passed: the head of the agents' queue (GSI5 `QUEUE`, keys.ts),
// where a timed ticket ranks by its earliest unmet deadline. The SLA sweeper reads it.
import type { TicketClocks } from '../domain/ticket-clocks.ts';
import type { StoreContext } from './context.ts';
import { partitions } from './keys.ts';
import { queryPages } from './query.ts';

/** What the queue index holds of an open ticket that a sweep needs. */
export interface DueTicket {
  id: string;
  nextDueAt: string;
  sla: TicketClocks;
}

const DUE_ATTRIBUTES = ['id', 'nextDueAt', 'sla'] as const;

function dueTicket(item: Record<string, unknown>): DueTicket | undefined {
  const { id, nextDueAt, sla } = item;
  if (typeof id !== 'string' || typeof nextDueAt !== 'string' || typeof sla !== 'object' || sla === null)
    return undefined;
  return { id, nextDueAt, sla: sla as TicketClocks };
}

/**
 * Open tickets with a deadline at or before `by` not yet met, earliest first, page by page (a
 * warning due before its breach is found once the breach is due, at the latest). The index lags
 * the table: callers re-read a ticket before acting on it.
 */
export async function* overdueTickets(ctx: StoreContext, by: Date): AsyncGenerator<DueTicket[]> {
  const pages = queryPages(ctx, partitions.queue(), dueTicket, {
    attributes: DUE_ATTRIBUTES,
    // `~` sorts after every character of a ticket id; paused (`P#`) and untimed (`X#`) ranks after digits.
    sortKeyAtMost: `${by.toISOString()}#~`,
  });
  for await (const page of pages) {
    const tickets = page.filter((ticket): ticket is DueTicket => ticket !== undefined);
    if (tickets.length > 0) yield tickets;
  }
}
