// The routes the local runtime serves: the route table's route keys, each handled by the same
// route-group function API Gateway invokes in AWS (functions/api/<group>.ts), on the local
// runtime's AppContext (its settings, its movable clock).
import { group as accounts } from '../functions/api/accounts.ts';
import { group as admin } from '../functions/api/admin.ts';
import { group as catalogs } from '../functions/api/catalogs.ts';
import { group as exports } from '../functions/api/exports.ts';
import { group as mail } from '../functions/api/mail.ts';
import { group as queue } from '../functions/api/queue.ts';
import { routeGroups } from '../functions/api/routes.ts';
import { group as system } from '../functions/api/system.ts';
import { group as tickets } from '../functions/api/tickets.ts';
import type { AppContext } from '../functions/app/context.ts';
import type { LambdaHttpHandler, Route } from './http-server.ts';

/** One route group per name (the file name under functions/api/). */
const groups = { system, tickets, catalogs, admin, accounts, exports, mail, queue };

export function apiRoutes(context: () => AppContext): Route[] {
  return Object.entries(routeGroups).flatMap(([name, routes]) => {
    const group = groups[name as keyof typeof groups];
    if (!group) throw new Error(`no handler for route group ${name}`);
    const handler = group.handlerFor(context) as LambdaHttpHandler;
    return Object.values(routes).map((spec) => ({
      routeKey: spec.routeKey,
      handler,
      public: spec.roles === 'public',
    }));
  });
}
