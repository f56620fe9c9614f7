import { describe, expect, it } from 'vitest';
import { afterWrite } from '../../examples/seed-helpers.ts';
import { type CatalogInput, parseCatalog } from '../../functions/domain/catalog.ts';
import {
  admitRequest,
  type Metering,
  meteringFor,
  type PoolUsage,
  reclassify,
  resolveRequest,
  usageOn,
} from '../../functions/domain/entitlements.ts';
import { RejectedError } from '../../functions/domain/errors.ts';
import type { LedgerEntry } from '../../functions/domain/ledger.ts';

const usd = (amount: number) => ({ amount, currency: 'USD' });

/** One plan with one request pool, configured per test. */
function meter(
  pool: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  startDate = '2026-01-15',
): Metering {
  const input: CatalogInput = {
    id: 't',
    vendor: 'T',
    description: 'd',
    currency: 'USD',
    billingTimeZone: 'Europe/Madrid',
    calendars: { c: { timeZone: 'Europe/Madrid', weekly: { mon: [['09:00', '17:00']] } } },
    plans: [
      {
        id: 'p',
        name: 'P',
        severities: [{ id: 'S', name: 'S' }],
        defaultSeverity: 'S',
        sla: { calendar: 'c' },
        pools: [
          {
            id: 'req',
            unit: 'request',
            allowance: 2,
            period: 'month',
            exemptKinds: ['incident'],
            overage: { action: 'bill', price: usd(1000) },
            ...pool,
          },
        ],
        ...extra,
      },
    ],
  };
  const catalog = parseCatalog(input);
  return meteringFor(
    catalog,
    'acct',
    { accountId: 'acct', planId: 'p', startDate },
    new Date(`${startDate}T12:00:00Z`),
  );
}

const ticket = (id: string, kind: 'request' | 'incident' = 'request') => ({ id, kind, severity: 'S' });

function run(m: Metering, times: string[], usage: PoolUsage[] = []) {
  const results = times.map((at, i) => {
    const r = admitRequest(m, usage, ticket(`T${i + 1}`), new Date(at));
    usage = afterWrite(usage, r.usage);
    return r;
  });
  return { results, usage };
}

describe('request pools', () => {
  it('consumes within the allowance, then applies the overage rule', () => {
    const { results } = run(meter({}), [
      '2026-03-02T10:00:00Z',
      '2026-03-03T10:00:00Z',
      '2026-03-04T10:00:00Z',
    ]);
    expect(results.map((r) => r.decision)).toEqual(['consume', 'consume', 'overage']);
    expect(results[0].entries[0]).toMatchObject({
      id: 'request_consumed:T1',
      kind: 'request_consumed',
      amount: 0,
      periodStart: '2026-03-01',
    });
    expect(results[2].entries[0]).toMatchObject({ id: 'overage:T3', amount: 1000, unitPrice: 1000 });
  });

  it('tells the customer what each request used, without the internal reason', () => {
    const m = meter({ dailyCap: 1, allowance: 2 });
    const { results } = run(m, ['2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z', '2026-03-02T12:00:00Z']);
    expect(results[0].notes).toEqual([{ kind: 'consumed', used: 1, allowance: 2, period: 'month' }]);
    // The second is counted on Tuesday, from 00:00 in Madrid (23:00Z on Monday).
    expect(results[1].notes).toEqual([
      { kind: 'deferred', until: '2026-03-02T23:00:00.000Z', cap: 1, used: 2, allowance: 2, period: 'month' },
    ]);
    expect(results[2].notes).toEqual([{ kind: 'overage', price: usd(1000) }]);
    for (const r of results) expect(JSON.stringify(r.notes)).not.toContain('req');
  });

  it('notes a fee, a request counted on resolution, an exempt kind and hours left', () => {
    const fee = meter(
      { consumeOn: 'resolution' },
      { ticketFee: { price: usd(7000), chargeOn: 'resolution' } },
    );
    expect(admitRequest(fee, [], ticket('T1'), new Date('2026-03-02T10:00:00Z')).notes).toEqual([
      { kind: 'fee', price: usd(7000), on: 'resolution' },
      { kind: 'countedOnResolution', period: 'month' },
    ]);
    expect(
      admitRequest(meter({}), [], ticket('T1', 'incident'), new Date('2026-03-02T10:00:00Z')).notes,
    ).toEqual([{ kind: 'notCounted' }]);
  });

  it('dates periods in the billing time zone: 23:30Z on 31 March is April in Madrid', () => {
    const { results } = run(meter({}), ['2026-03-31T23:30:00Z']);
    expect(results[0].entries[0]).toMatchObject({ month: '2026-04', periodStart: '2026-04-01' });
  });

  it('accepts without SLA past the allowance when the pool says so', () => {
    const { results } = run(meter({ overage: { action: 'acceptWithoutSla' } }), [
      '2026-03-02T10:00:00Z',
      '2026-03-02T11:00:00Z',
      '2026-03-02T12:00:00Z',
    ]);
    expect(results[2]).toMatchObject({ decision: 'overage', slaExempt: true, entries: [] });
  });

  it('refuses past the allowance with the reason when the pool says so', () => {
    const m = meter({ overage: { action: 'reject', reason: 'No requests left this month.' } });
    const { usage } = run(m, ['2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z']);
    expect(() => admitRequest(m, usage, ticket('T3'), new Date('2026-03-02T12:00:00Z'))).toThrow(
      new RejectedError('No requests left this month.'),
    );
  });

  it('exempt kinds consume nothing', () => {
    const r = admitRequest(meter({}), [], ticket('T1', 'incident'), new Date('2026-03-02T10:00:00Z'));
    expect(r).toMatchObject({ decision: 'exempt', entries: [], usage: [] });
  });

  it('carries unused allowance over, up to its max', () => {
    const m = meter({ allowance: 5, carryOver: { max: 3 } });
    const stored: PoolUsage = { poolId: 'req', periodStart: '2026-03-01', used: 1, carriedIn: 0 };
    expect(usageOn(m, m.plan.pools[0], stored, '2026-04-10')).toMatchObject({
      periodStart: '2026-04-01',
      carriedIn: 3,
    });
    // A skipped month passes on its whole allowance, still capped.
    expect(usageOn(m, m.plan.pools[0], stored, '2026-06-10')).toMatchObject({
      periodStart: '2026-06-01',
      carriedIn: 3,
    });
    const unlimited = meter({ allowance: 5, carryOver: {} });
    expect(usageOn(unlimited, unlimited.plan.pools[0], stored, '2026-04-10').carriedIn).toBe(4);
    expect(usageOn(unlimited, unlimited.plan.pools[0], stored, '2026-05-10').carriedIn).toBe(9);
  });

  it('counts contract years from the anniversary of the start date', () => {
    const m = meter({ period: 'contractYear' }, {}, '2026-02-10');
    const { results } = run(m, ['2026-03-01T10:00:00Z', '2027-02-09T10:00:00Z', '2027-02-10T10:00:00Z']);
    expect(results.map((r) => r.decision)).toEqual(['consume', 'consume', 'consume']);
    expect(results[2].entries[0]).toMatchObject({ periodStart: '2027-02-10' });
  });

  it('defers past the daily cap, and into the next month when the month ends', () => {
    const m = meter({ allowance: 3, dailyCap: 1 });
    const { results, usage } = run(m, ['2026-03-31T08:00:00Z', '2026-03-31T09:00:00Z']);
    expect(results[1]).toMatchObject({ decision: 'defer' });
    // Midnight 1 April in Madrid (UTC+2 from 29 March).
    expect(results[1].startAt?.toISOString()).toBe('2026-03-31T22:00:00.000Z');
    expect(results[1].entries[0]).toMatchObject({ month: '2026-04', periodStart: '2026-04-01' });
    expect(usage).toEqual([
      {
        poolId: 'req',
        periodStart: '2026-04-01',
        used: 1,
        carriedIn: 0,
        usedOnDay: { date: '2026-04-01', count: 1 },
      },
    ]);
  });

  it('never defers an overage: the cap limits allowance units only', () => {
    const m = meter({ allowance: 1, dailyCap: 1 });
    const { results } = run(m, ['2026-03-02T08:00:00Z', '2026-03-02T09:00:00Z']);
    expect(results[1]).toMatchObject({ decision: 'overage' });
    expect(results[1].startAt).toBeUndefined();
  });

  it('consumes on resolution when the pool says so', () => {
    const m = meter({ consumeOn: 'resolution', allowance: 1 });
    const admitted = admitRequest(m, [], ticket('T1'), new Date('2026-03-02T10:00:00Z'));
    expect(admitted).toMatchObject({ decision: 'onResolution', entries: [] });
    const first = resolveRequest(m, [], ticket('T1'), new Date('2026-03-05T10:00:00Z'));
    expect(first.decision).toBe('consume');
    const second = resolveRequest(m, first.usage, ticket('T2'), new Date('2026-03-06T10:00:00Z'));
    expect(second.entries[0]).toMatchObject({ kind: 'overage', amount: 1000 });
    expect(resolveRequest(m, [], ticket('T3', 'incident'), new Date('2026-03-06T10:00:00Z')).decision).toBe(
      'exempt',
    );
  });

  it('charges a per-ticket fee at acceptance or resolution', () => {
    const fee = { ticketFee: { price: usd(7000), chargeOn: 'acceptance' } };
    const m = meter({}, fee);
    const r = admitRequest(m, [], ticket('T1'), new Date('2026-03-02T10:00:00Z'));
    expect(r.entries.map((e) => e.kind)).toEqual(['ticket_fee', 'request_consumed']);
    expect(resolveRequest(m, [], ticket('T1'), new Date('2026-03-02T10:00:00Z')).entries).toEqual([]);
  });

  it('refuses accounts without a contract when the catalog has no pay-per-use plan', () => {
    const catalog = parseCatalog({
      id: 't',
      vendor: 'T',
      description: 'd',
      currency: 'USD',
      billingTimeZone: 'UTC',
      calendars: { c: { timeZone: 'UTC', weekly: {} } },
      plans: [
        {
          id: 'p',
          name: 'P',
          severities: [{ id: 'S', name: 'S' }],
          defaultSeverity: 'S',
          sla: { calendar: 'c' },
        },
      ],
    });
    expect(() => meteringFor(catalog, 'acct', undefined, new Date())).toThrow(RejectedError);
  });
});

describe('reclassification', () => {
  it('reverses the consumption of a request found to be an incident and frees the unit', () => {
    const m = meter({ dailyCap: 2 });
    const { results, usage } = run(m, ['2026-03-02T08:00:00Z', '2026-03-02T09:00:00Z']);
    const entries: LedgerEntry[] = results[0].entries;
    const out = reclassify(m, usage, ticket('T1', 'incident'), entries, new Date('2026-03-03T08:00:00Z'));
    expect(out.entries).toEqual([
      expect.objectContaining({
        id: 'reversal:request_consumed:T1',
        kind: 'reversal',
        reverses: 'request_consumed:T1',
        quantity: -1,
        amount: 0,
        month: '2026-03',
      }),
    ]);
    expect(out.usage).toEqual([
      expect.objectContaining({ used: 1, usedOnDay: { date: '2026-03-02', count: 1 } }),
    ]);
    // The original entry is untouched, and reclassifying again reverses nothing more.
    expect(entries[0].kind).toBe('request_consumed');
    const again = reclassify(
      m,
      afterWrite(usage, out.usage),
      ticket('T1', 'incident'),
      [...entries, ...out.entries],
      new Date(),
    );
    expect(again.entries).toEqual([]);
  });

  it('credits a billed overage in money', () => {
    const m = meter({ allowance: 1 });
    const { results, usage } = run(m, ['2026-03-02T08:00:00Z', '2026-03-02T09:00:00Z']);
    const out = reclassify(
      m,
      usage,
      ticket('T2', 'incident'),
      results[1].entries,
      new Date('2026-03-03T08:00:00Z'),
    );
    expect(out.entries[0]).toMatchObject({ kind: 'reversal', amount: -1000, quantity: -1 });
    expect(out.usage).toEqual([]);
  });

  it('returns no unit to a period that has ended (money only)', () => {
    const m = meter({});
    const { results, usage } = run(m, ['2026-03-30T08:00:00Z', '2026-04-02T08:00:00Z']);
    const out = reclassify(
      m,
      usage,
      ticket('T1', 'incident'),
      results[0].entries,
      new Date('2026-04-03T08:00:00Z'),
    );
    expect(out.entries).toHaveLength(1);
    expect(out.usage).toEqual([]);
  });

  it('turning an incident into a request charges nothing', () => {
    const m = meter({});
    const out = reclassify(m, [], ticket('T1', 'request'), [], new Date('2026-04-03T08:00:00Z'));
    expect(out).toEqual({ entries: [], usage: [] });
  });
});
