// Queue routes (one Lambda function): the agents' SLA-ordered queue across accounts and its summary.
import { queueOf, queueSummary } from '../app/queue.ts';
import { queueRoutes as routes } from './queue-routes.ts';
import { routeGroup } from './routing.ts';

export const group = routeGroup('queue', routes, {
  getQueue: async ({ query, principal, app }) => {
    const { limit, cursor, ...filters } = query;
    return { status: 200, body: await queueOf(app, principal, filters, { limit, cursor }) };
  },
  getQueueSummary: async ({ query, principal, app }) => ({
    status: 200,
    body: await queueSummary(app, principal, query),
  }),
});

export const { handler } = group;
