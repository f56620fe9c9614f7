// Shared by the seed clause tests: loads an example catalog through the same parser as the CLI,
// builds the metering context of a contract, and opens tickets with the plan's SLA.
import { readFileSync } from 'node:fs';
import { type Catalog, parseCatalog, planById } from '../functions/domain/catalog.ts';
import type { Contract } from '../functions/domain/contract.ts';
import {
  admitRequest,
  type Metered,
  type Metering,
  meteringFor,
  type PoolUsage,
} from '../functions/domain/entitlements.ts';
import type { Plan } from '../functions/domain/plan.ts';
import { openTicket, type Ticket, type TicketKind } from '../functions/domain/ticket.ts';

export type ExampleName = 'performars' | 'saastech' | 'sales-layer' | 'suitecrm' | 'b2bee';

export function loadExample(name: ExampleName): Catalog {
  return parseCatalog(JSON.parse(readFileSync(new URL(`./${name}.catalog.json`, import.meta.url), 'utf8')));
}

export function planOf(catalog: Catalog, planId: string): Plan {
  const plan = planById(catalog, planId);
  if (!plan) throw new Error(`no plan ${planId} in ${catalog.id}`);
  return plan;
}

export function contractOn(catalog: Catalog, planId: string, startDate: string, tier?: string): Metering {
  const contract: Contract = { accountId: 'acct-1', planId, startDate, ...(tier ? { tier } : {}) };
  // Metered as on its first day: the stories of one term reuse it for later dates.
  return meteringFor(catalog, 'acct-1', contract, new Date(`${startDate}T12:00:00Z`));
}

/** A ticket opened at `at` on `planId`, with the clocks its plan gives it. */
export function openOn(
  catalog: Catalog,
  planId: string,
  at: string,
  options: { severity?: string; kind?: TicketKind; startAt?: Date; slaExempt?: boolean } = {},
): Ticket {
  const plan = planOf(catalog, planId);
  return openTicket(
    { type: 'open', id: 'T-1', reference: 'REF-1', accountId: 'acct-1', subject: 'Help', ...options },
    new Date(at),
    {
      plan: {
        severities: plan.severities.map((s) => s.id),
        defaultSeverity: plan.defaultSeverity,
        sla: plan.sla,
      },
      calendars: catalog.calendars,
    },
  ).ticket;
}

/**
 * The pool counters the store holds after a write: one item per pool, and each counter a use case
 * writes back replaces its pool's (the pools it does not name stay as they were).
 */
export function afterWrite(counters: readonly PoolUsage[], written: readonly PoolUsage[]): PoolUsage[] {
  return [...counters.filter((c) => !written.some((w) => w.poolId === c.poolId)), ...written];
}

/** Admits requests one after another, keeping the pool counters as the store would. */
export class Desk {
  usage: PoolUsage[] = [];
  private seq = 0;
  readonly m: Metering;
  constructor(m: Metering) {
    this.m = m;
  }
  admit(at: string, kind: TicketKind = 'request', severity?: string): Metered {
    this.seq += 1;
    const result = admitRequest(
      this.m,
      this.usage,
      { id: `T-${this.seq}`, kind, severity: severity ?? this.m.plan.defaultSeverity },
      new Date(at),
    );
    this.usage = afterWrite(this.usage, result.usage);
    return result;
  }
}
