// Queue routes (one Lambda function): the agents' SLA-ordered queue across accounts and its summary.
import { queueOf, queueSummary } from '../app/queue.ts';
import { pageRequest } from './paging.ts';
import { queueRoutes as routes } from './queue-routes.ts';
import { routeGroup } from './routing.ts';

export const group = routeGroup('queue', routes, {
  getQueue: async (request) => {
    const { query, principal, app } = request;
    const { limit: _limit, cursor: _cursor, ...filters } = query;
    // The cursor is sealed to this key, this route and these filters (api/paging.ts).
    return { status: 200, body: await queueOf(app, principal, filters, pageRequest(request)) };
  },
  getQueueSummary: async ({ query, principal, app }) => ({
    status: 200,
    body: await queueSummary(app, principal, query),
  }),
});

export const { handler } = group;
