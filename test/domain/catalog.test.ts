import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogJsonSchemaText } from '../../functions/catalog/catalog-json-schema.ts';
import { expandHolidayRegions } from '../../functions/catalog/holidays.ts';
import { type CatalogInput, parseCatalog } from '../../functions/domain/catalog.ts';
import { parseContract } from '../../functions/domain/contract.ts';
import { ValidationError } from '../../functions/domain/errors.ts';

const EXAMPLES = ['performars', 'saastech', 'sales-layer', 'suitecrm', 'b2bee'];
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** Catalog JSON as a test breaks it: any shape, on purpose. */
// biome-ignore lint/suspicious/noExplicitAny: the tests write invalid catalogs through it
type Loose = any;

/** A small valid catalog to break one field at a time. */
function minimal(): CatalogInput & { plans: Record<string, unknown>[] } {
  return {
    id: 'acme',
    vendor: 'Acme',
    description: 'test catalog',
    currency: 'USD',
    billingTimeZone: 'Europe/Madrid',
    calendars: { office: { timeZone: 'Europe/Madrid', weekly: { mon: [['09:00', '17:00']] } } },
    plans: [
      {
        id: 'gold',
        name: 'Gold',
        severities: [
          { id: 'P1', name: 'Urgent' },
          { id: 'P2', name: 'Normal' },
        ],
        defaultSeverity: 'P2',
        sla: { calendar: 'office', targets: { P1: { resolution: { within: 'PT8H' } } } },
        pools: [
          {
            id: 'tickets',
            unit: 'request',
            allowance: 10,
            period: 'month',
            overage: { action: 'bill', price: { amount: 5000, currency: 'USD' } },
          },
        ],
      },
    ],
  };
}

function issuesOf(input: unknown): { field: string; message: string }[] {
  try {
    parseCatalog(input);
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  return [];
}

describe('catalog schema', () => {
  it('accepts a minimal catalog and fills defaults', () => {
    const catalog = parseCatalog(minimal());
    const pool = catalog.plans[0].pools[0];
    expect(pool).toMatchObject({ carryOver: 'none', exemptKinds: [], consumeOn: 'acceptance' });
    expect(catalog.plans[0].sla.pauseWhile).toEqual(['waiting_on_customer']);
  });

  it.each([
    ['unknown field', (c: Loose) => (c.plans[0].colour = 'gold'), 'plans[0]'],
    ['lowercase currency', (c: Loose) => (c.currency = 'usd'), 'currency'],
    ['bad zone', (c: Loose) => (c.billingTimeZone = '+01:00'), 'billingTimeZone'],
    [
      'fractional money',
      (c: Loose) => (c.plans[0].pools[0].overage.price.amount = 50.5),
      'plans[0].pools[0].overage.price.amount',
    ],
    [
      'day duration',
      (c: Loose) => (c.plans[0].sla.targets.P1.resolution.within = 'P1D'),
      'plans[0].sla.targets.P1.resolution.within',
    ],
    ['unknown unit', (c: Loose) => (c.plans[0].pools[0].unit = 'credit'), 'plans[0].pools[0].unit'],
    [
      'unknown overage action',
      (c: Loose) => (c.plans[0].pools[0].overage = { action: 'ignore' }),
      'plans[0].pools[0].overage.action',
    ],
    [
      'bad calendar window',
      (c: Loose) => (c.calendars.office.weekly.mon = [['18:00', '09:00']]),
      'calendars.office.weekly.mon[0]',
    ],
    [
      'unknown exempt kind',
      (c: Loose) => (c.plans[0].pools[0].exemptKinds = ['bug']),
      'plans[0].pools[0].exemptKinds[0]',
    ],
  ])('rejects %s, naming the field', (_, breakIt, field) => {
    const input = minimal();
    breakIt(input);
    expect(issuesOf(input).map((i) => i.field)).toContain(field);
  });

  it.each([
    [
      'default severity outside the scale',
      (c: Loose) => (c.plans[0].defaultSeverity = 'P9'),
      'plans[0].defaultSeverity',
    ],
    [
      'SLA target for an unknown severity',
      (c: Loose) => (c.plans[0].sla.targets.P7 = {}),
      'plans[0].sla.targets.P7',
    ],
    ['SLA on an unknown calendar', (c: Loose) => (c.plans[0].sla.calendar = 'nope'), 'plans[0].sla.calendar'],
    ['duplicate plan ids', (c: Loose) => c.plans.push(structuredClone(c.plans[0])), 'plans[1].id'],
    [
      'duplicate severities',
      (c: Loose) => c.plans[0].severities.push({ id: 'P1', name: 'again' }),
      'plans[0].severities[2].id',
    ],
    [
      'a price in another currency',
      (c: Loose) => (c.plans[0].pools[0].overage.price.currency = 'EUR'),
      'plans[0].pools[0].overage.price.currency',
    ],
    [
      'a daily cap on a pool counting at resolution',
      (c: Loose) => Object.assign(c.plans[0].pools[0], { dailyCap: 2, consumeOn: 'resolution' }),
      'plans[0].pools[0].dailyCap',
    ],
    [
      'two request pools',
      (c: Loose) => c.plans[0].pools.push({ ...c.plans[0].pools[0], id: 'more' }),
      'plans[0].pools[1].unit',
    ],
    [
      'an hour pool no time billing draws on',
      (c: Loose) =>
        c.plans[0].pools.push({
          id: 'hours',
          unit: 'hour',
          allowance: 5,
          period: 'month',
          overage: { action: 'reject', reason: 'no hours left' },
        }),
      'plans[0].pools[1].id',
    ],
    [
      'rates for an unknown severity',
      (c: Loose) =>
        (c.plans[0].timeBilling = {
          increment: 'PT15M',
          tiers: [
            {
              id: 'std',
              perHour: {
                P1: { amount: 1, currency: 'USD' },
                P2: { amount: 1, currency: 'USD' },
                P3: { amount: 1, currency: 'USD' },
              },
            },
          ],
        }),
      'plans[0].timeBilling.tiers[0].perHour.P3',
    ],
    [
      'missing rates for a severity',
      (c: Loose) =>
        (c.plans[0].timeBilling = {
          increment: 'PT15M',
          tiers: [{ id: 'std', perHour: { P1: { amount: 1, currency: 'USD' } } }],
        }),
      'plans[0].timeBilling.tiers[0].perHour',
    ],
    [
      'time billing on a request pool',
      (c: Loose) => (c.plans[0].timeBilling = { increment: 'PT15M', pool: 'tickets' }),
      'plans[0].timeBilling.pool',
    ],
    [
      'a sub-minute increment',
      (c: Loose) => (c.plans[0].timeBilling = { increment: 'PT30S', tiers: [] }),
      'plans[0].timeBilling.increment',
    ],
    ['an unknown pay-per-use plan', (c: Loose) => (c.payPerUse = { plan: 'silver' }), 'payPerUse.plan'],
    [
      'a customer text with a placeholder it does not have',
      (c: Loose) => (c.plans[0].customerText = { consumed: 'You used {used} of {credits}.' }),
      'plans[0].customerText.consumed',
    ],
    [
      'an unknown customer text',
      (c: Loose) => (c.plans[0].customerText = { greeting: 'Hello' }),
      'plans[0].customerText',
    ],
    [
      'an unknown severity assessor',
      (c: Loose) => (c.plans[0].severityAssessedBy = 'agent'),
      'plans[0].severityAssessedBy',
    ],
    [
      'pay per use counting contract years',
      (c: Loose) => {
        c.plans[0].pools[0].period = 'contractYear';
        c.payPerUse = { plan: 'gold' };
      },
      'payPerUse.plan',
    ],
  ])('cross-checks %s', (_, breakIt, field) => {
    const input = minimal();
    breakIt(input);
    expect(issuesOf(input).map((i) => i.field)).toContain(field);
  });

  it('contracts must name a plan and one of its tiers', () => {
    const catalog = parseCatalog(minimal());
    expect(parseContract(catalog, { accountId: 'a', planId: 'gold', startDate: '2026-02-28' }).planId).toBe(
      'gold',
    );
    expect(() =>
      parseContract(catalog, { accountId: 'a', planId: 'silver', startDate: '2026-02-28' }),
    ).toThrow(/planId/);
    expect(() => parseContract(catalog, { accountId: 'a', planId: 'gold', startDate: '2026-02-30' })).toThrow(
      /startDate/,
    );
    expect(() =>
      parseContract(catalog, { accountId: 'a', planId: 'gold', startDate: '2026-02-28', tier: 'x' }),
    ).toThrow(/tier/);
  });
});

describe('example catalogs', () => {
  it.each(EXAMPLES)('%s parses and points at the published JSON Schema', (name) => {
    const json = JSON.parse(read(`examples/${name}.catalog.json`));
    expect(json.$schema).toBe('../schemas/catalog.schema.json');
    expect(() => parseCatalog(json)).not.toThrow();
  });

  it.each(EXAMPLES)(
    '%s: holidays equal the expansion of its holiday regions for the expanded years',
    (name) => {
      const catalog = parseCatalog(JSON.parse(read(`examples/${name}.catalog.json`)));
      for (const [id, calendar] of Object.entries(catalog.calendars)) {
        if (!calendar.holidayRegions?.length) continue;
        const years = calendar.expandedYears ?? [];
        expect(years, id).toEqual([2026, 2027, 2028]);
        const fresh = expandHolidayRegions({ ...calendar, holidays: [] }, { fromYear: 2026, toYear: 2028 });
        expect(calendar.holidays, `${name} calendars.${id}.holidays`).toEqual(fresh.holidays);
      }
    },
  );
});

describe('published JSON Schema', () => {
  it('schemas/catalog.schema.json equals a fresh generation (run `npm run schema`)', () => {
    expect(read('schemas/catalog.schema.json')).toBe(catalogJsonSchemaText());
  });
});
