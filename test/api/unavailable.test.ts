// When the table stalls or is gone, the API answers 503 problem+json with Retry-After within the
// store's budget (functions/store/context.ts), through the same route handlers and local server as
// ever. Regression: with no client timeouts a request waited 44 s on a 45 s stall and /v1/health
// answered 500 after 30 s. "Stall" is a TCP server that accepts and never answers; "gone" is a
// port nothing listens on.
import type { AddressInfo, Socket } from 'node:net';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { authenticate } from '../../functions/api/auth.ts';
import { appContext } from '../../functions/app/context.ts';
import { MovableClock } from '../../functions/app/local-clock.ts';
import { createStoreContext, DEFAULT_STORE_TIMEOUTS } from '../../functions/store/context.ts';
import { freePort, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb-local.ts';
import { createHttpServer } from '../../local/http-server.ts';
import { apiRoutes } from '../../local/routes.ts';

process.env.LOG_LEVEL = 'error';

/** The worst case of one store call by DEFAULT_STORE_TIMEOUTS, with room for the SDK's backoff. */
const BUDGET_MS =
  DEFAULT_STORE_TIMEOUTS.maxAttempts *
    (DEFAULT_STORE_TIMEOUTS.connectionMs + DEFAULT_STORE_TIMEOUTS.requestMs) +
  1_500;

const sockets: Socket[] = [];
let stall: Server;
let stallEndpoint: string;
let goneEndpoint: string;

beforeAll(async () => {
  stall = createServer((socket) => {
    // Accept, read, never answer.
    sockets.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => stall.listen(0, '127.0.0.1', () => resolve()));
  stallEndpoint = `http://127.0.0.1:${(stall.address() as AddressInfo).port}`;
  goneEndpoint = `http://127.0.0.1:${await freePort()}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => stall.close(() => resolve()));
});

/** The local API on a table at `endpoint`; `realKeys` authenticates against it too. */
async function apiOn(endpoint: string, realKeys = false) {
  const store = createStoreContext('unavailable', {
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const app = appContext(store, new MovableClock());
  const server = createHttpServer(
    apiRoutes(() => app),
    async (header): Promise<Record<string, string> | undefined> => {
      if (!realKeys) return { role: 'admin', keyId: 'k-admin', accountId: '' };
      const principal = await authenticate(store, header);
      return principal ? { ...principal } : undefined;
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    async call(method: string, path: string, body?: unknown) {
      const started = performance.now();
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: 'Bearer sd_admin_x', 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return {
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        type: response.headers.get('content-type'),
        body: (await response.json()) as Record<string, unknown>,
        ms: performance.now() - started,
      };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const requests: [string, string, unknown?][] = [
  ['GET', '/v1/tickets/t-1'],
  ['GET', '/v1/tickets?accountId=acct-1'],
  ['POST', '/v1/tickets', { accountId: 'acct-1', subject: 'Down', body: 'Nothing works' }],
  ['PATCH', '/v1/tickets/t-1', { status: 'resolved' }],
  ['GET', '/v1/accounts/acct-1/usage?month=2026-11'],
];

describe.each([
  ['stalls', () => stallEndpoint],
  ['is gone', () => goneEndpoint],
])('the table %s', (_name, endpoint) => {
  test('every route answers 503 problem+json with Retry-After within the budget', async () => {
    const api = await apiOn(endpoint());
    try {
      const answers = await Promise.all([
        api.call('GET', '/v1/health'),
        ...requests.map(([method, path, body]) => api.call(method, path, body)),
      ]);
      const [health, ...routes] = answers;
      expect(health!.status).toBe(503);
      expect(health!.body).toEqual({ status: 'degraded', table: 'unavailable' });
      expect(Number(health!.retryAfter)).toBeGreaterThan(0);
      for (const answer of routes) {
        expect(answer.status).toBe(503);
        expect(answer.type).toBe('application/problem+json');
        expect(answer.body.type).toBe('https://support-desk.dev/problems/unavailable');
        expect(Number(answer.retryAfter)).toBeGreaterThan(0);
      }
      for (const answer of answers) expect(answer.ms).toBeLessThan(BUDGET_MS);
    } finally {
      await api.close();
    }
  }, 30_000);

  test('the key check answers 503 too, not 500 or 401', async () => {
    const api = await apiOn(endpoint(), true);
    try {
      const answer = await api.call('GET', '/v1/tickets/t-1');
      expect(answer.status).toBe(503);
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
      expect(answer.ms).toBeLessThan(BUDGET_MS);
    } finally {
      await api.close();
    }
  }, 30_000);
});
