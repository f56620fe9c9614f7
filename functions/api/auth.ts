// API-key authentication. In AWS an HTTP API Lambda authorizer (cached per key by API Gateway) runs
// `authorize` and passes the principal in the authorizer context; locally the HTTP server calls the
// same function. Handlers read the principal with `principalOf`, never the key itself.
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import type { Principal } from '../app/context.ts';
import { runtimeContext } from '../app/runtime.ts';
import { UnauthorizedError } from '../domain/errors.ts';
import { observed } from '../shared/observability.ts';
import { findApiKey, ROLES, type Role } from '../store/api-keys.ts';
import type { StoreContext } from '../store/context.ts';
import type { HttpEvent } from './http.ts';

/** What travels in the authorizer context (strings only: API Gateway flattens it). */
export interface AuthorizerContext {
  role: Role;
  keyId: string;
  accountId: string;
  /** Staff keys' display name for customers ('' when the key has none). */
  displayName: string;
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** The principal of a presented key, or undefined when the key is unknown or revoked. */
export async function authenticate(
  store: StoreContext,
  authorization: string | undefined,
): Promise<AuthorizerContext | undefined> {
  const secret = bearerToken(authorization);
  if (!secret) return undefined;
  const record = await findApiKey(store, secret);
  if (!record) return undefined;
  return {
    role: record.role,
    keyId: record.keyId,
    accountId: record.accountId ?? '',
    displayName: record.displayName ?? '',
  };
}

type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<
  AuthorizerContext | Record<string, never>
>;

/** The HTTP API authorizer (simple responses); its logs carry the request's id, as the route's do. */
export const handler = observed<APIGatewayRequestAuthorizerEventV2, AuthorizerResult>(
  async (event) => {
    const context = await authenticate(runtimeContext().store, event.headers?.authorization);
    return context ? { isAuthorized: true, context } : { isAuthorized: false, context: {} };
  },
  { correlationId: (event) => event.requestContext?.requestId },
);

/** The caller of an authorized request, from the authorizer context. */
export function principalOf(event: HttpEvent): Principal {
  const context = (event.requestContext as { authorizer?: { lambda?: Partial<AuthorizerContext> } })
    .authorizer?.lambda;
  const role = context?.role;
  if (!context || !role || !(ROLES as readonly string[]).includes(role) || !context.keyId)
    throw new UnauthorizedError();
  return {
    role,
    keyId: context.keyId,
    ...(context.accountId ? { accountId: context.accountId } : {}),
    ...(context.displayName ? { displayName: context.displayName } : {}),
  };
}
