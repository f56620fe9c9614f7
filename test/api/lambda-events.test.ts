// The route groups as Lambda runs them: API Gateway payload-2.0 events handed to the handlers, with
// what API Gateway (not the local server) does to a request — repeated query parameters joined by a
// comma, escapes left in path parameters, base64 bodies. Every case here is refused before the
// table is touched.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, test } from 'vitest';
import { handler as catalogs } from '../../functions/api/catalogs.ts';
import { MAX_CATALOG_BODY_BYTES } from '../../functions/api/routes.ts';
import { handler as tickets } from '../../functions/api/tickets.ts';
import { logger } from '../../functions/shared/log.ts';

// Refusals log at info; these tests look at answers only.
logger().setLogLevel('WARN');

const lambda = { awsRequestId: 'lambda-request' } as Context;

function event(routeKey: string, parts: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey,
    rawPath: routeKey.split(' ')[1]!,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    isBase64Encoded: false,
    requestContext: {
      requestId: 'gateway-request',
      authorizer: { lambda: { role: 'admin', keyId: 'k1', accountId: '' } },
    } as unknown as APIGatewayProxyEventV2['requestContext'],
    ...parts,
  };
}

async function call(handler: typeof tickets, input: APIGatewayProxyEventV2) {
  const response = (await handler(input, lambda)) as {
    statusCode: number;
    headers: Record<string, string>;
    body: string;
  };
  return { ...response, json: JSON.parse(response.body) };
}

describe('on Lambda', () => {
  test('a path parameter still holding a malformed escape names the parameter', async () => {
    for (const id of ['%ZZ', '%', '%E0%A4%A']) {
      const answer = await call(tickets, event('GET /v1/tickets/{id}', { pathParameters: { id } }));
      expect(answer.statusCode).toBe(400);
      expect(answer.json.errors).toEqual([{ field: 'id', message: 'holds a malformed percent-escape' }]);
      expect(answer.json.instance).toBe('gateway-request');
    }
  });

  test('repeated query parameters, which API Gateway joins with a comma, are refused by name', async () => {
    for (const [raw, joined, field] of [
      ['limit=1&limit=2', { limit: '1,2' }, 'query.limit'],
      ['cursor=a&cursor=b', { cursor: 'a,b' }, 'query.cursor'],
    ] as const) {
      const answer = await call(
        tickets,
        event('GET /v1/tickets', {
          rawQueryString: `status=new&${raw}`,
          queryStringParameters: { status: 'new', ...joined },
        }),
      );
      expect(answer.statusCode, raw).toBe(400);
      expect(answer.json.errors, raw).toEqual([{ field, message: 'is given more than once' }]);
    }
  });

  test('a base64 body is size-checked before it is decoded, and checked for lone surrogates after', async () => {
    const big = Buffer.alloc(MAX_CATALOG_BODY_BYTES + 1, ' ').toString('base64');
    const tooBig = await call(
      catalogs,
      event('PUT /v1/catalogs/{id}', { pathParameters: { id: 'big' }, body: big, isBase64Encoded: true }),
    );
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json.errors[0].field).toBe('body');
    const lone = Buffer.from('{"subject":"a","body":"\\ud800"}').toString('base64');
    const refused = await call(tickets, event('POST /v1/tickets', { body: lone, isBase64Encoded: true }));
    expect(refused.statusCode).toBe(400);
    expect(refused.json.errors[0].field).toBe('body');
  });

  test('problems are never cached', async () => {
    const answer = await call(tickets, event('GET /v1/tickets/{id}', { pathParameters: { id: '%' } }));
    expect(answer.headers['cache-control']).toBe('no-store');
  });
});
