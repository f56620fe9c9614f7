// The map from ticket events to metering, on the B2Bee catalog (004: a credit per request, incidents
// use none) and Performars without a contract (000: USD 70 per processed ticket, at resolution).
import { describe, expect, it } from 'vitest';
import { contractOn, loadExample } from '../../examples/seed-helpers.ts';
import { admitRequest, meteringFor } from '../../functions/domain/entitlements.ts';
import { eventsNeedMetering, meterTicketEvents } from '../../functions/domain/metering.ts';
import type { TicketEvent } from '../../functions/domain/ticket.ts';

const at = '2026-12-01T09:00:00.000Z';
const now = new Date(at);
const kindChanged = (to: 'incident' | 'request'): TicketEvent => ({
  type: 'kindChanged',
  at,
  from: to === 'incident' ? 'request' : 'incident',
  to,
  severity: 'Minor',
});
const resolved = (reopenedCount: number): TicketEvent => ({
  type: 'resolved',
  at,
  severity: 'Minor',
  kind: 'request',
  reopenedCount,
});

describe('meterTicketEvents', () => {
  const b2bee = contractOn(loadExample('b2bee'), 'standard', '2026-01-01');

  it('a request found to be an incident gives its credit back, once', () => {
    const admitted = admitRequest(b2bee, [], { id: 't-1', kind: 'request', severity: 'Minor' }, now);
    expect(admitted.usage[0]?.used).toBe(1);
    const effects = meterTicketEvents(
      b2bee,
      admitted.usage,
      't-1',
      [kindChanged('incident')],
      admitted.entries,
      now,
    );
    expect(effects.entries.map((e) => [e.kind, e.quantity])).toEqual([['reversal', -1]]);
    expect(effects.usage[0]?.used).toBe(0);
    // The reversal is among the ticket's entries now: a second reclassification finds nothing live.
    const again = meterTicketEvents(
      b2bee,
      effects.usage,
      't-1',
      [kindChanged('incident')],
      [...admitted.entries, ...effects.entries],
      now,
    );
    expect(again).toEqual({ usage: [], entries: [] });
  });

  it('events that cost nothing need no counters', () => {
    const free: TicketEvent[] = [{ type: 'assigned', at, to: 'ana' }, resolved(1)];
    expect(eventsNeedMetering(free)).toBe(false);
    expect(meterTicketEvents(b2bee, [], 't-1', free, [], now)).toEqual({ usage: [], entries: [] });
  });

  it('the first resolution of a processed ticket is charged where the plan charges at resolution', () => {
    // No contract: the catalog's pay-per-use plan.
    const performars = meteringFor(loadExample('performars'), 'acct-9', undefined, now);
    expect(eventsNeedMetering([resolved(0)])).toBe(true);
    const effects = meterTicketEvents(performars, [], 't-9', [resolved(0)], [], now);
    expect(effects.entries.map((e) => [e.kind, e.amount, e.currency])).toEqual([['ticket_fee', 7000, 'USD']]);
    expect(meterTicketEvents(performars, [], 't-9', [resolved(1)], [], now).entries).toEqual([]);
  });
});
