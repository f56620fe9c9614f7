import { describe, expect, it } from 'vitest';
import { moneySchema, prorate } from '../../functions/domain/money.ts';

describe('money', () => {
  it('accepts integer minor units with an ISO 4217 code', () => {
    expect(moneySchema.parse({ amount: 7000, currency: 'USD' })).toEqual({ amount: 7000, currency: 'USD' });
  });

  it.each([
    [{ amount: 70.5, currency: 'USD' }, 'amount'],
    [{ amount: -1, currency: 'USD' }, 'amount'],
    [{ amount: 1, currency: 'usd' }, 'currency'],
    [{ amount: 1, currency: 'USDX' }, 'currency'],
  ])('rejects %j naming the field', (input, field) => {
    const result = moneySchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([field]);
  });

  it('rejects unknown keys (strict)', () => {
    expect(moneySchema.safeParse({ amount: 1, currency: 'USD', cents: true }).success).toBe(false);
  });

  it('prorates with half-up rounding: SaaSTech 15-minute prices from hourly rates', () => {
    // 001: "$150 ... $37.50/15 min", "$125 ... $31.25/15 min", "$75 ... $18.75/15 min"
    expect(prorate(15000, 15, 60)).toBe(3750);
    expect(prorate(12500, 15, 60)).toBe(3125);
    expect(prorate(7500, 15, 60)).toBe(1875);
    expect(prorate(1, 1, 2)).toBe(1);
    expect(prorate(1, 1, 3)).toBe(0);
    expect(prorate(5, 1, 2)).toBe(3);
  });
});
