// Metering a customer cannot steer, through the real local HTTP server on DynamoDB Local: kind and
// severity are declared by the customer and assessed by staff; agents always record work; a ticket
// resolved without an answer does not claim one; customers read what a request used, never metering's
// internal reasons.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApiKey } from '../../functions/store/api-keys.ts';
import { client, deskContext, type Harness, keyFor, seedAccount, seedCatalog, startApi } from './harness.ts';

let api: Harness;
let b2bee: string;
let salesLayer: string;
let suitecrm: string;
let agent: ReturnType<typeof client>;
let agentKeyId: string;

beforeAll(async () => {
  api = await startApi();
  // Wednesday 2 December 2026, 10:00 in Zagreb and Madrid, 09:00 in London.
  api.clock.set(new Date('2026-12-02T09:00:00Z'));
  [b2bee, salesLayer, suitecrm] = await Promise.all(
    ['b2bee', 'sales-layer', 'suitecrm'].map((name) => seedCatalog(name)),
  );
  const { record, secret } = await createApiKey(
    deskContext().store,
    { role: 'agent', name: 'triage' },
    new Date(),
  );
  agent = client(api.baseUrl, secret);
  agentKeyId = record.keyId;
});
afterAll(() => api.close());

/** The harness clock keeps running after `set`: instants it records are up to seconds later. */
function near(actual: string, expected: string): void {
  const drift = Date.parse(actual) - Date.parse(expected);
  expect(drift, `${actual} should be ${expected}`).toBeGreaterThanOrEqual(0);
  expect(drift, `${actual} should be ${expected}`).toBeLessThan(60_000);
}

describe('a customer cannot choose to be unmetered', () => {
  test('B2Bee: a declared Critical incident runs as a Minor request using a credit until an agent confirms it', async () => {
    const account = await seedAccount(b2bee, { planId: 'standard', startDate: '2026-01-01' });
    const customer = client(api.baseUrl, await keyFor('customer', account.id));
    const created = await customer('POST', '/v1/tickets', {
      subject: 'Everything is down',
      body: 'down',
      severity: 'Critical',
      kind: 'incident',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'request',
      severity: 'Minor',
      declared: { kind: 'incident', severity: 'Critical' },
      assessed: null,
      entitlement: {
        decision: 'consume',
        notes: [{ kind: 'consumed', used: 1, allowance: 5, period: 'month' }],
      },
    });
    // Customers never read metering's internal reason; agents do.
    expect(created.body.entitlement.reason).toBeUndefined();
    // Minor: 8 hours of 08:00-17:00 working days from Wednesday 10:00 Zagreb: Thursday 09:00.
    near(created.body.sla.firstResponse.dueAt, '2026-12-03T08:00:00.000Z');
    const staffView = await agent('GET', `/v1/tickets/${created.body.id}`);
    expect(staffView.body.entitlement.reason).toContain('request 1 of 5 in credits');
    let usage = await agent('GET', `/v1/accounts/${account.id}/usage`);
    expect(usage.body.pools[0]).toMatchObject({ used: 1, remaining: 4 });

    api.clock.set(new Date('2026-12-02T09:10:00Z'));
    const confirmed = await agent('PATCH', `/v1/tickets/${created.body.id}`, { kind: 'incident' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({
      kind: 'incident',
      // The first triage confirms what the customer declared for what the agent did not change.
      severity: 'Critical',
      declared: { kind: 'incident', severity: 'Critical' },
      assessed: { kind: 'incident', severity: 'Critical', by: agentKeyId },
    });
    near(confirmed.body.assessed.at, '2026-12-02T09:10:00.000Z');
    // Critical: 1 hour on 8-24 every day, the 10 minutes so far kept: 10:10 + 50 min.
    near(confirmed.body.sla.firstResponse.dueAt, '2026-12-02T10:00:00.000Z');
    usage = await agent('GET', `/v1/accounts/${account.id}/usage`);
    expect(usage.body.pools[0]).toMatchObject({ used: 0, remaining: 5 });
    expect(usage.body.entries.map((e: { kind: string; quantity: number }) => [e.kind, e.quantity])).toEqual([
      ['request_consumed', 1],
      ['reversal', -1],
    ]);
  });

  test('B2Bee: a declared incident applies the daily cap like any request', async () => {
    const account = await seedAccount(b2bee, { planId: 'standard', startDate: '2026-01-01' });
    const customer = client(api.baseUrl, await keyFor('customer', account.id));
    const decisions = [];
    for (let i = 0; i < 3; i++) {
      const created = await customer('POST', '/v1/tickets', {
        subject: `Down ${i}`,
        body: 'x',
        kind: 'incident',
      });
      decisions.push(created.body.entitlement.decision);
    }
    expect(decisions).toEqual(['consume', 'consume', 'defer']);
  });

  test('Sales Layer: time on a declared incident is deducted until confirmed, then given back', async () => {
    const account = await seedAccount(salesLayer, { planId: 'premium', startDate: '2026-01-01' });
    const customer = client(api.baseUrl, await keyFor('customer', account.id));
    const created = await customer('POST', '/v1/tickets', {
      subject: 'Feed broken',
      body: 'x',
      kind: 'incident',
    });
    expect(created.body.kind).toBe('request');
    const logged = await agent('POST', `/v1/tickets/${created.body.id}/time-entries`, { minutes: 30 });
    expect(logged.body.entry).toMatchObject({ countedMinutes: 30, fromPool: 30 });
    await agent('PATCH', `/v1/tickets/${created.body.id}`, { kind: 'incident' });
    const usage = await agent('GET', `/v1/accounts/${account.id}/usage`);
    expect(usage.body.pools[0]).toMatchObject({ used: 0, remaining: 3000 });
    expect(usage.body.entries.map((e: { kind: string; quantity: number }) => [e.kind, e.quantity])).toEqual([
      ['time_consumed', 30],
      ['reversal', -30],
    ]);
    // Time logged once it is assessed as an incident deducts nothing.
    const after = await agent('POST', `/v1/tickets/${created.body.id}/time-entries`, { minutes: 20 });
    expect(after.body.entry).toMatchObject({ decision: 'exempt', fromPool: 0 });
  });

  test('staff opening a ticket for a customer assess it as they open it', async () => {
    const account = await seedAccount(b2bee, { planId: 'standard', startDate: '2026-01-01' });
    const created = await agent('POST', '/v1/tickets', {
      accountId: account.id,
      subject: 'Outage reported by phone',
      body: 'x',
      kind: 'incident',
      severity: 'Critical',
    });
    expect(created.body).toMatchObject({
      kind: 'incident',
      severity: 'Critical',
      assessed: { kind: 'incident', severity: 'Critical', by: agentKeyId },
      entitlement: { decision: 'exempt', notes: [{ kind: 'notCounted' }] },
    });
  });
});

describe('agents can always record work; new requests past the hours follow the catalog', () => {
  test('SuiteCRM: with the 25 hours used, work is recorded over the allowance and a new request is accepted without SLA', async () => {
    const account = await seedAccount(suitecrm, { planId: 'dedicated-25h', startDate: '2026-01-01' });
    const customer = client(api.baseUrl, await keyFor('customer', account.id));
    const open = await customer('POST', '/v1/tickets', { subject: 'Workflows', body: 'x' });
    expect(open.body.entitlement.notes).toEqual([
      { kind: 'hours', remainingMinutes: 1500, period: 'contractYear' },
    ]);
    for (const minutes of [1440, 60])
      expect((await agent('POST', `/v1/tickets/${open.body.id}/time-entries`, { minutes })).status).toBe(201);
    const more = await agent('POST', `/v1/tickets/${open.body.id}/time-entries`, {
      minutes: 40,
      note: 'follow-up',
    });
    expect(more.status).toBe(201);
    expect(more.body.entry).toMatchObject({ countedMinutes: 45, fromPool: 0, overAllowance: 45 });
    const usage = await agent('GET', `/v1/accounts/${account.id}/usage`);
    expect(usage.body.pools[0]).toMatchObject({ allowance: 1500, used: 1500, remaining: 0 });
    expect(usage.body.entries.at(-1)).toMatchObject({ kind: 'time_billed', quantity: 45, amount: 0 });
    expect(usage.body.entries.at(-1).reason).toContain('over the prepaid-hours allowance');
    expect(usage.body.totals).toEqual({ GBP: 0 });

    const late = await customer('POST', '/v1/tickets', { subject: 'Reports slow', body: 'x' });
    expect(late.status).toBe(201);
    expect(late.body).toMatchObject({
      slaExempt: true,
      sla: {},
      entitlement: { decision: 'overage', notes: [{ kind: 'withoutSla', because: 'hoursUsed' }] },
    });
  });
});

describe('SLA facts that match their names', () => {
  test('resolved with no agent reply: first response is stopped, not met', async () => {
    const account = await seedAccount(b2bee, { planId: 'standard', startDate: '2026-01-01' });
    const customer = client(api.baseUrl, await keyFor('customer', account.id));
    const created = await customer('POST', '/v1/tickets', { subject: 'Never mind', body: 'x' });
    const resolved = await agent('PATCH', `/v1/tickets/${created.body.id}`, { status: 'resolved' });
    expect(resolved.body.firstResponseAt).toBeNull();
    expect(resolved.body.sla.firstResponse).toMatchObject({ state: 'stopped', met: false, paused: false });
    near(resolved.body.sla.firstResponse.stoppedAt, resolved.body.resolvedAt);
    expect(resolved.body.sla.firstResponse.metAt).toBeUndefined();
  });

  test('the OpenAPI document describes declared, assessed, notes and the stopped state', async () => {
    const doc = (await client(api.baseUrl, undefined)('GET', '/v1/openapi.json')).body;
    const ticket = doc.components.schemas.Ticket;
    expect(ticket.required).toEqual(expect.arrayContaining(['declared', 'assessed']));
    expect(doc.components.schemas.SlaClock.properties.state.enum).toContain('stopped');
    expect(doc.components.schemas.UsageNote).toBeDefined();
  });
});
