// The routes the local runtime serves: the route table's route keys, each handled by the same
// route-group function API Gateway invokes in AWS (functions/api/<group>.ts).
import { handler as accounts } from '../functions/api/accounts.ts';
import { handler as admin } from '../functions/api/admin.ts';
import { handler as catalogs } from '../functions/api/catalogs.ts';
import { handler as exports } from '../functions/api/exports.ts';
import { handler as mail } from '../functions/api/mail.ts';
import { routeGroups } from '../functions/api/routes.ts';
import { handler as system } from '../functions/api/system.ts';
import { handler as tickets } from '../functions/api/tickets.ts';
import type { LambdaHttpHandler, Route } from './http-server.ts';

/** One handler per route group, by group name (the file name under functions/api/). */
const handlers: Record<string, LambdaHttpHandler> = {
  system: system as LambdaHttpHandler,
  tickets: tickets as LambdaHttpHandler,
  catalogs: catalogs as LambdaHttpHandler,
  admin: admin as LambdaHttpHandler,
  accounts: accounts as LambdaHttpHandler,
  exports: exports as LambdaHttpHandler,
  mail: mail as LambdaHttpHandler,
};

export function apiRoutes(): Route[] {
  return Object.entries(routeGroups).flatMap(([group, routes]) => {
    const handler = handlers[group];
    if (!handler) throw new Error(`no handler for route group ${group}`);
    return Object.values(routes).map((spec) => ({
      routeKey: spec.routeKey,
      handler,
      public: spec.roles === 'public',
    }));
  });
}
