// Route groups: one Lambda function serves a group of routes (tickets, accounts, admin, ...). Each
// route is declared once in the route table (functions/api/routes.ts: path, roles, schemas); the
// group checks the caller's role, reads the request by the route's schemas and hands the
// implementation typed input, so an implementation reads like a sentence: call, respond.
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { AppContext, Principal } from '../app/context.ts';
import { runtimeContext } from '../app/runtime.ts';
import { ForbiddenError, NotFoundError } from '../domain/errors.ts';
import type { Role } from '../store/api-keys.ts';
import { principalOf } from './auth.ts';
import { type HttpResult, httpHandler, requestIdOf } from './http.ts';
import { type RequestSchemas, type RouteInput, readInput } from './request.ts';
import type { ResponseSpec } from './schemas-common.ts';

export interface RouteSpec extends RequestSchemas {
  routeKey: string;
  /** Roles allowed; `public` routes need no key. */
  roles: readonly Role[] | 'public';
  summary: string;
  description?: string;
  tags: string[];
  path?: z.ZodMiniObject;
  query?: z.ZodMiniObject;
  headers?: z.ZodMiniObject;
  /** Every status the route answers, with its body and headers (the OpenAPI document's responses). */
  responses: Record<number, ResponseSpec>;
}

/** The caller: a principal on keyed routes, none on public ones. */
type CallerOf<R extends RouteSpec> = R['roles'] extends 'public'
  ? { principal?: undefined }
  : { principal: Principal };

export type RouteRequest<R extends RouteSpec> = RouteInput<R> &
  CallerOf<R> & {
    routeKey: string;
    /** API Gateway's request id: the `instance` of a problem, and the id in the logs. */
    requestId: string;
    app: AppContext;
    lambda: Context;
  };

export type RouteImplementation<R extends RouteSpec> = (request: RouteRequest<R>) => Promise<HttpResult>;

/**
 * The handler of a route group: every route of `specs` implemented once, by the same name. Keyed
 * routes answer `Cache-Control: no-store` unless the route says otherwise: what a key reads is
 * that key's business, never a shared cache's.
 */
export function routeGroup<T extends Record<string, RouteSpec>>(
  name: string,
  specs: T,
  implementations: { [K in keyof T]: RouteImplementation<T[K]> },
) {
  const byKey = new Map(
    Object.entries(specs).map(([routeName, spec]) => [
      spec.routeKey,
      // Typed per route above; here every route is called alike.
      { spec, implementation: implementations[routeName] as (request: object) => Promise<HttpResult> },
    ]),
  );
  /** The group's handler on the AppContext `context` gives: the container's in Lambda, the local runtime's on one machine. */
  const handlerFor = (context: () => AppContext) =>
    httpHandler(name, async (event, lambda) => {
      const route = byKey.get(event.routeKey);
      if (!route) throw new NotFoundError(`route ${event.routeKey}`);
      const { spec, implementation } = route;
      const base = { routeKey: spec.routeKey, requestId: requestIdOf(event, lambda), lambda };
      if (spec.roles === 'public') {
        return implementation({ ...readInput(spec, event), ...base, app: context() });
      }
      // The role is checked before the input is read: a key may not probe a route it cannot use.
      const principal = principalOf(event);
      if (!spec.roles.includes(principal.role)) {
        throw new ForbiddenError(`${spec.routeKey} is for ${spec.roles.join(', ')} keys`);
      }
      const input = readInput(spec, event);
      const result = await implementation({ ...input, ...base, principal, app: context() });
      return { ...result, headers: { 'cache-control': 'no-store', ...result.headers } };
    });
  return { handler: handlerFor(runtimeContext), handlerFor, routeKeys: [...byKey.keys()] };
}
