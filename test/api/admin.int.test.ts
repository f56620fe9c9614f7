// The admin routes through the real local HTTP server on DynamoDB Local: catalogs, calendars and
// plans, accounts, contracts, contacts and API keys, with their role checks.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hashApiKey } from '../../functions/store/api-keys.ts';
import { keys } from '../../functions/store/keys.ts';
import { exampleCatalog, newPrefix, putExampleCatalog } from './catalog-fixtures.ts';
import { client, deskContext, type Harness, keyFor, startApi } from './harness.ts';

let api: Harness;
let admin: ReturnType<typeof client>;
let agent: ReturnType<typeof client>;
let finance: ReturnType<typeof client>;
let b2bee: string;

beforeAll(async () => {
  api = await startApi();
  // Wednesday 2 December 2026, 10:00 in Zagreb.
  api.clock.set(new Date('2026-12-02T09:00:00Z'));
  admin = client(api.baseUrl, await keyFor('admin'));
  agent = client(api.baseUrl, await keyFor('agent'));
  finance = client(api.baseUrl, await keyFor('finance'));
  b2bee = await putExampleCatalog(admin, 'b2bee');
});
afterAll(() => api.close());

async function newAccount(catalogId: string, contract?: Record<string, unknown>) {
  const created = await admin('POST', '/v1/accounts', {
    name: 'Acme',
    referencePrefix: newPrefix(),
    catalogId,
    ...(contract ? { contract } : {}),
  });
  expect(created.status).toBe(201);
  return created.body as { id: string; version: number; referencePrefix: string };
}

describe('catalogs, calendars and plans', () => {
  test('PUT a catalog creates it (201) with holiday regions expanded for last year to three years ahead; PUT again replaces it', async () => {
    const catalog = exampleCatalog('b2bee');
    const created = await admin('PUT', `/v1/catalogs/${catalog.id}`, catalog);
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body.version).toBe(1);
    const calendar = created.body.catalog.calendars['wd-8-17'];
    expect(calendar.expandedYears).toEqual([2025, 2026, 2027, 2028, 2029]);
    // Christmas in Croatia, from the HR rules, for years the example file does not list.
    expect(calendar.holidays).toContain('2025-12-25');
    expect(calendar.holidays).toContain('2029-12-25');
    const read = await agent('GET', `/v1/catalogs/${catalog.id}`);
    expect(read.status).toBe(200);
    expect(read.body.catalog).toEqual(created.body.catalog);
    const replaced = await admin('PUT', `/v1/catalogs/${catalog.id}`, { ...catalog, vendor: 'B2Bee d.o.o.' });
    expect(replaced.status).toBe(200);
    expect(replaced.body.version).toBe(2);
    expect((await admin('GET', `/v1/catalogs/${catalog.id}`)).body.catalog.vendor).toBe('B2Bee d.o.o.');
  });

  test('a bad catalog is a 400 naming the field path, and nothing is stored', async () => {
    const catalog = exampleCatalog('b2bee');
    catalog.plans[0].sla.targets.Critical.firstResponse.within = 'soon';
    const refused = await admin('PUT', `/v1/catalogs/${catalog.id}`, catalog);
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'plans[0].sla.targets.Critical.firstResponse.within',
    ]);
    expect((await admin('GET', `/v1/catalogs/${catalog.id}`)).status).toBe(404);
    // Cross-field rules too: a plan naming a calendar the catalog does not have.
    const unknownCalendar = exampleCatalog('b2bee', catalog.id);
    unknownCalendar.plans[1].sla.calendar = 'nowhere';
    const crossField = await admin('PUT', `/v1/catalogs/${catalog.id}`, unknownCalendar);
    expect(crossField.status).toBe(400);
    expect(crossField.body.errors[0].field).toMatch(/^plans\[1\]\.sla/);
    expect((await admin('GET', `/v1/catalogs/${catalog.id}`)).status).toBe(404);
    const otherId = await admin('PUT', `/v1/catalogs/${catalog.id}`, { ...catalog, id: 'other' });
    expect(otherId.status).toBe(400);
    expect(otherId.body.errors[0].field).toBe('id');
  });

  test('plans are addressed as <catalogId>.<planId>: agents read them, admins replace them within the catalog', async () => {
    const plan = await agent('GET', `/v1/plans/${b2bee}.basic`);
    expect(plan.status).toBe(200);
    expect(plan.body.plan.id).toBe('basic');
    expect(plan.body.catalogId).toBe(b2bee);
    const before = plan.body.catalogVersion;
    const { id: _id, ...body } = plan.body.plan;
    const saved = await admin('PUT', `/v1/plans/${b2bee}.gold`, {
      ...body,
      name: 'Gold',
      contacts: { max: 5 },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.plan).toMatchObject({ id: 'gold', name: 'Gold', contacts: { max: 5 } });
    expect(saved.body.catalogVersion).toBe(before + 1);
    const catalog = await admin('GET', `/v1/catalogs/${b2bee}`);
    expect(catalog.body.catalog.plans.map((p: { id: string }) => p.id)).toEqual([
      'basic',
      'standard',
      'premium',
      'gold',
    ]);
    // A bad plan: the error names the field within the plan body, and nothing changes.
    const bad = structuredClone(body);
    bad.sla.targets.Critical.firstResponse.within = 'soon';
    const refused = await admin('PUT', `/v1/plans/${b2bee}.gold`, bad);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].field).toBe('sla.targets.Critical.firstResponse.within');
    const calendarMissing = await admin('PUT', `/v1/plans/${b2bee}.gold`, {
      ...body,
      sla: { ...body.sla, calendar: 'nowhere' },
    });
    expect(calendarMissing.status).toBe(400);
    expect(calendarMissing.body.errors[0].field).toMatch(/^sla/);
    expect((await admin('GET', `/v1/plans/${b2bee}.gold`)).body.catalogVersion).toBe(before + 1);
    const renamed = await admin('PUT', `/v1/plans/${b2bee}.gold`, { ...body, id: 'silver' });
    expect(renamed.status).toBe(400);
    expect(renamed.body.errors[0].field).toBe('id');
    expect((await admin('GET', `/v1/plans/${b2bee}.nothing`)).status).toBe(404);
    expect((await admin('GET', '/v1/plans/nothing.basic')).status).toBe(404);
    expect((await admin('GET', '/v1/plans/basic')).status).toBe(400);
    const stale = await admin('PUT', `/v1/plans/${b2bee}.gold`, body, { 'if-match': `"${before}"` });
    expect(stale.status).toBe(412);
  });

  test('calendars: PUT expands holiday regions; bad windows and unknown regions name the field; If-Match guards', async () => {
    const calendar = {
      timeZone: 'Europe/Zagreb',
      weekly: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']] },
      holidayRegions: ['HR'],
    };
    const saved = await admin('PUT', `/v1/calendars/${b2bee}.short-week`, calendar);
    expect(saved.status).toBe(200);
    expect(saved.body.calendar.holidays).toContain('2027-12-25');
    expect(saved.body.calendar.expandedYears).toEqual([2025, 2026, 2027, 2028, 2029]);
    const read = await agent('GET', `/v1/calendars/${b2bee}.short-week`);
    expect(read.status).toBe(200);
    expect(read.body.calendar).toEqual(saved.body.calendar);
    const version = Number(JSON.parse(read.headers.get('etag')!));
    const overlapping = await admin('PUT', `/v1/calendars/${b2bee}.short-week`, {
      ...calendar,
      weekly: {
        mon: [
          ['09:00', '17:00'],
          ['16:00', '18:00'],
        ],
      },
    });
    expect(overlapping.status).toBe(400);
    expect(overlapping.body.errors[0].field).toBe('weekly.mon[1]');
    const unknownRegion = await admin('PUT', `/v1/calendars/${b2bee}.short-week`, {
      ...calendar,
      holidayRegions: ['XX'],
    });
    expect(unknownRegion.status).toBe(400);
    expect(unknownRegion.body.errors[0].field).toBe('holidayRegions[0]');
    expect((await admin('GET', `/v1/catalogs/${b2bee}`)).body.version).toBe(version);
    const stale = await admin('PUT', `/v1/calendars/${b2bee}.short-week`, calendar, {
      'if-match': `"${version - 1}"`,
    });
    expect(stale.status).toBe(412);
    const fresh = await admin('PUT', `/v1/calendars/${b2bee}.short-week`, calendar, {
      'if-match': `"${version}"`,
    });
    expect(fresh.status).toBe(200);
    expect(fresh.body.catalogVersion).toBe(version + 1);
  });

  test('customers and finance may not touch catalogs (403)', async () => {
    const account = await newAccount(b2bee, { planId: 'basic', startDate: '2026-01-01' });
    const customer = client(api.baseUrl, await keyFor('customer', account.id));
    expect((await customer('GET', `/v1/catalogs/${b2bee}`)).status).toBe(403);
    expect((await customer('GET', `/v1/plans/${b2bee}.basic`)).status).toBe(403);
    expect((await customer('PUT', `/v1/catalogs/${b2bee}`, exampleCatalog('b2bee', b2bee))).status).toBe(403);
    expect((await finance('PUT', `/v1/calendars/${b2bee}.x`, {})).status).toBe(403);
    expect((await agent('PUT', `/v1/plans/${b2bee}.basic`, {})).status).toBe(403);
  });
});

describe('accounts and contracts', () => {
  test('create, read (admin, agent, finance, the account’s customer), list with a cursor', async () => {
    const prefix = newPrefix();
    const created = await admin('POST', '/v1/accounts', {
      name: 'Acme d.o.o.',
      referencePrefix: prefix,
      catalogId: b2bee,
      contract: { planId: 'standard', startDate: '2026-01-01' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body).toMatchObject({
      name: 'Acme d.o.o.',
      referencePrefix: prefix,
      catalogId: b2bee,
      contactCount: 0,
      version: 1,
    });
    expect(created.body.contract).toEqual({
      accountId: created.body.id,
      planId: 'standard',
      startDate: '2026-01-01',
    });
    const id = created.body.id;
    for (const reader of [admin, agent, finance]) {
      const read = await reader('GET', `/v1/accounts/${id}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created.body);
    }
    const own = client(api.baseUrl, await keyFor('customer', id));
    expect((await own('GET', `/v1/accounts/${id}`)).status).toBe(200);
    expect((await own('GET', `/v1/accounts/${id}/contract`)).body.planId).toBe('standard');
    const other = await newAccount(b2bee);
    expect((await own('GET', `/v1/accounts/${other.id}`)).status).toBe(404);
    expect((await own('GET', `/v1/accounts/${other.id}/contract`)).status).toBe(404);
    expect((await own('GET', `/v1/accounts/${other.id}/contacts`)).status).toBe(404);
    expect((await own('GET', '/v1/accounts')).status).toBe(403);
    expect(
      (await own('POST', '/v1/accounts', { name: 'x', referencePrefix: newPrefix(), catalogId: b2bee }))
        .status,
    ).toBe(403);
    const firstPage = await agent('GET', '/v1/accounts?limit=1');
    expect(firstPage.status).toBe(200);
    expect(firstPage.body.items).toHaveLength(1);
    expect(firstPage.body.nextCursor).toBeTruthy();
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await finance('GET', `/v1/accounts?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.items.map((a: { id: string }) => a.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toContain(id);
    expect(seen).toContain(other.id);
  });

  test('reference prefixes and ids are unique; bad input names the field and stores nothing', async () => {
    const first = await newAccount(b2bee);
    const samePrefix = await admin('POST', '/v1/accounts', {
      name: 'Copycat',
      referencePrefix: first.referencePrefix,
      catalogId: b2bee,
    });
    expect(samePrefix.status).toBe(409);
    expect(samePrefix.body.detail).toMatch(/reference prefix/);
    const sameId = await admin('POST', '/v1/accounts', {
      id: first.id,
      name: 'Copycat',
      referencePrefix: newPrefix(),
      catalogId: b2bee,
    });
    expect(sameId.status).toBe(409);
    const cases: [Record<string, unknown>, string][] = [
      [{ referencePrefix: 'acme' }, 'referencePrefix'],
      [{ referencePrefix: 'A' }, 'referencePrefix'],
      [{ catalogId: 'no-such-catalog' }, 'catalogId'],
      [{ contract: { planId: 'gold-plated', startDate: '2026-01-01' } }, 'contract.planId'],
      [{ contract: { planId: 'basic', startDate: '2026-02-30' } }, 'contract.startDate'],
      [{ name: '' }, 'name'],
    ];
    const id = `acct-${newPrefix().toLowerCase()}`;
    for (const [change, field] of cases) {
      const refused = await admin('POST', '/v1/accounts', {
        id,
        name: 'Bad',
        referencePrefix: newPrefix(),
        catalogId: b2bee,
        ...change,
      });
      expect(refused.status, field).toBe(400);
      expect(refused.body.errors[0].field).toBe(field);
    }
    expect((await admin('GET', `/v1/accounts/${id}`)).status).toBe(404);
  });

  test('Idempotency-Key: a retried create answers the same and creates one account; another body is 422', async () => {
    const body = { name: 'Once', referencePrefix: newPrefix(), catalogId: b2bee };
    const first = await admin('POST', '/v1/accounts', body, {
      'idempotency-key': `acct-${body.referencePrefix}`,
    });
    const again = await admin('POST', '/v1/accounts', body, {
      'idempotency-key': `acct-${body.referencePrefix}`,
    });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const other = await admin(
      'POST',
      '/v1/accounts',
      { ...body, name: 'Twice' },
      { 'idempotency-key': `acct-${body.referencePrefix}` },
    );
    expect(other.status).toBe(422);
    // Concurrent duplicates (no id given, so each would generate its own) still create one account.
    const racing = { name: 'Race', referencePrefix: newPrefix(), catalogId: b2bee };
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        admin('POST', '/v1/accounts', racing, { 'idempotency-key': `race-${racing.referencePrefix}` }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect((await admin('GET', `/v1/accounts/${results[0]!.body.id}`)).status).toBe(200);
  });

  test('contract: PUT checks plan and tier against the catalog; If-Match with the account version, 412 when stale', async () => {
    const account = await newAccount(b2bee);
    expect((await admin('GET', `/v1/accounts/${account.id}/contract`)).status).toBe(404);
    const stale = await admin(
      'PUT',
      `/v1/accounts/${account.id}/contract`,
      { planId: 'premium', startDate: '2026-06-01' },
      { 'if-match': `"${account.version + 1}"` },
    );
    expect(stale.status).toBe(412);
    const set = await admin(
      'PUT',
      `/v1/accounts/${account.id}/contract`,
      { planId: 'premium', startDate: '2026-06-01' },
      { 'if-match': `"${account.version}"` },
    );
    expect(set.status).toBe(200);
    expect(set.body.version).toBe(account.version + 1);
    expect(set.headers.get('etag')).toBe(`"${account.version + 1}"`);
    const contract = await agent('GET', `/v1/accounts/${account.id}/contract`);
    expect(contract.body).toEqual({ accountId: account.id, planId: 'premium', startDate: '2026-06-01' });
    const again = await admin(
      'PUT',
      `/v1/accounts/${account.id}/contract`,
      { planId: 'basic', startDate: '2026-06-01' },
      { 'if-match': `"${account.version}"` },
    );
    expect(again.status).toBe(412);
    const tier = await admin('PUT', `/v1/accounts/${account.id}/contract`, {
      planId: 'basic',
      startDate: '2026-06-01',
      tier: 'gold',
    });
    expect(tier.status).toBe(400);
    expect(tier.body.errors[0].field).toBe('tier');
    const unknownField = await admin('PUT', `/v1/accounts/${account.id}/contract`, {
      planId: 'basic',
      startDate: '2026-06-01',
      accountId: 'someone-else',
    });
    expect(unknownField.status).toBe(400);
    expect(
      (
        await agent('PUT', `/v1/accounts/${account.id}/contract`, {
          planId: 'basic',
          startDate: '2026-06-01',
        })
      ).status,
    ).toBe(403);
    expect(
      (await admin('PUT', '/v1/accounts/nobody/contract', { planId: 'basic', startDate: '2026-06-01' }))
        .status,
    ).toBe(404);
  });
});

describe('contacts', () => {
  test('B2Bee Basic registers one person: the second is a 422 and nothing changes; a duplicate is 409; removal frees the place', async () => {
    const account = await newAccount(b2bee, { planId: 'basic', startDate: '2026-01-01' });
    const first = await admin('POST', `/v1/accounts/${account.id}/contacts`, {
      email: 'Ana@Example.com',
      name: 'Ana',
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ email: 'ana@example.com', name: 'Ana' });
    const second = await admin('POST', `/v1/accounts/${account.id}/contacts`, { email: 'ivo@example.com' });
    expect(second.status).toBe(422);
    expect(second.body.detail).toMatch(/1 registered person/);
    const duplicate = await admin('POST', `/v1/accounts/${account.id}/contacts`, {
      email: 'ana@example.com',
    });
    expect(duplicate.status).toBe(409);
    const list = await agent('GET', `/v1/accounts/${account.id}/contacts`);
    expect(list.body).toEqual({ items: [first.body], max: 1 });
    expect((await admin('GET', `/v1/accounts/${account.id}`)).body.contactCount).toBe(1);
    const own = client(api.baseUrl, await keyFor('customer', account.id));
    expect((await own('GET', `/v1/accounts/${account.id}/contacts`)).body.items).toHaveLength(1);
    expect(
      (await own('POST', `/v1/accounts/${account.id}/contacts`, { email: 'x@example.com' })).status,
    ).toBe(403);
    const removed = await admin(
      'DELETE',
      `/v1/accounts/${account.id}/contacts/${encodeURIComponent('ANA@example.com')}`,
    );
    expect(removed.status).toBe(204);
    expect((await admin('DELETE', `/v1/accounts/${account.id}/contacts/ana@example.com`)).status).toBe(404);
    expect(
      (await admin('POST', `/v1/accounts/${account.id}/contacts`, { email: 'ivo@example.com' })).status,
    ).toBe(201);
    // Addresses with characters ids may not hold are removable too.
    expect((await admin('DELETE', `/v1/accounts/${account.id}/contacts/ivo@example.com`)).status).toBe(204);
    expect(
      (await admin('POST', `/v1/accounts/${account.id}/contacts`, { email: "o'brien@example.com" })).status,
    ).toBe(201);
    const quoted = await admin(
      'DELETE',
      `/v1/accounts/${account.id}/contacts/${encodeURIComponent("o'brien@example.com")}`,
    );
    expect(quoted.status).toBe(204);
    const notAnAddress = await admin('DELETE', `/v1/accounts/${account.id}/contacts/nobody`);
    expect(notAnAddress.status).toBe(400);
    expect(notAnAddress.body.errors[0].field).toBe('email');
    const bad = await admin('POST', `/v1/accounts/${account.id}/contacts`, { email: 'not-an-address' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('email');
    expect((await admin('POST', '/v1/accounts/nobody/contacts', { email: 'a@example.com' })).status).toBe(
      404,
    );
  });

  test('concurrent additions never exceed the plan’s limit (B2Bee Standard: 2)', async () => {
    const account = await newAccount(b2bee, { planId: 'standard', startDate: '2026-01-01' });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        admin('POST', `/v1/accounts/${account.id}/contacts`, { email: `person${i}@example.com` }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(2);
    expect(statuses.every((s) => s === 201 || s === 422)).toBe(true);
    expect((await admin('GET', `/v1/accounts/${account.id}/contacts`)).body.items).toHaveLength(2);
    expect((await admin('GET', `/v1/accounts/${account.id}`)).body.contactCount).toBe(2);
  });

  test('regression: a contract save racing contact changes keeps the contact count (the version moves with it)', async () => {
    const account = await newAccount(b2bee, { planId: 'premium', startDate: '2026-01-01' });
    await admin('POST', `/v1/accounts/${account.id}/contacts`, { email: 'first@example.com' });
    // The contact moved the version: If-Match with the version read before it is stale.
    const stale = await admin(
      'PUT',
      `/v1/accounts/${account.id}/contract`,
      { planId: 'premium', startDate: '2026-02-01' },
      { 'if-match': `"${account.version}"` },
    );
    expect(stale.status).toBe(412);
    const racing = await Promise.all([
      ...Array.from({ length: 4 }, (_, i) =>
        admin('PUT', `/v1/accounts/${account.id}/contract`, {
          planId: 'premium',
          startDate: `2026-0${i + 2}-01`,
        }),
      ),
      admin('POST', `/v1/accounts/${account.id}/contacts`, { email: 'second@example.com' }),
      admin('POST', `/v1/accounts/${account.id}/contacts`, { email: 'third@example.com' }),
    ]);
    expect(racing.map((r) => r.status)).toEqual([200, 200, 200, 200, 201, 201]);
    const after = await admin('GET', `/v1/accounts/${account.id}`);
    expect(after.body.contactCount).toBe(3);
    expect(
      (await admin('POST', `/v1/accounts/${account.id}/contacts`, { email: 'fourth@example.com' })).status,
    ).toBe(422);
  });
});

describe('API keys', () => {
  test('the secret is shown once and works; only its hash is stored; revocation refuses it', async () => {
    const created = await admin('POST', '/v1/api-keys', { role: 'agent', name: 'Support team' });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const { secret, key } = created.body;
    expect(secret).toMatch(/^sd_agent_/);
    expect(key).toMatchObject({ role: 'agent', name: 'Support team' });
    expect(key.accountId).toBeUndefined();
    const withKey = client(api.baseUrl, secret);
    expect((await withKey('GET', '/v1/accounts?limit=1')).status).toBe(200);
    const stored = await deskContext().store.doc.send(
      new GetCommand({ TableName: deskContext().store.tableName, Key: keys.apiKey(hashApiKey(secret)) }),
    );
    expect(stored.Item).toBeDefined();
    expect(JSON.stringify(stored.Item)).not.toContain(secret);
    const lookup = await deskContext().store.doc.send(
      new GetCommand({ TableName: deskContext().store.tableName, Key: keys.apiKeyId(key.keyId) }),
    );
    expect(JSON.stringify(lookup.Item)).not.toContain(secret);
    const revoked = await admin('DELETE', `/v1/api-keys/${key.keyId}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toBeTruthy();
    expect((await withKey('GET', '/v1/accounts?limit=1')).status).toBe(401);
    expect((await admin('DELETE', `/v1/api-keys/${key.keyId}`)).body.revokedAt).toBe(revoked.body.revokedAt);
    expect((await admin('DELETE', '/v1/api-keys/0123456789abcdef')).status).toBe(404);
  });

  test('a customer key is scoped to its account; accountId is required for and only for customer keys', async () => {
    const a = await newAccount(b2bee, { planId: 'premium', startDate: '2026-01-01' });
    const b = await newAccount(b2bee, { planId: 'premium', startDate: '2026-01-01' });
    const created = await admin('POST', '/v1/api-keys', {
      role: 'customer',
      accountId: a.id,
      name: 'Acme portal',
    });
    expect(created.status).toBe(201);
    expect(created.body.key.accountId).toBe(a.id);
    const customer = client(api.baseUrl, created.body.secret);
    expect((await customer('GET', `/v1/accounts/${a.id}`)).status).toBe(200);
    expect((await customer('GET', `/v1/accounts/${b.id}`)).status).toBe(404);
    expect((await customer('GET', `/v1/accounts/${b.id}/usage`)).status).toBe(404);
    const ticket = await customer('POST', '/v1/tickets', { subject: 'Hello', body: 'from the portal' });
    expect(ticket.status).toBe(201);
    expect(ticket.body.accountId).toBe(a.id);
    expect((await customer('POST', '/v1/api-keys', { role: 'admin', name: 'escalate' })).status).toBe(403);
    const missing = await admin('POST', '/v1/api-keys', { role: 'customer', name: 'x' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('accountId');
    const staffWithAccount = await admin('POST', '/v1/api-keys', {
      role: 'finance',
      accountId: a.id,
      name: 'x',
    });
    expect(staffWithAccount.status).toBe(400);
    expect(staffWithAccount.body.errors[0].field).toBe('accountId');
    const unknownAccount = await admin('POST', '/v1/api-keys', {
      role: 'customer',
      accountId: 'nobody',
      name: 'x',
    });
    expect(unknownAccount.status).toBe(400);
    expect(unknownAccount.body.errors[0].field).toBe('accountId');
    const badRole = await admin('POST', '/v1/api-keys', { role: 'root', name: 'x' });
    expect(badRole.body.errors[0].field).toBe('role');
  });
});
