// The one error hierarchy of the product. Every layer throws these and names what went wrong by
// `code`; the HTTP layer alone maps codes to statuses (functions/api/problems.ts), so a rule never
// decides status codes itself.

export type ErrorCode =
  | 'validation'
  | 'not_found'
  | 'conflict'
  | 'version_conflict'
  | 'forbidden'
  | 'unauthorized'
  | 'precondition_required'
  | 'idempotency_mismatch'
  | 'rejected'
  | 'unavailable';

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `weekly.mon[0][1]`. */
  field: string;
  message: string;
}

export abstract class DeskError extends Error {
  abstract readonly code: ErrorCode;
}

/** Input that breaks a rule; `issues` names every offending field. */
export class ValidationError extends DeskError {
  readonly code = 'validation';
  readonly issues: FieldIssue[];
  constructor(issues: FieldIssue[]) {
    super(issues.map((i) => `${i.field || '(root)'}: ${i.message}`).join('; '));
    this.name = 'ValidationError';
    this.issues = issues;
  }
  static field(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

export class NotFoundError extends DeskError {
  readonly code = 'not_found';
  constructor(what: string) {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}

/** A uniqueness rule was broken (the thing exists already). */
export class ConflictError extends DeskError {
  readonly code = 'conflict';
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** Optimistic locking: the item changed since the caller read it. */
export class VersionConflictError extends DeskError {
  readonly code = 'version_conflict';
  readonly currentVersion: number | undefined;
  constructor(what: string, currentVersion?: number) {
    super(
      `${what} was changed by someone else${currentVersion === undefined ? '' : ` (now at version ${currentVersion})`}`,
    );
    this.name = 'VersionConflictError';
    this.currentVersion = currentVersion;
  }
}

export class ForbiddenError extends DeskError {
  readonly code = 'forbidden';
  constructor(message = 'not allowed for this role') {
    super(message);
    this.name = 'ForbiddenError';
  }
}

export class UnauthorizedError extends DeskError {
  readonly code = 'unauthorized';
  constructor(message = 'missing or invalid API key') {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

/** A plan rule refused the command (e.g. prepaid hours used up); `reason` is shown to the customer. */
export class RejectedError extends DeskError {
  readonly code = 'rejected';
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.reason = reason;
    this.name = 'RejectedError';
  }
}

/**
 * The desk cannot do the work now but may in a moment: the table does not answer (timeouts,
 * refused connections, throttling after retries) or the request's deadline passed before its work
 * started. Nothing was done; `retryAfterSeconds` says when to try again.
 */
export class UnavailableError extends DeskError {
  readonly code = 'unavailable';
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds = 1) {
    super(message);
    this.name = 'UnavailableError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
