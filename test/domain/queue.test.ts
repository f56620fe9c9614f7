// The queue's order and live state, hand-computed on B2Bee Standard (004): Critical first response
// in 1 hour of 08:00-24:00 every day, Minor in 8 hours of 08:00-18:00 working days (Zagreb, UTC+1).
import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../functions/domain/errors.ts';
import { queueRank, queueSla, queueState } from '../../functions/domain/queue.ts';
import { decideTicket, openTicket, type Ticket, type TicketCommand } from '../../functions/domain/ticket.ts';
import { at, b2bee, calendars, HOUR, MINUTE } from './sla-fixtures.ts';

// Monday 2 November 2026, 09:00 in Zagreb.
const MONDAY_0900 = '2026-11-02T08:00:00Z';

function open(severity: string, id = 't-1'): Ticket {
  return openTicket(
    { type: 'open', id, reference: `B2B-${id}`, accountId: 'a', subject: 's', severity },
    at(MONDAY_0900),
    b2bee,
  ).ticket;
}
const apply = (ticket: Ticket, command: TicketCommand, when: string) =>
  decideTicket(ticket, [command], at(when), b2bee).ticket;

describe('queue rank', () => {
  it('is the earliest deadline; a missed one stays, so breached sorts above every running ticket', () => {
    const critical = open('critical');
    const minor = open('minor');
    expect(queueRank(critical.sla, critical.createdAt)).toBe('2026-11-02T09:00:00.000Z');
    expect(queueRank(minor.sla, minor.createdAt)).toBe('2026-11-02T16:00:00.000Z');
    // Breached at 09:00 and recorded at 10:00: the rank keeps the deadline it missed.
    const breached = apply(
      critical,
      { type: 'timerFired', metric: 'firstResponse', event: 'breach', dueAt: '' },
      '2026-11-02T09:00:00Z',
    );
    expect(breached.sla.firstResponse?.state).toBe('breached');
    expect(queueRank(breached.sla, breached.createdAt)).toBe('2026-11-02T09:00:00.000Z');
  });

  it('paused tickets rank after every instant, least business time left first; untimed after them', () => {
    const waiting = apply(
      open('minor'),
      { type: 'setStatus', status: 'waiting_on_customer' },
      '2026-11-02T10:00:00Z',
    );
    // 2 of the 8 hours gone (09:00-11:00 Zagreb): 6 left.
    expect(queueRank(waiting.sla, waiting.createdAt)).toBe(`P#${String(6 * HOUR).padStart(15, '0')}`);
    const answered = apply(
      open('minor'),
      { type: 'reply', author: 'agent', visibility: 'public', automatic: false },
      '2026-11-02T09:00:00Z',
    );
    expect(queueRank(answered.sla, answered.createdAt)).toBe(`X#${answered.createdAt}`);
    const ranks = [
      queueRank(answered.sla, answered.createdAt),
      queueRank(waiting.sla, waiting.createdAt),
      '2099-01-01T00:00:00.000Z',
    ].sort();
    expect(ranks.map((rank) => rank.slice(0, 2))).toEqual(['20', 'P#', 'X#']);
  });
});

describe('queue state, live', () => {
  const critical = open('critical');

  it('running, at risk once the warning is due (80% of the hour), breached at the deadline', () => {
    expect(queueState(critical.sla, at('2026-11-02T08:30:00Z'))).toBe('running');
    expect(queueState(critical.sla, at('2026-11-02T08:48:00Z'))).toBe('at_risk');
    expect(queueState(critical.sla, at('2026-11-02T09:00:00Z'))).toBe('breached');
    expect(queueSla(critical.sla, calendars, at('2026-11-02T08:50:00Z'))).toEqual({
      state: 'at_risk',
      metric: 'firstResponse',
      dueAt: '2026-11-02T09:00:00.000Z',
      remainingMs: 10 * MINUTE,
    });
    expect(queueSla(critical.sla, calendars, at('2026-11-02T09:30:00Z'))).toEqual({
      state: 'breached',
      metric: 'firstResponse',
      dueAt: '2026-11-02T09:00:00.000Z',
      remainingMs: 0,
    });
  });

  it('paused while waiting on the customer; none once every clock is met', () => {
    const waiting = apply(
      open('minor'),
      { type: 'setStatus', status: 'waiting_on_customer' },
      '2026-11-02T10:00:00Z',
    );
    expect(queueSla(waiting.sla, calendars, at('2026-11-03T10:00:00Z'))).toEqual({
      state: 'paused',
      metric: 'firstResponse',
      dueAt: null,
      remainingMs: 6 * HOUR,
    });
    const answered = apply(
      critical,
      { type: 'reply', author: 'agent', visibility: 'public', automatic: false },
      '2026-11-02T08:10:00Z',
    );
    expect(queueSla(answered.sla, calendars, at('2026-11-02T12:00:00Z'))).toEqual({
      state: 'none',
      metric: null,
      dueAt: null,
      remainingMs: null,
    });
  });
});

describe('claim', () => {
  it('assigns an open ticket nobody has; the same agent again changes nothing; someone else is a conflict', () => {
    const claimed = decideTicket(open('minor'), [{ type: 'claim', assignee: 'ana' }], at(MONDAY_0900), b2bee);
    expect(claimed.ticket.assignee).toBe('ana');
    expect(claimed.events).toContainEqual(expect.objectContaining({ type: 'assigned', to: 'ana' }));
    expect(
      decideTicket(claimed.ticket, [{ type: 'claim', assignee: 'ana' }], at(MONDAY_0900), b2bee).changed,
    ).toBe(false);
    expect(() =>
      decideTicket(claimed.ticket, [{ type: 'claim', assignee: 'bo' }], at(MONDAY_0900), b2bee),
    ).toThrow(ConflictError);
  });

  it('refuses a resolved ticket, naming status', () => {
    const resolved = apply(open('minor'), { type: 'setStatus', status: 'resolved' }, MONDAY_0900);
    try {
      decideTicket(resolved, [{ type: 'claim', assignee: 'ana' }], at(MONDAY_0900), b2bee);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]?.field).toBe('status');
    }
  });
});
