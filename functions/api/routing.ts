// Route groups: one Lambda function serves a group of routes (tickets, accounts, admin, ...). Each
// route is declared once in the API contract (functions/api/contract.ts: path, roles, schemas) and
// implemented here by a function that reads like a sentence: parse, authorize, call, respond.
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { AppContext, Principal } from '../app/context.ts';
import { runtimeContext } from '../app/runtime.ts';
import { ForbiddenError, NotFoundError } from '../domain/errors.ts';
import type { Role } from '../store/api-keys.ts';
import { principalOf } from './auth.ts';
import { type HttpEvent, type HttpResult, httpHandler } from './http.ts';

export interface RouteContract {
  routeKey: string;
  /** Roles allowed; `public` routes need no key. */
  roles: readonly Role[] | 'public';
  summary: string;
  description?: string;
  tags: string[];
  path?: z.ZodMiniObject;
  query?: z.ZodMiniType;
  body?: z.ZodMiniType;
  headers?: z.ZodMiniObject;
  responses: Record<number, { description: string; schema?: z.ZodMiniType; contentTypes?: string[] }>;
}

export interface RouteRequest {
  event: HttpEvent;
  /** Undefined only on public routes. */
  principal: Principal;
  app: AppContext;
  lambda: Context;
}

export type RouteImplementation = (request: RouteRequest) => Promise<HttpResult>;

export function routeGroup(name: string, routes: [RouteContract, RouteImplementation][]) {
  const byKey = new Map(
    routes.map(([contract, implementation]) => [contract.routeKey, { contract, implementation }]),
  );
  const handler = httpHandler(name, async (event, lambda) => {
    const route = byKey.get(event.routeKey);
    if (!route) throw new NotFoundError(`route ${event.routeKey}`);
    const { contract, implementation } = route;
    let principal = undefined as unknown as Principal;
    if (contract.roles !== 'public') {
      principal = principalOf(event);
      if (!contract.roles.includes(principal.role)) {
        throw new ForbiddenError(`${contract.routeKey} is for ${contract.roles.join(', ')} keys`);
      }
    }
    return implementation({ event, principal, app: runtimeContext(), lambda });
  });
  return { handler, routeKeys: [...byKey.keys()] };
}
