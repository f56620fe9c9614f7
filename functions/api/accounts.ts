// Account routes for customers and staff (one Lambda function): the usage of an account's month.
import { usageOf } from '../app/usage.ts';
import { accountRoutes as routes } from './routes.ts';
import { routeGroup } from './routing.ts';

export const group = routeGroup('accounts', routes, {
  getUsage: async ({ path, query, principal, app }) => ({
    status: 200,
    body: await usageOf(app, principal, path.id, query.month),
  }),
});

export const { handler } = group;
