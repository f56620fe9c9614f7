// The close use case on DynamoDB Local (its own table): one close however often and however
// concurrently it runs, the first written object stands, and the month index is read page by page
// in account order.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, test } from 'vitest';
import { LocalBlobs } from '../../functions/adapters/blobs-local.ts';
import type { LedgerEntry } from '../../functions/domain/ledger.ts';
import { bookInOpenMonth } from '../../functions/domain/month-close.ts';
import { closeDueMonths, closeMonth, type ExportDeps } from '../../functions/exports/monthly-export.ts';
import { logger } from '../../functions/shared/log.ts';
import { createStoreContext, type StoreContext } from '../../functions/store/context.ts';
import { ledgerOp, ledgerPagesOfMonth } from '../../functions/store/ledger.ts';
import { getMonth } from '../../functions/store/months.ts';
import { commit } from '../../functions/store/transact.ts';
import { ensureTable, LOCAL_CREDENTIALS, LOCAL_REGION, localClient } from '../../local/dynamodb-local.ts';

let store: StoreContext;

beforeAll(async () => {
  const tableName = `close-${randomUUID().slice(0, 8)}`;
  const client = localClient(inject('dynamoEndpoint'));
  await ensureTable(client, tableName);
  client.destroy();
  store = createStoreContext(tableName, {
    endpoint: inject('dynamoEndpoint'),
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  // The crashed-close case logs a warning on purpose.
  logger().setLogLevel('ERROR');
});

function entry(accountId: string, n: number, month: string): LedgerEntry {
  return {
    id: `overage:${accountId}:T${n}`,
    accountId,
    month,
    at: `${month}-1${n % 10}T10:00:00.000Z`,
    kind: 'overage',
    quantity: 1,
    unit: 'request',
    unitPrice: 7000,
    amount: 7000,
    currency: 'USD',
    reason: 'test',
    poolId: 'tickets',
  };
}

function deps(month: string, accounts: string[], perAccount: number): ExportDeps {
  return {
    store,
    blobs: new LocalBlobs(mkdtempSync(join(tmpdir(), 'desk-close-'))),
    exportTimeZone: 'UTC',
    // An in-memory page source: accounts in order, three entries a page.
    pages: async function* () {
      const all = accounts.flatMap((a) => Array.from({ length: perAccount }, (_, i) => entry(a, i, month)));
      for (let i = 0; i < all.length; i += 3) yield all.slice(i, i + 3);
    },
    facts: async () => ({ planId: 'professional', pools: { tickets: { unit: 'request', remaining: 0 } } }),
  };
}

describe('closing a month', () => {
  test('before its close time nothing happens', async () => {
    const d = deps('2031-01', ['a'], 1);
    expect(await closeMonth(d, '2031-01', new Date('2031-02-01T00:59:00Z'))).toEqual({
      outcome: 'notDue',
      closesAt: new Date('2031-02-01T01:00:00Z'),
    });
    expect(await getMonth(store, '2031-01')).toBeUndefined();
  });

  test('twice: one close, the same record and the same bytes', async () => {
    const d = deps('2031-02', ['acct-a', 'acct-b'], 4);
    const now = new Date('2031-03-01T01:00:00Z');
    const first = await closeMonth(d, '2031-02', now);
    expect(first.outcome).toBe('closed');
    const bytes = await d.blobs.get('usage-2031-02.csv');
    const second = await closeMonth(d, '2031-02', new Date('2031-03-01T01:05:00Z'));
    expect(second.outcome).toBe('alreadyClosed');
    if (first.outcome !== 'closed' || second.outcome !== 'alreadyClosed') return;
    expect(second.record).toEqual(first.record);
    expect(first.record).toMatchObject({ entryCount: 8, accountCount: 2, lineCount: 2 });
    expect(Buffer.from((await d.blobs.get('usage-2031-02.csv'))!).equals(Buffer.from(bytes!))).toBe(true);
    const csv = Buffer.from(bytes!).toString('utf8').split('\r\n');
    expect(csv[1]).toBe(
      '2031-02,acct-a,professional,usage,,overage,,tickets,,request,4,7000,,28000,USD,0,request,4',
    );
  });

  test('concurrently (the schedule fires twice): exactly one closer writes', async () => {
    const d = deps('2031-03', ['acct-a'], 2);
    const now = new Date('2031-04-01T01:00:00Z');
    const outcomes = await Promise.all([1, 2, 3].map(() => closeMonth(d, '2031-03', now)));
    expect(outcomes.filter((o) => o.outcome === 'closed')).toHaveLength(1);
    expect(outcomes.every((o) => ['closed', 'alreadyClosed', 'inProgress'].includes(o.outcome))).toBe(true);
  });

  test('an object a crashed close already wrote stands: its hash is recorded, not replaced', async () => {
    const d = deps('2031-04', ['acct-a'], 1);
    await d.blobs.putOnce('usage-2031-04.csv', Buffer.from('first,written\r\n'), 'text/csv');
    const result = await closeMonth(d, '2031-04', new Date('2031-05-01T01:00:00Z'));
    if (result.outcome !== 'closed') throw new Error(result.outcome);
    expect(result.record.csv.bytes).toBe(15);
    expect(Buffer.from((await d.blobs.get('usage-2031-04.csv'))!).toString()).toBe('first,written\r\n');
  });

  test('due months close oldest first from the cursor, and a second run closes nothing', async () => {
    const d = deps('2031-06', [], 0);
    const blobsDir = mkdtempSync(join(tmpdir(), 'desk-due-'));
    const due = { ...d, blobs: new LocalBlobs(blobsDir), pages: async function* () {} };
    // The cursor is set on the first run; it already ran in this table (closeMonth above set none).
    const first = await closeDueMonths(due, new Date('2031-07-01T01:00:00Z'));
    expect(first).toEqual([{ month: '2031-06', outcome: 'closed' }]);
    const later = await closeDueMonths(due, new Date('2031-09-01T02:00:00Z'));
    expect(later).toEqual([
      { month: '2031-07', outcome: 'closed' },
      { month: '2031-08', outcome: 'closed' },
    ]);
    expect(await closeDueMonths(due, new Date('2031-09-01T03:00:00Z'))).toEqual([]);
    expect(readFileSync(join(blobsDir, 'usage-2031-08.csv'), 'utf8')).toMatch(/^month,account_id,/);
  });
});

describe('the month index, page by page', () => {
  test('entries come grouped by account in pages of the asked size, and late ones under the open month', async () => {
    const ops = ['acct-b', 'acct-a', 'acct-c'].flatMap((a) =>
      [0, 1].map((n) =>
        ledgerOp(store, bookInOpenMonth(entry(a, n, '2031-10'), new Date('2031-10-20T00:00:00Z'), 'UTC')),
      ),
    );
    await commit(store, ops);
    // Recorded after October ended: booked into November.
    await commit(store, [
      ledgerOp(
        store,
        bookInOpenMonth(entry('acct-a', 9, '2031-10'), new Date('2031-11-02T00:00:00Z'), 'UTC'),
      ),
    ]);
    const pages: LedgerEntry[][] = [];
    for await (const page of ledgerPagesOfMonth(store, '2031-10', 4)) pages.push(page);
    expect(pages.map((p) => p.length)).toEqual([4, 2]);
    expect(pages.flat().map((e) => e.accountId)).toEqual([
      'acct-a',
      'acct-a',
      'acct-b',
      'acct-b',
      'acct-c',
      'acct-c',
    ]);
    const november: LedgerEntry[] = [];
    for await (const page of ledgerPagesOfMonth(store, '2031-11')) november.push(...page);
    expect(november).toEqual([
      expect.objectContaining({ id: 'overage:acct-a:T9', month: '2031-11', adjustsMonth: '2031-10' }),
    ]);
  });
});
