// The local stand-in for API Gateway: turns each HTTP request into the same payload-2.0 event the
// Lambda handlers receive in AWS, routes it by the same route keys, and writes the response back.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { problem } from '../functions/api/problems.ts';
import { MAX_BODY_BYTES } from '../functions/api/request.ts';
import { UnauthorizedError, ValidationError } from '../functions/domain/errors.ts';
import { log } from '../functions/shared/log.ts';

export type LambdaHttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface Route {
  /** API Gateway route key, e.g. `GET /v1/tickets/{id}`. */
  routeKey: string;
  handler: LambdaHttpHandler;
  /** Public routes skip the authorizer (health, OpenAPI document, local clock). */
  public?: boolean;
}

/** The authorizer: the context API Gateway would pass for this Authorization header, or undefined. */
export type Authorize = (authorization: string | undefined) => Promise<Record<string, string> | undefined>;

/** API Gateway HTTP APIs accept up to 10 MB; the product documents a 1 MB request body limit. */
export { MAX_BODY_BYTES };

interface CompiledRoute extends Route {
  method: string;
  pattern: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const [method, path] = route.routeKey.split(' ') as [string, string];
  const names: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]!);
      return '([^/]+)';
    })
    .join('/');
  return { ...route, method, pattern: new RegExp(`^${source}$`), names };
}

/**
 * How long a request may take here unless told otherwise: the API functions' timeout in AWS
 * (lib/api.ts), so a request's deadline (functions/api/http.ts, deadlineOf) is the same on both.
 */
export const DEFAULT_REQUEST_BUDGET_MS = 10_000;

function lambdaContext(requestId: string, name: string, deadline: number): Context {
  return {
    awsRequestId: requestId,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: '512',
    logGroupName: `/local/${name}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The body, refused as soon as it is larger than the limit (by Content-Length, or as it streams in). */
async function readBody(request: IncomingMessage): Promise<Buffer> {
  const tooLarge = () => ValidationError.field('body', `is larger than ${MAX_BODY_BYTES} bytes`);
  if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(
    result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : (result.body ?? ''),
  );
}

/** A path segment decoded as API Gateway does; a malformed escape is left for the route to name. */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Query parameters as API Gateway passes them: a repeated name's values joined with a comma. */
function queryParameters(url: URL): Record<string, string> | undefined {
  if (!url.search) return undefined;
  const joined = new Map<string, string>();
  for (const [name, value] of url.searchParams) {
    const before = joined.get(name);
    joined.set(name, before === undefined ? value : `${before},${value}`);
  }
  return Object.fromEntries(joined);
}

/** The answer to an error; a 500 is logged with its request id, as a Lambda's would be. */
function failure(
  error: unknown,
  requestId: string,
  routeKey: string | undefined,
): APIGatewayProxyStructuredResultV2 {
  const response = problem(error, requestId);
  if (response.statusCode === 500) {
    log('error', 'request failed', {
      handler: 'local-http',
      requestId,
      ...(routeKey ? { routeKey } : {}),
      status: 500,
      error: error instanceof Error ? error.name : 'unknown',
      stack: error instanceof Error ? error.stack : undefined,
    });
  }
  return response;
}

/** 503 with Retry-After: what a part of the local runtime answers before it is up. */
export function starting(detail: string, instance?: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 503,
    headers: { 'content-type': 'application/problem+json', 'retry-after': '1' },
    body: JSON.stringify({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail,
      ...(instance ? { instance } : {}),
    }),
  };
}

/** Answers requests outside the API (the web console's files); returns false for API paths. */
export type StaticFiles = (request: IncomingMessage, response: ServerResponse) => boolean;

export interface HttpServerOptions {
  /** A request's time from arrival, as a Lambda function's timeout: its deadline. */
  requestBudgetMs?: number;
  /** The web console's files, answered before the API routes. */
  staticFiles?: StaticFiles;
}

export function createHttpServer(
  routes: Route[],
  authorize?: Authorize,
  ready: () => boolean = () => true,
  options: HttpServerOptions = {},
): Server {
  const compiled = routes.map(compile);
  const budgetMs = options.requestBudgetMs ?? DEFAULT_REQUEST_BUDGET_MS;
  return createServer(async (request, response) => {
    const requestId = randomUUID();
    // The console's files are in memory: they are served while the rest of the desk starts.
    if (options.staticFiles?.(request, response)) return;
    const deadline = Date.now() + budgetMs;
    // The port is claimed before the database starts: until then, say so instead of failing.
    if (!ready()) return send(response, starting('The support desk is starting; try again in a moment.'));
    let routeKey: string | undefined;
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const method = request.method ?? 'GET';
      const candidates = compiled.filter((route) => route.pattern.test(url.pathname));
      if (candidates.length === 0) {
        return send(response, {
          statusCode: 404,
          headers: { 'content-type': 'application/problem+json' },
          body: JSON.stringify({
            type: 'about:blank',
            title: 'Not Found',
            status: 404,
            detail: `no route for ${url.pathname}`,
          }),
        });
      }
      const route = candidates.find((candidate) => candidate.method === method);
      if (!route) {
        return send(response, {
          statusCode: 405,
          headers: {
            'content-type': 'application/problem+json',
            allow: candidates.map((c) => c.method).join(', '),
          },
          body: JSON.stringify({ type: 'about:blank', title: 'Method Not Allowed', status: 405 }),
        });
      }
      routeKey = route.routeKey;
      let authorizer: Record<string, string> | undefined;
      if (!route.public) {
        // API Gateway answers unauthorized requests itself; so does this stand-in.
        authorizer = authorize ? await authorize(request.headers.authorization) : undefined;
        if (!authorizer) return send(response, problem(new UnauthorizedError(), requestId));
      }
      const match = route.pattern.exec(url.pathname)!;
      const pathParameters = Object.fromEntries(
        route.names.map((name, i) => [name, decodedSegment(match[i + 1]!)]),
      );
      const body = await readBody(request);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
      }
      const queryStringParameters = queryParameters(url);
      const now = new Date();
      const event: APIGatewayProxyEventV2 = {
        version: '2.0',
        routeKey: route.routeKey,
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers,
        queryStringParameters,
        pathParameters: route.names.length ? pathParameters : undefined,
        body: body.length ? body.toString('utf8') : undefined,
        isBase64Encoded: false,
        requestContext: {
          accountId: '000000000000',
          apiId: 'local',
          domainName: headers.host ?? 'localhost',
          domainPrefix: 'local',
          http: {
            method,
            path: url.pathname,
            protocol: `HTTP/${request.httpVersion}`,
            sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
            userAgent: headers['user-agent'] ?? '',
          },
          requestId,
          routeKey: route.routeKey,
          ...(authorizer ? { authorizer: { lambda: authorizer } } : {}),
          stage: '$default',
          time: now.toUTCString(),
          timeEpoch: now.getTime(),
        },
      };
      send(response, await route.handler(event, lambdaContext(requestId, route.routeKey, deadline)));
    } catch (error) {
      // The client went away mid-request (a browser leaving the page): no one to answer, nothing failed.
      if (request.destroyed && request.errored === error) return;
      send(response, failure(error, requestId, routeKey));
    }
  });
}
