// Seed 002 (Sales Layer): one test per clause of the policy, quoting it.
import { describe, expect, it } from 'vitest';
import { reclassify } from '../functions/domain/entitlements.ts';
import { billTime } from '../functions/domain/time-billing.ts';
import { contractOn, Desk, loadExample, openOn } from './seed-helpers.ts';

const catalog = loadExample('sales-layer');
const request = { id: 'T-1', kind: 'request' as const, severity: 'Minor' };
const at = new Date('2026-03-10T10:00:00Z');

describe('Sales Layer support hours', () => {
  const m = contractOn(catalog, 'premium', '2026-01-01');

  it('"Opening of conversation: a minimum of 15 minutes will be deducted": a 5-minute conversation deducts 15', () => {
    const billed = billTime(m, [], request, { id: 'TE-1', minutes: 5, at, conversationId: 'chat-1' });
    expect(billed.minutes).toBe(15);
    expect(billed.entries).toEqual([
      expect.objectContaining({ kind: 'time_consumed', quantity: 15, amount: 0, poolId: 'support-hours' }),
    ]);
  });

  it('"in the most favorable way": a conversation deducts the larger of its minutes and the 15-minute minimum', () => {
    const first = billTime(m, [], request, { id: 'TE-1', minutes: 5, at, conversationId: 'chat-1' });
    expect(first).toMatchObject({ minutes: 15, conversationMinutes: 5 });
    // 7 more minutes: 12 worked, still inside the 15 already deducted.
    const second = billTime(m, first.usage, request, {
      id: 'TE-2',
      minutes: 7,
      at,
      conversationId: 'chat-1',
      priorConversationMinutes: 5,
    });
    expect(second).toMatchObject({ minutes: 0, conversationMinutes: 12, entries: [], usage: [] });
    // 10 more: 22 worked, so 7 more minutes are deducted (22 in all).
    const third = billTime(m, first.usage, request, {
      id: 'TE-3',
      minutes: 10,
      at,
      conversationId: 'chat-1',
      priorConversationMinutes: 12,
    });
    expect(third.minutes).toBe(7);
    expect(third.usage[0]?.used).toBe(22);
    // A 20-minute opening deducts 20, not a multiple of 15.
    expect(billTime(m, [], request, { id: 'TE-4', minutes: 20, at }).minutes).toBe(20);
  });

  it('"Incidents are not counted as support hours. Therefore, they are not deducted from the contracted support hours."', () => {
    const billed = billTime(m, [], { ...request, kind: 'incident' }, { id: 'TE-4', minutes: 90, at });
    expect(billed.decision).toBe('exempt');
    expect(billed.entries).toEqual([]);
    expect(billed.usage).toEqual([]);
  });

  it('"If the concern is identified as an incident": a request reclassified as an incident gets its hours back', () => {
    const billed = billTime(m, [], request, { id: 'TE-5', minutes: 45, at });
    const usage = billed.usage;
    const result = reclassify(
      m,
      usage,
      { ...request, kind: 'incident' },
      billed.entries,
      new Date('2026-03-11T10:00:00Z'),
    );
    expect(result.entries).toEqual([
      expect.objectContaining({
        kind: 'reversal',
        quantity: -45,
        reverses: billed.entries[0]?.id,
        amount: 0,
      }),
    ]);
    expect(result.usage).toEqual([expect.objectContaining({ poolId: 'support-hours', used: 0 })]);
  });

  it('"The plan will include many annual support hours": once used up, requests are accepted without SLA (our reading)', () => {
    const desk = new Desk(m);
    desk.usage = [{ poolId: 'support-hours', periodStart: '2026-01-01', used: 50 * 60, carriedIn: 0 }];
    const admitted = desk.admit('2026-03-10T10:00:00Z');
    expect(admitted.slaExempt).toBe(true);
    // Incidents keep their SLA: they never draw on the hours.
    expect(desk.admit('2026-03-10T11:00:00Z', 'incident', 'Critical').slaExempt).toBe(false);
  });
});

describe('Sales Layer response times', () => {
  // Madrid is UTC+1 in winter and UTC+2 in summer; 2026-10-12 (Fiesta Nacional) is a Monday.
  it('Enterprise: "The general first non-automatic response time is 2 hours", within 08:00-18:00 business hours', () => {
    // Tuesday 17:00 local: 1h on Tuesday, 1h from Wednesday 08:00.
    const ticket = openOn(catalog, 'enterprise', '2026-03-10T16:00:00Z');
    expect(ticket.sla.firstResponse?.dueAt).toBe('2026-03-11T08:00:00.000Z');
  });

  it('"regional hours of operation excluding national holidays"', () => {
    // Friday 2026-10-09 17:00 local: 1h Friday, the weekend and Monday 12 October skipped, 1h Tuesday.
    const ticket = openOn(catalog, 'enterprise', '2026-10-09T15:00:00Z');
    expect(ticket.sla.firstResponse?.dueAt).toBe('2026-10-13T07:00:00.000Z');
  });

  it('Premium: "The general first non-automatic response time is 12 hours"', () => {
    // Monday 2026-03-09 08:00 local: 10h Monday, 2h Tuesday.
    const ticket = openOn(catalog, 'premium', '2026-03-09T07:00:00Z');
    expect(ticket.sla.firstResponse?.dueAt).toBe('2026-03-10T09:00:00.000Z');
  });

  it('Starter or Connect: "Response time of less than 1 business day" (10 business hours)', () => {
    for (const plan of ['starter', 'connect']) {
      const ticket = openOn(catalog, plan, '2026-03-09T12:00:00Z');
      expect(ticket.sla.firstResponse?.dueAt).toBe('2026-03-10T12:00:00.000Z');
    }
  });

  it('Solution Partner accounts: "response time may vary": no SLA clock', () => {
    expect(openOn(catalog, 'solution-partner', '2026-03-09T12:00:00Z').sla).toEqual({});
  });
});
