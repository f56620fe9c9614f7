// An account's support contract: which plan it bought, from which date (contract years run from
// its anniversaries) and, where the plan has rate cards, which tier it bills at (001). Its lifecycle
// is a pure function of the plan's `term` and the date: terms of `months` follow each other from the
// start date while the plan auto-renews and nobody cancelled; a cancellation takes effect at the end
// of the term it was made in (003: cancel any time, no refund, no renewal); after the last term the
// account is metered by the catalog's no-contract rule (entitlements.ts `meteringFor`).
import * as z from 'zod/mini';
import { isoDateSchema } from './calendar.ts';
import { type Catalog, planById } from './catalog.ts';
import type { FieldIssue } from './errors.ts';
import { ValidationError } from './errors.ts';
import { addDays, compareDates, localDateOf, shiftDate } from './period.ts';
import { idSchema, type Plan } from './plan.ts';
import { parseWith } from './validation.ts';
import { withMeta } from './zod-mini.ts';

export const contractSchema = z.strictObject({
  accountId: z.string().check(z.minLength(1), z.maxLength(128)),
  planId: idSchema,
  startDate: withMeta(isoDateSchema, {
    description: 'First day of the contract, a local date in billingTimeZone',
  }),
  tier: withMeta(z.optional(idSchema), {
    description: "Rate tier of the plan's time billing (001: per-use, credit-12h, credit-40h)",
  }),
  cancelledAt: withMeta(z.optional(z.iso.datetime({ offset: true })), {
    description:
      'When the contract was cancelled (POST /v1/accounts/{id}/contract/cancellation): it ends with the term holding that date and does not renew',
  }),
});
export type Contract = z.infer<typeof contractSchema>;

/** One term of a contract: local dates [start, end) in the billing time zone. */
export interface Term {
  /** 0 for the first term, 1 for the first renewal, ... */
  index: number;
  start: string;
  /** Exclusive: the first day after the term. */
  end: string;
  /** Whether another term follows this one. */
  renews: boolean;
}

export type ContractStanding =
  /** The contract governs: its plan meters the account. */
  | { state: 'active'; term?: Term }
  /** The contract has not started yet: the no-contract rule applies until `startDate`. */
  | { state: 'notStarted'; startDate: string }
  /** The last term ended on `endDate` (exclusive): the no-contract rule applies. */
  | { state: 'ended'; term: Term; endDate: string };

/** The term of `months` months with index `index` from `startDate` (month ends clamp: 31 Jan + 1 month is 28 Feb). */
function termAt(startDate: string, months: number, index: number, renews: boolean): Term {
  return {
    index,
    start: shiftDate(startDate, index * months),
    end: shiftDate(startDate, (index + 1) * months),
    renews,
  };
}

/**
 * Where the contract stands on local date `date`. A plan without a term runs until replaced. With a
 * term: the term holding `date` if the contract still runs then, else the last term and its end.
 */
export function contractStanding(
  plan: Plan,
  contract: Contract,
  date: string,
  billingTimeZone: string,
): ContractStanding {
  if (compareDates(date, contract.startDate) < 0)
    return { state: 'notStarted', startDate: contract.startDate };
  const term = plan.term;
  if (!term) return { state: 'active' };
  const cancelledOn =
    contract.cancelledAt === undefined
      ? undefined
      : localDateOf(new Date(contract.cancelledAt), billingTimeZone);
  // The last term: the first one, the one holding the cancellation date, or none (renews forever).
  let last: number | undefined;
  if (!term.autoRenew) last = 0;
  else if (cancelledOn !== undefined) {
    last = 0;
    while (compareDates(shiftDate(contract.startDate, (last + 1) * term.months), cancelledOn) <= 0) last++;
  }
  // Estimate from the months in between (never too high), then step: terms are whole months.
  const months =
    (Number(date.slice(0, 4)) - Number(contract.startDate.slice(0, 4))) * 12 +
    Number(date.slice(5, 7)) -
    Number(contract.startDate.slice(5, 7));
  let index = Math.max(0, Math.floor(months / term.months) - 1);
  while (index > 0 && compareDates(shiftDate(contract.startDate, index * term.months), date) > 0) index--;
  while (compareDates(shiftDate(contract.startDate, (index + 1) * term.months), date) <= 0) index++;
  if (last !== undefined && index > last) {
    const ended = termAt(contract.startDate, term.months, last, false);
    return { state: 'ended', term: ended, endDate: ended.end };
  }
  return {
    state: 'active',
    term: termAt(contract.startDate, term.months, index, last === undefined || index < last),
  };
}

export type NoticeKind = 'renewal' | 'end';

/** A notice due to the account's contacts before a term ends: it renews, or the contract ends. */
export interface ContractNotice {
  kind: NoticeKind;
  term: Term;
  /** The first local date the notice is due. */
  dueFrom: string;
  /** One notice per contract, term and kind: the outbox item id derives from it. */
  key: string;
}

/** The notice due on `date` (within the catalog's lead time before the term's end), if any. */
export function noticeDue(
  plan: Plan,
  accountId: string,
  contract: Contract,
  date: string,
  billingTimeZone: string,
): ContractNotice | undefined {
  if (!plan.term) return undefined;
  const standing = contractStanding(plan, contract, date, billingTimeZone);
  if (standing.state !== 'active' || !standing.term) return undefined;
  const dueFrom = addDays(standing.term.end, -plan.term.noticeDays);
  if (compareDates(date, dueFrom) < 0) return undefined;
  const kind: NoticeKind = standing.term.renews ? 'renewal' : 'end';
  return {
    kind,
    term: standing.term,
    dueFrom,
    key: ['contract', accountId, contract.startDate, standing.term.end, kind].join(':'),
  };
}

/** A contract must name a plan of the catalog and, if any, a tier of that plan. */
export function contractIssues(catalog: Catalog, contract: Contract): FieldIssue[] {
  const plan = planById(catalog, contract.planId);
  if (!plan) {
    return [
      {
        field: 'planId',
        message: `unknown plan "${contract.planId}"; known: ${catalog.plans.map((p) => p.id).join(', ')}`,
      },
    ];
  }
  const tiers = plan.timeBilling?.tiers.map((t) => t.id) ?? [];
  if (contract.tier !== undefined && !tiers.includes(contract.tier)) {
    return [
      {
        field: 'tier',
        message: `plan "${plan.id}" has no tier "${contract.tier}"; known: ${tiers.join(', ') || '(none)'}`,
      },
    ];
  }
  return [];
}

export function parseContract(catalog: Catalog, input: unknown): Contract {
  const contract = parseWith(contractSchema, input);
  const issues = contractIssues(catalog, contract);
  if (issues.length > 0) throw new ValidationError(issues);
  return contract;
}
