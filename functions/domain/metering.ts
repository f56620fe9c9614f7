// What a ticket's events cost under its plan: the one map from lifecycle events to metering. A kind
// change reverses (or keeps) what the ticket drew; the first resolution consumes where the plan meters
// on resolution. Opening is metered by admission (`admitRequest`) and logged work by `billTime`,
// because each decides something the ticket itself needs (its clocks' start, the minutes counted).
// Pure: the use case loads the counters and the ticket's entries, and saves what this returns.
import {
  type Metering,
  type PoolUsage,
  reclassify,
  resolveRequest,
  type TicketRef,
  withUsage,
} from './entitlements.ts';
import type { LedgerEntry } from './ledger.ts';
import type { TicketEvent } from './ticket.ts';

export interface MeteringEffects {
  /** Counters to save (only those that changed). */
  usage: PoolUsage[];
  /** New ledger entries. */
  entries: LedgerEntry[];
}

const meters = (event: TicketEvent): boolean =>
  event.type === 'kindChanged' || (event.type === 'resolved' && event.reopenedCount === 0);

/** Whether any of `events` costs something: only then need the counters and entries be read. */
export function eventsNeedMetering(events: readonly TicketEvent[]): boolean {
  return events.some(meters);
}

/**
 * The metering of `events`, in order, each seeing the counters and entries the previous one left.
 * `ticketEntries` are the ticket's ledger entries so far (a reclassification reverses from them).
 */
export function meterTicketEvents(
  metering: Metering,
  usages: readonly PoolUsage[],
  ticketId: string,
  events: readonly TicketEvent[],
  ticketEntries: readonly LedgerEntry[],
  now: Date,
): MeteringEffects {
  let usage: PoolUsage[] = [];
  const entries: LedgerEntry[] = [];
  for (const event of events) {
    if (!meters(event)) continue;
    const counters = withUsage(usages, usage);
    const result =
      event.type === 'kindChanged'
        ? reclassify(
            metering,
            counters,
            ref(ticketId, event.to, event.severity),
            [...ticketEntries, ...entries],
            now,
          )
        : event.type === 'resolved'
          ? resolveRequest(metering, counters, ref(ticketId, event.kind, event.severity), now)
          : { usage: [], entries: [] };
    usage = withUsage(usage, result.usage);
    entries.push(...result.entries);
  }
  return { usage, entries };
}

const ref = (id: string, kind: TicketRef['kind'], severity: string): TicketRef => ({ id, kind, severity });
