// What the console shows of a queue item and how it writes time: the queue API's live SLA fields
// (`queue`) when present, a ticket's own clocks otherwise; countdowns to the second.
import { describe, expect, test } from 'vitest';
import { clock, duration, monthOf, quantity } from '../../web/src/format.ts';
import { queueSlaOf, type TicketView } from '../../web/src/queue-item.ts';

const ticket = (extra: Partial<TicketView> & Record<string, unknown>): TicketView => ({
  id: 'T1',
  reference: 'B2B-1',
  accountId: 'a',
  subject: 's',
  severity: 'P1',
  kind: 'request',
  status: 'new',
  version: 1,
  assignee: null,
  createdAt: '2026-12-01T09:00:00.000Z',
  updatedAt: '2026-12-01T09:00:00.000Z',
  sla: {},
  ...extra,
});

describe('queueSlaOf', () => {
  test('takes the live state, deadline and time left the queue gives in `queue`', () => {
    expect(
      queueSlaOf(
        ticket({
          queue: {
            state: 'at_risk',
            metric: 'resolution',
            dueAt: '2026-12-01T10:00:00Z',
            remainingMs: 60_000,
          },
        }),
      ),
    ).toEqual({
      state: 'at_risk',
      dueAt: '2026-12-01T10:00:00Z',
      remainingMs: 60_000,
    });
    expect(
      queueSlaOf(ticket({ queue: { state: 'breached', metric: null, dueAt: null, remainingMs: 0 } })),
    ).toEqual({
      state: 'breached',
      dueAt: null,
      remainingMs: 0,
    });
  });

  test('reads a plain ticket’s clocks: breached first, else the next running deadline; met clocks do not count', () => {
    const sla = {
      acknowledge: { state: 'met', dueAt: '2026-12-01T09:30:00Z' },
      firstResponse: { state: 'running', dueAt: '2026-12-01T11:00:00Z', remainingMs: 5 },
      resolution: { state: 'running', dueAt: '2026-12-01T10:00:00Z', remainingMs: 3 },
    };
    expect(queueSlaOf(ticket({ sla }))).toEqual({
      state: 'running',
      dueAt: '2026-12-01T10:00:00Z',
      remainingMs: 3,
    });
    const late = {
      ...sla,
      firstResponse: { state: 'breached', dueAt: '2026-12-01T08:00:00Z', remainingMs: 0 },
    };
    expect(queueSlaOf(ticket({ sla: late })).state).toBe('breached');
    expect(queueSlaOf(ticket({ sla: { resolution: { state: 'paused', remainingMs: 9 } } })).state).toBe(
      'paused',
    );
    expect(queueSlaOf(ticket({ sla: { resolution: { state: 'met' } } }))).toEqual({
      state: 'none',
      dueAt: null,
      remainingMs: null,
    });
  });
});

describe('format', () => {
  test('countdowns tick by the second, days included', () => {
    expect(clock(2 * 3600_000 + 5 * 60_000 + 9_000)).toBe('2:05:09');
    expect(clock(3 * 86_400_000 + 4 * 3600_000)).toBe('3 d 04:00:00');
    expect(clock(-61_000)).toBe('0:01:01');
  });

  test('durations, months and pool quantities read as people write them', () => {
    expect(duration(90 * 60_000)).toBe('1 h 30 min');
    expect(duration(-45_000)).toBe('-45 s');
    expect(monthOf(new Date('2026-12-15T00:00:00Z'), 1)).toBe('2027-01');
    expect(quantity(90, 'minute')).toBe('1.50 h');
    expect(quantity(1, 'request')).toBe('1 request');
  });
});
