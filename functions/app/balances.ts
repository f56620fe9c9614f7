// Mail to an account's contacts when a prepaid balance (the plan's hour pool, or a bundle) falls
// below the plan's `timeBilling.lowBalanceAt` or runs out, written as outbox items in the same
// transaction as the time entry that crossed the line, so it goes out once per crossing.
import { bundleIdOf, bundleLeft, isBundleCounter } from '../domain/bundles.ts';
import { durationToMinutes } from '../domain/duration.ts';
import { allowanceUnits, type Metering, type PoolUsage } from '../domain/entitlements.ts';
import { hourPoolOf } from '../domain/plan.ts';
import { balanceNotice } from '../mail/templates.ts';
import type { AccountState } from '../store/accounts.ts';
import type { WriteOp } from '../store/transact.ts';
import type { AppContext } from './context.ts';
import { outboxOpFor } from './ticket-mail.ts';

interface Crossing {
  what: string;
  kind: 'low' | 'empty';
  left: number;
  afterwards: string;
}

/** The balances `updates` took below the threshold or to zero, compared with what `stored` held. */
export function balanceCrossings(
  m: Metering,
  stored: readonly PoolUsage[],
  updates: readonly PoolUsage[],
): Crossing[] {
  const tb = m.plan.timeBilling;
  const threshold = tb?.lowBalanceAt === undefined ? undefined : durationToMinutes(tb.lowBalanceAt);
  const pool = hourPoolOf(m.plan);
  const crossings: Crossing[] = [];
  for (const after of updates) {
    const before = stored.find((s) => s.poolId === after.poolId);
    let was: number;
    let now: number;
    let what: string;
    let afterwards: string;
    if (isBundleCounter(after)) {
      was = before
        ? bundleLeft({ used: before.used, bundle: after.bundle })
        : bundleLeft({ ...after, used: 0 });
      now = bundleLeft(after);
      what = `the ${after.bundle.hours}-hour bundle ${bundleIdOf(after.poolId)} bought on ${after.bundle.purchasedOn}`;
      afterwards =
        'Further time is drawn from your other prepaid hours, if any, then billed at your plan’s rate.';
    } else if (pool && after.poolId === pool.id) {
      const total = allowanceUnits(pool) + after.carriedIn;
      const usedBefore = before && before.periodStart === after.periodStart ? before.used : 0;
      was = Math.max(0, total - usedBefore);
      now = Math.max(0, total - after.used);
      what = `the support hours of the period from ${after.periodStart}`;
      afterwards =
        pool.overage.action === 'reject'
          ? `Once they are used, ${pool.overage.reason}`
          : pool.overage.action === 'acceptWithoutSla'
            ? 'Once they are used, new requests are handled without response-time commitments.'
            : 'Once they are used, further time is drawn from prepaid bundles, if any, then billed at your plan’s rate.';
    } else continue;
    if (was > 0 && now === 0) crossings.push({ what, kind: 'empty', left: 0, afterwards });
    else if (threshold !== undefined && was >= threshold && now < threshold && now > 0)
      crossings.push({ what, kind: 'low', left: now, afterwards });
  }
  return crossings;
}

/** Outbox writes of the balance notices `updates` cause, to the account's registered contacts. */
export function balanceMailOps(
  ctx: AppContext,
  state: AccountState,
  m: Metering,
  updates: readonly PoolUsage[],
): WriteOp[] {
  const to = state.contacts.map((c) => c.email).sort();
  if (to.length === 0) return [];
  return balanceCrossings(m, state.pools, updates).map((crossing) =>
    outboxOpFor(
      ctx,
      balanceNotice(
        to,
        {
          accountName: state.account.name,
          what: crossing.what,
          kind: crossing.kind,
          minutesLeft: crossing.left,
          afterwards: crossing.afterwards,
        },
        ctx.newId(),
        ctx.settings.mail,
      ),
      ctx.newId(),
    ),
  );
}
