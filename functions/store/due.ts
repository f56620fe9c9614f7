// Open tickets by their next SLA deadline: the due-time index (GSI5, `DUE#<shard>` partitions,
// keys.ts), read across its shards. The SLA sweeper reads the tickets whose deadline has passed.
import type { TicketClocks } from '../domain/ticket-clocks.ts';
import type { StoreContext } from './context.ts';
import { DUE_SHARDS, partitions, shardsOf } from './keys.ts';
import { queryPages } from './query.ts';

/** What the due-time index holds of an open ticket that a sweep needs. */
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
 * Open tickets whose next deadline is at or before `by`, earliest first within each shard, page by
 * page; every shard is read. The index lags the table: callers re-read a ticket before acting on it.
 */
export async function* overdueTickets(ctx: StoreContext, by: Date): AsyncGenerator<DueTicket[]> {
  for (const shard of shardsOf(DUE_SHARDS)) {
    const pages = queryPages(ctx, partitions.openTicketsDue(shard), dueTicket, {
      attributes: DUE_ATTRIBUTES,
      // `~` sorts after every character of a ticket id.
      sortKeyAtMost: `${by.toISOString()}#~`,
    });
    for await (const page of pages) {
      const tickets = page.filter((ticket): ticket is DueTicket => ticket !== undefined);
      if (tickets.length > 0) yield tickets;
    }
  }
}
