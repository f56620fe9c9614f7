// Seed 001 (SaaSTech): one test per clause of the policy, quoting it.
import { describe, expect, it } from 'vitest';
import { billTime } from '../functions/domain/time-billing.ts';
import { contractOn, loadExample, openOn } from './seed-helpers.ts';

const catalog = loadExample('saastech');
const p1 = { id: 'T-1', kind: 'request' as const, severity: 'P1' };

describe('SaaSTech Client Success Services', () => {
  it('"$150 $37.50/15 min" (URGENT - P1, 12 hour credit): 50 minutes of P1 work are billed as 60 minutes at the P1 rate of the tier', () => {
    const m = contractOn(catalog, 'client-success', '2026-01-01', 'credit-12h');
    const billed = billTime(m, [], p1, { id: 'TE-1', minutes: 50, at: new Date('2026-03-10T15:00:00Z') });
    expect(billed.minutes).toBe(60);
    expect(billed.entries).toEqual([
      expect.objectContaining({
        kind: 'time_billed',
        quantity: 60,
        unit: 'minute',
        hourlyRate: 15000,
        amount: 15000,
      }),
    ]);
  });

  it.each([
    ['per-use', 'P4', 2000],
    ['per-use', 'P1', 5000],
    ['credit-12h', 'P2', 3000],
    ['credit-12h', 'P3', 2250],
    ['credit-40h', 'P1', 3125],
    ['credit-40h', 'P3', 1875],
    ['credit-40h', 'P4', 1250],
  ])('15-minute price on %s for %s is %i cents, as in the rate table', (tier, severity, cents) => {
    const m = contractOn(catalog, 'client-success', '2026-01-01', tier);
    const billed = billTime(
      m,
      [],
      { id: 'T-2', kind: 'request', severity },
      { id: 'TE-2', minutes: 1, at: new Date('2026-03-10T15:00:00Z') },
    );
    expect(billed.entries[0]).toMatchObject({ quantity: 15, amount: cents });
  });

  it('no tier on the contract bills "PER USE / HOUR"', () => {
    const m = contractOn(catalog, 'client-success', '2026-01-01');
    const billed = billTime(m, [], p1, { id: 'TE-3', minutes: 60, at: new Date('2026-03-10T15:00:00Z') });
    expect(billed.entries[0]).toMatchObject({ hourlyRate: 20000, amount: 20000 });
  });

  it('"3 Hours of Client Success Services are included in Managed Workplace Plans": included hours are consumed first', () => {
    const m = contractOn(catalog, 'managed-workplace-monthly', '2026-01-01', 'credit-40h');
    const at = new Date('2026-03-10T15:00:00Z');
    const first = billTime(
      m,
      [],
      { id: 'T-3', kind: 'request', severity: 'P2' },
      { id: 'TE-4', minutes: 150, at },
    );
    expect(first.entries).toEqual([
      expect.objectContaining({ kind: 'time_consumed', quantity: 150, amount: 0 }),
    ]);
    const usage = first.usage;
    // 50 minutes of P1 count as 60: the last 30 included minutes, then 30 at the 40-hour P1 rate.
    const second = billTime(m, usage, p1, { id: 'TE-5', minutes: 50, at });
    expect(second.fromPool).toBe(30);
    expect(second.entries).toEqual([
      expect.objectContaining({ kind: 'time_consumed', quantity: 30 }),
      expect.objectContaining({ kind: 'time_billed', quantity: 30, hourlyRate: 12500, amount: 6250 }),
    ]);
  });

  it('"that expire each year or month depending on the billing term selected"', () => {
    const monthly = contractOn(catalog, 'managed-workplace-monthly', '2026-01-01');
    const used = [{ poolId: 'included-hours', periodStart: '2026-03-01', used: 180, carriedIn: 0 }];
    const april = billTime(monthly, used, p1, {
      id: 'TE-6',
      minutes: 60,
      at: new Date('2026-04-01T15:00:00Z'),
    });
    expect(april.fromPool).toBe(60);
    const annual = contractOn(catalog, 'managed-workplace-annual', '2026-01-01');
    const usedYear = [{ poolId: 'included-hours', periodStart: '2026-01-01', used: 180, carriedIn: 0 }];
    const sameYear = billTime(annual, usedYear, p1, {
      id: 'TE-7',
      minutes: 60,
      at: new Date('2026-04-01T15:00:00Z'),
    });
    expect(sameYear.fromPool).toBe(0);
    const nextYear = billTime(annual, usedYear, p1, {
      id: 'TE-8',
      minutes: 60,
      at: new Date('2027-01-04T15:00:00Z'),
    });
    expect(nextYear.fromPool).toBe(60);
  });

  it('URGENT - P1: "A support request is needed within 1 hour of response", around the clock', () => {
    // Saturday 2026-03-07 22:00 New York (UTC-5): due 23:00.
    const ticket = openOn(catalog, 'client-success', '2026-03-08T03:00:00Z', { severity: 'P1' });
    expect(ticket.sla.firstResponse?.dueAt).toBe('2026-03-08T04:00:00.000Z');
  });
});
