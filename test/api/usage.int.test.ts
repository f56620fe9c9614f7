// GET /v1/accounts/{id}/usage through the real local HTTP server on DynamoDB Local: pool balances
// for the period holding a month, the month's ledger entries and totals, and who may see them.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { newPrefix, putExampleCatalog } from './catalog-fixtures.ts';
import { client, type Harness, keyFor, startApi } from './harness.ts';

const DEC_2 = new Date('2026-12-02T09:00:00Z');

let api: Harness;
let admin: ReturnType<typeof client>;
let agent: ReturnType<typeof client>;
let finance: ReturnType<typeof client>;
let b2bee: string;
let performars: string;

beforeAll(async () => {
  api = await startApi();
  // Wednesday 2 December 2026, 10:00 in Zagreb.
  api.clock.set(DEC_2);
  admin = client(api.baseUrl, await keyFor('admin'));
  agent = client(api.baseUrl, await keyFor('agent'));
  finance = client(api.baseUrl, await keyFor('finance'));
  b2bee = await putExampleCatalog(admin, 'b2bee');
  performars = await putExampleCatalog(admin, 'performars');
});
afterAll(() => api.close());

async function newAccount(catalogId: string, contract?: Record<string, unknown>): Promise<string> {
  const created = await admin('POST', '/v1/accounts', {
    name: 'Usage test',
    referencePrefix: newPrefix(),
    catalogId,
    ...(contract ? { contract } : {}),
  });
  expect(created.status).toBe(201);
  return created.body.id;
}

describe('B2Bee Standard: 5 credits a month, at most 2 a day, EUR 50 past them', () => {
  test('balances, entries and totals for the month; who may see them', async () => {
    const id = await newAccount(b2bee, { planId: 'standard', startDate: '2026-01-01' });
    const customer = client(api.baseUrl, await keyFor('customer', id));
    const opened: string[] = [];
    for (let i = 0; i < 3; i++) {
      const ticket = await customer('POST', '/v1/tickets', { subject: `Question ${i}`, body: 'how?' });
      expect(ticket.status).toBe(201);
      opened.push(ticket.body.id);
    }
    // Incidents use no credit: an agent opening one for the customer assesses it as one.
    const incident = await agent('POST', '/v1/tickets', {
      accountId: id,
      subject: 'Down',
      body: 'down',
      kind: 'incident',
    });
    expect(incident.body.entitlement.decision).toBe('exempt');

    const usage = await customer('GET', `/v1/accounts/${id}/usage`);
    expect(usage.status).toBe(200);
    expect(usage.body).toMatchObject({
      accountId: id,
      month: '2026-12',
      catalogId: b2bee,
      planId: 'standard',
      billingTimeZone: 'Europe/Zagreb',
      totals: { EUR: 0 },
    });
    expect(usage.body.pools).toEqual([
      {
        poolId: 'credits',
        unit: 'request',
        period: 'month',
        periodStart: '2026-12-01',
        periodEnd: '2027-01-01',
        allowance: 5,
        carriedIn: 0,
        used: 3,
        remaining: 2,
        source: 'counter',
      },
    ]);
    expect(usage.body.entries.map((e: { kind: string }) => e.kind)).toEqual([
      'request_consumed',
      'request_consumed',
      'request_consumed',
    ]);
    expect(usage.body.entries.map((e: { ticketId: string }) => e.ticketId).sort()).toEqual(
      [...opened].sort(),
    );
    // The third credit of the day is counted on the next Zagreb day.
    expect(usage.body.entries[2].at).toBe('2026-12-02T23:00:00.000Z');

    for (const reader of [agent, finance, admin]) {
      const seen = await reader('GET', `/v1/accounts/${id}/usage?month=2026-12`);
      expect(seen.status).toBe(200);
      expect(seen.body).toEqual(usage.body);
    }
    const other = await newAccount(b2bee, { planId: 'standard', startDate: '2026-01-01' });
    expect((await customer('GET', `/v1/accounts/${other}/usage`)).status).toBe(404);
    expect((await admin('GET', '/v1/accounts/nobody/usage')).status).toBe(404);

    // Three more: two credits left (deferred to later days), then a billed overage.
    for (let i = 3; i < 6; i++)
      await customer('POST', '/v1/tickets', { subject: `Question ${i}`, body: 'how?' });
    const full = await customer('GET', `/v1/accounts/${id}/usage`);
    expect(full.body.pools[0]).toMatchObject({ allowance: 5, used: 5, remaining: 0 });
    const overage = full.body.entries.filter((e: { kind: string }) => e.kind === 'overage');
    expect(overage).toHaveLength(1);
    expect(overage[0]).toMatchObject({ amount: 5000, currency: 'EUR', unitPrice: 5000, quantity: 1 });
    expect(full.body.totals).toEqual({ EUR: 5000 });
  });

  test('a month in the future or not a month is a 400 naming query.month', async () => {
    const id = await newAccount(b2bee, { planId: 'basic', startDate: '2026-01-01' });
    for (const month of ['2027-01', '2026-13', 'december']) {
      const refused = await finance('GET', `/v1/accounts/${id}/usage?month=${month}`);
      expect(refused.status, month).toBe(400);
      expect(refused.body.errors[0].field).toBe('query.month');
    }
    expect((await finance('GET', `/v1/accounts/${id}/usage?year=2026`)).status).toBe(400);
  });
});

describe('Performars', () => {
  test('pay per use: no pools; the USD 70 ticket fee appears when the ticket is resolved', async () => {
    const id = await newAccount(performars);
    const created = await agent('POST', '/v1/tickets', {
      accountId: id,
      subject: 'Campaign broken',
      body: 'x',
    });
    expect(created.status).toBe(201);
    const before = await finance('GET', `/v1/accounts/${id}/usage`);
    expect(before.body).toMatchObject({
      planId: 'pay-per-use',
      billingTimeZone: 'Asia/Seoul',
      pools: [],
      entries: [],
    });
    expect(before.body.totals).toEqual({});
    const resolved = await agent('PATCH', `/v1/tickets/${created.body.id}`, { status: 'resolved' });
    expect(resolved.status).toBe(200);
    const after = await finance('GET', `/v1/accounts/${id}/usage`);
    expect(after.body.entries).toHaveLength(1);
    expect(after.body.entries[0]).toMatchObject({
      kind: 'ticket_fee',
      ticketId: created.body.id,
      quantity: 1,
      amount: 7000,
      currency: 'USD',
    });
    expect(after.body.totals).toEqual({ USD: 7000 });
  });

  test('Enterprise: 144 tickets per contract year, counted from the contract’s anniversary', async () => {
    const id = await newAccount(performars, { planId: 'enterprise', startDate: '2026-03-15' });
    await agent('POST', '/v1/tickets', { accountId: id, subject: 'Question', body: 'x' });
    const usage = await agent('GET', `/v1/accounts/${id}/usage`);
    expect(usage.body.pools).toEqual([
      {
        poolId: 'tickets',
        unit: 'request',
        period: 'contractYear',
        periodStart: '2026-03-15',
        periodEnd: '2027-03-15',
        allowance: 144,
        carriedIn: 0,
        used: 1,
        remaining: 143,
        source: 'counter',
      },
    ]);
  });
});

describe('after the month', () => {
  test('a past month: the closed period is summed from its ledger; the new month starts full', async () => {
    const id = await newAccount(b2bee, { planId: 'standard', startDate: '2026-01-01' });
    const customer = client(api.baseUrl, await keyFor('customer', id));
    await customer('POST', '/v1/tickets', { subject: 'December', body: 'x' });
    await customer('POST', '/v1/tickets', { subject: 'December too', body: 'x' });
    // Before the account existed there is no usage, not a full allowance (as the export has no line).
    const november = await customer('GET', `/v1/accounts/${id}/usage?month=2026-11`);
    expect(november.status).toBe(400);
    expect(november.body.errors[0]).toMatchObject({ field: 'query.month' });
    expect(november.body.errors[0].message).toContain('its usage starts in 2026-12');
    // The clock only moves forward: this test runs last.
    api.clock.set(new Date('2027-01-05T09:00:00Z'));
    await customer('POST', '/v1/tickets', { subject: 'January', body: 'x' });
    const january = await customer('GET', `/v1/accounts/${id}/usage`);
    expect(january.body.month).toBe('2027-01');
    expect(january.body.pools[0]).toMatchObject({
      periodStart: '2027-01-01',
      used: 1,
      remaining: 4,
      source: 'counter',
    });
    const december = await customer('GET', `/v1/accounts/${id}/usage?month=2026-12`);
    expect(december.body.pools[0]).toMatchObject({
      periodStart: '2026-12-01',
      periodEnd: '2027-01-01',
      carriedIn: 0,
      used: 2,
      remaining: 3,
      source: 'ledger',
    });
    expect(december.body.entries).toHaveLength(2);
  });
});
