import { describe, expect, it } from 'vitest';
import {
  ledgerEntry,
  ledgerEntryId,
  ledgerEntrySchema,
  liveEntries,
  reversalOf,
  totalsByCurrency,
} from '../../functions/domain/ledger.ts';
import { periodContaining, startOfLocalDate } from '../../functions/domain/period.ts';

const entry = (id: string, amount: number, at = '2026-03-31T22:30:00Z') =>
  ledgerEntry(
    {
      id,
      accountId: 'acct',
      at: new Date(at),
      ticketId: 'T1',
      kind: 'overage',
      quantity: 1,
      unit: 'request',
      unitPrice: amount,
      amount,
      currency: 'EUR',
      reason: 'past the allowance',
    },
    'Europe/Madrid',
  );

describe('ledger', () => {
  it('dates the month in the billing time zone and passes its own schema', () => {
    const e = entry('overage:T1', 5000);
    expect(e.month).toBe('2026-04');
    expect(e.at).toBe('2026-03-31T22:30:00.000Z');
    expect(ledgerEntrySchema.parse(e)).toEqual(e);
    expect(Object.values(e)).not.toContain(undefined);
  });

  it('derives ids from what caused the entry, so retries write the same id', () => {
    expect(ledgerEntryId('time_billed', 'T1', 'TE-7')).toBe('time_billed:T1:TE-7');
  });

  it('reverses with a new entry, never an edit, and the two net to zero', () => {
    const original = entry('overage:T1', 5000);
    const reversal = reversalOf(original, new Date('2026-05-02T10:00:00Z'), 'reclassified', 'Europe/Madrid');
    expect(reversal).toMatchObject({
      id: 'reversal:overage:T1',
      reverses: 'overage:T1',
      amount: -5000,
      quantity: -1,
      month: '2026-05',
    });
    expect(original.amount).toBe(5000);
    expect(totalsByCurrency([original, reversal])).toEqual({ EUR: 0 });
    expect(liveEntries([original, reversal, entry('overage:T2', 5000)]).map((e) => e.id)).toEqual([
      'overage:T2',
    ]);
    expect(() => reversalOf(reversal, new Date(), 'again', 'UTC')).toThrow(RangeError);
  });
});

describe('periods', () => {
  it('contract years run from each anniversary; 29 February renews on 28 February', () => {
    expect(periodContaining('contractYear', '2027-03-01', '2026-03-01')).toEqual({
      start: '2027-03-01',
      end: '2028-03-01',
    });
    expect(periodContaining('contractYear', '2027-02-28', '2026-03-01')).toEqual({
      start: '2026-03-01',
      end: '2027-03-01',
    });
    expect(periodContaining('contractYear', '2025-03-01', '2024-02-29')).toEqual({
      start: '2025-02-28',
      end: '2026-02-28',
    });
    expect(periodContaining('month', '2026-02-14')).toEqual({ start: '2026-02-01', end: '2026-03-01' });
    expect(() => periodContaining('contractYear', '2026-02-14')).toThrow(RangeError);
  });

  it('a local day starts at its first instant, across DST changes', () => {
    expect(startOfLocalDate('2026-03-29', 'Europe/Madrid').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(startOfLocalDate('2026-03-30', 'Europe/Madrid').toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });
});
