// What the close adds to an account's lines beyond its entries: the plan it is on and what is left
// of each pool in the period holding the month's last day. Read from the account's partition (pool
// counters) and its catalog when the month closes. A pool whose counter already moved past that
// period (usage in the settle hour of a monthly pool) shows no remaining figure rather than a wrong one.
import { bundleLeft, isBundleCounter } from '../domain/bundles.ts';
import type { Catalog } from '../domain/catalog.ts';
import { meteringFor, periodOf, remainingUnits, usageOn } from '../domain/entitlements.ts';
import type { AccountFacts } from '../domain/invoice.ts';
import { addMonths } from '../domain/month-close.ts';
import { addDays, compareDates, startOfLocalDate } from '../domain/period.ts';
import { getAccountState } from '../store/accounts.ts';
import { getCatalog } from '../store/catalogs.ts';
import type { StoreContext } from '../store/context.ts';

/** Facts of an account from its stored state, or none when the account or its catalog is gone. */
export function factsOf(
  catalog: Catalog,
  state: NonNullable<Awaited<ReturnType<typeof getAccountState>>>,
  month: string,
): AccountFacts {
  const lastDay = addDays(`${addMonths(month, 1)}-01`, -1);
  const pools: AccountFacts['pools'] = {};
  // Prepaid bundles are pools too: their lines show what is left of them.
  for (const counter of state.pools.filter(isBundleCounter)) {
    pools[counter.poolId] = { unit: 'minute', remaining: bundleLeft(counter) };
  }
  let metering: ReturnType<typeof meteringFor>;
  try {
    metering = meteringFor(
      catalog,
      state.account.id,
      state.account.contract,
      startOfLocalDate(lastDay, catalog.billingTimeZone),
    );
  } catch {
    return { pools };
  }
  for (const pool of metering.plan.pools) {
    const unit = pool.unit === 'hour' ? 'minute' : 'request';
    const stored = state.pools.find((p) => p.poolId === pool.id);
    const period = periodOf(metering, pool, lastDay);
    if (stored && compareDates(stored.periodStart, period.start) > 0) {
      pools[pool.id] = { unit };
      continue;
    }
    const usage = usageOn(metering, pool, stored, lastDay);
    pools[pool.id] = { unit, remaining: remainingUnits(pool, usage) };
  }
  return { ...(metering.withoutContract ? {} : { planId: metering.plan.id }), pools };
}

/** The store-backed facts lookup the close uses. */
export function storedAccountFacts(store: StoreContext) {
  return async (accountId: string, month: string): Promise<AccountFacts> => {
    const state = await getAccountState(store, accountId);
    if (!state) return { pools: {} };
    const stored = await getCatalog(store, state.account.catalogId);
    return stored ? factsOf(stored.catalog, state, month) : { pools: {} };
  };
}
