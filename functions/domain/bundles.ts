// Prepaid hour bundles (001: "time purchased and bundles of hours"; 003: hours reserved on top of the
// package): pools an admin records on an account when the customer buys them, each with its hours,
// its rate tier, the date it was bought and, if any, the date it expires. A bundle's balance is a pool
// counter like the plan's own (`PoolUsage` with `bundle` set, pool id `bundle:<id>`), so a time entry
// that draws on it saves it in the same transaction, and a reversal gives its minutes back. Time draws
// included hours first, then bundles (earliest expiry first), then the rate (time-billing.ts).
import * as z from 'zod/mini';
import { isoDateSchema } from './calendar.ts';
import type { FieldIssue } from './errors.ts';
import { ValidationError } from './errors.ts';
import { compareDates } from './period.ts';
import { idSchema, type Plan } from './plan.ts';
import { parseWith } from './validation.ts';
import { withMeta } from './zod-mini.ts';

export const bundleSchema = z.strictObject({
  hours: withMeta(z.int().check(z.positive(), z.maximum(100_000)), { description: 'Hours bought' }),
  tier: withMeta(z.optional(idSchema), {
    description:
      'Rate tier the bundle was sold at (001: credit-12h, credit-40h); prepaid time is valued at it',
  }),
  purchasedOn: withMeta(isoDateSchema, {
    description: 'Local date (billing time zone) it may be drawn from',
  }),
  expiresOn: withMeta(z.optional(isoDateSchema), {
    description: 'First local date it may no longer be drawn on; omitted: it never expires',
  }),
});
export type Bundle = z.infer<typeof bundleSchema>;

export const newBundleSchema = z.strictObject({
  id: withMeta(z.optional(idSchema), {
    description: 'Your reference for the purchase; recording it again with the same id changes nothing',
  }),
  ...bundleSchema.shape,
});
export type NewBundle = z.infer<typeof newBundleSchema>;

const PREFIX = 'bundle:';

/** The pool id of a bundle's balance counter; catalog pool ids cannot contain ":", so they never clash. */
export function bundlePoolId(bundleId: string): string {
  return `${PREFIX}${bundleId}`;
}

export function bundleIdOf(poolId: string): string | undefined {
  return poolId.startsWith(PREFIX) ? poolId.slice(PREFIX.length) : undefined;
}

/** A counter that is a bundle's balance. */
export interface BundleCounter {
  poolId: string;
  periodStart: string;
  used: number;
  carriedIn: number;
  bundle: Bundle;
}

export function isBundleCounter<T extends { poolId: string; bundle?: Bundle | undefined }>(
  counter: T,
): counter is T & { bundle: Bundle } {
  return counter.bundle !== undefined && bundleIdOf(counter.poolId) !== undefined;
}

export function bundleMinutes(bundle: Bundle): number {
  return bundle.hours * 60;
}

/** Minutes left of a bundle (never negative). */
export function bundleLeft(counter: Pick<BundleCounter, 'used' | 'bundle'>): number {
  return Math.max(0, bundleMinutes(counter.bundle) - counter.used);
}

export type BundleState = 'notStarted' | 'active' | 'usedUp' | 'expired';

export function bundleState(counter: Pick<BundleCounter, 'used' | 'bundle'>, date: string): BundleState {
  const { purchasedOn, expiresOn } = counter.bundle;
  if (compareDates(date, purchasedOn) < 0) return 'notStarted';
  if (expiresOn !== undefined && compareDates(date, expiresOn) >= 0) return 'expired';
  return bundleLeft(counter) > 0 ? 'active' : 'usedUp';
}

/** Bundles time on local `date` may draw on, in drawing order: earliest expiry first (none last), then oldest. */
export function drawableBundles<T extends { poolId: string; used: number; bundle?: Bundle | undefined }>(
  counters: readonly T[],
  date: string,
): (T & { bundle: Bundle })[] {
  return counters
    .filter(isBundleCounter)
    .filter((c) => bundleState(c, date) === 'active')
    .sort(
      (a, b) =>
        compareDates(a.bundle.expiresOn ?? '9999-12-31', b.bundle.expiresOn ?? '9999-12-31') ||
        compareDates(a.bundle.purchasedOn, b.bundle.purchasedOn) ||
        (a.poolId < b.poolId ? -1 : a.poolId > b.poolId ? 1 : 0),
    );
}

/** A purchase must fit the plan: bundles allowed, a tier of its rate cards, an expiry after the purchase. */
export function bundleIssues(plan: Plan, bundle: Bundle): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!plan.timeBilling?.bundles) {
    issues.push({ field: 'hours', message: `plan "${plan.id}" sells no prepaid bundles` });
  }
  const tiers = plan.timeBilling?.tiers.map((t) => t.id) ?? [];
  if (bundle.tier !== undefined && !tiers.includes(bundle.tier)) {
    issues.push({
      field: 'tier',
      message: `plan "${plan.id}" has no tier "${bundle.tier}"; known: ${tiers.join(', ') || '(none)'}`,
    });
  }
  if (bundle.expiresOn !== undefined && compareDates(bundle.expiresOn, bundle.purchasedOn) <= 0) {
    issues.push({ field: 'expiresOn', message: 'must be after purchasedOn' });
  }
  return issues;
}

export function parseBundle(plan: Plan, input: unknown): NewBundle {
  const bundle = parseWith(newBundleSchema, input);
  const issues = bundleIssues(plan, bundle);
  if (issues.length > 0) throw new ValidationError(issues);
  return bundle;
}

/** The counter a new bundle starts with: nothing used. */
export function newBundleCounter(bundleId: string, bundle: Bundle): BundleCounter {
  return { poolId: bundlePoolId(bundleId), periodStart: bundle.purchasedOn, used: 0, carriedIn: 0, bundle };
}
