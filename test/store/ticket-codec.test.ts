// A ticket stored before kinds were declared and assessed still reads: its own kind and severity were
// both, and a triaged one counts as assessed (by an unknown key, when it was acknowledged).
import { describe, expect, it } from 'vitest';
import { ticketCodec } from '../../functions/store/tickets.ts';

const stored = {
  id: 't-1',
  reference: 'OLD-1',
  accountId: 'a-1',
  subject: 'Old',
  severity: 'P2',
  kind: 'incident',
  status: 'acknowledged',
  version: 2,
  sla: {},
  severityConfirmed: true,
  slaExempt: false,
  clocksStartAt: '2026-11-02T08:00:00.000Z',
  createdAt: '2026-11-02T08:00:00.000Z',
  updatedAt: '2026-11-02T09:00:00.000Z',
  acknowledgedAt: '2026-11-02T09:00:00.000Z',
  reopenedCount: 0,
  number: 1,
  catalogId: 'c',
  planId: 'p',
  ledgerRefs: [],
  channel: 'api',
  entitlement: { decision: 'exempt', reason: 'incidents do not draw on credits' },
};

describe('ticket codec', () => {
  it('fills declared and assessed on a ticket stored without them', () => {
    const ticket = ticketCodec.fromItem({ ...stored, PK: 'TICKET#t-1', SK: 'TICKET', type: 'ticket' });
    expect(ticket.declared).toEqual({ kind: 'incident', severity: 'P2' });
    expect(ticket.assessed).toEqual({
      kind: 'incident',
      severity: 'P2',
      by: 'unknown',
      at: '2026-11-02T09:00:00.000Z',
    });
    const untriaged = ticketCodec.fromItem({ ...stored, severityConfirmed: false });
    expect(untriaged.assessed).toBeNull();
  });

  it('keeps what a ticket stored', () => {
    const declared = { kind: 'incident', severity: 'P1' };
    const ticket = ticketCodec.fromItem({ ...stored, declared, assessed: null });
    expect(ticket).toMatchObject({ declared, assessed: null });
  });
});
