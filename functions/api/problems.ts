// Errors as RFC 9457 problem+json: the one place that decides which status each error answers.
// Domain errors name what went wrong by `code`; this table turns a code into an HTTP status.

import type { APIGatewayProxyStructuredResultV2 as HttpResponse } from 'aws-lambda';
import { DeskError, type ErrorCode, UnavailableError, ValidationError } from '../domain/errors.ts';

/** Every error code's status; a new code without one does not compile. */
export const STATUS_OF_CODE: Readonly<Record<ErrorCode, number>> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  version_conflict: 412,
  idempotency_mismatch: 422,
  rejected: 422,
  precondition_required: 428,
  unavailable: 503,
};

/** Error codes of refused connections and dropped sockets: the table's endpoint is not there now. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** DynamoDB's answers that mean "not now" (throttling, its own faults), once the SDK's retries are spent. */
const BUSY_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
]);

/**
 * The error as an UnavailableError when it says the table could not be reached or is too busy: the
 * client timeouts (store/context.ts), a refused or dropped connection, throttling after retries.
 * Trying again later is the right move (a create with the same Idempotency-Key, which makes it safe
 * even when a timed-out write was applied after all).
 */
export function asUnavailable(error: unknown): UnavailableError | undefined {
  if (error instanceof UnavailableError) return error;
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (error.name === 'TimeoutError') {
    // A write may have been applied before the answer was lost: say so, and how to retry safely.
    return new UnavailableError(
      'The database did not answer in time; a create may or may not have been applied: retry it with the same Idempotency-Key.',
      5,
    );
  }
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    return new UnavailableError('The database cannot be reached; try again shortly.', 2);
  }
  if (BUSY_ERRORS.has(error.name)) {
    return new UnavailableError('The database is busy; try again shortly.', 1);
  }
  return undefined;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The status an error answers: its code's, or 500 for anything that is not a DeskError. */
export function statusOf(error: unknown): number {
  if (error instanceof DeskError) return STATUS_OF_CODE[error.code];
  return asUnavailable(error) ? 503 : 500;
}

/** A problem response; errors are never cached, whoever asked. */
export function problemResponse(
  status: number,
  { type, title, ...rest }: { type: string; title: string } & Record<string, unknown>,
): HttpResponse {
  return {
    statusCode: status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store' },
    body: JSON.stringify({ type, title, status, ...rest }),
  };
}

/** RFC 9457 problem details for an error; unexpected errors hide their message. */
export function problem(error: unknown, instance?: string): HttpResponse {
  const unavailable = asUnavailable(error);
  if (unavailable) {
    const response = problemResponse(503, {
      type: 'https://support-desk.dev/problems/unavailable',
      title: 'unavailable',
      detail: unavailable.message,
      instance,
    });
    return {
      ...response,
      headers: { ...response.headers, 'retry-after': String(unavailable.retryAfterSeconds) },
    };
  }
  if (error instanceof DeskError) {
    return problemResponse(statusOf(error), {
      type: `https://support-desk.dev/problems/${error.code}`,
      title: error.code.replaceAll('_', ' '),
      detail: error.message,
      instance,
      ...(error instanceof ValidationError ? { errors: error.issues } : {}),
    });
  }
  return problemResponse(500, {
    type: 'about:blank',
    title: 'Internal Server Error',
    detail: 'Something went wrong on our side; the request id identifies it in our logs.',
    instance,
  });
}
