// Entitlement metering: whether a new request draws on the plan's pool, waits for tomorrow (daily
// cap), goes past the allowance (bill, accept without SLA, or refuse), and what it costs. Pure:
// the caller passes the pool counters it read and writes back the counters and ledger entries
// returned, in one transaction with put-if-absent on the entry ids.
import { type Bundle, bundleLeft, drawableBundles } from './bundles.ts';
import { type Catalog, planById } from './catalog.ts';
import { type Contract, type ContractStanding, contractStanding } from './contract.ts';
import { RejectedError } from './errors.ts';
import { type LedgerEntry, ledgerEntry, ledgerEntryId, liveEntries, reversalOf } from './ledger.ts';
import type { Money } from './money.ts';
import {
  addDays,
  compareDates,
  localDateOf,
  nextPeriod,
  type Period,
  periodContaining,
  startOfLocalDate,
} from './period.ts';
import {
  hourPoolOf,
  type Plan,
  type Pool,
  type RequestPool,
  requestPoolOf,
  type TicketKind,
} from './plan.ts';

/** What metering needs to know about an account: its plan, contract (none: pay per use) and catalog zone. */
export interface Metering {
  accountId: string;
  plan: Plan;
  /** The contract in force (absent: none, or it ended or has not started). */
  contract?: Contract;
  /** Where the account's contract stands on the metered date (absent: no contract). */
  standing?: ContractStanding;
  /**
   * No contract in force and the catalog says so: new tickets are refused with `refuse`, or accepted
   * without SLA (`withoutSla`); either way nothing is drawn or charged.
   */
  withoutContract?: { action: 'reject'; reason: string } | { action: 'acceptWithoutSla'; reason: string };
  billingTimeZone: string;
  currency: string;
}

export interface TicketRef {
  id: string;
  kind: TicketKind;
  severity: string;
}

/**
 * The counter of one pool for one period, as the store keeps it. `used` counts units drawn within
 * the allowance (requests, or minutes for hour pools); requests past it are in the ledger only.
 * `usedOnDay` is the latest local day holding consumptions and their number (daily caps): requests
 * are only ever deferred forward, so one day is all the state a cap needs.
 */
export interface PoolUsage {
  poolId: string;
  periodStart: string;
  used: number;
  carriedIn: number;
  usedOnDay?: { date: string; count: number };
  /** Set on a prepaid bundle's balance (bundles.ts): its allowance is the bundle's, not a plan pool's. */
  bundle?: Bundle;
}

export type Decision =
  /** A unit drawn from the pool now. */
  | 'consume'
  /** A unit drawn on a later day (daily cap): the ticket's clocks start at `startAt`. */
  | 'defer'
  /** Past the allowance: billed, or accepted without SLA (`slaExempt`). */
  | 'overage'
  /** The ticket's kind never draws on the pool. */
  | 'exempt'
  /** The pool counts the request when it is resolved (`resolveRequest`). */
  | 'onResolution'
  /** Nothing to count: the plan has no request pool (fees and time are metered elsewhere). */
  | 'accept';

/**
 * What a new ticket uses, told to the customer: structured and free of internal wording (pool ids,
 * counters, reasons), so the mail policy can say it in plain language, or in the catalog's words.
 */
export type CustomerNote =
  /** `used` of `allowance` requests of the period (a month, or a contract year) so far, this one included. */
  | { kind: 'consumed'; used: number; allowance: number; period: Pool['period'] }
  /** Counted on a later day (at most `cap` a day): handled from `until`. */
  | { kind: 'deferred'; until: string; cap: number; used: number; allowance: number; period: Pool['period'] }
  /** Past the period's allowance: billed at `price`. */
  | { kind: 'overage'; price: Money }
  /** Past the allowance, handled without the plan's response times. */
  | { kind: 'withoutSla'; because: 'requestsUsed' | 'hoursUsed' }
  /** No contract in force: accepted without the response times, for the catalog's `reason`. */
  | { kind: 'noContract'; reason: string }
  /** Counted when it is resolved. */
  | { kind: 'countedOnResolution'; period: Pool['period'] }
  /** A fee per ticket, charged when accepted or when processed. */
  | { kind: 'fee'; price: Money; on: 'acceptance' | 'resolution' }
  /** Time spent on it is drawn from support hours: `remainingMinutes` left in the period. */
  | { kind: 'hours'; remainingMinutes: number; period: Pool['period'] }
  /** It draws on nothing (an incident assessed as such, or a plan that counts nothing). */
  | { kind: 'notCounted' };

export interface Metered {
  decision: Decision;
  /** True when the ticket is accepted past the allowance on a best-effort basis. */
  slaExempt: boolean;
  /** Deferred tickets: the start of the local day their credit is used. */
  startAt?: Date;
  entries: LedgerEntry[];
  /** Pool counters to write back (only those that changed). */
  usage: PoolUsage[];
  /** One line for agents and the ledger: why this decision. Never shown to customers. */
  reason: string;
  /** The same for the customer (see CustomerNote). */
  notes: CustomerNote[];
}

/**
 * The plan that meters an account on the date of `at`: its contract's plan while the contract is in
 * force (contract.ts), else the catalog's no-contract rule: the pay-per-use plan (000), or new tickets
 * refused or accepted without SLA as `withoutContract` says. A contract that ended meters nothing more
 * from its package: its pools belong to its terms.
 */
export function meteringFor(
  catalog: Catalog,
  accountId: string,
  contract: Contract | undefined,
  at: Date,
): Metering {
  const base = { accountId, billingTimeZone: catalog.billingTimeZone, currency: catalog.currency };
  let standing: ContractStanding | undefined;
  let contractPlan: Plan | undefined;
  if (contract) {
    contractPlan = planById(catalog, contract.planId);
    if (!contractPlan) throw new RangeError(`catalog ${catalog.id} has no plan "${contract.planId}"`);
    standing = contractStanding(
      contractPlan,
      contract,
      localDateOf(at, catalog.billingTimeZone),
      catalog.billingTimeZone,
    );
    if (standing.state === 'active') return { ...base, plan: contractPlan, contract, standing };
  }
  const why =
    standing?.state === 'ended'
      ? `the contract ended on ${standing.endDate}`
      : standing?.state === 'notStarted'
        ? `the contract starts on ${standing.startDate}`
        : 'this account has no contract';
  if (catalog.payPerUse) {
    const plan = planById(catalog, catalog.payPerUse.plan);
    if (!plan) throw new RangeError(`catalog ${catalog.id} has no plan "${catalog.payPerUse.plan}"`);
    return { ...base, plan, ...(standing ? { standing } : {}) };
  }
  const rule = catalog.withoutContract;
  if (rule?.action === 'acceptWithoutSla') {
    const plan = planById(catalog, rule.plan);
    if (!plan) throw new RangeError(`catalog ${catalog.id} has no plan "${rule.plan}"`);
    return {
      ...base,
      plan: unmetered(plan),
      ...(standing ? { standing } : {}),
      withoutContract: {
        action: 'acceptWithoutSla',
        reason: `${why}: accepted without SLA and without charge`,
      },
    };
  }
  const reason = rule?.reason ?? `${catalog.vendor} provides support under a contract`;
  // Never had one: nothing to meter at all. Had one: its tickets still take work, unmetered.
  if (!contractPlan) throw new RejectedError(`${reason} (${why})`);
  return {
    ...base,
    plan: unmetered(contractPlan),
    ...(standing ? { standing } : {}),
    withoutContract: { action: 'reject', reason: `${reason} (${why})` },
  };
}

/** A plan's severities and SLA without anything that draws or charges. */
function unmetered(plan: Plan): Plan {
  const { timeBilling: _t, ticketFee: _f, ...rest } = plan;
  return { ...rest, pools: [] };
}

/** Units of allowance per period: requests, or minutes for hour pools. */
export function allowanceUnits(pool: Pool): number {
  return pool.unit === 'hour' ? pool.allowance * 60 : pool.allowance;
}

/** Units left in the counter's period (never negative). */
export function remainingUnits(pool: Pool, usage: PoolUsage): number {
  return Math.max(0, allowanceUnits(pool) + usage.carriedIn - usage.used);
}

export function periodOf(m: Metering, pool: Pool, date: string): Period {
  return periodContaining(pool.period, date, m.contract?.startDate);
}

/**
 * The counter of `pool` for the period holding local `date`: the stored one if it is that period,
 * else a fresh one with what the plan carries over from the periods in between. A counter already
 * ahead of `date` (a deferral moved it on) stays as it is: late usage lands in the open period.
 */
export function usageOn(m: Metering, pool: Pool, stored: PoolUsage | undefined, date: string): PoolUsage {
  const target = periodOf(m, pool, date);
  if (!stored) return { poolId: pool.id, periodStart: target.start, used: 0, carriedIn: 0 };
  if (compareDates(stored.periodStart, target.start) >= 0) return stored;
  let period = periodOf(m, pool, stored.periodStart);
  let carried = carryOver(pool, remainingUnits(pool, stored));
  // Walk period by period: a skipped period had nothing used, so it passes on its whole allowance.
  for (period = nextPeriod(pool.period, period, m.contract?.startDate); period.start < target.start; ) {
    carried = carryOver(pool, allowanceUnits(pool) + carried);
    period = nextPeriod(pool.period, period, m.contract?.startDate);
  }
  return {
    poolId: pool.id,
    periodStart: target.start,
    used: 0,
    carriedIn: carried,
    usedOnDay: stored.usedOnDay,
  };
}

function carryOver(pool: Pool, remaining: number): number {
  if (pool.carryOver === 'none') return 0;
  const max =
    pool.carryOver.max === undefined ? remaining : pool.carryOver.max * (pool.unit === 'hour' ? 60 : 1);
  return Math.min(max, remaining);
}

/** `usages` with the counters of `updates` written over them, as the store saves `Metered.usage`. */
export function withUsage(usages: readonly PoolUsage[], updates: readonly PoolUsage[]): PoolUsage[] {
  const byPool = new Map(usages.map((u) => [u.poolId, u]));
  for (const u of updates) byPool.set(u.poolId, u);
  return [...byPool.values()];
}

function counterOf(usages: readonly PoolUsage[], pool: Pool): PoolUsage | undefined {
  return usages.find((u) => u.poolId === pool.id);
}

function changed(before: PoolUsage | undefined, after: PoolUsage): PoolUsage[] {
  return before !== undefined && JSON.stringify(before) === JSON.stringify(after) ? [] : [after];
}

/**
 * Meters a new ticket when it is accepted. Throws RejectedError when the plan refuses it (003: no
 * support once the prepaid hours are used).
 */
export function admitRequest(
  m: Metering,
  usages: readonly PoolUsage[],
  ticket: TicketRef,
  now: Date,
): Metered {
  if (m.withoutContract?.action === 'reject') throw new RejectedError(m.withoutContract.reason);
  if (m.withoutContract?.action === 'acceptWithoutSla') {
    const reason = m.withoutContract.reason;
    return {
      decision: 'overage',
      slaExempt: true,
      entries: [],
      usage: [],
      reason,
      notes: [{ kind: 'noContract', reason }],
    };
  }
  const today = localDateOf(now, m.billingTimeZone);
  const fees = ticketFee(m, ticket, now, 'acceptance');
  const hours = hourPoolCheck(m, usages, ticket, today);
  const pool = requestPoolOf(m.plan);
  let metered: Metered;
  if (!pool) {
    metered = {
      decision: 'accept',
      slaExempt: false,
      entries: [],
      usage: [],
      reason: 'the plan counts no requests',
      notes: [],
    };
  } else if (pool.exemptKinds.includes(ticket.kind)) {
    metered = {
      decision: 'exempt',
      slaExempt: false,
      entries: [],
      usage: [],
      reason: `${ticket.kind}s do not draw on ${pool.id}`,
      notes: [{ kind: 'notCounted' }],
    };
  } else if (pool.consumeOn === 'resolution') {
    metered = {
      decision: 'onResolution',
      slaExempt: false,
      entries: [],
      usage: [],
      reason: `${pool.id} counts the request when it is resolved`,
      notes: [{ kind: 'countedOnResolution', period: pool.period }],
    };
  } else {
    metered = consumeRequest(m, pool, counterOf(usages, pool), ticket, now, today, true);
  }
  const fee = m.plan.ticketFee;
  const feeNotes: CustomerNote[] =
    fee && !fee.exemptKinds.includes(ticket.kind)
      ? [{ kind: 'fee', price: fee.price, on: fee.chargeOn }]
      : [];
  const hourNotes: CustomerNote[] =
    hours.state === 'left'
      ? [{ kind: 'hours', remainingMinutes: hours.remaining, period: hours.period }]
      : [];
  if (hours.state === 'withoutSla') {
    metered = {
      ...metered,
      decision: metered.decision === 'accept' ? 'overage' : metered.decision,
      slaExempt: true,
      reason: `${metered.reason}; support hours are used up, so it is accepted without SLA`,
      notes: [
        ...metered.notes.filter((n) => n.kind !== 'notCounted'),
        { kind: 'withoutSla', because: 'hoursUsed' },
      ],
    };
  }
  const notes = [...feeNotes, ...metered.notes, ...hourNotes];
  return {
    ...metered,
    entries: [...fees, ...metered.entries],
    notes: notes.length > 0 ? notes : [{ kind: 'notCounted' }],
  };
}

/** Meters a resolved ticket: pools that consume on resolution, and fees charged per processed ticket. */
export function resolveRequest(
  m: Metering,
  usages: readonly PoolUsage[],
  ticket: TicketRef,
  now: Date,
): Metered {
  const today = localDateOf(now, m.billingTimeZone);
  const fees = ticketFee(m, ticket, now, 'resolution');
  const pool = requestPoolOf(m.plan);
  let metered: Metered = {
    decision: 'accept',
    slaExempt: false,
    entries: [],
    usage: [],
    reason: 'nothing counted at resolution',
    notes: [],
  };
  if (pool?.consumeOn === 'resolution') {
    metered = pool.exemptKinds.includes(ticket.kind)
      ? {
          decision: 'exempt',
          slaExempt: false,
          entries: [],
          usage: [],
          reason: `${ticket.kind}s do not draw on ${pool.id}`,
          notes: [{ kind: 'notCounted' }],
        }
      : consumeRequest(m, pool, counterOf(usages, pool), ticket, now, today, false);
  }
  return { ...metered, entries: [...fees, ...metered.entries] };
}

function ticketFee(
  m: Metering,
  ticket: TicketRef,
  now: Date,
  when: 'acceptance' | 'resolution',
): LedgerEntry[] {
  const fee = m.plan.ticketFee;
  if (!fee || fee.chargeOn !== when || fee.exemptKinds.includes(ticket.kind)) return [];
  return [
    ledgerEntry(
      {
        id: ledgerEntryId('ticket_fee', ticket.id),
        accountId: m.accountId,
        at: now,
        ticketId: ticket.id,
        kind: 'ticket_fee',
        quantity: 1,
        unit: 'ticket',
        unitPrice: fee.price.amount,
        amount: fee.price.amount,
        currency: fee.price.currency,
        reason: `fee per ticket ${when === 'resolution' ? 'processed' : 'accepted'} (${m.plan.name})`,
      },
      m.billingTimeZone,
    ),
  ];
}

type HourCheck =
  | { state: 'none' }
  | { state: 'left'; remaining: number; period: Pool['period'] }
  | { state: 'withoutSla' };

/**
 * Whether a new ticket may be opened against the hour pool, and what is left of it: refused or
 * accepted without SLA when used up, as the pool's overage says.
 */
function hourPoolCheck(
  m: Metering,
  usages: readonly PoolUsage[],
  ticket: TicketRef,
  today: string,
): HourCheck {
  const pool = hourPoolOf(m.plan);
  if (
    !pool ||
    pool.exemptKinds.includes(ticket.kind) ||
    m.plan.timeBilling?.exemptKinds.includes(ticket.kind)
  ) {
    return { state: 'none' };
  }
  const usage = usageOn(m, pool, counterOf(usages, pool), today);
  const remaining = remainingUnits(pool, usage);
  if (remaining > 0) return { state: 'left', remaining, period: pool.period };
  // Prepaid bundles extend the hours (003: more hours reserved).
  const bundled = drawableBundles(usages, today).reduce((sum, b) => sum + bundleLeft(b), 0);
  if (bundled > 0) return { state: 'left', remaining: bundled, period: pool.period };
  if (pool.overage.action === 'reject') throw new RejectedError(pool.overage.reason);
  return pool.overage.action === 'acceptWithoutSla'
    ? { state: 'withoutSla' }
    : { state: 'left', remaining: 0, period: pool.period };
}

function consumeRequest(
  m: Metering,
  pool: RequestPool,
  stored: PoolUsage | undefined,
  ticket: TicketRef,
  now: Date,
  today: string,
  mayDefer: boolean,
): Metered {
  // The day the credit is used: today, or the latest day already holding deferred credits, or
  // the day after it when that day is full.
  let day = today;
  let countOnDay = 0;
  if (pool.dailyCap !== undefined && mayDefer) {
    if (stored?.usedOnDay && compareDates(stored.usedOnDay.date, today) >= 0) {
      day = stored.usedOnDay.date;
      countOnDay = stored.usedOnDay.count;
    }
    if (countOnDay >= pool.dailyCap) {
      day = addDays(day, 1);
      countOnDay = 0;
    }
  }
  const usage = usageOn(m, pool, stored, day);
  if (remainingUnits(pool, usage) > 0) {
    const deferred = day !== today;
    const at = deferred ? startOfLocalDate(day, m.billingTimeZone) : now;
    const next: PoolUsage = {
      ...usage,
      used: usage.used + 1,
      ...(pool.dailyCap !== undefined ? { usedOnDay: { date: day, count: countOnDay + 1 } } : {}),
    };
    const entry = ledgerEntry(
      {
        id: ledgerEntryId('request_consumed', ticket.id),
        accountId: m.accountId,
        at,
        ticketId: ticket.id,
        poolId: pool.id,
        periodStart: usage.periodStart,
        kind: 'request_consumed',
        quantity: 1,
        unit: 'request',
        amount: 0,
        currency: m.currency,
        reason: `request ${next.used} of ${allowanceUnits(pool) + usage.carriedIn} in ${pool.id} for the period from ${usage.periodStart}`,
      },
      m.billingTimeZone,
    );
    return {
      decision: deferred ? 'defer' : 'consume',
      slaExempt: false,
      ...(deferred ? { startAt: at } : {}),
      entries: [entry],
      usage: changed(stored, next),
      reason: deferred
        ? `at most ${pool.dailyCap} ${pool.unit}s a day: counted on ${day}, and handled from then`
        : entry.reason,
      notes: [
        deferred
          ? {
              kind: 'deferred',
              until: at.toISOString(),
              cap: pool.dailyCap ?? 0,
              used: next.used,
              allowance: allowanceUnits(pool) + usage.carriedIn,
              period: pool.period,
            }
          : {
              kind: 'consumed',
              used: next.used,
              allowance: allowanceUnits(pool) + usage.carriedIn,
              period: pool.period,
            },
      ],
    };
  }
  // Past the allowance: the daily cap limits allowance units only, so overage is never deferred.
  const overage = pool.overage;
  const allowance = `${allowanceUnits(pool) + usage.carriedIn} ${pool.unit}s of ${pool.id} used in the period from ${usage.periodStart}`;
  if (overage.action === 'reject') throw new RejectedError(overage.reason);
  if (overage.action === 'acceptWithoutSla') {
    return {
      decision: 'overage',
      slaExempt: true,
      entries: [],
      usage: changed(stored, usage),
      reason: `${allowance}: accepted without SLA`,
      notes: [{ kind: 'withoutSla', because: 'requestsUsed' }],
    };
  }
  if (overage.action !== 'bill')
    throw new RangeError(`pool ${pool.id}: "${overage.action}" does not price requests`);
  const entry = ledgerEntry(
    {
      id: ledgerEntryId('overage', ticket.id),
      accountId: m.accountId,
      at: now,
      ticketId: ticket.id,
      poolId: pool.id,
      periodStart: usage.periodStart,
      kind: 'overage',
      quantity: 1,
      unit: 'request',
      unitPrice: overage.price.amount,
      amount: overage.price.amount,
      currency: overage.price.currency,
      reason: `${allowance}: billed per request`,
    },
    m.billingTimeZone,
  );
  return {
    decision: 'overage',
    slaExempt: false,
    entries: [entry],
    usage: changed(stored, usage),
    reason: entry.reason,
    notes: [{ kind: 'overage', price: overage.price }],
  };
}

export interface Reclassified {
  /** New reversal entries (the originals stay as they were). */
  entries: LedgerEntry[];
  usage: PoolUsage[];
}

/**
 * Triage changed the ticket's kind (e.g. a request found to be an incident, 002): every live entry
 * of the ticket that the new kind is exempt from is reversed, and units drawn in the counter's
 * current period go back to the pool. A unit of an earlier period is credited in money only.
 * Turning an incident into a request charges nothing: the kind we assigned first stands.
 */
export function reclassify(
  m: Metering,
  usages: readonly PoolUsage[],
  ticket: TicketRef,
  ticketEntries: readonly LedgerEntry[],
  now: Date,
): Reclassified {
  const counters = new Map(usages.map((u) => [u.poolId, { ...u }]));
  const touched = new Set<string>();
  const entries: LedgerEntry[] = [];
  const requestPool = requestPoolOf(m.plan);
  const hourPool = hourPoolOf(m.plan);
  const exempt = (pool: Pool | undefined) => pool?.exemptKinds.includes(ticket.kind) ?? false;
  const timeExempt = m.plan.timeBilling?.exemptKinds.includes(ticket.kind) ?? false;
  for (const entry of liveEntries(ticketEntries.filter((e) => e.ticketId === ticket.id))) {
    const reverse =
      ((entry.kind === 'request_consumed' || entry.kind === 'overage') && exempt(requestPool)) ||
      (entry.kind === 'time_consumed' && (exempt(hourPool) || timeExempt)) ||
      (entry.kind === 'bundle_consumed' && timeExempt) ||
      (entry.kind === 'time_billed' && timeExempt) ||
      (entry.kind === 'ticket_fee' && (m.plan.ticketFee?.exemptKinds.includes(ticket.kind) ?? false));
    if (!reverse) continue;
    entries.push(
      reversalOf(entry, now, `ticket ${ticket.id} reclassified as ${ticket.kind}`, m.billingTimeZone),
    );
    const counter = entry.poolId === undefined ? undefined : counters.get(entry.poolId);
    const gaveUnits =
      entry.kind === 'request_consumed' || entry.kind === 'time_consumed' || entry.kind === 'bundle_consumed';
    if (!gaveUnits || !counter || counter.periodStart !== entry.periodStart) continue;
    counter.used = Math.max(0, counter.used - entry.quantity);
    const day = localDateOf(new Date(entry.at), m.billingTimeZone);
    if (entry.kind === 'request_consumed' && counter.usedOnDay?.date === day) {
      counter.usedOnDay = { date: day, count: Math.max(0, counter.usedOnDay.count - 1) };
    }
    touched.add(counter.poolId);
  }
  return { entries, usage: [...touched].map((id) => counters.get(id)!) };
}
