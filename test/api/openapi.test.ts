// The OpenAPI document says what the API does: every status, header and content type a route answers,
// described tags, a contact and a licence; and the response check the stories and the fuzz test use
// finds each way an answer can depart from it.
import { describe, expect, test } from 'vitest';
import { openApiDocument, TAG_DESCRIPTIONS } from '../../functions/api/openapi.ts';
import { allRoutes } from '../../functions/api/routes.ts';
import { responseChecker } from './openapi-responses.ts';

// biome-ignore lint/suspicious/noExplicitAny: the document is read by its JSON shape
const document = JSON.parse(JSON.stringify(openApiDocument())) as any;
const operation = (method: string, path: string) => document.paths[path][method];
const check = responseChecker(document);

const problem = (status: number) =>
  JSON.stringify({ type: 'about:blank', title: 'x', status, instance: 'req-1' });
const problemHeaders = { 'content-type': 'application/problem+json', 'cache-control': 'no-store' };

describe('the document', () => {
  test('every route answers 400 and 503 (with Retry-After); keyed routes also 401 and 403', () => {
    for (const route of allRoutes) {
      const [method, path] = route.routeKey.split(' ') as [string, string];
      const responses = operation(method.toLowerCase(), path).responses;
      expect(Object.keys(responses), route.routeKey).toEqual(expect.arrayContaining(['400', '503']));
      expect(responses['503'].headers['Retry-After'], route.routeKey).toBeDefined();
      if (route.roles !== 'public') {
        expect(Object.keys(responses), route.routeKey).toEqual(expect.arrayContaining(['401', '403']));
        expect(responses['200'] ?? responses['201'] ?? responses['204'], route.routeKey).toMatchObject({
          headers: { 'Cache-Control': { required: true } },
        });
      }
    }
  });

  test('declares ETag, Idempotent-Replayed, Location and the CSV export', () => {
    expect(operation('post', '/v1/tickets').responses['201'].headers).toMatchObject({
      ETag: { required: true },
      'Idempotent-Replayed': { required: false, schema: { enum: ['true'] } },
    });
    expect(operation('get', '/v1/tickets/{id}').responses['200'].headers.ETag.required).toBe(true);
    const exported = operation('get', '/v1/exports/{month}').responses;
    expect(Object.keys(exported['200'].content)).toEqual(['application/json', 'text/csv']);
    expect(exported['303'].headers.Location.required).toBe(true);
    expect(exported['409'].content['application/problem+json'].schema.$ref).toBe(
      '#/components/schemas/MonthNotClosed',
    );
  });

  test('GET /v1/tickets declares 404: another account’s accountId is not there for this key', () => {
    expect(operation('get', '/v1/tickets').responses['404']).toBeDefined();
  });

  test('has described tags for every tag a route uses, a contact and a licence', () => {
    const used = new Set(allRoutes.flatMap((route) => route.tags));
    expect(document.tags.map((tag: { name: string }) => tag.name).sort()).toEqual([...used].sort());
    for (const name of used) expect(TAG_DESCRIPTIONS[name], `tag ${name}`).toBeTruthy();
    expect(document.info.contact.url).toMatch(/^https:/);
    expect(document.info.license.name).toBeTruthy();
  });
});

describe('the response check', () => {
  const ticket = operation('get', '/v1/tickets/{id}').responses['200'];

  test('accepts a declared problem answer', () => {
    expect(
      check({
        method: 'GET',
        url: '/v1/tickets/T-1',
        status: 404,
        headers: problemHeaders,
        body: problem(404),
      }),
    ).toEqual([]);
  });

  test('finds an undeclared status, such as any 500', () => {
    const found = check({
      method: 'GET',
      url: '/v1/tickets/%ZZ',
      status: 500,
      headers: problemHeaders,
      body: problem(500),
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/status 500 is not declared for GET \/v1\/tickets\/\{id\}/);
  });

  test('finds a body that breaks its schema, naming the field', () => {
    const found = check({
      method: 'GET',
      url: '/v1/tickets/T-1',
      status: 200,
      headers: { 'content-type': 'application/json', etag: '"1"', 'cache-control': 'no-store' },
      body: JSON.stringify({ id: 'T-1' }),
    });
    expect(found.join('\n')).toMatch(/must have required property 'reference'/);
    expect(ticket.content['application/json']).toBeDefined();
  });

  test('finds a missing required header, a malformed one and one sent but not declared', () => {
    const found = check({
      method: 'GET',
      url: '/v1/tickets/T-1',
      status: 404,
      headers: { ...problemHeaders, etag: '"1"' },
      body: problem(404),
    });
    expect(found).toEqual([
      'GET /v1/tickets/T-1 -> 404: header etag is sent but not declared for this status',
    ]);
    const missing = check({
      method: 'GET',
      url: '/v1/tickets',
      status: 503,
      headers: { 'content-type': 'application/problem+json' },
      body: problem(503),
    });
    expect(missing).toEqual(['GET /v1/tickets -> 503: required header Retry-After is missing']);
    const malformed = check({
      method: 'GET',
      url: '/v1/health',
      status: 503,
      headers: { 'content-type': 'application/problem+json', 'retry-after': 'soon' },
      body: problem(503),
    });
    expect(malformed[0]).toMatch(/header Retry-After: "soon" .*must match pattern/);
  });

  test('finds an undeclared content type, and a body where none is declared', () => {
    expect(
      check({
        method: 'GET',
        url: '/v1/tickets/T-1',
        status: 404,
        headers: { 'content-type': 'text/html', 'cache-control': 'no-store' },
        body: '<p>no</p>',
      })[0],
    ).toMatch(/content-type text\/html is not declared/);
    expect(
      check({
        method: 'DELETE',
        url: '/v1/accounts/a/contacts/x@example.com',
        status: 204,
        headers: { 'cache-control': 'no-store' },
        body: 'surprise',
      }),
    ).toEqual(['DELETE /v1/accounts/a/contacts/x@example.com -> 204: a body is sent but none is declared']);
  });

  test('reads a CSV export as text and skips the local runtime’s own routes', () => {
    expect(
      check({
        method: 'GET',
        url: '/v1/exports/2026-11',
        status: 200,
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          etag: '"abc"',
          'cache-control': 'private, max-age=86400, immutable',
          vary: 'accept',
          'content-disposition': 'attachment; filename="usage-2026-11.csv"',
        },
        body: 'month,accountId\r\n',
      }),
    ).toEqual([]);
    expect(check({ method: 'POST', url: '/local/clock', status: 200, headers: {}, body: '{}' })).toEqual([]);
    // A request to no operation may only be refused: 404 or 405, nothing else.
    expect(check({ method: 'GET', url: '/v2/nothing', status: 404, headers: {}, body: '' })).toEqual([]);
    expect(check({ method: 'GET', url: '/v2/nothing', status: 200, headers: {}, body: '' })).toEqual([
      'GET /v2/nothing -> 200: no such operation in the document',
    ]);
  });
});
