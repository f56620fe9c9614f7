// Fuzz test of the HTTPS API, generated from its OpenAPI document: a seeded, bounded sample of
// requests to every operation (valid values from each parameter and body schema, mutated and hostile
// ones, keys of every role, no key, an unknown key) against the real local server and handlers on
// DynamoDB Local, in a table of its own. No answer may be a 5xx, and every answer must be one the
// document describes (status, content type, body, headers). FUZZ_SEED and FUZZ_RUNS replay or widen it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { openApiDocument } from '../../functions/api/openapi.ts';
import { ensureTable, localClient } from '../../local/dynamodb-local.ts';
import { type FuzzRequest, requestsOf } from './fuzz-requests.ts';
import { client, type Harness, keyFor, seedAccount, seedCatalog, startApi } from './harness.ts';
import { headersOf, type OpenApiDocument, responseChecker } from './openapi-responses.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.FUZZ_RUNS ?? 2400);
/** Requests in flight at once: enough to overlap, few enough for a shared machine. */
const CONCURRENCY = 6;
const TABLE = 'support-desk-fuzz';

let api: Harness;
const keys: Record<string, string | undefined> = { none: undefined, bogus: 'sdk_0123456789abcdef_not-a-key' };
let known: Record<string, Record<string, string[]>> = {};

beforeAll(async () => {
  const dynamo = localClient(inject('dynamoEndpoint'));
  await ensureTable(dynamo, TABLE);
  dynamo.destroy();
  // Where released quarantined mail is read from, as `npm start` sets it.
  api = await startApi({ tableName: TABLE, mailDir: mkdtempSync(join(tmpdir(), 'fuzz-mail-')) });
  const catalog = await seedCatalog('b2bee');
  const contact = 'fuzz@example.com';
  const mine = await seedAccount(catalog, { planId: 'premium', startDate: '2026-01-01' }, [contact]);
  const other = await seedAccount(catalog, { planId: 'standard', startDate: '2026-01-01' });
  for (const role of ['agent', 'finance', 'admin'] as const) keys[role] = await keyFor(role);
  keys.customer = await keyFor('customer', mine.id);
  const opened = await client(api.baseUrl, keys.customer)('POST', '/v1/tickets', {
    subject: 'Fuzz target',
    body: 'A ticket the fuzzed requests can find',
  });
  expect(opened.status).toBe(201);
  const now = api.clock.now();
  const month = (offset: number) =>
    new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString().slice(0, 7);
  const months = [month(0), month(-1), month(-13), month(1), '2020-01', '2999-12'];
  const ticket = { id: [opened.body.id as string, opened.body.reference as string] };
  const account = { id: [mine.id, other.id] };
  known = {
    '/v1/tickets': { accountId: account.id },
    '/v1/tickets/{id}': ticket,
    '/v1/tickets/{id}/messages': ticket,
    '/v1/tickets/{id}/time-entries': ticket,
    '/v1/accounts/{id}': account,
    '/v1/accounts/{id}/contract': account,
    '/v1/accounts/{id}/contacts': account,
    '/v1/accounts/{id}/contacts/{email}': { id: [mine.id], email: [contact] },
    '/v1/accounts/{id}/usage': { ...account, month: months },
    '/v1/catalogs/{id}': { id: [catalog] },
    '/v1/plans/{id}': { id: [`${catalog}.standard`, `${catalog}.premium`] },
    '/v1/calendars/{id}': { id: [`${catalog}.wd-8-17`, `${catalog}.every-day-8-24`] },
    '/v1/exports/{month}': { month: months },
  };
});
afterAll(() => api?.close());

interface Answer {
  request: FuzzRequest;
  status: number;
  problems: string[];
}

async function send(request: FuzzRequest, check: ReturnType<typeof responseChecker>): Promise<Answer> {
  const key = keys[request.caller];
  const response = await fetch(`${api.baseUrl}${request.url}`, {
    method: request.method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...request.headers },
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  const body = await response.text();
  // The URL as the server sees it: clients resolve dot segments (`/v1/catalogs/%2E%2E` is `/v1/`).
  const sent = new URL(request.url, api.baseUrl);
  const url = `${sent.pathname}${sent.search}`;
  const elsewhere = sent.pathname !== request.url.split('?')[0] && response.status === 404;
  const problems = check({
    method: request.method,
    url,
    status: response.status,
    headers: headersOf(response.headers),
    body,
  }).filter((problem) => !(elsewhere && problem.endsWith('no such operation in the document')));
  return { request, status: response.status, problems };
}

/** A request as a line a reader can replay with curl. */
function shown(request: FuzzRequest): string {
  const body = request.body === undefined ? '' : ` body ${JSON.stringify(request.body.slice(0, 200))}`;
  return `${request.method} ${request.url.slice(0, 300)} as ${request.caller} ${JSON.stringify(request.headers)}${body}`;
}

test(`${RUNS} requests generated from the OpenAPI document (seed ${SEED}): no 5xx, every answer as documented`, async () => {
  const document = JSON.parse(JSON.stringify(openApiDocument())) as OpenApiDocument;
  const check = responseChecker(document);
  const requests = fc.sample(requestsOf(document, { known, callers: Object.keys(keys) }), {
    seed: SEED,
    numRuns: RUNS,
  });
  const answers: Answer[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length) {
        const request = requests[next++]!;
        answers.push(await send(request, check));
      }
    }),
  );
  const byStatus = new Map<number, number>();
  for (const answer of answers) byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
  const routes = new Set(answers.map((answer) => answer.request.route));
  console.log(
    `fuzz: ${answers.length} requests over ${routes.size} operations, statuses ${JSON.stringify(Object.fromEntries([...byStatus].sort()))}`,
  );
  const serverErrors = answers
    .filter((answer) => answer.status >= 500)
    .map((a) => `${a.status} ${shown(a.request)}`);
  const undocumented = answers.flatMap((answer) =>
    answer.problems.map((problem) => `${problem}\n    sent: ${shown(answer.request)}`),
  );
  expect(answers).toHaveLength(RUNS);
  expect(routes.size).toBe(
    Object.values(document.paths).reduce((n, item) => n + Object.keys(item).length, 0),
  );
  expect(serverErrors, '5xx answers').toEqual([]);
  expect(undocumented.slice(0, 40), `${undocumented.length} answers the document does not describe`).toEqual(
    [],
  );
}, 240_000);

describe('regressions the fuzzer found', () => {
  test('a body nested thousands of levels deep is a 400 naming the body, not a 500 from the call stack', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const deepObject = `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`;
    for (const [method, path, caller] of [
      ['POST', '/v1/tickets', 'customer'],
      ['POST', '/v1/accounts', 'admin'],
      ['PUT', '/v1/catalogs/deep', 'admin'],
    ] as const) {
      for (const body of [deep, deepObject]) {
        const answer = await client(api.baseUrl, keys[caller])(method, path, body);
        expect(answer.status, `${method} ${path}`).toBe(400);
        expect(answer.body.errors, `${method} ${path}`).toEqual([
          { field: 'body', message: 'is nested deeper than 32 levels' },
        ]);
      }
    }
  });

  test('nesting within the limit is read as before: a lone surrogate deep down is named by its path', async () => {
    const answer = await client(api.baseUrl, keys.customer)(
      'POST',
      '/v1/tickets',
      '{"subject":"ok","body":"ok","x":[[{"y":"\\ud800"}]]}',
    );
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      { field: 'x[0][0].y', message: 'holds a lone UTF-16 surrogate (\\uD800-\\uDFFF)' },
    ]);
  });
});
