// The agents' queue through the real local HTTP server, on a table of its own (the queue holds every
// account's open tickets, so other test files' tickets would mix in): SLA order across accounts,
// filters, paging, the summary, claiming and assigning, staff addresses and the tickets list's refusal.
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { hashApiKey } from '../../functions/store/api-keys.ts';
import { getOutboxItem, pendingOutboxIds } from '../../functions/store/outbox.ts';
import { createTableInput } from '../../functions/store/table-definition.ts';
import { localClient } from '../../local/dynamodb-local.ts';
import { client, deskContext, type Harness, keyFor, seedAccount, seedCatalog, startApi } from './harness.ts';

const TABLE = `queue-${Date.now()}`;
let api: Harness;
let agent: ReturnType<typeof client>;
let agentKeyId: string;
let other: ReturnType<typeof client>;
let otherKeyId: string;
let customerKeyId: string;
let b2beeAccount: string;
let salesAccount: string;
const ids: Record<'breached' | 'running' | 'paused' | 'untimed', string> = {
  breached: '',
  running: '',
  paused: '',
  untimed: '',
};

const keyIdOf = (secret: string) => hashApiKey(secret).slice(0, 16);

beforeAll(async () => {
  const db = localClient(inject('dynamoEndpoint'));
  await db.send(new CreateTableCommand(createTableInput(TABLE)));
  db.destroy();
  api = await startApi({ tableName: TABLE });
  // Monday 14 December 2026, 10:00 in Zagreb and Madrid.
  api.clock.set(new Date('2026-12-14T09:00:00Z'));
  const b2bee = await seedCatalog('b2bee');
  const salesLayer = await seedCatalog('sales-layer');
  b2beeAccount = (await seedAccount(b2bee, { planId: 'standard', startDate: '2026-01-01' })).id;
  salesAccount = (await seedAccount(salesLayer, { planId: 'premium', startDate: '2026-01-01' })).id;
  const agentSecret = await keyFor('agent');
  const otherSecret = await keyFor('agent');
  agent = client(api.baseUrl, agentSecret);
  other = client(api.baseUrl, otherSecret);
  agentKeyId = keyIdOf(agentSecret);
  otherKeyId = keyIdOf(otherSecret);
  const b2beeCustomer = await keyFor('customer', b2beeAccount);
  customerKeyId = keyIdOf(b2beeCustomer);
  const b2bee$ = client(api.baseUrl, b2beeCustomer);
  const sales$ = client(api.baseUrl, await keyFor('customer', salesAccount));

  const open = async (as: typeof b2bee$, body: object) => {
    const created = await as('POST', '/v1/tickets', body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id as string;
  };
  // Critical: first response within 1 hour of 08:00-24:00, due 11:00 Zagreb (10:00 UTC).
  ids.breached = await open(b2bee$, {
    subject: 'Checkout fails',
    body: 'Nobody can pay',
    severity: 'Critical',
  });
  // B2Bee assesses severity itself (004): the agent confirms the customer's Critical, which runs
  // from the opening, so the deadline stays 10:00 UTC.
  expect((await agent('PATCH', `/v1/tickets/${ids.breached}`, { severity: 'Critical' })).status).toBe(200);
  // 12 business hours of 08:00-18:00 Madrid: due tomorrow 12:00 Madrid.
  ids.running = await open(sales$, { subject: 'Feed late', body: 'The feed is an hour late' });
  // Minor, then waiting on the customer: paused with 8 business hours left.
  ids.paused = await open(b2bee$, { subject: 'Which export format?', body: 'CSV or XLSX?' });
  expect((await agent('PATCH', `/v1/tickets/${ids.paused}`, { status: 'waiting_on_customer' })).status).toBe(
    200,
  );
  // Answered: first response met, no clock left, still open.
  ids.untimed = await open(b2bee$, { subject: 'Add a user', body: 'Please add Marko' });
  expect((await agent('POST', `/v1/tickets/${ids.untimed}/messages`, { body: 'Done.' })).status).toBe(201);
  // 11:30 UTC: the Critical ticket is 90 minutes past its deadline (no timer ran: the queue sees it anyway).
  api.clock.set(new Date('2026-12-14T11:30:00Z'));
});
afterAll(() => api?.close());

const order = (page: { body: { items: { id: string }[] } }) => page.body.items.map((item) => item.id);

describe('the queue', () => {
  test('breached first, then the soonest deadline, paused after running, untimed last; each with its live SLA', async () => {
    const page = await agent('GET', '/v1/queue');
    expect(page.status).toBe(200);
    expect(order(page)).toEqual([ids.breached, ids.running, ids.paused, ids.untimed]);
    expect(page.body.nextCursor).toBeUndefined();
    const [breached, running, paused, untimed] = page.body.items;
    // The harness clock runs on from where it was set: instants are a few seconds later than set.
    const near = (actual: string, expected: string) =>
      expect(Math.abs(Date.parse(actual) - Date.parse(expected))).toBeLessThan(60_000);
    expect(breached.queue).toMatchObject({ state: 'breached', metric: 'firstResponse', remainingMs: 0 });
    near(breached.queue.dueAt, '2026-12-14T10:00:00.000Z');
    expect(breached.sla.firstResponse.state).toBe('breached');
    // Monday 10:00-18:00 and Tuesday 08:00-12:00 Madrid (UTC+1).
    expect(running.queue).toMatchObject({ state: 'running' });
    near(running.queue.dueAt, '2026-12-15T11:00:00.000Z');
    expect(Math.abs(running.queue.remainingMs - (12 * 60 - 150) * 60_000)).toBeLessThan(60_000);
    expect(paused.queue).toMatchObject({ state: 'paused', dueAt: null });
    expect(8 * 3600_000 - paused.queue.remainingMs).toBeLessThan(60_000);
    expect(untimed.queue).toEqual({ state: 'none', metric: null, dueAt: null, remainingMs: null });
  });

  test('state, account, catalog, severity and status filters', async () => {
    expect(order(await agent('GET', '/v1/queue?state=breached'))).toEqual([ids.breached]);
    expect(order(await agent('GET', '/v1/queue?state=running'))).toEqual([ids.running]);
    expect(order(await agent('GET', '/v1/queue?state=at_risk'))).toEqual([]);
    expect(order(await agent('GET', '/v1/queue?state=paused'))).toEqual([ids.paused]);
    expect(order(await agent('GET', '/v1/queue?state=none'))).toEqual([ids.untimed]);
    expect(order(await agent('GET', `/v1/queue?accountId=${salesAccount}`))).toEqual([ids.running]);
    expect(order(await agent('GET', '/v1/queue?catalogId=b2bee&severity=Minor'))).toEqual([
      ids.paused,
      ids.untimed,
    ]);
    expect(order(await agent('GET', '/v1/queue?catalogId=sales-layer'))).toEqual([ids.running]);
    expect(order(await agent('GET', '/v1/queue?status=waiting_on_customer'))).toEqual([ids.paused]);
    expect(order(await agent('GET', '/v1/queue?assignee=none'))).toHaveLength(4);
  });

  test('pages in queue order with a cursor; a cursor of another list is refused', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await agent('GET', `/v1/queue?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...order(page));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([ids.breached, ids.running, ids.paused, ids.untimed]);
    // Filtered pages page too (kept entries only).
    const first = await agent('GET', `/v1/queue?accountId=${b2beeAccount}&limit=2`);
    expect(order(first)).toEqual([ids.breached, ids.paused]);
    const second = await agent(
      'GET',
      `/v1/queue?accountId=${b2beeAccount}&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(order(second)).toEqual([ids.untimed]);

    const tickets = await agent('GET', `/v1/tickets?accountId=${b2beeAccount}&limit=1`);
    const foreign = await agent('GET', `/v1/queue?cursor=${tickets.body.nextCursor}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    // A position among the paused is not one among the breached.
    const pausedCursor = (await agent('GET', '/v1/queue?limit=3')).body.nextCursor;
    const mixed = await agent('GET', `/v1/queue?state=breached&cursor=${pausedCursor}`);
    expect(mixed.status).toBe(400);
    expect(mixed.body.errors[0].field).toBe('cursor');
  });

  test('bad filter values are 400s naming the field', async () => {
    for (const [query, field] of [
      ['state=late', 'query.state'],
      ['status=closed', 'query.status'],
      ['assignee=bob', 'query.assignee'],
      ['accountId=no-such-account', 'query.accountId'],
      ['catalogId=no-such-catalog', 'query.catalogId'],
      ['catalogId=b2bee&severity=P1', 'query.severity'],
      ['colour=red', 'query'],
    ] as const) {
      const answer = await agent('GET', `/v1/queue?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(
        answer.body.errors.map((e: { field: string }) => e.field),
        query,
      ).toContain(field);
    }
  });

  test('customers and finance may not read it', async () => {
    const customer = client(api.baseUrl, await keyFor('customer', b2beeAccount));
    expect((await customer('GET', '/v1/queue')).status).toBe(403);
    expect((await client(api.baseUrl, await keyFor('finance'))('GET', '/v1/queue/summary')).status).toBe(403);
  });

  test('the summary counts per live state and severity, for the same filters', async () => {
    const all = await agent('GET', '/v1/queue/summary');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({
      total: 4,
      states: { breached: 1, at_risk: 0, running: 1, paused: 1, none: 1 },
      severities: { Critical: 1, Minor: 3 },
    });
    const b2bee = await agent('GET', `/v1/queue/summary?accountId=${b2beeAccount}&state=paused`);
    expect(b2bee.body).toMatchObject({
      total: 1,
      states: { paused: 1, breached: 0 },
      severities: { Minor: 1 },
    });
  });
});

describe('claiming and assigning', () => {
  test('an agent claims an unassigned ticket; someone else claiming it is a 409; claiming again changes nothing', async () => {
    const claimed = await agent('POST', `/v1/tickets/${ids.breached}/claim`);
    expect(claimed.status).toBe(200);
    expect(claimed.body.assignee).toBe(agentKeyId);
    const version = claimed.body.version;
    const taken = await other('POST', `/v1/tickets/${ids.breached}/claim`);
    expect(taken.status).toBe(409);
    expect(taken.headers.get('content-type')).toBe('application/problem+json');
    const again = await agent('POST', `/v1/tickets/${ids.breached}/claim`);
    expect(again.status).toBe(200);
    expect(again.body.version).toBe(version);
    expect(order(await agent('GET', '/v1/queue?assignee=me'))).toEqual([ids.breached]);
    expect(order(await other('GET', '/v1/queue?assignee=me'))).toEqual([]);
    expect(order(await other('GET', `/v1/queue?assignee=${agentKeyId}`))).toEqual([ids.breached]);
    expect(order(await agent('GET', '/v1/queue?assignee=none'))).not.toContain(ids.breached);
  });

  test('PATCH assignee takes a staff keyId or null with If-Match; a customer key is a 400 naming assignee', async () => {
    const read = await agent('GET', `/v1/tickets/${ids.running}`);
    const customer = await agent('PATCH', `/v1/tickets/${ids.running}`, { assignee: customerKeyId });
    expect(customer.status).toBe(400);
    expect(customer.body.errors).toEqual([expect.objectContaining({ field: 'assignee' })]);
    expect(customer.body.errors[0].message).toContain(customerKeyId);
    const unknown = await agent('PATCH', `/v1/tickets/${ids.running}`, { assignee: '0123456789abcdef' });
    expect(unknown.body.errors[0].field).toBe('assignee');
    const ifMatch = { 'if-match': `"${read.body.version}"` };
    const assigned = await agent('PATCH', `/v1/tickets/${ids.running}`, { assignee: otherKeyId }, ifMatch);
    expect(assigned.status).toBe(200);
    expect(assigned.body.assignee).toBe(otherKeyId);
    const stale = await agent('PATCH', `/v1/tickets/${ids.running}`, { assignee: null }, ifMatch);
    expect(stale.status).toBe(412);
    // Unassigning stays unassigned (the stored record once kept the old assignee).
    const cleared = await agent('PATCH', `/v1/tickets/${ids.running}`, { assignee: null });
    expect(cleared.body.assignee).toBeNull();
    expect((await agent('GET', `/v1/tickets/${ids.running}`)).body.assignee).toBeNull();
    expect(order(await agent('GET', '/v1/queue?assignee=none'))).toContain(ids.running);
  });

  test('claiming a resolved or closed ticket is a 400 naming status', async () => {
    await agent('PATCH', `/v1/tickets/${ids.untimed}`, { status: 'resolved' });
    await agent('PATCH', `/v1/tickets/${ids.untimed}`, { status: 'closed' });
    const closed = await agent('POST', `/v1/tickets/${ids.untimed}/claim`);
    expect(closed.status).toBe(400);
    expect(closed.body.errors[0].field).toBe('status');
    // A closed ticket has left the queue.
    expect(order(await agent('GET', '/v1/queue'))).not.toContain(ids.untimed);
  });
});

describe('staff addresses', () => {
  test('issued with an agent key, changed and removed by PATCH; one key per address; not for customers', async () => {
    const admin = client(api.baseUrl, await keyFor('admin'));
    const issued = await admin('POST', '/v1/api-keys', {
      role: 'agent',
      name: 'Ana',
      email: 'Ana@Desk.Example',
    });
    expect(issued.status).toBe(201);
    expect(issued.body.key.email).toBe('ana@desk.example');
    const customer = await admin('POST', '/v1/api-keys', {
      role: 'customer',
      accountId: b2beeAccount,
      name: 'x',
      email: 'x@jadran.example',
    });
    expect(customer.status).toBe(400);
    expect(customer.body.errors[0].field).toBe('email');
    const second = await admin('POST', '/v1/api-keys', { role: 'agent', name: 'Bo' });
    const taken = await admin('PATCH', `/v1/api-keys/${second.body.key.keyId}`, {
      email: 'ana@desk.example',
    });
    expect(taken.status).toBe(409);
    const moved = await admin('PATCH', `/v1/api-keys/${issued.body.key.keyId}`, {
      email: 'ana.k@desk.example',
    });
    expect(moved.body.email).toBe('ana.k@desk.example');
    // The old address is free again.
    expect(
      (await admin('PATCH', `/v1/api-keys/${second.body.key.keyId}`, { email: 'ana@desk.example' })).status,
    ).toBe(200);
    const removed = await admin('PATCH', `/v1/api-keys/${issued.body.key.keyId}`, { email: null });
    expect(removed.body.email).toBeUndefined();
    const onCustomerKey = await admin('PATCH', `/v1/api-keys/${customerKeyId}`, {
      email: 'c@jadran.example',
    });
    expect(onCustomerKey.status).toBe(400);
    expect(onCustomerKey.body.errors[0].field).toBe('email');
  });

  test('agent mail about an assigned ticket goes to the assignee’s staff address, with the SLA state', async () => {
    const admin = client(api.baseUrl, await keyFor('admin'));
    const issued = await admin('POST', '/v1/api-keys', {
      role: 'agent',
      name: 'Iva',
      email: 'iva@desk.example',
    });
    const iva = client(api.baseUrl, issued.body.secret);
    expect((await iva('POST', `/v1/tickets/${ids.paused}/claim`)).status).toBe(200);
    const customer = client(api.baseUrl, await keyFor('customer', b2beeAccount));
    expect(
      (await customer('POST', `/v1/tickets/${ids.paused}/messages`, { body: 'XLSX please' })).status,
    ).toBe(201);
    const store = deskContext().store;
    const items = await Promise.all(
      (await pendingOutboxIds(store, 1000)).map((id) => getOutboxItem(store, id)),
    );
    const told = items.filter((item) => item?.kind === 'agentCustomerReply' && item.ticketId === ids.paused);
    expect(told.map((item) => item!.mail.to)).toEqual([['iva@desk.example']]);
    expect(told[0]!.mail.text).toContain('XLSX please');
    // The customer's reply resumed the clock: 8 business hours were left.
    expect(told[0]!.mail.text).toMatch(
      /SLA: running, first response due .* \(8 h 00 min of business time left\)/,
    );
  });
});

describe('GET /v1/tickets with a staff key and no filter', () => {
  test('is a 400 naming accountId and status, never an empty page', async () => {
    const answer = await agent('GET', '/v1/tickets');
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'query.accountId',
      'query.status',
    ]);
    expect(answer.body.detail).toContain('/v1/queue');
  });
});
