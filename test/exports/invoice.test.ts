// Pure parts of the export: which month an entry is booked into, entries summed into invoice lines
// (order-independent, integer minor units), and the CSV/JSON writer (formula-injection safe,
// same entries give the same bytes).
import { describe, expect, test } from 'vitest';
import { invoiceLinesOf } from '../../functions/domain/invoice.ts';
import type { LedgerEntry } from '../../functions/domain/ledger.ts';
import { bookInOpenMonth, closesAt, lastDueMonth, monthEndsAt } from '../../functions/domain/month-close.ts';
import { ExportWriter } from '../../functions/exports/export-file.ts';

function entry(id: string, fields: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    id,
    accountId: 'acct-1',
    month: '2026-11',
    at: '2026-11-10T10:00:00.000Z',
    kind: 'request_consumed',
    quantity: 1,
    unit: 'request',
    amount: 0,
    currency: 'USD',
    reason: 'test',
    ...fields,
  };
}

describe('month close times and booking', () => {
  test('a month ends at 00:00 on the 1st in the export zone and closes one settle hour later', () => {
    expect(monthEndsAt('2026-11', 'UTC').toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(closesAt('2026-12', 'UTC').toISOString()).toBe('2027-01-01T01:00:00.000Z');
    // Madrid is UTC+1 in winter, UTC+2 in summer.
    expect(monthEndsAt('2026-11', 'Europe/Madrid').toISOString()).toBe('2026-11-30T23:00:00.000Z');
    expect(monthEndsAt('2026-06', 'Europe/Madrid').toISOString()).toBe('2026-06-30T22:00:00.000Z');
  });

  test('the latest due month waits for the settle hour', () => {
    expect(lastDueMonth(new Date('2026-12-01T00:59:59Z'), 'UTC')).toBe('2026-10');
    expect(lastDueMonth(new Date('2026-12-01T01:00:00Z'), 'UTC')).toBe('2026-11');
    expect(lastDueMonth(new Date('2027-01-15T00:00:00Z'), 'UTC')).toBe('2026-12');
  });

  test('an entry recorded after its month ended is booked into the open month, keeping its own', () => {
    const late = entry('time_billed:T1:E1', { month: '2026-11', at: '2026-11-28T15:00:00.000Z' });
    expect(bookInOpenMonth(late, new Date('2026-11-30T23:59:59Z'), 'UTC')).toBe(late);
    const booked = bookInOpenMonth(late, new Date('2026-12-02T10:00:00Z'), 'UTC');
    expect(booked).toMatchObject({ month: '2026-12', adjustsMonth: '2026-11', at: late.at });
    // Booking is idempotent (retries re-book the same entry).
    expect(bookInOpenMonth(booked, new Date('2027-02-01T00:00:00Z'), 'UTC')).toBe(booked);
  });

  test('a billing zone west of the export zone: its last evening is late once the export month ended', () => {
    // 19:00 on 30 November in Los Angeles is 03:00 UTC on 1 December: November has ended in UTC.
    const evening = entry('overage:T9', { month: '2026-11', at: '2026-12-01T03:00:00.000Z' });
    expect(bookInOpenMonth(evening, new Date(evening.at), 'UTC')).toMatchObject({
      month: '2026-12',
      adjustsMonth: '2026-11',
    });
  });
});

describe('invoice lines', () => {
  const entries: LedgerEntry[] = [
    entry('request_consumed:T1', { poolId: 'tickets' }),
    entry('request_consumed:T2', { poolId: 'tickets' }),
    entry('overage:T3', { kind: 'overage', poolId: 'tickets', unitPrice: 7000, amount: 7000 }),
    entry('overage:T4', { kind: 'overage', poolId: 'tickets', unitPrice: 7000, amount: 7000 }),
    entry('reversal:overage:T4', {
      kind: 'reversal',
      reverses: 'overage:T4',
      poolId: 'tickets',
      quantity: -1,
      unitPrice: 7000,
      amount: -7000,
    }),
    entry('time_billed:T5:E1', {
      kind: 'time_billed',
      unit: 'minute',
      quantity: 60,
      hourlyRate: 20000,
      amount: 20000,
      severity: 'P1',
    }),
    entry('time_billed:T5:E2', {
      kind: 'time_billed',
      unit: 'minute',
      quantity: 15,
      hourlyRate: 16000,
      amount: 4000,
      severity: 'P2',
    }),
    entry('time_billed:T6:E3', {
      kind: 'time_billed',
      unit: 'minute',
      quantity: 30,
      hourlyRate: 20000,
      amount: 10000,
      severity: 'P1',
      adjustsMonth: '2026-10',
    }),
  ];

  test('entries with the same kind, pool, severity, unit, price and currency sum into one line', () => {
    const lines = invoiceLinesOf('2026-11', entries, {
      planId: 'business',
      pools: { tickets: { unit: 'request', remaining: 0 } },
    });
    expect(
      lines.map((l) => [l.lineType, l.kind, l.reversesKind, l.severity, l.quantity, l.amount, l.entryCount]),
    ).toEqual([
      ['adjustment', 'time_billed', undefined, 'P1', 30, 10000, 1],
      ['usage', 'request_consumed', undefined, undefined, 2, 0, 2],
      ['usage', 'overage', undefined, undefined, 2, 14000, 2],
      ['usage', 'time_billed', undefined, 'P1', 60, 20000, 1],
      ['usage', 'time_billed', undefined, 'P2', 15, 4000, 1],
      ['usage', 'reversal', 'overage', undefined, -1, -7000, 1],
    ]);
    expect(lines[1]).toMatchObject({ planId: 'business', remainingAllowance: 0, remainingUnit: 'request' });
    expect(lines[0]).toMatchObject({ adjustsMonth: '2026-10', hourlyRate: 20000 });
  });

  test('the order entries arrive in does not change the lines', () => {
    const reversed = [...entries].reverse();
    expect(invoiceLinesOf('2026-11', reversed)).toEqual(invoiceLinesOf('2026-11', entries));
  });

  test('an entry booked in another month is refused', () => {
    expect(() => invoiceLinesOf('2026-12', entries)).toThrow(/booked in 2026-11/);
  });
});

describe('the export writer', () => {
  async function write(accountId: string, lines = invoiceLinesOf('2026-11', [entry('x:1', { accountId })])) {
    const writer = new ExportWriter('2026-11', 'UTC');
    writer.addAccount(accountId, '+plan', lines, 1);
    return writer.finish();
  }

  test('cells starting with = + - @ tab or CR get a leading quote; our own negative numbers do not', async () => {
    const lines = invoiceLinesOf('2026-11', [
      entry('reversal:overage:T1', {
        accountId: '=HYPERLINK("http://evil")',
        kind: 'reversal',
        reverses: 'overage:T1',
        poolId: '@pool',
        severity: '-P1',
        quantity: -1,
        amount: -7000,
        unitPrice: 7000,
      }),
    ]).map((l) => ({ ...l, planId: '\tplan' }));
    const files = await write('=HYPERLINK("http://evil")', lines);
    const row = files.csv.body.toString('utf8').split('\r\n')[1];
    expect(row).toBe(
      `2026-11,"'=HYPERLINK(""http://evil"")",'\tplan,usage,,reversal,overage,'@pool,'-P1,request,-1,7000,,-7000,USD,,,1`,
    );
  });

  test('the same lines give the same bytes and sha256; JSON holds the same lines and totals', async () => {
    const a = await write('acct-1');
    const b = await write('acct-1');
    expect(a.csv.body.equals(b.csv.body)).toBe(true);
    expect(a.csv.sha256).toBe(b.csv.sha256);
    expect(a.json.sha256).toBe(b.json.sha256);
    const json = JSON.parse(a.json.body.toString('utf8'));
    expect(json).toMatchObject({
      format: 'support-desk/usage-export@1',
      month: '2026-11',
      exportTimeZone: 'UTC',
      accountCount: 1,
      lineCount: 1,
      entryCount: 1,
      totals: { USD: 0 },
    });
    expect(json.accounts[0]).toMatchObject({ accountId: 'acct-1', planId: '+plan', totals: { USD: 0 } });
  });

  test('an empty month is a header row and an empty document', async () => {
    const files = await new ExportWriter('2026-10', 'UTC').finish();
    expect(files.csv.body.toString('utf8').split('\r\n')).toHaveLength(2);
    expect(JSON.parse(files.json.body.toString('utf8'))).toMatchObject({ accounts: [], totals: {} });
  });
});
