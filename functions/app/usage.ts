// An account's usage for one month: its contract term, the balance of each entitlement pool for the
// period holding that month and of its prepaid bundles, and the month's ledger entries and totals per
// currency. Entries and totals are the account's part of that month's export, by construction: the
// same attribution rule and line sums (invoice.ts `monthStatement`); late entries show under the open
// month they were booked into, with the month they adjust. The live pool counter answers for its own
// period; a period it has moved past is summed from that period's ledger entries.
import {
  type Bundle,
  bundleIdOf,
  bundleLeft,
  bundleMinutes,
  bundleState,
  isBundleCounter,
} from '../domain/bundles.ts';
import type { Catalog } from '../domain/catalog.ts';
import { planById } from '../domain/catalog.ts';
import { type Contract, contractStanding } from '../domain/contract.ts';
import {
  allowanceUnits,
  type Metering,
  meteringFor,
  type PoolUsage,
  periodOf,
  usageOn,
} from '../domain/entitlements.ts';
import { NotFoundError, RejectedError, ValidationError } from '../domain/errors.ts';
import { monthStatement } from '../domain/invoice.ts';
import type { LedgerEntry } from '../domain/ledger.ts';
import { compareDates, localDateOf, monthOf, type Period, startOfLocalDate } from '../domain/period.ts';
import type { Pool } from '../domain/plan.ts';
import { getAccountState } from '../store/accounts.ts';
import { requireCatalog } from '../store/catalogs.ts';
import { ledgerBookedInMonth, ledgerOfAccount } from '../store/ledger.ts';
import { type AppContext, assertCanSee, type Principal } from './context.ts';

/** A prepaid bundle's balance on a local date. */
export function bundleBalance(
  counter: { poolId: string; used: number; bundle?: Bundle | undefined },
  date: string,
) {
  if (!isBundleCounter(counter)) throw new RangeError(`${counter.poolId} is not a bundle`);
  const { bundle } = counter;
  return {
    id: bundleIdOf(counter.poolId)!,
    poolId: counter.poolId,
    hours: bundle.hours,
    ...(bundle.tier !== undefined ? { tier: bundle.tier } : {}),
    purchasedOn: bundle.purchasedOn,
    expiresOn: bundle.expiresOn ?? null,
    unit: 'minute' as const,
    allowance: bundleMinutes(bundle),
    used: counter.used,
    remaining: bundleLeft(counter),
    state: bundleState(counter, date),
  };
}

/** The contract's term on local date `date`, as the usage view shows it (null: no contract). */
export function termView(catalog: Catalog, contract: Contract | undefined, date: string) {
  if (!contract) return null;
  const plan = planById(catalog, contract.planId);
  if (!plan) return null;
  const standing = contractStanding(plan, contract, date, catalog.billingTimeZone);
  const term = standing.state === 'notStarted' ? undefined : standing.term;
  return {
    planId: contract.planId,
    contractStart: contract.startDate,
    state: standing.state,
    start: term?.start ?? null,
    end: term?.end ?? null,
    renews: standing.state === 'active' ? (term ? term.renews : true) : false,
    cancelled: contract.cancelledAt !== undefined,
    cancelledAt: contract.cancelledAt ?? null,
    months: plan.term?.months ?? null,
  };
}

export interface PoolBalance {
  poolId: string;
  unit: 'request' | 'minute';
  period: Pool['period'];
  periodStart: string;
  periodEnd: string;
  allowance: number;
  /** Null for a closed period of a carry-over pool: the counter of that period is gone. */
  carriedIn: number | null;
  used: number;
  remaining: number | null;
  source: 'counter' | 'ledger';
}

/** "2026-12" → "2027-01". */
function nextMonth(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
}

function lastDayOf(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return `${month}-${String(new Date(Date.UTC(year, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

/** Ledger months of `period` up to `latest` (a contract year spans up to 13 of them). */
function monthsOf(period: Period, latest: string): string[] {
  const months: string[] = [];
  for (let m = period.start.slice(0, 7); `${m}-01` < period.end && m <= latest; m = nextMonth(m))
    months.push(m);
  return months;
}

/** Entries that drew units from `pool` in the period starting `periodStart` (or gave them back). */
function drawsOn(entry: LedgerEntry, pool: Pool, periodStart: string): boolean {
  if (entry.poolId !== pool.id || entry.periodStart !== periodStart) return false;
  if (entry.kind === 'request_consumed' || entry.kind === 'time_consumed') return true;
  return (
    entry.kind === 'reversal' &&
    (entry.reverses?.startsWith('request_consumed:') === true ||
      entry.reverses?.startsWith('time_consumed:') === true)
  );
}

function balance(
  pool: Pool,
  period: Period,
  carriedIn: number | null,
  used: number,
  source: PoolBalance['source'],
): PoolBalance {
  const allowance = allowanceUnits(pool);
  return {
    poolId: pool.id,
    unit: pool.unit === 'hour' ? 'minute' : 'request',
    period: pool.period,
    periodStart: period.start,
    periodEnd: period.end,
    allowance,
    carriedIn,
    used,
    remaining: carriedIn === null ? null : Math.max(0, allowance + carriedIn - used),
    source,
  };
}

export async function usageOf(ctx: AppContext, principal: Principal, accountId: string, month?: string) {
  assertCanSee(principal, accountId, `account ${accountId}`);
  const state = await getAccountState(ctx.store, accountId);
  if (!state) throw new NotFoundError(`account ${accountId}`);
  const { account } = state;
  const { catalog } = await requireCatalog(ctx.store, account.catalogId);
  const today = localDateOf(ctx.clock.now(), catalog.billingTimeZone);
  const current = today.slice(0, 7);
  const wanted = month ?? current;
  if (wanted > current) {
    throw ValidationError.field(
      'query.month',
      `is in the future; the current month in ${catalog.billingTimeZone} is ${current}`,
    );
  }
  // Before the account existed there is nothing to show, not a full allowance.
  const opened = monthOf(new Date(account.createdAt), catalog.billingTimeZone);
  if (wanted < opened) {
    throw ValidationError.field(
      'query.month',
      `is before account ${accountId} existed; its usage starts in ${opened}`,
    );
  }
  // The balance as of today for the current month, as of the month's last day for a past one.
  const asOf = wanted === current ? today : lastDayOf(wanted);
  const ledger = new Map<string, Promise<LedgerEntry[]>>();
  const entriesOf = (m: string) => {
    if (!ledger.has(m)) ledger.set(m, ledgerOfAccount(ctx.store, accountId, m));
    return ledger.get(m)!;
  };
  const statement = monthStatement(wanted, await ledgerBookedInMonth(ctx.store, accountId, wanted));

  // The plan that metered the account on that day: the contract's while in force, else the no-contract rule.
  let metering: Metering | undefined;
  try {
    metering = meteringFor(
      catalog,
      accountId,
      account.contract,
      startOfLocalDate(asOf, catalog.billingTimeZone),
    );
  } catch (error) {
    if (!(error instanceof RejectedError)) throw error;
  }
  const planId = metering?.withoutContract ? null : (metering?.plan.id ?? null);
  const pools: PoolBalance[] = [];
  if (metering && planById(catalog, metering.plan.id)) {
    for (const pool of metering.plan.pools) {
      const period = periodOf(metering, pool, asOf);
      const counter: PoolUsage | undefined = state.pools.find((p) => p.poolId === pool.id);
      if (!counter || compareDates(counter.periodStart, period.start) <= 0) {
        // The counter's own period, or an older one rolled forward with what carries over.
        const usage = usageOn(metering, pool, counter, asOf);
        pools.push(balance(pool, period, usage.carriedIn, usage.used, 'counter'));
        continue;
      }
      const months = await Promise.all(monthsOf(period, current).map(entriesOf));
      const used = months
        .flat()
        .reduce((sum, e) => (drawsOn(e, pool, period.start) ? sum + e.quantity : sum), 0);
      pools.push(balance(pool, period, pool.carryOver === 'none' ? 0 : null, used, 'ledger'));
    }
  }
  return {
    accountId,
    month: wanted,
    catalogId: catalog.id,
    planId,
    billingTimeZone: catalog.billingTimeZone,
    term: termView(catalog, account.contract, asOf),
    ...(metering?.withoutContract ? { withoutContract: metering.withoutContract } : {}),
    pools,
    bundles: state.pools.filter(isBundleCounter).map((counter) => bundleBalance(counter, asOf)),
    entries: statement.entries.map(({ accountId: _a, ...entry }) => entry),
    totals: statement.totals,
    adjustments: statement.adjustments,
  };
}
