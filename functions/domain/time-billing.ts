// Billing of logged time: each time entry is rounded up to the plan's increment (001: 15 minutes),
// a conversation deducts at least its minimum (002: 15 minutes), exempt kinds are free (002:
// incidents), minutes come from the hour pool first (001: 3 included hours; 002, 003: annual
// hours) and the rest is billed at the contract's tier rate for the severity, or recorded as over
// the allowance at no charge, as the pool says. Work is never refused: an agent can always record
// what was done on a ticket already open (003's pool refuses new requests, not the record of work). Money is integer minor units: minutes x hourly rate / 60,
// rounded half up (exact for every seed rate at 15-minute steps: $150/h is $37.50 per 15 min).
import { bundleIdOf, bundleLeft, drawableBundles } from './bundles.ts';
import { durationToMinutes } from './duration.ts';
import { type Metering, type PoolUsage, remainingUnits, type TicketRef, usageOn } from './entitlements.ts';
import { type LedgerEntry, ledgerEntry, ledgerEntryId } from './ledger.ts';
import { prorate } from './money.ts';
import { localDateOf } from './period.ts';
import { hourPoolOf, rateTierFor } from './plan.ts';

export interface TimeEntry {
  /** Id of the time entry; ledger ids derive from it, so a retried entry is written once. */
  id: string;
  /** Minutes of work logged, a whole number above zero. */
  minutes: number;
  at: Date;
  /** The conversation (chat, call) the work belongs to; the minimum applies per conversation. */
  conversationId?: string;
  /** Minutes of work (each entry rounded up to the increment) logged in that conversation by earlier
   * entries; 0 opens it. */
  priorConversationMinutes?: number;
}

export interface BilledTime {
  decision: 'exempt' | 'notBilled' | 'billed';
  /** Minutes counted after rounding and the conversation minimum. */
  minutes: number;
  /** Work logged in the entry's conversation including this entry (the next entry's
   * `priorConversationMinutes`); absent when the plan does not count the time. */
  conversationMinutes?: number;
  /** Of those, minutes drawn from the hour pool. */
  fromPool: number;
  /** Of those, minutes drawn from prepaid bundles. */
  fromBundles?: number;
  /** Of those, minutes past the hour pool's allowance (billed or not as the pool's overage says). */
  overAllowance: number;
  entries: LedgerEntry[];
  usage: PoolUsage[];
  reason: string;
}

/** `minutes` rounded up to a whole number of increments. */
const roundedUp = (minutes: number, increment: number): number => Math.ceil(minutes / increment) * increment;

/**
 * Minutes counted for an entry, rounded up to the increment. A conversation costs the larger of its
 * work and its minimum (002: "a minimum of 15 minutes", deducted "in the most favorable way"): the
 * entry that opens it counts at least the minimum, and later entries count only the work that takes
 * the conversation past what was already counted. 5 then 7 minutes count 15 then 0; a further 10
 * count 7 (22 worked, 22 counted).
 */
export function countedMinutes(
  minutes: number,
  increment: number,
  minimumPerConversation = 0,
  priorConversationMinutes = 0,
): number {
  const rounded = roundedUp(minutes, increment);
  const alreadyCounted =
    priorConversationMinutes > 0 ? Math.max(priorConversationMinutes, minimumPerConversation) : 0;
  return Math.max(priorConversationMinutes + rounded, minimumPerConversation) - alreadyCounted;
}

export function billTime(
  m: Metering,
  usages: readonly PoolUsage[],
  ticket: TicketRef,
  entry: TimeEntry,
): BilledTime {
  if (!Number.isInteger(entry.minutes) || entry.minutes <= 0) {
    throw new RangeError(`a time entry needs whole minutes above zero, got ${entry.minutes}`);
  }
  const tb = m.plan.timeBilling;
  if (!tb) {
    return {
      decision: 'notBilled',
      minutes: 0,
      fromPool: 0,
      overAllowance: 0,
      entries: [],
      usage: [],
      reason: 'the plan does not bill time',
    };
  }
  if (tb.exemptKinds.includes(ticket.kind)) {
    return {
      decision: 'exempt',
      minutes: 0,
      fromPool: 0,
      overAllowance: 0,
      entries: [],
      usage: [],
      reason: `time on ${ticket.kind}s is not counted`,
    };
  }
  const minimum = tb.minimumPerConversation === undefined ? 0 : durationToMinutes(tb.minimumPerConversation);
  const increment = durationToMinutes(tb.increment);
  const prior = entry.priorConversationMinutes ?? 0;
  const minutes = countedMinutes(entry.minutes, increment, minimum, prior);
  const conversationMinutes = prior + roundedUp(entry.minutes, increment);
  if (minutes === 0) {
    // Work inside a conversation's minimum that was already deducted: nothing more to count.
    return {
      decision: 'billed',
      minutes: 0,
      conversationMinutes,
      fromPool: 0,
      overAllowance: 0,
      entries: [],
      usage: [],
      reason: `${entry.minutes} min logged, within the ${minimum} min already counted for the conversation`,
    };
  }
  const entries: LedgerEntry[] = [];
  const usage: PoolUsage[] = [];
  const base = { accountId: m.accountId, at: entry.at, ticketId: ticket.id, currency: m.currency };

  const pool = hourPoolOf(m.plan);
  const workDate = localDateOf(entry.at, m.billingTimeZone);
  const bundles = drawableBundles(usages, workDate);
  let rest = minutes;
  let fromPool = 0;
  let pastAllowance = false;
  if (pool && !pool.exemptKinds.includes(ticket.kind)) {
    const stored = usages.find((u) => u.poolId === pool.id);
    const counter = usageOn(m, pool, stored, workDate);
    const left = remainingUnits(pool, counter);
    fromPool = Math.min(minutes, left);
    rest = minutes - fromPool;
    if (fromPool > 0) {
      usage.push({ ...counter, used: counter.used + fromPool });
      entries.push(
        ledgerEntry(
          {
            ...base,
            id: ledgerEntryId('time_consumed', ticket.id, entry.id),
            poolId: pool.id,
            periodStart: counter.periodStart,
            kind: 'time_consumed',
            quantity: fromPool,
            unit: 'minute',
            amount: 0,
            reason: `${fromPool} min from ${pool.id} (${remainingUnits(pool, counter) - fromPool} min left in the period from ${counter.periodStart})`,
          },
          m.billingTimeZone,
        ),
      );
    }
  }
  // Prepaid bundles next, earliest expiry first; they were paid when bought, so they cost nothing here.
  let fromBundles = 0;
  for (const bundle of bundles) {
    if (rest === 0) break;
    const take = Math.min(rest, bundleLeft(bundle));
    const tier = bundle.bundle.tier === undefined ? undefined : rateTierFor(m.plan, bundle.bundle.tier);
    const worth =
      tier && Object.hasOwn(tier.perHour, ticket.severity) ? tier.perHour[ticket.severity] : undefined;
    const { version: _version, ...counter } = bundle as typeof bundle & { version?: number };
    usage.push({ ...counter, used: counter.used + take });
    entries.push(
      ledgerEntry(
        {
          ...base,
          id: ledgerEntryId('bundle_consumed', ticket.id, entry.id, bundleIdOf(bundle.poolId)!),
          poolId: bundle.poolId,
          periodStart: bundle.periodStart,
          kind: 'bundle_consumed',
          quantity: take,
          unit: 'minute',
          ...(worth ? { hourlyRate: worth.amount } : {}),
          amount: 0,
          reason: `${take} min from prepaid bundle ${bundleIdOf(bundle.poolId)}${tier ? ` (${tier.id})` : ''}, ${bundleLeft(bundle) - take} min left`,
        },
        m.billingTimeZone,
      ),
    );
    rest -= take;
    fromBundles += take;
  }
  pastAllowance = pool !== undefined && rest > 0 && !pool.exemptKinds.includes(ticket.kind);
  if (rest > 0) {
    const { rate, why } = rateFor(m, ticket, pastAllowance);
    entries.push(
      ledgerEntry(
        {
          ...base,
          id: ledgerEntryId('time_billed', ticket.id, entry.id),
          poolId: pastAllowance ? pool?.id : undefined,
          kind: 'time_billed',
          quantity: rest,
          unit: 'minute',
          hourlyRate: rate,
          amount: prorate(rate, rest, 60),
          reason: `${rest} min (${entry.minutes} logged) ${why}`,
        },
        m.billingTimeZone,
      ),
    );
  }
  return {
    decision: 'billed',
    minutes,
    conversationMinutes,
    fromPool,
    ...(fromBundles > 0 ? { fromBundles } : {}),
    overAllowance: pastAllowance ? rest : 0,
    entries,
    usage,
    reason: `${entry.minutes} min logged, ${minutes} counted, ${fromPool} from the pool${fromBundles > 0 ? `, ${fromBundles} from bundles` : ''}${pastAllowance ? `, ${rest} over the allowance` : ''}`,
  };
}

/** Hourly rate in minor units for minutes beyond the pool (or with no pool), and why. */
function rateFor(m: Metering, ticket: TicketRef, pastAllowance: boolean): { rate: number; why: string } {
  const pool = hourPoolOf(m.plan);
  const tierRate = (): { rate: number; why: string } => {
    const tier = rateTierFor(m.plan, m.contract?.tier);
    const price =
      tier && Object.hasOwn(tier.perHour, ticket.severity) ? tier.perHour[ticket.severity] : undefined;
    if (!tier || !price) {
      throw new RangeError(
        `plan ${m.plan.id} has no hourly rate for severity ${ticket.severity} on tier ${m.contract?.tier ?? '(default)'}`,
      );
    }
    return { rate: price.amount, why: `at the ${tier.id} rate for ${ticket.severity}` };
  };
  if (!pastAllowance || !pool) return tierRate();
  switch (pool.overage.action) {
    case 'bill':
      return { rate: pool.overage.price.amount, why: `over the ${pool.id} allowance, at the overage rate` };
    case 'billAtRates': {
      const { rate, why } = tierRate();
      return { rate, why: `over the ${pool.id} allowance, ${why}` };
    }
    default:
      return { rate: 0, why: `over the ${pool.id} allowance, recorded and not charged` };
  }
}
