// A vendor's support-policy catalog: its calendars and plans, the currency and time zone it bills
// in, and the plan that governs accounts without a contract. `parseCatalog` is the one entry point
// that turns catalog JSON into a checked `Catalog` (the CLI, the admin API and the local runtime).
import * as z from 'zod/mini';
import { calendarSchema } from './calendar.ts';
import type { FieldIssue } from './errors.ts';
import { ValidationError } from './errors.ts';
import { currencySchema } from './money.ts';
import { idSchema, type Plan, planIssues, planSchema } from './plan.ts';
import { issuesOf } from './validation.ts';
import { withMeta } from './zod-mini.ts';

function isIanaZone(zone: string): boolean {
  if (!zone.includes('/') && zone !== 'UTC') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const catalogSchema = withMeta(
  z.strictObject({
    $schema: withMeta(z.optional(z.string()), {
      description: 'Editor hint: path or URL of this JSON Schema',
    }),
    id: idSchema,
    vendor: z.string().check(z.minLength(1), z.maxLength(200)),
    description: withMeta(z.string().check(z.minLength(1), z.maxLength(8000)), {
      description: 'What the catalog covers and every reading made where the seed policy is silent',
    }),
    currency: withMeta(currencySchema, { description: 'Every price in the catalog is in this currency' }),
    billingTimeZone: withMeta(
      z.string().check(z.refine(isIanaZone, 'must be an IANA time zone such as "Europe/Madrid"')),
      { description: 'IANA zone in which ledger months, contract years and daily caps are dated' },
    ),
    calendars: z.record(idSchema, calendarSchema),
    plans: z.array(planSchema).check(z.minLength(1, 'a catalog needs at least one plan')),
    payPerUse: withMeta(z.optional(z.strictObject({ plan: idSchema })), {
      description:
        'Plan for accounts without a contract, or whose contract ended (000: USD 70 per ticket); absent: `withoutContract` decides',
    }),
    withoutContract: withMeta(
      z.optional(
        z.discriminatedUnion('action', [
          z.strictObject({
            action: z.literal('reject'),
            reason: z.string().check(z.minLength(1), z.maxLength(4000)),
          }),
          z.strictObject({ action: z.literal('acceptWithoutSla'), plan: idSchema }),
        ]),
      ),
      {
        description:
          'Accounts without a contract in force and no payPerUse plan: refuse new tickets with `reason` (shown to the customer), or accept them on `plan` without SLA clocks and without charge',
      },
    ),
  }),
  { title: 'Support-policy catalog', description: 'Calendars and support plans of one vendor' },
);

export type Catalog = z.output<typeof catalogSchema>;
/** @internal what a catalog file holds before parsing (tests build them) */
export type CatalogInput = z.input<typeof catalogSchema>;

/** Cross-field rules of a parsed catalog, each naming its field. */
export function catalogIssues(catalog: Catalog): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const calendarIds = Object.keys(catalog.calendars);
  const planIds = catalog.plans.map((p) => p.id);
  catalog.plans.forEach((plan, i) => {
    if (planIds.indexOf(plan.id) !== i)
      issues.push({ field: `plans[${i}].id`, message: `duplicate plan "${plan.id}"` });
    for (const issue of planIssues(plan, { calendarIds, currency: catalog.currency })) {
      issues.push({ field: `plans[${i}].${issue.field}`, message: issue.message });
    }
  });
  if (catalog.payPerUse) {
    const plan = catalog.plans.find((p) => p.id === catalog.payPerUse?.plan);
    if (!plan) {
      issues.push({
        field: 'payPerUse.plan',
        message: `unknown plan "${catalog.payPerUse.plan}"; known: ${planIds.join(', ')}`,
      });
    } else if (plan.pools.some((p) => p.period === 'contractYear')) {
      issues.push({
        field: 'payPerUse.plan',
        message: `plan "${plan.id}" counts contract years, but pay-per-use has no contract`,
      });
    }
  }
  if (catalog.withoutContract?.action === 'acceptWithoutSla') {
    const planId = catalog.withoutContract.plan;
    if (!planIds.includes(planId))
      issues.push({
        field: 'withoutContract.plan',
        message: `unknown plan "${planId}"; known: ${planIds.join(', ')}`,
      });
  }
  if (catalog.payPerUse && catalog.withoutContract) {
    issues.push({
      field: 'withoutContract',
      message: 'accounts without a contract use the payPerUse plan; set one of the two',
    });
  }
  return issues;
}

/** Parses and cross-checks catalog JSON, or throws a ValidationError naming every bad field. */
export function parseCatalog(input: unknown): Catalog {
  const result = catalogSchema.safeParse(input);
  if (!result.success) throw new ValidationError(issuesOf(result.error));
  const issues = catalogIssues(result.data);
  if (issues.length > 0) throw new ValidationError(issues);
  return result.data;
}

export function planById(catalog: Catalog, planId: string): Plan | undefined {
  return catalog.plans.find((p) => p.id === planId);
}
