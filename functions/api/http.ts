// The HTTP side of every API handler: a middy pipeline that turns the handler's result into an
// API Gateway (payload 2.0) response and any error into RFC 9457 problem+json (problems.ts).
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DeskError } from '../domain/errors.ts';
import { log } from '../shared/log.ts';
import { observed } from '../shared/observability.ts';
import { problem } from './problems.ts';

export interface HttpResult {
  status: number;
  body?: unknown;
  /** A body sent as it is, not as JSON (CSV exports); `headers` names its content-type. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResponse = APIGatewayProxyStructuredResultV2;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

type Handler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

/** The request id API Gateway gave the request (the problem's `instance`), or Lambda's. */
export function requestIdOf(event: HttpEvent, context: Context): string {
  return event.requestContext?.requestId ?? context.awsRequestId;
}

/** Time kept after a request's work starts, to do it and answer: queued work later than this is not started. */
export const WORK_MARGIN_MS = 2_000;

/**
 * The wall-clock time (epoch ms) by which a request's work must have started: the function's
 * remaining time (Lambda's, or the local server's request budget) less WORK_MARGIN_MS. Undefined
 * for a context that keeps no time (tests that call a handler with a bare context).
 */
export function deadlineOf(context: Context): number | undefined {
  if (typeof context.getRemainingTimeInMillis !== 'function') return undefined;
  return Date.now() + context.getRemainingTimeInMillis() - WORK_MARGIN_MS;
}

export function httpHandler(name: string, handler: Handler) {
  return observed<HttpEvent, HttpResponse>(
    async (event, context) => {
      const requestId = requestIdOf(event, context);
      const started = performance.now();
      try {
        const result = await handler(event, context);
        const response =
          result.rawBody !== undefined
            ? { statusCode: result.status, headers: result.headers ?? {}, body: result.rawBody }
            : result.body === undefined
              ? { statusCode: result.status, headers: result.headers ?? {} }
              : json(result.status, result.body, result.headers);
        log('info', 'request', {
          handler: name,
          requestId,
          status: result.status,
          ms: Math.round(performance.now() - started),
        });
        return response;
      } catch (error) {
        const response = problem(error, requestId);
        const fields = {
          handler: name,
          requestId,
          status: response.statusCode,
          ms: Math.round(performance.now() - started),
        };
        if (error instanceof DeskError) log('info', 'request refused', { ...fields, code: error.code });
        else if (response.statusCode === 503)
          // The table's fault, not the request's: a warning with what the SDK said, no stack.
          log('warn', 'table unavailable', {
            ...fields,
            error: error instanceof Error ? error.name : 'unknown',
            cause: (error as { code?: string }).code,
          });
        else
          log('error', 'request failed', {
            ...fields,
            error: error instanceof Error ? error.name : 'unknown',
            stack: error instanceof Error ? error.stack : undefined,
          });
        return response;
      }
    },
    { correlationId: requestIdOf },
  );
}
