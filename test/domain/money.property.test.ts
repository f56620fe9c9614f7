// Money invariants over generated ticket histories (fast-check), on the example catalogs: what the
// ledger holds is what the exports invoice, reversals cancel exactly, pools and bundles never go
// below zero or past their allowance, daily caps hold, and the order tickets arrive in does not
// change what a period counts. The usage view's month equals the export's for every closed month.
import fc from 'fast-check';

type ArbitraryValue<A> = A extends fc.Arbitrary<infer T> ? T : never;

import { describe, expect, it } from 'vitest';
import { contractOn, loadExample } from '../../examples/seed-helpers.ts';
import {
  bundleLeft,
  bundleMinutes,
  isBundleCounter,
  newBundleCounter,
} from '../../functions/domain/bundles.ts';
import {
  admitRequest,
  allowanceUnits,
  type PoolUsage,
  reclassify,
  withUsage,
} from '../../functions/domain/entitlements.ts';
import { invoiceLinesOf, monthStatement, totalsOf } from '../../functions/domain/invoice.ts';
import { type LedgerEntry, liveEntries, totalsByCurrency } from '../../functions/domain/ledger.ts';
import { bookInOpenMonth } from '../../functions/domain/month-close.ts';
import { localDateOf } from '../../functions/domain/period.ts';
import { requestPoolOf } from '../../functions/domain/plan.ts';
import { billTime } from '../../functions/domain/time-billing.ts';

const HOUR = 3_600_000;
const START = Date.parse('2026-01-05T08:00:00Z');

/** Sums per currency, keys sorted, zeros kept: comparable whatever order entries came in. */
function sums(entries: readonly { currency: string; amount: number }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of entries) out[e.currency] = (out[e.currency] ?? 0) + e.amount;
  return Object.fromEntries(Object.entries(out).sort());
}

const b2bee = loadExample('b2bee');
const saastech = loadExample('saastech');

/** Requests and incidents arriving over ~3 months on B2Bee Standard (5 credits a month, 2 a day). */
const arrivals = fc.array(
  fc.record({
    afterHours: fc.integer({ min: 0, max: 30 }),
    incident: fc.boolean(),
    reclassify: fc.constantFrom<'none' | 'toIncident' | 'twice'>('none', 'toIncident', 'twice'),
  }),
  { minLength: 1, maxLength: 60 },
);

/** The B2Bee history: admissions in time order, reclassifications right after, entries booked as the desk books them. */
function b2beeHistory(steps: ArbitraryValue<typeof arrivals>) {
  const m = contractOn(b2bee, 'standard', '2026-01-01');
  let usages: PoolUsage[] = [];
  const entries: LedgerEntry[] = [];
  let t = START;
  steps.forEach((step, i) => {
    t += step.afterHours * HOUR;
    const now = new Date(t);
    const ticket = {
      id: `T${i}`,
      kind: step.incident ? ('incident' as const) : ('request' as const),
      severity: 'Minor',
    };
    const admitted = admitRequest(m, usages, ticket, now);
    usages = withUsage(usages, admitted.usage);
    entries.push(...admitted.entries.map((e) => bookInOpenMonth(e, now, 'UTC')));
    if (step.reclassify !== 'none' && ticket.kind === 'request') {
      const times = step.reclassify === 'twice' ? 2 : 1;
      for (let n = 0; n < times; n++) {
        const r = reclassify(m, usages, { ...ticket, kind: 'incident' }, entries, now);
        usages = withUsage(usages, r.usage);
        entries.push(...r.entries.map((e) => bookInOpenMonth(e, now, 'UTC')));
      }
    }
  });
  return { m, usages, entries };
}

describe('request pools (B2Bee Standard)', () => {
  it('used never exceeds allowance plus carried-in, and no day exceeds its cap', () => {
    fc.assert(
      fc.property(arrivals, (steps) => {
        const { m, usages, entries } = b2beeHistory(steps);
        const pool = requestPoolOf(m.plan)!;
        for (const u of usages) expect(u.used).toBeLessThanOrEqual(allowanceUnits(pool) + u.carriedIn);
        const perDay = new Map<string, number>();
        for (const e of liveEntries(entries)) {
          if (e.kind !== 'request_consumed') continue;
          const day = localDateOf(new Date(e.at), m.billingTimeZone);
          perDay.set(day, (perDay.get(day) ?? 0) + 1);
        }
        for (const count of perDay.values()) expect(count).toBeLessThanOrEqual(pool.dailyCap!);
        // Per period, live consumptions never exceed the allowance either.
        const perPeriod = new Map<string, number>();
        for (const e of liveEntries(entries))
          if (e.kind === 'request_consumed')
            perPeriod.set(e.periodStart!, (perPeriod.get(e.periodStart!) ?? 0) + 1);
        for (const count of perPeriod.values()) expect(count).toBeLessThanOrEqual(allowanceUnits(pool));
      }),
    );
  });

  it('reclassifying twice nets to zero: the second changes nothing, the reversed entries cancel exactly', () => {
    fc.assert(
      fc.property(arrivals, (steps) => {
        const { entries } = b2beeHistory(steps);
        steps.forEach((step, i) => {
          if (step.reclassify === 'none' || step.incident) return;
          const own = entries.filter((e) => e.ticketId === `T${i}`);
          expect(own.filter((e) => e.kind === 'reversal')).toHaveLength(own.length / 2);
          expect(own.reduce((s, e) => s + e.amount, 0)).toBe(0);
          expect(own.reduce((s, e) => s + e.quantity, 0)).toBe(0);
        });
      }),
    );
  });

  it('admission order does not change the counts per period', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 40 }),
        fc.func(fc.integer()),
        (days, shuffleKey) => {
          // The same arrivals (one a day at 09:00 UTC on the given days), handed to the desk in two orders of ticket ids.
          const times = days.map((d) => START + d * 24 * HOUR).sort((a, b) => a - b);
          const countsFor = (ids: string[]) => {
            const m = contractOn(b2bee, 'standard', '2026-01-01');
            let usages: PoolUsage[] = [];
            const counts = new Map<string, number>();
            times.forEach((t, i) => {
              const admitted = admitRequest(
                m,
                usages,
                { id: ids[i]!, kind: 'request', severity: 'Minor' },
                new Date(t),
              );
              usages = withUsage(usages, admitted.usage);
              for (const e of admitted.entries) {
                const key = `${e.kind}:${e.periodStart}`;
                counts.set(key, (counts.get(key) ?? 0) + 1);
              }
            });
            return Object.fromEntries([...counts].sort());
          };
          const ids = times.map((_, i) => `T${i}`);
          const shuffled = [...ids].sort((a, b) => shuffleKey(a) - shuffleKey(b) || a.localeCompare(b));
          expect(countsFor(shuffled)).toEqual(countsFor(ids));
        },
      ),
    );
  });
});

/** Time entries on SaaSTech Managed Workplace (3 included hours a month) with prepaid bundles. */
const work = fc.record({
  bundles: fc.array(
    fc.record({
      hours: fc.constantFrom(12, 40, 1),
      tier: fc.constantFrom('credit-12h', 'credit-40h'),
      purchasedDay: fc.integer({ min: 0, max: 40 }),
      expiresAfterDays: fc.option(fc.integer({ min: 1, max: 90 }), { nil: undefined }),
    }),
    { maxLength: 4 },
  ),
  entries: fc.array(
    fc.record({
      day: fc.integer({ min: 0, max: 100 }),
      minutes: fc.integer({ min: 1, max: 600 }),
      severity: fc.constantFrom('P1', 'P2', 'P3', 'P4'),
      loggedDaysLater: fc.constantFrom(0, 0, 0, 5, 40),
      incidentLater: fc.boolean(),
    }),
    { minLength: 1, maxLength: 40 },
  ),
});

const isoDay = (day: number) => new Date(START + day * 24 * HOUR).toISOString().slice(0, 10);

function saastechHistory(input: ArbitraryValue<typeof work>) {
  const m = contractOn(saastech, 'managed-workplace-monthly', '2026-01-01', 'per-use');
  let usages: PoolUsage[] = input.bundles.map((b, i) =>
    newBundleCounter(`B${i}`, {
      hours: b.hours,
      tier: b.tier,
      purchasedOn: isoDay(b.purchasedDay),
      ...(b.expiresAfterDays ? { expiresOn: isoDay(b.purchasedDay + b.expiresAfterDays) } : {}),
    }),
  );
  const entries: LedgerEntry[] = [];
  const sorted = [...input.entries].sort((a, b) => a.day - b.day);
  sorted.forEach((w, i) => {
    const at = new Date(START + w.day * 24 * HOUR);
    const recordedAt = new Date(at.getTime() + w.loggedDaysLater * 24 * HOUR);
    const ticket = { id: `T${i}`, kind: 'request' as const, severity: w.severity };
    const billed = billTime(m, usages, ticket, { id: `E${i}`, minutes: w.minutes, at });
    usages = withUsage(usages, billed.usage);
    entries.push(
      ...billed.entries.map((e) => bookInOpenMonth({ ...e, severity: w.severity }, recordedAt, 'UTC')),
    );
  });
  return { m, usages, entries };
}

describe('hours, bundles and the export', () => {
  it('bundle balances never go negative, and draw only what was bought', () => {
    fc.assert(
      fc.property(work, (input) => {
        const { usages, entries } = saastechHistory(input);
        for (const u of usages.filter(isBundleCounter)) {
          expect(bundleLeft(u)).toBeGreaterThanOrEqual(0);
          expect(u.used).toBeLessThanOrEqual(bundleMinutes(u.bundle));
          const drawn = entries
            .filter((e) => e.kind === 'bundle_consumed' && e.poolId === u.poolId)
            .reduce((s, e) => s + e.quantity, 0);
          expect(drawn).toBe(u.used);
        }
        // Bundle time is prepaid: nothing it draws is due.
        for (const e of entries) if (e.kind === 'bundle_consumed') expect(e.amount).toBe(0);
      }),
    );
  });

  it('the sum of the ledger equals the sum of the export lines per currency, over every month', () => {
    fc.assert(
      fc.property(work, (input) => {
        const { entries } = saastechHistory(input);
        const months = [...new Set(entries.map((e) => e.month))].sort();
        const exported = months.flatMap((month) =>
          invoiceLinesOf(
            month,
            entries.filter((e) => e.month === month),
          ),
        );
        expect(sums(exported)).toEqual(sums(entries));
        expect(totalsOf(exported)).toEqual(totalsByCurrency(entries));
      }),
    );
  });

  it('for every closed month the usage view’s totals equal the export’s, and late entries show what they adjust', () => {
    fc.assert(
      fc.property(work, (input) => {
        const { entries } = saastechHistory(input);
        const months = [...new Set(entries.flatMap((e) => [e.month, e.adjustsMonth ?? e.month]))].sort();
        for (const month of months) {
          // The export reads the month's index partition: the entries booked into it.
          const exportLines = invoiceLinesOf(
            month,
            entries.filter((e) => e.month === month),
          );
          // The usage view is handed every entry it could read (dated in the month, or booked into it).
          const view = monthStatement(
            month,
            entries.filter((e) => e.month === month || e.adjustsMonth === month),
          );
          expect(view.totals).toEqual(totalsOf(exportLines));
          const late = entries.filter((e) => e.month === month && e.adjustsMonth !== undefined);
          expect(view.adjustments.map((a) => a.adjustsMonth)).toEqual(
            [...new Set(late.map((e) => e.adjustsMonth!))].sort(),
          );
          expect(view.adjustments.reduce((n, a) => n + a.entryCount, 0)).toBe(late.length);
        }
      }),
    );
  });
});

describe('SuiteCRM: bundles extend the prepaid hours', () => {
  it('with the package used up, work draws from the bundles, then is recorded over the allowance; new requests then run without SLA', () => {
    const suitecrm = loadExample('suitecrm');
    const m = contractOn(suitecrm, 'dedicated-25h', '2026-01-01');
    let usages: PoolUsage[] = [newBundleCounter('extra', { hours: 1, purchasedOn: '2026-01-01' })];
    const at = new Date('2026-02-02T10:00:00Z');
    const ticket = { id: 'T', kind: 'request' as const, severity: 'S3' };
    const log = (id: string, minutes: number) => {
      const billed = billTime(m, usages, ticket, { id, minutes, at });
      usages = withUsage(usages, billed.usage);
      return billed;
    };
    expect(log('a', 1500).fromPool).toBe(1500);
    const fromBundle = log('b', 45);
    expect(fromBundle.fromBundles).toBe(45);
    expect(fromBundle.entries.map((e) => [e.kind, e.quantity, e.amount, e.poolId])).toEqual([
      ['bundle_consumed', 45, 0, 'bundle:extra'],
    ]);
    expect(admitRequest(m, usages, ticket, at).slaExempt).toBe(false);
    // 15 left in the bundle: a longer entry takes them, the overrun is recorded at no charge.
    const overrun = log('c', 30);
    expect(overrun.entries.map((e) => [e.kind, e.quantity, e.amount])).toEqual([
      ['bundle_consumed', 15, 0],
      ['time_billed', 15, 0],
    ]);
    expect(overrun.overAllowance).toBe(15);
    // Package and bundle used: work is still recorded, and a new request runs without SLA (003).
    expect(log('d', 15).overAllowance).toBe(15);
    const admitted = admitRequest(m, usages, ticket, at);
    expect(admitted.slaExempt).toBe(true);
    expect(admitted.notes).toEqual([{ kind: 'withoutSla', because: 'hoursUsed' }]);
  });
});
