// The usage ledger: immutable entries recorded when usage happens (a request consumed, an overage,
// time drawn or billed, a per-ticket fee). Corrections are new `reversal` entries, never edits, so
// a closed month's export never changes. Ids are derived from what caused the entry, so a retried
// command writes the same id and the store's put-if-absent makes it idempotent.
import * as z from 'zod/mini';
import { currencySchema } from './money.ts';
import { monthOf } from './period.ts';
import './zod-mini.ts';

export const LEDGER_KINDS = [
  /** One request (ticket, credit) drawn from a request pool; amount 0. */
  'request_consumed',
  /** A request past the pool's allowance, billed at the pool's price. */
  'overage',
  /** Minutes drawn from an hour pool; amount 0. */
  'time_consumed',
  /** Minutes drawn from a prepaid bundle (bundles.ts): amount 0, paid when it was bought. */
  'bundle_consumed',
  /** Minutes billed at an hourly rate (0 where the plan gives time past the allowance away). */
  'time_billed',
  /** A fee per ticket (000: pay per use). */
  'ticket_fee',
  /** Cancels another entry: negated quantity and amount. */
  'reversal',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export const LEDGER_UNITS = ['request', 'minute', 'ticket'] as const;
export type LedgerUnit = (typeof LEDGER_UNITS)[number];

const signedInt = z.int().check(z.minimum(-Number.MAX_SAFE_INTEGER), z.maximum(Number.MAX_SAFE_INTEGER));

export const ledgerEntrySchema = z.strictObject({
  id: z.string().check(z.minLength(1)),
  accountId: z.string().check(z.minLength(1)),
  /** Ledger month in the catalog's billingTimeZone, "YYYY-MM". */
  month: z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be "YYYY-MM"')),
  at: z.iso.datetime({ offset: true }),
  ticketId: z.optional(z.string()),
  poolId: z.optional(z.string()),
  /** Start of the pool period the entry counted in; reversals free a unit only in that period. */
  periodStart: z.optional(z.string()),
  kind: z.enum(LEDGER_KINDS),
  /** Signed: a reversal negates the original. */
  quantity: signedInt,
  unit: z.enum(LEDGER_UNITS),
  /** Minor units per request or ticket. */
  unitPrice: z.optional(z.int().check(z.nonnegative())),
  /** Minor units per hour, for minutes. */
  hourlyRate: z.optional(z.int().check(z.nonnegative())),
  /** Signed minor units. */
  amount: signedInt,
  currency: currencySchema,
  reason: z.string().check(z.minLength(1)),
  reverses: z.optional(z.string()),
  /** Severity of the ticket when time was logged (exports show hours by severity and rate). */
  severity: z.optional(z.string()),
  /**
   * Set on a late entry: the closed month it belongs to. `month` is then the open month it was
   * booked into (functions/domain/month-close.ts), and the export shows it as an adjustment.
   */
  adjustsMonth: z.optional(z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be "YYYY-MM"'))),
});
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

/** Deterministic entry id from its kind and what caused it, e.g. `overage:T-42`. */
export function ledgerEntryId(kind: LedgerKind, ...keys: string[]): string {
  return [kind, ...keys].join(':');
}

export interface EntryDraft {
  id: string;
  accountId: string;
  at: Date;
  ticketId?: string;
  poolId?: string;
  periodStart?: string;
  kind: LedgerKind;
  quantity: number;
  unit: LedgerUnit;
  unitPrice?: number;
  hourlyRate?: number;
  amount: number;
  currency: string;
  reason: string;
  reverses?: string;
  severity?: string;
}

/** Builds an entry, dating its month in the billing time zone. */
export function ledgerEntry(draft: EntryDraft, billingTimeZone: string): LedgerEntry {
  const { at, ...rest } = draft;
  const entry: LedgerEntry = { ...rest, month: monthOf(at, billingTimeZone), at: at.toISOString() };
  // Keep entries free of `undefined` keys: they are stored and exported as they are.
  for (const key of Object.keys(entry) as (keyof LedgerEntry)[]) {
    if (entry[key] === undefined) delete entry[key];
  }
  return entry;
}

/** A new entry cancelling `original` (never an edit of it), dated `at`. */
export function reversalOf(
  original: LedgerEntry,
  at: Date,
  reason: string,
  billingTimeZone: string,
): LedgerEntry {
  if (original.kind === 'reversal') throw new RangeError(`entry ${original.id} is a reversal already`);
  return ledgerEntry(
    {
      id: ledgerEntryId('reversal', original.id),
      accountId: original.accountId,
      at,
      ticketId: original.ticketId,
      poolId: original.poolId,
      periodStart: original.periodStart,
      kind: 'reversal',
      // `0 - x`, not `-x`: a zero amount must not become -0.
      quantity: 0 - original.quantity,
      unit: original.unit,
      unitPrice: original.unitPrice,
      hourlyRate: original.hourlyRate,
      amount: 0 - original.amount,
      currency: original.currency,
      reason,
      reverses: original.id,
    },
    billingTimeZone,
  );
}

/** Entries of `entries` that no reversal in `entries` cancels (reversals themselves excluded). */
export function liveEntries(entries: readonly LedgerEntry[]): LedgerEntry[] {
  const reversed = new Set(entries.flatMap((e) => (e.reverses ? [e.reverses] : [])));
  return entries.filter((e) => e.kind !== 'reversal' && !reversed.has(e.id));
}

/**
 * Sum of amounts per currency (reversals included, so cancelled entries net to zero).
 * @internal the property tests' oracle: totals straight from the ledger
 */
export function totalsByCurrency(entries: readonly LedgerEntry[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const e of entries) totals[e.currency] = (totals[e.currency] ?? 0) + e.amount;
  return totals;
}
