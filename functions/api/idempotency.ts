// Idempotency-Key for every create route, in one wrapper: a retry with the same key and the same
// request answers what the first one answered (status, body, ETag, `Idempotent-Replayed: true`);
// the same key with another request is a 422. Keys are scoped to the API key that sent them.
//
// Ticket and account creates record the response in the transaction that creates (the use case
// takes the claim), so even racing retries create one. The other creates (messages, time entries,
// contacts) record it right after they succeed: a retry after the answer replays it, but two
// retries racing each other may both apply.
import type { Principal } from '../app/context.ts';
import {
  findIdempotentResponse,
  idempotencyOp,
  requestHash,
  type StoredResponse,
} from '../store/idempotency.ts';
import { ConcurrentChangeError, commit } from '../store/transact.ts';
import type { HttpResult } from './http.ts';
import type { RouteImplementation, RouteRequest, RouteSpec } from './routing.ts';
import type { idempotencyKeyHeader } from './schemas-common.ts';

/** What a create needs to record its response in its own transaction. */
export interface IdempotencyClaim {
  scope: string;
  key: string;
  hash: string;
}

/** A create's answer, and whether its response is already recorded (or was replayed) by the use case. */
export type CreateOutcome = { result: HttpResult; recorded?: boolean } | { replayed: StoredResponse };

type CreateRoute = RouteSpec & { headers: typeof idempotencyKeyHeader; roles: readonly string[] };

export interface IdempotentOptions<R extends CreateRoute> {
  /** What identifies the request; default: its route, path and body. */
  hashed?: (request: RouteRequest<R>) => unknown;
}

/** The version a replayed body carries (a ticket's, or the ticket's of a message or time entry). */
function versionOf(body: unknown): number | undefined {
  const value = body as { version?: unknown; ticket?: { version?: unknown } } | null;
  const version = value?.version ?? value?.ticket?.version;
  return typeof version === 'number' ? version : undefined;
}

function replay(response: StoredResponse): HttpResult {
  const version = versionOf(response.body);
  return {
    status: response.status,
    body: response.body,
    headers: {
      'idempotent-replayed': 'true',
      ...(version === undefined ? {} : { etag: `"${version}"` }),
    },
  };
}

/** Records a create's response after it succeeded; a key used meanwhile keeps the first record. */
async function record(request: RouteRequest<CreateRoute>, claim: IdempotencyClaim, result: HttpResult) {
  const now = request.app.clock.now();
  const response: StoredResponse = { status: result.status, body: result.body };
  try {
    await commit(request.app.store, [
      idempotencyOp(
        request.app.store,
        claim.scope,
        claim.key,
        { requestHash: claim.hash, response, createdAt: now.toISOString() },
        now,
      ),
    ]);
  } catch (error) {
    if (!(error instanceof ConcurrentChangeError)) throw error;
  }
}

/** A create route honouring Idempotency-Key; `create` gets the claim when the request has a key. */
export function idempotent<R extends CreateRoute>(
  _spec: R,
  options: IdempotentOptions<R>,
  create: (request: RouteRequest<R>, claim: IdempotencyClaim | undefined) => Promise<CreateOutcome>,
): RouteImplementation<R> {
  return async (request) => {
    const key = request.headers['idempotency-key'];
    const outcome = async (claim?: IdempotencyClaim): Promise<HttpResult> => {
      const created = await create(request, claim);
      if ('replayed' in created) return replay(created.replayed);
      if (claim && !created.recorded && created.result.status < 300) {
        await record(request as RouteRequest<CreateRoute>, claim, created.result);
      }
      return created.result;
    };
    if (key === undefined) return outcome();
    const principal = (request as { principal: Principal }).principal;
    const hashed = options.hashed
      ? options.hashed(request)
      : { route: request.routeKey, path: request.path, body: request.body };
    const claim = { scope: principal.keyId, key, hash: requestHash(hashed) };
    // A retry of a create that already happened answers from the record, before any rule runs again.
    const prior = await findIdempotentResponse(request.app.store, claim.scope, claim.key, claim.hash);
    if (prior) return replay(prior);
    return outcome(claim);
  };
}
