// Money as integer minor units of an ISO 4217 currency. Floats never hold money: every price,
// fee and ledger amount is an integer, and the one place that divides (pricing a part of a
// unit) rounds half up, so $150/h for 15 minutes is exactly 3750 cents.
import * as z from 'zod/mini';
import { withMeta } from './zod-mini.ts';

export const currencySchema = withMeta(
  z
    .string()
    .check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code: three uppercase letters, e.g. USD')),
  { description: 'ISO 4217 currency code, e.g. USD, EUR' },
);

export const minorUnitsSchema = z
  .number()
  .check(
    z.int('must be a whole number of minor units (cents), not a fraction'),
    z.nonnegative('must not be negative'),
    z.maximum(Number.MAX_SAFE_INTEGER),
  );

export const moneySchema = withMeta(
  z.strictObject({
    amount: withMeta(minorUnitsSchema, { description: 'Integer minor units (cents): 7000 is USD 70.00' }),
    currency: currencySchema,
  }),
  { id: 'Money', description: 'An amount in integer minor units of an ISO 4217 currency' },
);

export type Money = z.infer<typeof moneySchema>;

/**
 * `amount * numerator / denominator` in minor units, rounded half up (0.5 cent goes up).
 * Used to price a part of a unit, e.g. an hourly rate for 15 minutes: prorate(15000, 15, 60).
 * Integer arithmetic only, so no float error creeps in before rounding.
 */
export function prorate(amount: number, numerator: number, denominator: number): number {
  assertMinorUnits(amount, 'amount');
  if (!Number.isInteger(numerator) || numerator < 0)
    throw new RangeError(`numerator must be >= 0, got ${numerator}`);
  if (!Number.isInteger(denominator) || denominator <= 0) {
    throw new RangeError(`denominator must be > 0, got ${denominator}`);
  }
  const product = BigInt(amount) * BigInt(numerator);
  const d = BigInt(denominator);
  const rounded = (product * 2n + d) / (2n * d);
  return Number(rounded);
}

function assertMinorUnits(amount: number, what: string): void {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new RangeError(`${what} must be a non-negative integer of minor units, got ${amount}`);
  }
}
