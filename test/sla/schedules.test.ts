// The pure core of the sla-scheduler: names, the schedules a ticket image wants, and the diff.
import { describe, expect, test } from 'vitest';
import { decideTicket, openTicket, type Ticket } from '../../functions/domain/ticket.ts';
import {
  deadlinesMoved,
  desiredSchedules,
  diffSchedules,
  reconcilePlan,
  scheduleName,
} from '../../functions/sla/schedules.ts';
import { at, b2bee, performars } from '../domain/sla-fixtures.ts';

const ID = '0b8f7c52-4a3e-4c1e-9d5b-2f4a6c8e0a1b';

function opened(severity = 'critical', when = '2026-12-01T08:00:00Z'): Ticket {
  return openTicket(
    { type: 'open', id: ID, reference: 'B2B-1', accountId: 'acc', subject: 'Down', severity },
    at(when),
    b2bee,
  ).ticket;
}

describe('scheduleName', () => {
  test('is sla-<ticket>-<metric>-<event>, within 64 characters for a UUID ticket id', () => {
    const name = scheduleName(ID, 'firstResponse', 'warning');
    expect(name).toBe(`sla-${ID}-firstResponse-warning`);
    expect(name.length).toBeLessThanOrEqual(64);
    for (const metric of ['acknowledge', 'firstResponse', 'resolution'] as const) {
      for (const event of ['warning', 'breach'] as const) {
        expect(scheduleName(ID, metric, event)).toMatch(/^[0-9a-zA-Z._-]{1,64}$/);
      }
    }
  });

  test('hashes an id that is too long or has other characters, deterministically and apart from plain ids', () => {
    const long = 'x'.repeat(80);
    const name = scheduleName(long, 'resolution', 'breach');
    expect(name).toMatch(/^slah-[0-9a-f]{32}-resolution-breach$/);
    expect(scheduleName(long, 'resolution', 'breach')).toBe(name);
    expect(scheduleName('a/b', 'resolution', 'breach')).toMatch(/^slah-/);
    expect(scheduleName('a/c', 'resolution', 'breach')).not.toBe(scheduleName('a/b', 'resolution', 'breach'));
  });
});

describe('desiredSchedules', () => {
  test('a Critical B2Bee ticket wants a warning at 48 min and a breach at 1 h, with the payload', () => {
    const ticket = opened();
    expect(desiredSchedules(ticket)).toEqual([
      {
        name: `sla-${ID}-firstResponse-warning`,
        at: '2026-12-01T08:48:00.000Z',
        payload: {
          ticketId: ID,
          metric: 'firstResponse',
          event: 'warning',
          dueAt: '2026-12-01T08:48:00.000Z',
        },
      },
      {
        name: `sla-${ID}-firstResponse-breach`,
        at: '2026-12-01T09:00:00.000Z',
        payload: {
          ticketId: ID,
          metric: 'firstResponse',
          event: 'breach',
          dueAt: '2026-12-01T09:00:00.000Z',
        },
      },
    ]);
  });

  test('no image, a paused, met or breached clock want nothing', () => {
    expect(desiredSchedules(undefined)).toEqual([]);
    const ticket = opened();
    const waiting = decideTicket(
      ticket,
      [{ type: 'setStatus', status: 'waiting_on_customer' }],
      at('2026-12-01T08:10:00Z'),
      b2bee,
    ).ticket;
    expect(desiredSchedules(waiting)).toEqual([]);
    const answered = decideTicket(
      ticket,
      [{ type: 'reply', author: 'agent', visibility: 'public', automatic: false }],
      at('2026-12-01T08:10:00Z'),
      b2bee,
    ).ticket;
    expect(desiredSchedules(answered)).toEqual([]);
    const breached = decideTicket(
      ticket,
      [{ type: 'timerFired', metric: 'firstResponse', event: 'breach', dueAt: '2026-12-01T09:00:00.000Z' }],
      at('2026-12-01T09:00:30Z'),
      b2bee,
    ).ticket;
    expect(desiredSchedules(breached)).toEqual([]);
  });

  test('one schedule per pending event of every running metric', () => {
    const ticket = openTicket(
      { type: 'open', id: ID, reference: 'P-1', accountId: 'acc', subject: 'x', severity: 'P1' },
      at('2026-12-01T09:00:00Z'),
      performars,
    ).ticket;
    expect(desiredSchedules(ticket).map((s) => s.name.replace(`sla-${ID}-`, ''))).toEqual([
      'acknowledge-warning',
      'acknowledge-breach',
      'resolution-warning',
      'resolution-breach',
    ]);
  });
});

describe('diffSchedules and reconcilePlan', () => {
  const ticket = opened();
  const wants = desiredSchedules(ticket);

  test('nothing changed: no calls', () => {
    expect(diffSchedules(wants, wants)).toEqual({ creates: [], updates: [], removes: [] });
    const assigned = decideTicket(
      ticket,
      [{ type: 'assign', assignee: 'ana' }],
      at('2026-12-01T08:05:00Z'),
      b2bee,
    );
    expect(deadlinesMoved(ticket, assigned.ticket)).toBe(false);
    expect(reconcilePlan(wants, desiredSchedules(assigned.ticket), at('2026-12-01T08:05:00Z'))).toEqual({
      upserts: [],
      removes: [],
    });
  });

  test('a new ticket creates both; a paused one removes both', () => {
    expect(reconcilePlan([], wants, at('2026-12-01T08:00:00Z')).upserts).toEqual(
      wants.map((schedule) => ({ schedule, exists: false })),
    );
    expect(reconcilePlan(wants, [], at('2026-12-01T08:10:00Z'))).toEqual({
      upserts: [],
      removes: wants.map((s) => s.name),
    });
  });

  test('a severity change moves the deadlines: one update per moved deadline', () => {
    const triaged = decideTicket(
      ticket,
      [{ type: 'triage', by: 'agent-1', severity: 'significant' }],
      at('2026-12-01T08:30:00Z'),
      b2bee,
    ).ticket;
    const plan = reconcilePlan(wants, desiredSchedules(triaged), at('2026-12-01T08:30:00Z'));
    expect(plan.removes).toEqual([]);
    expect(plan.upserts.map((u) => [u.schedule.name.split('-').at(-1), u.exists])).toEqual([
      ['warning', true],
      ['breach', true],
    ]);
    expect(
      plan.upserts.every((u) => u.schedule.at !== wants.find((w) => w.name === u.schedule.name)?.at),
    ).toBe(true);
  });

  test('a schedule whose time has passed fired and deletes itself: no remove call', () => {
    const warned = decideTicket(
      ticket,
      [{ type: 'timerFired', metric: 'firstResponse', event: 'warning', dueAt: '2026-12-01T08:48:00.000Z' }],
      at('2026-12-01T08:48:20Z'),
      b2bee,
    ).ticket;
    expect(desiredSchedules(warned).map((s) => s.payload.event)).toEqual(['breach']);
    expect(reconcilePlan(wants, desiredSchedules(warned), at('2026-12-01T08:48:20Z'))).toEqual({
      upserts: [],
      removes: [],
    });
  });
});
