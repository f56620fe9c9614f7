import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../functions/domain/catalog.ts';
import { type Metering, meteringFor } from '../../functions/domain/entitlements.ts';
import { prorate } from '../../functions/domain/money.ts';
import { billTime, countedMinutes } from '../../functions/domain/time-billing.ts';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const at = new Date('2026-03-10T10:00:00Z');
const t = { id: 'T1', kind: 'request' as const, severity: 'S' };

function meter(plan: Record<string, unknown>): Metering {
  const catalog = parseCatalog({
    id: 't',
    vendor: 'T',
    description: 'd',
    currency: 'USD',
    billingTimeZone: 'UTC',
    calendars: { c: { timeZone: 'UTC', weekly: {} } },
    plans: [
      {
        id: 'p',
        name: 'P',
        severities: [{ id: 'S', name: 'S' }],
        defaultSeverity: 'S',
        sla: { calendar: 'c' },
        ...plan,
      },
    ],
  });
  return meteringFor(
    catalog,
    'acct',
    { accountId: 'acct', planId: 'p', startDate: '2026-01-01' },
    new Date('2026-01-01T12:00:00Z'),
  );
}

const hourPool = (overage: Record<string, unknown>) => ({
  pools: [{ id: 'h', unit: 'hour', allowance: 1, period: 'month', overage }],
});

describe('countedMinutes', () => {
  it('rounds up to the increment and completes the conversation minimum', () => {
    expect(countedMinutes(50, 15)).toBe(60);
    expect(countedMinutes(45, 15)).toBe(45);
    expect(countedMinutes(5, 1, 15)).toBe(15);
    // Later entries count only the work that takes the conversation past what was counted.
    expect(countedMinutes(5, 1, 15, 5)).toBe(0);
    expect(countedMinutes(7, 1, 15, 10)).toBe(2);
    expect(countedMinutes(5, 1, 15, 15)).toBe(5);
    expect(countedMinutes(20, 15, 0, 30)).toBe(30);
  });

  it('a conversation counts the larger of its work and its minimum, however the work is split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 120 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(1, 5, 15),
        fc.constantFrom(0, 15, 30),
        (entries, increment, minimum) => {
          let work = 0;
          let counted = 0;
          for (const minutes of entries) {
            const c = countedMinutes(minutes, increment, minimum, work);
            expect(c).toBeGreaterThanOrEqual(0);
            counted += c;
            work += Math.ceil(minutes / increment) * increment;
          }
          expect(counted).toBe(Math.max(work, minimum));
        },
      ),
    );
  });

  it('never counts less than logged, always a whole number of increments', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.constantFrom(1, 5, 15, 30, 60),
        fc.integer({ min: 0, max: 60 }),
        (minutes, increment, minimum) => {
          const counted = countedMinutes(minutes, increment, minimum);
          expect(counted).toBeGreaterThanOrEqual(Math.max(minutes, minimum));
          expect(counted - minutes).toBeLessThan(Math.max(increment, minimum));
        },
      ),
    );
  });
});

describe('billTime', () => {
  it('bills at the tier rate for the severity with integer, half-up amounts', () => {
    const m = meter({
      timeBilling: { increment: 'PT1M', tiers: [{ id: 'std', perHour: { S: usd(10001) } }] },
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5_000 }), (minutes) => {
        const billed = billTime(m, [], t, { id: 'E', minutes, at });
        expect(billed.entries[0].amount).toBe(prorate(10001, minutes, 60));
        expect(Number.isInteger(billed.entries[0].amount)).toBe(true);
      }),
    );
  });

  it('does nothing for plans without time billing', () => {
    expect(billTime(meter({}), [], t, { id: 'E', minutes: 30, at })).toMatchObject({
      decision: 'notBilled',
      entries: [],
    });
  });

  it('prices time past an hour pool at the pool price per hour', () => {
    const m = meter({
      ...hourPool({ action: 'bill', price: usd(6000) }),
      timeBilling: { increment: 'PT15M', pool: 'h' },
    });
    const billed = billTime(m, [], t, { id: 'E', minutes: 80, at });
    expect(billed.entries).toEqual([
      expect.objectContaining({ kind: 'time_consumed', quantity: 60, id: 'time_consumed:T1:E' }),
      expect.objectContaining({
        kind: 'time_billed',
        quantity: 30,
        hourlyRate: 6000,
        amount: 3000,
        id: 'time_billed:T1:E',
      }),
    ]);
  });

  it('records work past an empty pool as over the allowance, never refusing it', () => {
    // A pool that refuses new requests still lets agents record work on tickets already open.
    for (const overage of [{ action: 'reject', reason: 'No hours left.' }, { action: 'acceptWithoutSla' }]) {
      const m = meter({ ...hourPool(overage), timeBilling: { increment: 'PT15M', pool: 'h' } });
      const usage = [{ poolId: 'h', periodStart: '2026-03-01', used: 60, carriedIn: 0 }];
      const billed = billTime(m, usage, t, { id: 'E', minutes: 10, at });
      expect(billed).toMatchObject({
        decision: 'billed',
        minutes: 15,
        fromPool: 0,
        overAllowance: 15,
        usage: [],
      });
      expect(billed.entries).toEqual([
        expect.objectContaining({ kind: 'time_billed', poolId: 'h', quantity: 15, hourlyRate: 0, amount: 0 }),
      ]);
      expect(billed.entries[0]?.reason).toContain('over the h allowance, recorded and not charged');
      // The next month has hours again.
      const april = billTime(m, usage, t, { id: 'E', minutes: 10, at: new Date('2026-04-01T00:00:00Z') });
      expect(april).toMatchObject({ fromPool: 15, overAllowance: 0 });
    }
  });

  it('over the allowance, a billing pool charges the minutes past it and says so', () => {
    const m = meter({
      ...hourPool({ action: 'bill', price: usd(6000) }),
      timeBilling: { increment: 'PT15M', pool: 'h' },
    });
    const usage = [{ poolId: 'h', periodStart: '2026-03-01', used: 45, carriedIn: 0 }];
    const billed = billTime(m, usage, t, { id: 'E', minutes: 30, at });
    expect(billed).toMatchObject({ fromPool: 15, overAllowance: 15 });
    expect(billed.entries[1]).toMatchObject({ kind: 'time_billed', quantity: 15, amount: 1500 });
  });

  it('refuses malformed minutes', () => {
    const m = meter({ timeBilling: { increment: 'PT1M', tiers: [{ id: 'std', perHour: { S: usd(1) } }] } });
    expect(() => billTime(m, [], t, { id: 'E', minutes: 0, at })).toThrow(RangeError);
    expect(() => billTime(m, [], t, { id: 'E', minutes: 1.5, at })).toThrow(RangeError);
  });
});
