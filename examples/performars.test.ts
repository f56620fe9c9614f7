// Seed 000 (Performars): one test per clause of the policy, quoting it.
import { describe, expect, it } from 'vitest';
import { admitRequest, meteringFor, resolveRequest } from '../functions/domain/entitlements.ts';
import { contractOn, Desk, loadExample, openOn, planOf } from './seed-helpers.ts';

const catalog = loadExample('performars');
// Seoul is UTC+9 all year. 2026-03-09 is a Monday without a Korean holiday.
const MONDAY_10_KST = '2026-03-09T01:00:00Z';

/** Admits `n` requests spread over the contract year starting 2026-03-01, returning the last decision. */
function admitMany(desk: Desk, n: number) {
  let last = desk.admit('2026-03-02T01:00:00Z');
  for (let i = 1; i < n; i++) {
    const day = new Date(Date.UTC(2026, 2, 2) + Math.floor((i * 300) / n) * 86_400_000);
    last = desk.admit(day.toISOString());
  }
  return last;
}

describe('Performars ongoing service packages', () => {
  it('Business "No. of ticket: 72/year": the 73rd ticket of the contract year is billed USD 70', () => {
    const desk = new Desk(contractOn(catalog, 'business', '2026-03-01'));
    expect(admitMany(desk, 72).decision).toBe('consume');
    const t73 = desk.admit('2027-02-20T01:00:00Z');
    expect(t73.decision).toBe('overage');
    expect(t73.entries).toEqual([
      expect.objectContaining({ kind: 'overage', amount: 7000, currency: 'USD', unitPrice: 7000 }),
    ]);
  });

  it('Enterprise "No. of ticket: 144/year", counted per contract year (no carry-over)', () => {
    const desk = new Desk(contractOn(catalog, 'enterprise', '2026-03-01'));
    expect(admitMany(desk, 144).decision).toBe('consume');
    expect(desk.admit('2027-02-27T01:00:00Z').decision).toBe('overage');
    // The next contract year starts on the anniversary with 144 fresh tickets.
    const next = desk.admit('2027-03-01T01:00:00Z');
    expect(next.decision).toBe('consume');
    expect(desk.usage[0]).toMatchObject({ periodStart: '2027-03-01', used: 1, carriedIn: 0 });
  });

  it('Professional "No. of ticket: 36/year"', () => {
    const desk = new Desk(contractOn(catalog, 'professional', '2026-03-01'));
    expect(admitMany(desk, 36).decision).toBe('consume');
    expect(desk.admit('2027-02-27T01:00:00Z').entries[0]).toMatchObject({ amount: 7000 });
  });

  it('"Pricing: 6,000 USD" / "5,000 USD" / "1,200 USD"', () => {
    expect(planOf(catalog, 'enterprise').term?.price).toEqual({ amount: 600000, currency: 'USD' });
    expect(planOf(catalog, 'business').term?.price).toEqual({ amount: 500000, currency: 'USD' });
    expect(planOf(catalog, 'professional').term?.price).toEqual({ amount: 120000, currency: 'USD' });
  });

  it('"Issue to be registered within 8 hours of receipt (1 day)": 8 business hours on the KST calendar', () => {
    // Monday 10:00 KST: 10-12 and 13-18 on Monday (7h), then 09:00-10:00 Tuesday.
    const ticket = openOn(catalog, 'business', MONDAY_10_KST);
    expect(ticket.sla.acknowledge?.dueAt).toBe('2026-03-10T01:00:00.000Z');
  });

  it('Business: "processing within 24 hours (3 days)": resolution due 24 business hours after acceptance', () => {
    const ticket = openOn(catalog, 'business', MONDAY_10_KST, { severity: 'Level3' });
    expect(ticket.sla.resolution?.dueAt).toBe('2026-03-12T01:00:00.000Z');
  });

  it('Enterprise 16 hours (2 days), Professional 40 hours (5 days)', () => {
    expect(openOn(catalog, 'enterprise', MONDAY_10_KST).sla.resolution?.dueAt).toBe(
      '2026-03-11T01:00:00.000Z',
    );
    expect(openOn(catalog, 'professional', MONDAY_10_KST).sla.resolution?.dueAt).toBe(
      '2026-03-16T01:00:00.000Z',
    );
  });

  it('business days skip Korean public holidays (2026-03-02, substitute for Samiljeol)', () => {
    // Friday 2026-02-27 17:00 KST: 1h Friday, Monday is a holiday, 7h on Tuesday ending 17:00.
    const ticket = openOn(catalog, 'business', '2026-02-27T08:00:00Z');
    expect(ticket.sla.acknowledge?.dueAt).toBe('2026-03-03T08:00:00.000Z');
  });
});

describe('Performars without an ongoing service contract', () => {
  const m = meteringFor(catalog, 'acct-9', undefined, new Date(MONDAY_10_KST));

  it('"a fee of USD 70 per ticket service processed will be incurred": charged when the ticket is resolved', () => {
    const ticket = { id: 'T-1', kind: 'request' as const, severity: 'Level2' };
    expect(admitRequest(m, [], ticket, new Date(MONDAY_10_KST)).entries).toEqual([]);
    const resolved = resolveRequest(m, [], ticket, new Date('2026-03-11T05:00:00Z'));
    expect(resolved.entries).toEqual([
      expect.objectContaining({
        kind: 'ticket_fee',
        amount: 7000,
        currency: 'USD',
        ticketId: 'T-1',
        month: '2026-03',
      }),
    ]);
  });

  it('Level 1/2/3 tables apply: processing within 16, 24, 40 business hours', () => {
    const due = (severity: string) =>
      openOn(catalog, 'pay-per-use', MONDAY_10_KST, { severity }).sla.resolution?.dueAt;
    expect(due('Level1')).toBe('2026-03-11T01:00:00.000Z');
    expect(due('Level2')).toBe('2026-03-12T01:00:00.000Z');
    expect(due('Level3')).toBe('2026-03-16T01:00:00.000Z');
  });
});
