// A month of activity per seed catalog through the HTTP API, the month close the local clock
// triggers, and the export finance pulls: hand-computed invoice lines, immutable bytes, 409 before
// the close, roles, and a late time entry booked into the next month as an adjustment.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { client, keyFor, seedAccount, seedCatalog } from '../api/harness.ts';
import { type ExportsHarness, pull, startExportsApi } from './harness.ts';

let api: ExportsHarness;
let finance: string;
let agent: ReturnType<typeof client>;
const accounts: Record<string, string> = {};

// biome-ignore lint/suspicious/noExplicitAny: export JSON is inspected field by field
type Json = any;

async function open(accountId: string, severity: string, kind: 'request' | 'incident' = 'request') {
  const created = await agent('POST', '/v1/tickets', {
    accountId,
    subject: 'Help',
    body: 'Details',
    severity,
    kind,
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

async function logTime(ticketId: string, minutes: number, workedAt?: string) {
  const logged = await agent('POST', `/v1/tickets/${ticketId}/time-entries`, {
    minutes,
    ...(workedAt ? { workedAt } : {}),
  });
  expect(logged.status).toBe(201);
  return logged.body;
}

function linesOf(exported: Json, accountId: string) {
  return exported.accounts.find((a: Json) => a.accountId === accountId)?.lines ?? [];
}

beforeAll(async () => {
  // Tuesday 9 March 2027, 10:00 UTC (the clock only moves forward, so the scenario is ahead).
  api = await startExportsApi('2027-03-09T10:00:00Z');
  agent = client(api.baseUrl, await keyFor('agent'));
  finance = await keyFor('finance');
  const [saastech, salesLayer, b2bee, performars] = await Promise.all(
    ['saastech', 'sales-layer', 'b2bee', 'performars'].map(seedCatalog),
  );
  accounts.saastech = (
    await seedAccount(saastech!, { planId: 'managed-workplace-monthly', startDate: '2026-01-01' })
  ).id;
  accounts.salesLayer = (await seedAccount(salesLayer!, { planId: 'premium', startDate: '2026-01-01' })).id;
  accounts.b2bee = (await seedAccount(b2bee!, { planId: 'standard', startDate: '2026-01-01' })).id;
  accounts.performars = (
    await seedAccount(performars!, { planId: 'professional', startDate: '2027-03-01' })
  ).id;
  accounts.performarsPerUse = (await seedAccount(performars!, undefined)).id;

  // SaaSTech: 3 included hours a month; a P1 ticket uses them (170 min rounds up to 180), then
  // 50 more minutes round up to 60 and are billed at the per-use P1 rate, USD 200/h.
  const p1 = await open(accounts.saastech, 'P1');
  await logTime(p1, 170);
  await logTime(p1, 50);

  // Sales Layer: 50 support hours a year. A request's 10 minutes count 15 (minimum per
  // conversation); incident time is not deducted; a request re-triaged as an incident is reversed.
  const request = await open(accounts.salesLayer, 'Minor');
  await logTime(request, 10);
  const incident = await open(accounts.salesLayer, 'Major', 'incident');
  await logTime(incident, 30);
  const retriaged = await open(accounts.salesLayer, 'Minor');
  await logTime(retriaged, 20);
  expect((await agent('PATCH', `/v1/tickets/${retriaged}`, { kind: 'incident' })).status).toBe(200);

  // B2Bee standard: 5 credits a month, at most 2 a day; two used in March.
  await open(accounts.b2bee, 'Minor');
  await open(accounts.b2bee, 'Significant');

  // Performars professional: 36 tickets a contract year; the 37th is billed at USD 70.
  for (let i = 0; i < 37; i++) await open(accounts.performars, 'Level1');
  // Performars without a contract: USD 70 per ticket processed (charged on resolution).
  const perUse = await open(accounts.performarsPerUse, 'Level2');
  expect((await agent('PATCH', `/v1/tickets/${perUse}`, { status: 'resolved' })).status).toBe(200);
}, 120_000);
afterAll(() => api.close());

describe('before the close', () => {
  test('the open month answers 409 with when it closes (01:00 UTC on the 1st)', async () => {
    const open = await pull(api.baseUrl, finance, '/v1/exports/2027-03');
    expect(open.status).toBe(409);
    expect(open.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.parse(open.text)).toMatchObject({ status: 409, closesAt: '2027-04-01T01:00:00.000Z' });
  });

  test('a malformed month or one not started is 400 naming month', async () => {
    for (const month of ['2027-13', 'march', '2027-04']) {
      const answer = await pull(api.baseUrl, finance, `/v1/exports/${month}`);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text).errors[0].field).toBe('month');
    }
  });

  test('customer and agent keys get 403', async () => {
    const customerKey = await keyFor('customer', accounts.saastech);
    const agentKey = await keyFor('agent');
    for (const key of [customerKey, agentKey]) {
      expect((await pull(api.baseUrl, key, '/v1/exports/2027-02')).status).toBe(403);
    }
  });
});

describe('the March close', () => {
  let csv: string;
  let exported: Json;

  beforeAll(async () => {
    // Midnight ends March; the close runs after the settle hour.
    expect(await api.moveTo('2027-04-01T00:30:00Z')).toEqual([]);
    expect(await api.moveTo('2027-04-01T01:00:00Z')).toEqual([{ month: '2027-03', outcome: 'closed' }]);
    const pulled = await pull(api.baseUrl, finance, '/v1/exports/2027-03', 'text/csv');
    expect(pulled.status).toBe(200);
    csv = pulled.text;
    const json = await pull(api.baseUrl, finance, '/v1/exports/2027-03');
    expect(json.status).toBe(200);
    exported = JSON.parse(json.text);
  });

  test('SaaSTech: 180 included minutes, then P1 work of 50 minutes billed as 60 at USD 200/h', () => {
    expect(linesOf(exported, accounts.saastech)).toEqual([
      {
        month: '2027-03',
        accountId: accounts.saastech,
        planId: 'managed-workplace-monthly',
        lineType: 'usage',
        kind: 'time_consumed',
        poolId: 'included-hours',
        severity: 'P1',
        unit: 'minute',
        quantity: 180,
        amount: 0,
        currency: 'USD',
        remainingAllowance: 0,
        remainingUnit: 'minute',
        entryCount: 1,
      },
      {
        month: '2027-03',
        accountId: accounts.saastech,
        planId: 'managed-workplace-monthly',
        lineType: 'usage',
        kind: 'time_billed',
        poolId: 'included-hours',
        severity: 'P1',
        unit: 'minute',
        quantity: 60,
        hourlyRate: 20000,
        amount: 20000,
        currency: 'USD',
        remainingAllowance: 0,
        remainingUnit: 'minute',
        entryCount: 1,
      },
    ]);
  });

  test('Sales Layer: 15 + 20 minutes drawn, the re-triaged 20 reversed, incident time not deducted', () => {
    const base = {
      month: '2027-03',
      accountId: accounts.salesLayer,
      planId: 'premium',
      lineType: 'usage',
      poolId: 'support-hours',
      unit: 'minute',
      amount: 0,
      currency: 'EUR',
      // 50 h = 3000 min; 35 drawn, 20 given back by the reversal.
      remainingAllowance: 2985,
      remainingUnit: 'minute',
    };
    expect(linesOf(exported, accounts.salesLayer)).toEqual([
      { ...base, kind: 'time_consumed', severity: 'Minor', quantity: 35, entryCount: 2 },
      { ...base, kind: 'reversal', reversesKind: 'time_consumed', quantity: -20, entryCount: 1 },
    ]);
  });

  test('B2Bee: two credits used, three left this month', () => {
    expect(linesOf(exported, accounts.b2bee)).toEqual([
      {
        month: '2027-03',
        accountId: accounts.b2bee,
        planId: 'standard',
        lineType: 'usage',
        kind: 'request_consumed',
        poolId: 'credits',
        unit: 'request',
        quantity: 2,
        amount: 0,
        currency: 'EUR',
        remainingAllowance: 3,
        remainingUnit: 'request',
        entryCount: 2,
      },
    ]);
  });

  test('Performars: 36 tickets from the yearly quota, the 37th billed at USD 70; pay per use USD 70', () => {
    const base = {
      month: '2027-03',
      accountId: accounts.performars,
      planId: 'professional',
      lineType: 'usage',
      poolId: 'tickets',
      unit: 'request',
      currency: 'USD',
      remainingAllowance: 0,
      remainingUnit: 'request',
    };
    expect(linesOf(exported, accounts.performars)).toEqual([
      { ...base, kind: 'request_consumed', quantity: 36, amount: 0, entryCount: 36 },
      { ...base, kind: 'overage', quantity: 1, unitPrice: 7000, amount: 7000, entryCount: 1 },
    ]);
    expect(linesOf(exported, accounts.performarsPerUse)).toEqual([
      {
        month: '2027-03',
        accountId: accounts.performarsPerUse,
        planId: 'pay-per-use',
        lineType: 'usage',
        kind: 'ticket_fee',
        unit: 'ticket',
        quantity: 1,
        unitPrice: 7000,
        amount: 7000,
        currency: 'USD',
        entryCount: 1,
      },
    ]);
  });

  test('totals per account and currency, and the CSV says the same as the JSON', () => {
    const of = (id: string) => exported.accounts.find((a: Json) => a.accountId === id).totals;
    expect(of(accounts.saastech)).toEqual({ USD: 20000 });
    expect(of(accounts.salesLayer)).toEqual({ EUR: 0 });
    expect(of(accounts.performars)).toEqual({ USD: 7000 });
    expect(exported.totals).toEqual({ EUR: 0, USD: 34000 });
    const rows = csv.trimEnd().split('\r\n');
    expect(rows[0]).toBe(
      'month,account_id,plan_id,line_type,adjusts_month,kind,reverses_kind,pool_id,severity,unit,quantity,unit_price,hourly_rate,amount,currency,remaining_allowance,remaining_unit,entry_count',
    );
    expect(rows).toHaveLength(exported.lineCount + 1);
    expect(rows).toContain(
      `2027-03,${accounts.saastech},managed-workplace-monthly,usage,,time_billed,,included-hours,P1,minute,60,,20000,20000,USD,0,minute,1`,
    );
    expect(rows).toContain(
      `2027-03,${accounts.salesLayer},premium,usage,,reversal,time_consumed,support-hours,,minute,-20,,,0,EUR,2985,minute,1`,
    );
  });

  test('pulling twice returns identical bytes, with the sha256 as ETag and a download name', async () => {
    const again = await pull(api.baseUrl, finance, '/v1/exports/2027-03', 'text/csv');
    expect(again.text).toBe(csv);
    expect(again.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(again.headers.get('content-disposition')).toBe('attachment; filename="usage-2027-03.csv"');
    expect(again.headers.get('etag')).toMatch(/^"[0-9a-f]{64}"$/);
    const json1 = await pull(api.baseUrl, finance, '/v1/exports/2027-03', 'application/json');
    const json2 = await pull(api.baseUrl, finance, '/v1/exports/2027-03');
    expect(json1.text).toBe(json2.text);
    expect(json1.headers.get('content-type')).toBe('application/json');
  });

  test('closing again (a second firing) changes nothing', async () => {
    expect(await api.moveTo('2027-04-01T02:00:00Z')).toEqual([]);
    expect((await pull(api.baseUrl, finance, '/v1/exports/2027-03', 'text/csv')).text).toBe(csv);
  });
});

describe('after the close', () => {
  let april: Json;

  beforeAll(async () => {
    // Tuesday 6 April: work done on 29 March is logged only now, after March closed.
    await api.moveTo('2027-04-06T10:00:00Z');
    const tickets = await agent('GET', `/v1/tickets?accountId=${accounts.saastech}`);
    await logTime(tickets.body.items[0].id, 20, '2027-03-29T15:00:00Z');
    await open(accounts.b2bee, 'Minor');
    await api.moveTo('2027-05-01T01:00:00Z');
    april = JSON.parse((await pull(api.baseUrl, finance, '/v1/exports/2027-04')).text);
  });

  test('the late time entry is an April adjustment of March: 20 min billed as 30 at the P1 rate', () => {
    expect(linesOf(april, accounts.saastech)).toEqual([
      {
        month: '2027-04',
        accountId: accounts.saastech,
        planId: 'managed-workplace-monthly',
        lineType: 'adjustment',
        adjustsMonth: '2027-03',
        kind: 'time_billed',
        poolId: 'included-hours',
        severity: 'P1',
        unit: 'minute',
        quantity: 30,
        hourlyRate: 20000,
        amount: 10000,
        currency: 'USD',
        // April's own 3 hours are untouched: the late work drew on March's period.
        remainingAllowance: 180,
        remainingUnit: 'minute',
        entryCount: 1,
      },
    ]);
  });

  test('B2Bee: March’s three unused credits are not carried; April has 5 - 1 = 4 left', () => {
    expect(linesOf(april, accounts.b2bee)).toEqual([
      expect.objectContaining({ kind: 'request_consumed', quantity: 1, remainingAllowance: 4 }),
    ]);
  });

  test('March’s export is unchanged by the late entry', async () => {
    const march = JSON.parse((await pull(api.baseUrl, finance, '/v1/exports/2027-03')).text);
    expect(linesOf(march, accounts.saastech).map((l: Json) => l.quantity)).toEqual([180, 60]);
  });

  test('a month that ended before the first close has no export (404)', async () => {
    expect((await pull(api.baseUrl, finance, '/v1/exports/2027-01')).status).toBe(404);
  });
});
