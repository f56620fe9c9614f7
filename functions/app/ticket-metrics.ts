// The business metrics of a committed ticket change: tickets opened, SLA warnings and breaches it
// recorded, ledger entries it wrote. Called by the use cases after their transaction committed, so
// a lost race that re-decides is counted once, and a change that wrote nothing is not counted.
import type { TicketEvent } from '../domain/ticket.ts';
import { metrics } from '../shared/metrics.ts';

export function countCommitted(events: readonly Pick<TicketEvent, 'type'>[], ledgerEntries: number): void {
  let opened = 0;
  let warnings = 0;
  let breaches = 0;
  for (const event of events) {
    if (event.type === 'ticketOpened') opened += 1;
    else if (event.type === 'slaWarning') warnings += 1;
    else if (event.type === 'slaBreached') breaches += 1;
  }
  metrics.count('TicketsOpened', opened);
  metrics.count('SlaWarnings', warnings);
  metrics.count('SlaBreaches', breaches);
  metrics.count('LedgerEntries', ledgerEntries);
}
