// Requests built to hurt, through the real local HTTP server on DynamoDB Local: malformed escapes,
// repeated or odd query parameters, lone surrogates, oversized bodies; what private answers say to
// caches; and failures of the server itself, which must reach the logs with their request id.
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { MAX_HOLIDAY_REGIONS } from '../../functions/api/catalogs.ts';
import { allRoutes } from '../../functions/api/routes.ts';
import type { Role } from '../../functions/store/api-keys.ts';
import { createHttpServer } from '../../local/http-server.ts';
import { exampleCatalog, newPrefix, putExampleCatalog } from './catalog-fixtures.ts';
import { client, type Harness, keyFor, startApi } from './harness.ts';

let api: Harness;
const clients = {} as Record<Role, ReturnType<typeof client>>;
let accountId: string;
let ticketId: string;
let b2bee: string;

beforeAll(async () => {
  api = await startApi();
  api.clock.set(new Date('2026-12-02T09:00:00Z'));
  for (const role of ['agent', 'finance', 'admin'] as const)
    clients[role] = client(api.baseUrl, await keyFor(role));
  b2bee = await putExampleCatalog(clients.admin, 'b2bee');
  const account = await clients.admin('POST', '/v1/accounts', {
    name: 'Hardening',
    referencePrefix: newPrefix(),
    catalogId: b2bee,
    contract: { planId: 'premium', startDate: '2026-01-01' },
  });
  accountId = account.body.id;
  clients.customer = client(api.baseUrl, await keyFor('customer', accountId));
  const ticket = await clients.customer('POST', '/v1/tickets', {
    subject: 'Slow',
    body: 'pages load slowly',
  });
  ticketId = ticket.body.id;
});
afterAll(() => api.close());
afterEach(() => vi.restoreAllMocks());

/** A path of `routeKey` with `bad` in parameter `name` and a well-formed value in the others. */
function pathWith(routeKey: string, name: string, bad: string): string {
  const good: Record<string, string> = {
    id: 'x1',
    email: 'a@example.com',
    month: '2026-11',
    keyId: '0123456789abcdef',
  };
  return routeKey
    .split(' ')[1]!
    .replace(/\{(\w+)\}/g, (_m, param: string) => (param === name ? bad : (good[param] ?? 'x1')));
}

describe('malformed percent-escapes in a path', () => {
  const withParameters = allRoutes.filter((route) => route.routeKey.includes('{'));

  test('every route with a path parameter answers 400 naming the parameter', async () => {
    expect(withParameters.length).toBeGreaterThan(15);
    for (const route of withParameters) {
      const method = route.routeKey.split(' ')[0]!;
      const role = (route.roles as readonly Role[])[0]!;
      for (const name of [...route.routeKey.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)) {
        for (const bad of ['%ZZ', '%', '%E0%A4%A']) {
          const answer = await clients[role](method, pathWith(route.routeKey, name, bad));
          expect(answer.status, `${route.routeKey} ${name}=${bad}`).toBe(400);
          expect(answer.headers.get('content-type')).toBe('application/problem+json');
          expect(answer.body.errors, `${route.routeKey} ${name}=${bad}`).toEqual([
            { field: name, message: 'holds a malformed percent-escape' },
          ]);
        }
      }
    }
  });

  test('a key whose role may not use the route hears 403 first, as for any other input', async () => {
    const answer = await clients.customer('PATCH', '/v1/tickets/%ZZ', { status: 'resolved' });
    expect(answer.status).toBe(403);
  });

  test('a well-formed escape is decoded once (an address with an apostrophe)', async () => {
    const email = "o'brien@example.com";
    expect((await clients.admin('POST', `/v1/accounts/${accountId}/contacts`, { email })).status).toBe(201);
    const removed = await clients.admin(
      'DELETE',
      `/v1/accounts/${accountId}/contacts/o%27brien%40example.com`,
    );
    expect(removed.status).toBe(204);
  });
});

describe('query parameters', () => {
  test('a parameter given twice is refused naming it, numeric or free text', async () => {
    for (const [query, field] of [
      ['limit=1&limit=2', 'query.limit'],
      ['cursor=a&cursor=b', 'query.cursor'],
      ['status=new&status=closed', 'query.status'],
      // Names an object inherits are names like any other.
      ['constructor=a&constructor=b', 'query.constructor'],
    ] as const) {
      const answer = await clients.agent('GET', `/v1/tickets?accountId=${accountId}&${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.errors, query).toEqual([{ field, message: 'is given more than once' }]);
    }
    const usage = await clients.customer(
      'GET',
      `/v1/accounts/${accountId}/usage?month=2026-11&month=2026-12`,
    );
    expect(usage.status).toBe(400);
    expect(usage.body.errors[0].field).toBe('query.month');
  });

  test('limit takes decimal digits only, 1 to 100', async () => {
    for (const limit of ['0x10', '1e1', '%205', '5.0', '+5', '0', '101', '010', '']) {
      const answer = await clients.agent('GET', `/v1/tickets?accountId=${accountId}&limit=${limit}`);
      expect(answer.status, limit).toBe(400);
      expect(answer.body.errors[0].field).toBe('query.limit');
    }
    for (const limit of ['1', '16', '100']) {
      const answer = await clients.agent('GET', `/v1/tickets?accountId=${accountId}&limit=${limit}`);
      expect(answer.status, limit).toBe(200);
    }
  });
});

describe('caching', () => {
  test('every keyed answer says no-store, errors too; the public OpenAPI document may be cached', async () => {
    for (const [role, path] of [
      ['customer', `/v1/tickets/${ticketId}`],
      ['customer', '/v1/tickets'],
      ['customer', `/v1/tickets/${ticketId}/messages`],
      ['customer', `/v1/accounts/${accountId}`],
      ['customer', `/v1/accounts/${accountId}/usage`],
      ['customer', `/v1/accounts/${accountId}/contacts`],
      ['agent', `/v1/catalogs/${b2bee}`],
      ['agent', `/v1/plans/${b2bee}.premium`],
      ['agent', '/v1/quarantine'],
      ['finance', '/v1/accounts'],
      ['customer', '/v1/tickets/no-such-ticket'],
    ] as const) {
      const answer = await clients[role]('GET', path);
      expect(answer.status, path).toBeLessThan(500);
      expect(answer.headers.get('cache-control'), path).toBe('no-store');
    }
    const document = await client(api.baseUrl, undefined)('GET', '/v1/openapi.json');
    expect(document.headers.get('cache-control')).toBe('max-age=300');
  });
});

describe('lone UTF-16 surrogates', () => {
  test('are refused in any text field of a JSON body, naming its path', async () => {
    const ticket = await clients.customer('POST', '/v1/tickets', '{"subject":"Slow \\ud800","body":"ok"}');
    expect(ticket.status).toBe(400);
    expect(ticket.body.errors).toEqual([
      { field: 'subject', message: 'holds a lone UTF-16 surrogate (\\uD800-\\uDFFF)' },
    ]);
    const message = await clients.customer('POST', `/v1/tickets/${ticketId}/messages`, '{"body":"\\udfff"}');
    expect(message.body.errors[0].field).toBe('body');
    // Bodies the use case validates whole are checked first too, at any depth.
    const catalog = exampleCatalog('b2bee');
    const text = JSON.stringify(catalog).replace('"name":"', '"name":"\\udc00');
    const refused = await clients.admin('PUT', `/v1/catalogs/${catalog.id}`, text);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].field).toMatch(/^plans\[0\]\.name$/);
    expect((await clients.admin('GET', `/v1/catalogs/${catalog.id}`)).status).toBe(404);
  });

  test('a surrogate pair is text like any other', async () => {
    const ticket = await clients.customer(
      'POST',
      '/v1/tickets',
      '{"subject":"Slow \\ud83d\\ude00","body":"ok"}',
    );
    expect(ticket.status).toBe(201);
    expect(ticket.body.subject).toBe('Slow 😀');
  });
});

describe('body sizes', () => {
  /** A copy of the B2Bee catalog grown past `bytes` by calendars that each name a holiday region. */
  function grownCatalog(bytes: number, region = true) {
    const catalog = exampleCatalog('b2bee');
    const calendar = { ...catalog.calendars['wd-8-17'], ...(region ? { holidayRegions: ['ES'] } : {}) };
    const each = JSON.stringify({ 'extra-0000': calendar }).length;
    const count = Math.ceil((bytes - JSON.stringify(catalog).length) / each);
    for (let i = 0; i < count; i++) catalog.calendars[`extra-${String(i).padStart(4, '0')}`] = calendar;
    return catalog;
  }

  test('an 841 kB catalog is refused at once, before it is parsed, and the server keeps answering', async () => {
    const catalog = grownCatalog(841_000);
    const started = performance.now();
    const [refused, health] = await Promise.all([
      clients.admin('PUT', `/v1/catalogs/${catalog.id}`, catalog),
      client(api.baseUrl, undefined)('GET', '/v1/health'),
    ]);
    const ms = performance.now() - started;
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].field).toBe('body');
    expect(refused.body.errors[0].message).toMatch(/at most 700000/);
    expect(health.status).toBe(200);
    // Validating and expanding it took 12-16 s of CPU; refusing it takes milliseconds.
    expect(ms).toBeLessThan(3_000);
  });

  test('a catalog under the body limit but too large to store is refused before it is validated', async () => {
    const catalog = grownCatalog(400_000, false);
    const started = performance.now();
    const refused = await clients.admin('PUT', `/v1/catalogs/${catalog.id}`, catalog);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].message).toMatch(/a catalog holds at most 350000/);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  test('holiday regions are counted before any is expanded: MAX_HOLIDAY_REGIONS across the catalog', async () => {
    const office = (regions: string[]) => ({
      ...exampleCatalog('b2bee').calendars['wd-8-17'],
      holidayRegions: regions,
    });
    // biome-ignore lint/suspicious/noExplicitAny: catalog JSON
    const regionsOf = (catalog: any) =>
      Object.values(catalog.calendars).reduce<number>(
        (n, calendar) => n + ((calendar as { holidayRegions?: string[] }).holidayRegions?.length ?? 0),
        0,
      );
    const catalog = exampleCatalog('b2bee');
    while (regionsOf(catalog) <= MAX_HOLIDAY_REGIONS)
      catalog.calendars[`office-${regionsOf(catalog)}`] = office(['HR']);
    const started = performance.now();
    const refused = await clients.admin('PUT', `/v1/catalogs/${catalog.id}`, catalog);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].field).toBe('calendars');
    expect(performance.now() - started).toBeLessThan(3_000);
    // One calendar more than the stored catalog has room for is refused the same way.
    const stored = exampleCatalog('b2bee');
    while (regionsOf(stored) < MAX_HOLIDAY_REGIONS - 1)
      stored.calendars[`office-${regionsOf(stored)}`] = office(['HR']);
    expect((await clients.admin('PUT', `/v1/catalogs/${stored.id}`, stored)).status).toBe(201);
    const tooMany = await clients.admin('PUT', `/v1/calendars/${stored.id}.one-more`, office(['HR', 'SI']));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0].field).toBe('holidayRegions');
    // Replacing a calendar counts its new regions instead of its old ones: one less, two more.
    const replaced = await clients.admin('PUT', `/v1/calendars/${stored.id}.wd-8-17`, office(['HR', 'SI']));
    expect(replaced.status).toBe(200);
  }, 30_000);

  test('every route refuses a body over 1 MB, whatever it holds', async () => {
    const huge = JSON.stringify({ subject: 'x', body: 'x'.repeat(1_100_000) });
    const refused = await clients.customer('POST', '/v1/tickets', huge);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].field).toBe('body');
  });
});

describe('Idempotency-Key on every create', () => {
  test('a replayed message, time entry or contact answers the first response and creates nothing', async () => {
    const key = { 'idempotency-key': crypto.randomUUID() };
    const first = await clients.agent('POST', `/v1/tickets/${ticketId}/messages`, { body: 'On it' }, key);
    const again = await clients.agent('POST', `/v1/tickets/${ticketId}/messages`, { body: 'On it' }, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    const messages = await clients.agent('GET', `/v1/tickets/${ticketId}/messages?limit=100`);
    expect(messages.body.items.filter((m: { body: string }) => m.body === 'On it')).toHaveLength(1);
    const other = await clients.agent('POST', `/v1/tickets/${ticketId}/messages`, { body: 'Other' }, key);
    expect(other.status).toBe(422);
    expect(other.body.type).toMatch(/idempotency_mismatch$/);
    // The same key on another route is another request.
    const elsewhere = await clients.agent(
      'POST',
      `/v1/tickets/${ticketId}/time-entries`,
      { minutes: 5 },
      key,
    );
    expect(elsewhere.status).toBe(422);

    const timeKey = { 'idempotency-key': crypto.randomUUID() };
    const logged = await clients.agent(
      'POST',
      `/v1/tickets/${ticketId}/time-entries`,
      { minutes: 5 },
      timeKey,
    );
    const relogged = await clients.agent(
      'POST',
      `/v1/tickets/${ticketId}/time-entries`,
      { minutes: 5 },
      timeKey,
    );
    expect(relogged.body).toEqual(logged.body);
    expect(relogged.headers.get('idempotent-replayed')).toBe('true');

    const contactKey = { 'idempotency-key': crypto.randomUUID() };
    const email = `replay-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const added = await clients.admin('POST', `/v1/accounts/${accountId}/contacts`, { email }, contactKey);
    const readded = await clients.admin('POST', `/v1/accounts/${accountId}/contacts`, { email }, contactKey);
    expect(added.status).toBe(201);
    // Without the key the second would be a 409: the address is registered.
    expect(readded.status).toBe(201);
    expect(readded.body).toEqual(added.body);
  });

  test('a malformed key names the header', async () => {
    const answer = await clients.agent(
      'POST',
      `/v1/tickets/${ticketId}/messages`,
      { body: 'x' },
      { 'idempotency-key': 'has spaces' },
    );
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].field).toBe('Idempotency-Key');
  });
});

describe('failures of the local server itself', () => {
  /** A local server whose key check fails, and a route whose handler throws past its own guard. */
  async function failingServer() {
    const server = createHttpServer(
      [
        { routeKey: 'GET /v1/keyed', handler: async () => ({ statusCode: 200 }) },
        {
          routeKey: 'GET /v1/broken',
          handler: async () => {
            throw new Error('handler crashed');
          },
          public: true,
        },
      ],
      async () => {
        throw new Error('the key store is down');
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    return { baseUrl: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
  }

  test('every 500 is logged with its instance id, key check failures included', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const server = await failingServer();
    try {
      for (const path of ['/v1/keyed', '/v1/broken']) {
        const answer = await client(server.baseUrl, 'some-key')('GET', path);
        expect(answer.status, path).toBe(500);
        const instance = answer.body.instance as string;
        expect(instance).toMatch(/^[0-9a-f-]{36}$/);
        const logged = lines.map((line) => JSON.parse(line)).filter((entry) => entry.requestId === instance);
        expect(logged, path).toEqual([
          expect.objectContaining({ level: 'ERROR', message: 'request failed', status: 500 }),
        ]);
      }
    } finally {
      await server.close();
    }
  });
});
