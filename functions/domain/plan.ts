// A support plan as configuration: its severity scale, SLA policy, entitlement pools, time
// billing, per-ticket fee, registered contacts and term. Every clause traces to a seed policy
// (see DESIGN.md "Support policies"); cross-field rules live in `planIssues`.
import * as z from 'zod/mini';
import { durationSchema, durationToMs, fixedDurationProblem } from './duration.ts';
import type { FieldIssue } from './errors.ts';
import { moneySchema } from './money.ts';
import { slaPolicyIssues, slaPolicySchema } from './sla-policy.ts';
import { TICKET_KINDS, type TicketKind } from './ticket.ts';
import { withMeta } from './zod-mini.ts';

/** 002: incidents are not deducted from support hours; requests are. */
export const ticketKindSchema = z.enum(TICKET_KINDS);
export type { TicketKind };

/** Ids in a catalog: short, URL- and key-safe (they end up in DynamoDB keys and API paths). */
export const idSchema = z
  .string()
  .check(
    z.regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
      'must be 1-64 letters, digits, ".", "_" or "-", starting alphanumeric',
    ),
  );

const text = z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(4000));

export const severitySchema = z.strictObject({
  id: withMeta(idSchema, { description: 'P1, Critical, Severity-1, Level1 ...' }),
  name: text.check(z.maxLength(100)),
  description: z.optional(text),
});

const exemptKinds = withMeta(z._default(z.array(ticketKindSchema), []), {
  description: 'Ticket kinds that never draw on this (002: incidents are not counted)',
});

const positiveDuration = durationSchema.check(
  z.refine(
    (iso) =>
      fixedDurationProblem(iso) !== undefined || (durationToMs(iso) > 0 && durationToMs(iso) % 60_000 === 0),
    'must be a whole number of minutes above zero',
  ),
);

/** What happens to a request (or logged time) past the allowance. */
export const overageSchema = z.discriminatedUnion('action', [
  withMeta(z.strictObject({ action: z.literal('bill'), price: moneySchema }), {
    description: 'Bill each request (or hour, prorated) past the allowance at `price` (000, 004)',
  }),
  withMeta(z.strictObject({ action: z.literal('billAtRates') }), {
    description: "Hour pools: bill time past the allowance at the plan's time-billing rates (001)",
  }),
  withMeta(z.strictObject({ action: z.literal('acceptWithoutSla') }), {
    description: 'Accept requests past the allowance on a best-effort basis: no SLA clocks, no charge',
  }),
  withMeta(z.strictObject({ action: z.literal('reject'), reason: text }), {
    description: 'Refuse new requests past the allowance with `reason`, shown to the customer (003)',
  }),
]);
type Overage = z.infer<typeof overageSchema>;

const carryOverSchema = withMeta(
  z._default(
    z.union([z.literal('none'), z.strictObject({ max: z.optional(z.int().check(z.nonnegative())) })]),
    'none',
  ),
  {
    description: '"none" (004: not carried over) or { max }: unused allowance carried into the next period',
  },
);

const poolCommon = {
  id: idSchema,
  description: z.optional(text),
  period: withMeta(z.enum(['month', 'contractYear']), {
    description:
      'Calendar month, or contract year from each anniversary of the start date, in billingTimeZone',
  }),
  carryOver: carryOverSchema,
  exemptKinds,
  overage: overageSchema,
};

export const requestPoolSchema = z.strictObject({
  ...poolCommon,
  unit: z.literal('request'),
  allowance: withMeta(z.int().check(z.positive()), { description: 'Requests (tickets, credits) per period' }),
  dailyCap: withMeta(z.optional(z.int().check(z.positive())), {
    description: 'At most this many units per local day; more are deferred to the next day (004)',
  }),
  consumeOn: z._default(z.enum(['acceptance', 'resolution']), 'acceptance'),
});

export const hourPoolSchema = z.strictObject({
  ...poolCommon,
  unit: z.literal('hour'),
  allowance: withMeta(z.int().check(z.positive()), {
    description: 'Support hours per period; time entries draw minutes',
  }),
});

export const poolSchema = z.discriminatedUnion('unit', [requestPoolSchema, hourPoolSchema]);
export type Pool = z.infer<typeof poolSchema>;
export type RequestPool = z.infer<typeof requestPoolSchema>;
export type HourPool = z.infer<typeof hourPoolSchema>;

export const rateTierSchema = z.strictObject({
  id: idSchema,
  description: z.optional(text),
  perHour: withMeta(z.record(idSchema, moneySchema), { description: 'Hourly rate per severity id' }),
});
export type RateTier = z.infer<typeof rateTierSchema>;

export const timeBillingSchema = z.strictObject({
  tiers: withMeta(z._default(z.array(rateTierSchema), []), {
    description: 'Rate cards (001: per use, 12-hour credit, 40-hour credit); the contract picks one',
  }),
  defaultTier: z.optional(idSchema),
  increment: withMeta(positiveDuration, {
    description: 'Each time entry is rounded up to this (001: PT15M)',
  }),
  minimumPerConversation: withMeta(z.optional(positiveDuration), {
    description: 'A conversation deducts at least this much in total (002: PT15M)',
  }),
  exemptKinds,
  pool: withMeta(z.optional(idSchema), { description: 'Hour pool drawn first, before anything is billed' }),
  bundles: withMeta(z._default(z.boolean(), false), {
    description:
      'Prepaid hour bundles may be recorded on accounts of this plan (001: 12- and 40-hour credits); time draws on them after the hour pool',
  }),
  lowBalanceAt: withMeta(z.optional(positiveDuration), {
    description:
      'Contacts are mailed when the hour pool or a bundle falls below this much left, and when it runs out (omitted: only when it runs out)',
  }),
});
type TimeBilling = z.infer<typeof timeBillingSchema>;

export const ticketFeeSchema = z.strictObject({
  price: moneySchema,
  chargeOn: z.enum(['acceptance', 'resolution']),
  exemptKinds,
});
type TicketFee = z.infer<typeof ticketFeeSchema>;

export const termSchema = z.strictObject({
  months: z.int().check(z.positive()),
  autoRenew: z.boolean(),
  price: withMeta(z.optional(moneySchema), {
    description: 'Price of one term; omitted where the seed gives none',
  }),
  noticeDays: withMeta(z._default(z.int().check(z.nonnegative(), z.maximum(366)), 30), {
    description:
      "Days before a term ends that the account's contacts are told it renews, or that the contract ends",
  }),
});

/** The placeholders each customer-text template may use (`{used}` ...), by template. */
export const CUSTOMER_TEXT_PLACEHOLDERS = {
  consumed: ['used', 'allowance', 'unit', 'period'],
  deferred: ['until', 'cap', 'unit', 'used', 'allowance', 'period'],
  overage: ['price', 'unit'],
  withoutSla: [],
  noContract: ['reason'],
  countedOnResolution: ['unit', 'period'],
  fee: ['price', 'when'],
  hours: ['remaining', 'period'],
  notCounted: [],
} as const;
export type CustomerTextTemplate = keyof typeof CUSTOMER_TEXT_PLACEHOLDERS;

function template(name: CustomerTextTemplate) {
  const allowed: readonly string[] = CUSTOMER_TEXT_PLACEHOLDERS[name];
  const known = allowed.length > 0 ? allowed.map((p) => `{${p}}`).join(', ') : 'none';
  return z.optional(
    text.check(
      z.maxLength(1000),
      z.refine(
        (value) => [...value.matchAll(/\{([^{}]*)\}/g)].every((m) => allowed.includes(m[1]!)),
        `uses a placeholder this text does not have; it may use ${known}`,
      ),
    ),
  );
}

/**
 * Optional wording of what customers read about a new ticket's usage (acknowledgements), per plan.
 * Missing texts use the desk's plain-language defaults.
 */
export const customerTextSchema = z.strictObject({
  requestUnit: withMeta(
    z.optional(z.strictObject({ one: text.check(z.maxLength(40)), other: text.check(z.maxLength(40)) })),
    { description: 'What the request pool counts, for `{unit}`: { "one": "credit", "other": "credits" }' },
  ),
  consumed: withMeta(template('consumed'), {
    description: 'A request drawn from the allowance: {used}, {allowance}, {unit}, {period}',
  }),
  deferred: withMeta(template('deferred'), {
    description:
      'A request counted on a later day by the daily cap: {until}, {cap}, {unit}, {used}, {allowance}, {period}',
  }),
  overage: withMeta(template('overage'), {
    description: 'A request past the allowance, billed: {price}, {unit}',
  }),
  withoutSla: withMeta(template('withoutSla'), {
    description: 'A request past the allowance, accepted without the response times (003)',
  }),
  noContract: withMeta(template('noContract'), {
    description: 'No contract in force, accepted without the response times: {reason} (the catalog says why)',
  }),
  countedOnResolution: withMeta(template('countedOnResolution'), {
    description: 'A request counted when resolved: {unit}, {period}',
  }),
  fee: withMeta(template('fee'), { description: 'A fee per ticket: {price}, {when}' }),
  hours: withMeta(template('hours'), {
    description: 'Time is drawn from support hours: {remaining} (e.g. "12 hours 30 minutes"), {period}',
  }),
  notCounted: withMeta(template('notCounted'), { description: 'The ticket draws on nothing' }),
});
export type CustomerText = z.infer<typeof customerTextSchema>;

export const planSchema = z.strictObject({
  id: idSchema,
  name: text.check(z.maxLength(200)),
  description: withMeta(z.optional(text), {
    description: 'What the plan promises, and how the seed text was read',
  }),
  severities: withMeta(z.array(severitySchema).check(z.minLength(1, 'a plan needs at least one severity')), {
    description: 'Ordered scale, most severe first',
  }),
  defaultSeverity: idSchema,
  severityAssessedBy: withMeta(z._default(z.enum(['customer', 'vendor']), 'customer'), {
    description:
      "Who sets a customer's ticket's severity until staff triage it: the customer's declaration, or the vendor (the ticket runs on defaultSeverity until assessed; 003, 004). Kind is always assessed by staff.",
  }),
  sla: slaPolicySchema,
  pools: z._default(z.array(poolSchema), []),
  timeBilling: z.optional(timeBillingSchema),
  ticketFee: withMeta(z.optional(ticketFeeSchema), {
    description: 'A fee for every ticket (000: USD 70 per ticket processed)',
  }),
  contacts: withMeta(z.optional(z.strictObject({ max: z.int().check(z.positive()) })), {
    description: 'Registered persons per account who may open tickets (004: 1/2/3)',
  }),
  term: z.optional(termSchema),
  customerText: withMeta(z.optional(customerTextSchema), {
    description: "The plan's own wording of the usage line in acknowledgements (placeholders per text)",
  }),
});

export type Plan = z.output<typeof planSchema>;
type PlanInput = z.input<typeof planSchema>;

/** Cross-field rules of one plan; fields are relative to the plan. */
export function planIssues(
  plan: Plan,
  known: { calendarIds: readonly string[]; currency: string },
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (field: string, message: string): void => {
    issues.push({ field, message });
  };
  const severityIds = plan.severities.map((s) => s.id);

  for (const i of duplicates(severityIds))
    add(`severities[${i}].id`, `duplicate severity "${severityIds[i]}"`);
  if (!severityIds.includes(plan.defaultSeverity)) {
    add(
      'defaultSeverity',
      `"${plan.defaultSeverity}" is not in the plan's scale (${severityIds.join(', ')})`,
    );
  }
  for (const issue of slaPolicyIssues(plan.sla, {
    severities: severityIds,
    calendarIds: known.calendarIds,
  })) {
    add(`sla.${issue.field}`, issue.message);
  }

  const poolIds = plan.pools.map((p) => p.id);
  for (const i of duplicates(poolIds)) add(`pools[${i}].id`, `duplicate pool "${poolIds[i]}"`);
  for (const unit of ['request', 'hour'] as const) {
    const same = plan.pools.flatMap((p, i) => (p.unit === unit ? [i] : []));
    // One pool per unit keeps "which pool does this ticket draw on" free of rules.
    for (const i of same.slice(1)) add(`pools[${i}].unit`, `a plan has at most one ${unit} pool`);
  }
  plan.pools.forEach((pool, i) => {
    const at = `pools[${i}]`;
    if (pool.unit === 'request') {
      if (pool.consumeOn === 'resolution' && pool.dailyCap !== undefined) {
        add(
          `${at}.dailyCap`,
          'a daily cap defers requests when they arrive, so it needs consumeOn "acceptance"',
        );
      }
      if (pool.consumeOn === 'resolution' && pool.overage.action !== 'bill') {
        add(
          `${at}.overage.action`,
          `"${pool.overage.action}" decides at acceptance, so it needs consumeOn "acceptance"`,
        );
      }
      if (pool.overage.action === 'billAtRates') {
        add(
          `${at}.overage.action`,
          '"billAtRates" prices time; a request pool bills with "bill" and a price',
        );
      }
    } else {
      if (plan.timeBilling?.pool !== pool.id) {
        add(`${at}.id`, `hours are drawn by logged time: set timeBilling.pool to "${pool.id}"`);
      } else if (pool.overage.action === 'billAtRates' && !hasRates(plan)) {
        add(`${at}.overage.action`, '"billAtRates" needs timeBilling rate tiers');
      }
    }
  });

  const tb = plan.timeBilling;
  if (tb) {
    const tierIds = tb.tiers.map((t) => t.id);
    for (const i of duplicates(tierIds)) add(`timeBilling.tiers[${i}].id`, `duplicate tier "${tierIds[i]}"`);
    tb.tiers.forEach((tier, i) => {
      for (const severity of Object.keys(tier.perHour)) {
        if (!severityIds.includes(severity)) {
          add(
            `timeBilling.tiers[${i}].perHour.${severity}`,
            `unknown severity "${severity}"; the scale is ${severityIds.join(', ')}`,
          );
        }
      }
      for (const severity of severityIds) {
        if (!Object.hasOwn(tier.perHour, severity))
          add(`timeBilling.tiers[${i}].perHour`, `no rate for severity "${severity}"`);
      }
    });
    if (tb.defaultTier !== undefined && !tierIds.includes(tb.defaultTier)) {
      add(
        'timeBilling.defaultTier',
        `unknown tier "${tb.defaultTier}"; known: ${tierIds.join(', ') || '(none)'}`,
      );
    }
    if (tb.tiers.length > 1 && tb.defaultTier === undefined) {
      add('timeBilling.defaultTier', 'several tiers need a default for contracts that name none');
    }
    if (tb.pool !== undefined) {
      const pool = plan.pools.find((p) => p.id === tb.pool);
      if (!pool)
        add('timeBilling.pool', `unknown pool "${tb.pool}"; known: ${poolIds.join(', ') || '(none)'}`);
      else if (pool.unit !== 'hour')
        add('timeBilling.pool', `pool "${tb.pool}" counts requests; time draws on an hour pool`);
    } else if (tb.tiers.length === 0) {
      add('timeBilling', 'time billing needs rate tiers, an hour pool, or both');
    }
  }

  for (const [field, money] of moneyFields(plan)) {
    if (money.currency !== known.currency) {
      add(`${field}.currency`, `is ${money.currency}, but the catalog bills in ${known.currency}`);
    }
  }
  return issues;
}

function hasRates(plan: Plan): boolean {
  return (plan.timeBilling?.tiers.length ?? 0) > 0;
}

function duplicates(ids: readonly string[]): number[] {
  return ids.flatMap((id, i) => (ids.indexOf(id) !== i ? [i] : []));
}

/** Every price in the plan with its field path, for the one-currency rule. */
function moneyFields(plan: Plan): [string, { currency: string }][] {
  const out: [string, { currency: string }][] = [];
  plan.pools.forEach((p, i) => {
    if (p.overage.action === 'bill') out.push([`pools[${i}].overage.price`, p.overage.price]);
  });
  plan.timeBilling?.tiers.forEach((t, i) => {
    for (const [sev, m] of Object.entries(t.perHour)) out.push([`timeBilling.tiers[${i}].perHour.${sev}`, m]);
  });
  if (plan.ticketFee) out.push(['ticketFee.price', plan.ticketFee.price]);
  if (plan.term?.price) out.push(['term.price', plan.term.price]);
  return out;
}

/** The rate tier a contract bills at: the one it names, else the plan's default, else the only one. */
export function rateTierFor(plan: Plan, tierId?: string): RateTier | undefined {
  const tiers = plan.timeBilling?.tiers ?? [];
  const id = tierId ?? plan.timeBilling?.defaultTier;
  return id === undefined ? (tiers.length === 1 ? tiers[0] : undefined) : tiers.find((t) => t.id === id);
}

export function requestPoolOf(plan: Plan): RequestPool | undefined {
  return plan.pools.find((p): p is RequestPool => p.unit === 'request');
}

/** The hour pool time billing draws on, if any (a valid plan has at most one). */
export function hourPoolOf(plan: Plan): HourPool | undefined {
  return plan.pools.find((p): p is HourPool => p.unit === 'hour');
}
