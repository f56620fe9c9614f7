// An account's support contract: which plan it bought, from which date (contract years run from
// its anniversaries) and, where the plan has rate cards, which tier it bills at (001).
import * as z from 'zod/mini';
import { isoDateSchema } from './calendar.ts';
import { type Catalog, planById } from './catalog.ts';
import type { FieldIssue } from './errors.ts';
import { ValidationError } from './errors.ts';
import { idSchema } from './plan.ts';
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
});
export type Contract = z.infer<typeof contractSchema>;

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
