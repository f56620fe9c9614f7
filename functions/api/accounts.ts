// Account routes for customers and staff (one Lambda function): the usage of an account's month.
import { usageOf } from '../app/usage.ts';
import { accountRoutes as routes } from './contract.ts';
import { pathParam, queryOf } from './request.ts';
import { routeGroup } from './routing.ts';
import { usageQuerySchema } from './schemas.ts';

export const { handler, routeKeys } = routeGroup('accounts', [
  [
    routes.getUsage,
    async ({ event, principal, app }) => {
      const id = pathParam(event, 'id');
      const { month } = queryOf(event, usageQuerySchema);
      return { status: 200, body: await usageOf(app, principal, id, month) };
    },
  ],
]);
