// The example export in docs/examples/usage-2026-11.csv is this scenario's output: November 2026 on
// the seed catalogs, metered by the domain and written by the export writer. The test fails when the
// file and the code drift apart; `UPDATE_EXAMPLES=1 npx vitest run test/exports/docs-example.test.ts`
// rewrites it.
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { afterWrite, loadExample } from '../../examples/seed-helpers.ts';
import type { Catalog } from '../../functions/domain/catalog.ts';
import type { Contract } from '../../functions/domain/contract.ts';
import {
  admitRequest,
  meteringFor,
  type PoolUsage,
  reclassify,
  resolveRequest,
} from '../../functions/domain/entitlements.ts';
import { invoiceLinesOf } from '../../functions/domain/invoice.ts';
import type { LedgerEntry } from '../../functions/domain/ledger.ts';
import { bookInOpenMonth } from '../../functions/domain/month-close.ts';
import type { TicketKind } from '../../functions/domain/ticket.ts';
import { billTime } from '../../functions/domain/time-billing.ts';
import { factsOf } from '../../functions/exports/account-facts.ts';
import { ExportWriter } from '../../functions/exports/export-file.ts';

const EXAMPLE = new URL('../../docs/examples/usage-2026-11.csv', import.meta.url);

/** One account's month: its metering, pool counters and ledger entries as the use cases keep them. */
function account(catalog: Catalog, id: string, contract?: Omit<Contract, 'accountId'>) {
  const m = meteringFor(
    catalog,
    id,
    contract ? { ...contract, accountId: id } : undefined,
    new Date('2026-11-02T12:00:00Z'),
  );
  let usages: PoolUsage[] = [];
  const entries: LedgerEntry[] = [];
  let tickets = 0;
  const ticket = (severity: string, kind: TicketKind = 'request') => ({
    id: `${id}-T${++tickets}`,
    severity,
    kind,
  });
  return {
    id,
    catalog,
    entries,
    usages: () => usages,
    contract,
    open(at: string, severity: string, kind: TicketKind = 'request') {
      const t = ticket(severity, kind);
      const metered = admitRequest(m, usages, t, new Date(at));
      usages = afterWrite(usages, metered.usage);
      entries.push(...metered.entries);
      return t;
    },
    resolve(t: { id: string; severity: string; kind: TicketKind }, at: string) {
      const metered = resolveRequest(m, usages, t, new Date(at));
      usages = afterWrite(usages, metered.usage);
      entries.push(...metered.entries);
    },
    log(t: { id: string; severity: string; kind: TicketKind }, minutes: number, at: string, recordedAt = at) {
      const billed = billTime(m, usages, t, { id: `E${entries.length + 1}`, minutes, at: new Date(at) });
      usages = afterWrite(usages, billed.usage);
      entries.push(
        ...billed.entries.map((e) =>
          bookInOpenMonth({ ...e, severity: t.severity }, new Date(recordedAt), 'UTC'),
        ),
      );
    },
    reclassify(t: { id: string; severity: string; kind: TicketKind }, kind: TicketKind, at: string) {
      const result = reclassify(m, usages, { ...t, kind }, entries, new Date(at));
      usages = afterWrite(usages, result.usage);
      entries.push(...result.entries);
    },
  };
}

async function novemberExport(): Promise<string> {
  const saastech = account(loadExample('saastech'), 'acme', {
    planId: 'managed-workplace-monthly',
    startDate: '2026-01-01',
  });
  const late = saastech.open('2026-10-30T14:00:00Z', 'P3');
  const p1 = saastech.open('2026-11-03T14:00:00Z', 'P1');
  saastech.log(p1, 170, '2026-11-03T16:00:00Z');
  saastech.log(p1, 50, '2026-11-04T15:00:00Z');
  // Work of 30 October logged on 20 November, after October closed: a November adjustment.
  saastech.log(late, 20, '2026-10-30T15:00:00Z', '2026-11-20T09:00:00Z');

  const salesLayer = account(loadExample('sales-layer'), 'globex', {
    planId: 'premium',
    startDate: '2026-01-01',
  });
  const question = salesLayer.open('2026-11-05T09:00:00Z', 'Minor');
  salesLayer.log(question, 10, '2026-11-05T10:00:00Z');
  const outage = salesLayer.open('2026-11-06T09:00:00Z', 'Critical', 'incident');
  salesLayer.log(outage, 90, '2026-11-06T12:00:00Z');
  const retriaged = salesLayer.open('2026-11-09T09:00:00Z', 'Major');
  salesLayer.log(retriaged, 40, '2026-11-09T11:00:00Z');
  salesLayer.reclassify(retriaged, 'incident', '2026-11-09T12:00:00Z');

  const b2bee = account(loadExample('b2bee'), 'initech', { planId: 'basic', startDate: '2026-01-01' });
  b2bee.open('2026-11-10T08:00:00Z', 'Minor');
  b2bee.open('2026-11-12T08:00:00Z', 'Significant');

  const performars = account(loadExample('performars'), 'umbrella', {
    planId: 'professional',
    startDate: '2025-12-01',
  });
  for (let day = 0; day < 37; day++)
    performars.open(`2026-11-${String(2 + (day % 27)).padStart(2, '0')}T01:00:00Z`, 'Level2');
  const perUse = account(loadExample('performars'), 'hooli');
  perUse.resolve(perUse.open('2026-11-16T02:00:00Z', 'Level1'), '2026-11-17T02:00:00Z');

  const writer = new ExportWriter('2026-11', 'UTC');
  for (const a of [saastech, salesLayer, b2bee, performars, perUse].sort((x, y) => (x.id < y.id ? -1 : 1))) {
    const now = new Date().toISOString();
    const state = {
      account: {
        id: a.id,
        name: a.id,
        referencePrefix: 'X',
        catalogId: a.catalog.id,
        ...(a.contract ? { contract: { ...a.contract, accountId: a.id } } : {}),
        contactCount: 0,
        createdAt: now,
        updatedAt: now,
        version: 1,
      },
      ticketSeq: 0,
      pools: a.usages().map((u) => ({ ...u, version: 1 })),
      contacts: [],
    };
    const facts = factsOf(a.catalog, state, '2026-11');
    const november = a.entries.filter((e) => e.month === '2026-11');
    writer.addAccount(a.id, facts.planId, invoiceLinesOf('2026-11', november, facts), november.length);
  }
  return (await writer.finish()).csv.body.toString('utf8');
}

test('docs/examples/usage-2026-11.csv is what the code writes for the documented scenario', async () => {
  const csv = await novemberExport();
  if (process.env.UPDATE_EXAMPLES) writeFileSync(EXAMPLE, csv);
  expect(readFileSync(EXAMPLE, 'utf8')).toBe(csv);
});
