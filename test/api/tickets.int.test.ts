// The ticket API through the real local HTTP server and route handlers, on DynamoDB Local.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { client, type Harness, keyFor, seedAccount, seedCatalog, startApi } from './harness.ts';

let api: Harness;
let b2bee: string;
let saastech: string;

beforeAll(async () => {
  api = await startApi();
  // Wednesday 2 December 2026, 10:00 in Zagreb: inside every B2Bee availability window.
  api.clock.set(new Date('2026-12-02T09:00:00Z'));
  b2bee = await seedCatalog('b2bee');
  saastech = await seedCatalog('saastech');
});
afterAll(() => api.close());

describe('opening tickets', () => {
  test('a customer opens a ticket declared Critical: reference, ETag, and Minor until B2Bee assesses it', async () => {
    const account = await seedAccount(b2bee, { planId: 'standard', startDate: '2026-01-01' });
    const customer = client(api.baseUrl, await keyFor('customer', account.id));
    const created = await customer('POST', '/v1/tickets', {
      subject: 'Orders stuck',
      body: 'Nothing syncs',
      severity: 'Critical',
    });
    expect(created.status).toBe(201);
    expect(created.body.reference).toBe(`${account.referencePrefix}-1`);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body.status).toBe('new');
    // "B2Bee reserves the exclusive right to assess the degree of seriousness": Minor until triage,
    // 8 hours of 08:00-17:00 working days from Wednesday 10:00 Zagreb, Thursday 09:00: 23 hours later.
    expect(created.body).toMatchObject({
      severity: 'Minor',
      declared: { severity: 'Critical' },
      assessed: null,
    });
    expect(Date.parse(created.body.sla.firstResponse.dueAt) - Date.parse(created.body.createdAt)).toBe(
      23 * 3600_000,
    );
    expect(created.body.sla.firstResponse.state).toBe('running');
    expect(created.body.entitlement.decision).toBe('consume');
    const read = await customer('GET', `/v1/tickets/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(created.body.id);
  });

  test('a key for account A reading account B’s ticket gets 404, and listing shows only its own', async () => {
    const a = await seedAccount(b2bee, { planId: 'premium', startDate: '2026-01-01' });
    const b = await seedAccount(b2bee, { planId: 'premium', startDate: '2026-01-01' });
    const customerA = client(api.baseUrl, await keyFor('customer', a.id));
    const customerB = client(api.baseUrl, await keyFor('customer', b.id));
    const ofB = await customerB('POST', '/v1/tickets', { subject: 'B only', body: 'private' });
    expect((await customerA('GET', `/v1/tickets/${ofB.body.id}`)).status).toBe(404);
    expect((await customerA('GET', `/v1/tickets/${ofB.body.id}/messages`)).status).toBe(404);
    expect((await customerA('POST', `/v1/tickets/${ofB.body.id}/messages`, { body: 'hi' })).status).toBe(404);
    expect((await customerA('GET', `/v1/tickets?accountId=${b.id}`)).status).toBe(404);
    const listA = await customerA('GET', '/v1/tickets');
    expect(listA.body.items).toEqual([]);
    const listB = await customerB('GET', '/v1/tickets');
    expect(listB.body.items.map((t: { id: string }) => t.id)).toEqual([ofB.body.id]);
  });

  test('Idempotency-Key: the same request twice creates one ticket; another body is 422', async () => {
    const account = await seedAccount(b2bee, { planId: 'premium', startDate: '2026-01-01' });
    const customer = client(api.baseUrl, await keyFor('customer', account.id));
    const body = { subject: 'Once', body: 'only once' };
    const first = await customer('POST', '/v1/tickets', body, { 'idempotency-key': 'k-1' });
    const again = await customer('POST', '/v1/tickets', body, { 'idempotency-key': 'k-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    // The replay says so, and carries the ETag of the version it describes, like the first answer.
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(first.headers.get('etag')).toBe('"1"');
    const other = await customer(
      'POST',
      '/v1/tickets',
      { ...body, subject: 'Other' },
      { 'idempotency-key': 'k-1' },
    );
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toBe('application/problem+json');
    const list = await customer('GET', '/v1/tickets');
    expect(list.body.items).toHaveLength(1);
    // Concurrent duplicates also create one ticket.
    const racing = await Promise.all(
      Array.from({ length: 5 }, () =>
        customer('POST', '/v1/tickets', { subject: 'Race', body: 'x' }, { 'idempotency-key': 'k-2' }),
      ),
    );
    expect(new Set(racing.map((r) => r.body.id)).size).toBe(1);
    expect((await customer('GET', '/v1/tickets')).body.items).toHaveLength(2);
  });

  test('B2Bee Standard: a third credit on one day is deferred to the next day, clocks start then', async () => {
    const account = await seedAccount(b2bee, { planId: 'standard', startDate: '2026-01-01' });
    const customer = client(api.baseUrl, await keyFor('customer', account.id));
    const opened = [];
    for (let i = 0; i < 3; i++)
      opened.push(await customer('POST', '/v1/tickets', { subject: `Q${i}`, body: 'how?' }));
    expect(opened.map((r) => r.body.entitlement.decision)).toEqual(['consume', 'consume', 'defer']);
    // Next day in Zagreb starts at 2026-12-02T23:00Z.
    expect(opened[2]!.body.clocksStartAt).toBe('2026-12-02T23:00:00.000Z');
  });

  test('bad input is a 400 problem naming the field, and nothing is stored', async () => {
    const account = await seedAccount(b2bee, { planId: 'basic', startDate: '2026-01-01' });
    const customer = client(api.baseUrl, await keyFor('customer', account.id));
    const malformed = await customer('POST', '/v1/tickets', '{"subject": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([{ field: 'body', message: 'is not valid JSON' }]);
    const unknown = await customer('POST', '/v1/tickets', { subject: 'x', body: 'y', priority: 'high' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toMatch(/priority/);
    const severity = await customer('POST', '/v1/tickets', { subject: 'x', body: 'y', severity: 'P1' });
    expect(severity.status).toBe(400);
    expect(severity.body.errors[0].field).toBe('severity');
    const empty = await customer('POST', '/v1/tickets', { subject: '', body: 'y' });
    expect(empty.body.errors[0].field).toBe('subject');
    expect((await customer('GET', '/v1/tickets')).body.items).toEqual([]);
    expect((await customer('GET', '/v1/tickets?limit=0')).body.errors[0].field).toBe('query.limit');
  });

  test('no key is 401; a customer key on a staff route is 403', async () => {
    const anonymous = client(api.baseUrl, undefined);
    expect((await anonymous('GET', '/v1/tickets')).status).toBe(401);
    expect((await client(api.baseUrl, 'sd_admin_nope')('GET', '/v1/tickets')).status).toBe(401);
    const account = await seedAccount(b2bee, { planId: 'basic', startDate: '2026-01-01' });
    const customer = client(api.baseUrl, await keyFor('customer', account.id));
    const created = await customer('POST', '/v1/tickets', { subject: 'x', body: 'y' });
    expect((await customer('PATCH', `/v1/tickets/${created.body.id}`, { status: 'resolved' })).status).toBe(
      403,
    );
  });
});

describe('working a ticket', () => {
  test('triage with If-Match, a public reply meets first response, internal notes stay internal', async () => {
    const account = await seedAccount(b2bee, { planId: 'premium', startDate: '2026-01-01' });
    const customer = client(api.baseUrl, await keyFor('customer', account.id));
    const agent = client(api.baseUrl, await keyFor('agent'));
    const created = await customer('POST', '/v1/tickets', { subject: 'Slow', body: 'pages load slowly' });
    const id = created.body.id;
    const stale = await agent(
      'PATCH',
      `/v1/tickets/${id}`,
      { severity: 'Significant' },
      { 'if-match': '"7"' },
    );
    expect(stale.status).toBe(412);
    const triaged = await agent(
      'PATCH',
      `/v1/tickets/${id}`,
      { severity: 'Significant', kind: 'incident' },
      { 'if-match': '"1"' },
    );
    expect(triaged.status).toBe(200);
    expect(triaged.body.severity).toBe('Significant');
    expect(triaged.body.status).toBe('acknowledged');
    expect(triaged.body.version).toBe(2);
    const again = await agent('PATCH', `/v1/tickets/${id}`, { status: 'in_progress' }, { 'if-match': '"1"' });
    expect(again.status).toBe(412);
    await agent('POST', `/v1/tickets/${id}/messages`, { body: 'note to self', visibility: 'internal' });
    const reply = await agent('POST', `/v1/tickets/${id}/messages`, { body: 'Looking into it' });
    expect(reply.status).toBe(201);
    expect(reply.body.ticket.sla.firstResponse.state).toBe('met');
    expect(reply.body.ticket.status).toBe('in_progress');
    const seenByCustomer = await customer('GET', `/v1/tickets/${id}/messages`);
    expect(seenByCustomer.body.items.map((m: { body: string }) => m.body)).toEqual([
      'pages load slowly',
      'Looking into it',
    ]);
    const seenByAgent = await agent('GET', `/v1/tickets/${id}/messages`);
    expect(seenByAgent.body.items).toHaveLength(3);
    const waiting = await agent('PATCH', `/v1/tickets/${id}`, { status: 'waiting_on_customer' });
    expect(waiting.body.sla.resolution?.state ?? 'paused').toBe('paused');
    const answered = await customer('POST', `/v1/tickets/${id}/messages`, { body: 'here are the logs' });
    expect(answered.body.ticket.status).toBe('in_progress');
  });

  test('SaaSTech P1 work of 50 minutes is billed as 60 after the included hours (time entries)', async () => {
    const account = await seedAccount(saastech, {
      planId: 'client-success',
      startDate: '2026-01-01',
      tier: 'per-use',
    });
    const agent = client(api.baseUrl, await keyFor('agent'));
    const created = await agent('POST', '/v1/tickets', {
      accountId: account.id,
      subject: 'Down',
      body: 'site down',
      severity: 'P1',
    });
    expect(created.status).toBe(201);
    const logged = await agent('POST', `/v1/tickets/${created.body.id}/time-entries`, { minutes: 50 });
    expect(logged.status).toBe(201);
    expect(logged.body.entry.countedMinutes).toBe(60);
    expect(logged.body.entry.decision).toBe('billed');
    const bad = await agent('POST', `/v1/tickets/${created.body.id}/time-entries`, { minutes: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('minutes');
  });

  test('20 concurrent agent updates without If-Match all apply (no lost update)', async () => {
    const account = await seedAccount(b2bee, { planId: 'premium', startDate: '2026-01-01' });
    const agent = client(api.baseUrl, await keyFor('agent'));
    const created = await agent('POST', '/v1/tickets', { accountId: account.id, subject: 'Busy', body: 'x' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        agent('POST', `/v1/tickets/${created.body.id}/messages`, {
          body: `note ${i}`,
          visibility: 'internal',
        }),
      ),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const messages = await agent('GET', `/v1/tickets/${created.body.id}/messages?limit=100`);
    expect(messages.body.items).toHaveLength(21);
    const ticket = await agent('GET', `/v1/tickets/${created.body.id}`);
    expect(ticket.body.version).toBe(21);
  });
});

test('GET /v1/openapi.json serves a valid OpenAPI 3.1 document covering every route', async () => {
  const response = await client(api.baseUrl, undefined)('GET', '/v1/openapi.json');
  expect(response.status).toBe(200);
  expect(response.body.openapi).toBe('3.1.0');
  const result = await new Validator().validate(response.body);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  expect(Object.keys(response.body.paths)).toContain('/v1/tickets/{id}/time-entries');
});
