// The routes the local runtime serves: the API contract's route keys, each handled by the same
// route-group function API Gateway invokes in AWS.

import { allRoutes } from '../functions/api/contract.ts';
import { handler as system, routeKeys as systemKeys } from '../functions/api/system.ts';
import { routeKeys as ticketKeys, handler as tickets } from '../functions/api/tickets.ts';
import type { LambdaHttpHandler, Route } from './http-server.ts';

const groups: [LambdaHttpHandler, string[]][] = [
  [system as LambdaHttpHandler, systemKeys],
  [tickets as LambdaHttpHandler, ticketKeys],
];

export function apiRoutes(): Route[] {
  return allRoutes.map((contract) => {
    const group = groups.find(([, keys]) => keys.includes(contract.routeKey));
    if (!group) throw new Error(`no handler serves ${contract.routeKey}`);
    return { routeKey: contract.routeKey, handler: group[0], public: contract.roles === 'public' };
  });
}
