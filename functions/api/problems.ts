// Errors as RFC 9457 problem+json: the one place that decides which status each error answers.
// Domain errors name what went wrong by `code`; this table turns a code into an HTTP status.

import type { APIGatewayProxyStructuredResultV2 as HttpResponse } from 'aws-lambda';
import { DeskError, type ErrorCode, ValidationError } from '../domain/errors.ts';

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
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The status an error answers: its code's, or 500 for anything that is not a DeskError. */
export function statusOf(error: unknown): number {
  return error instanceof DeskError ? STATUS_OF_CODE[error.code] : 500;
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
