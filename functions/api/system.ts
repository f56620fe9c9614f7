// Unauthenticated system routes (one Lambda function): health and the OpenAPI document.
import { pingTable } from '../store/health.ts';
import { openApiDocument } from './openapi.ts';
import { systemRoutes as routes } from './routes.ts';
import { routeGroup } from './routing.ts';

export const group = routeGroup('system', routes, {
  health: async ({ app }) => {
    let table: 'ok' | 'unavailable' = 'ok';
    try {
      await pingTable(app.store);
    } catch {
      table = 'unavailable';
    }
    return {
      status: table === 'ok' ? 200 : 503,
      body: { status: table === 'ok' ? 'ok' : 'degraded', table },
      // The store's timeouts bound the ping (store/context.ts): ask again in a few seconds.
      ...(table === 'ok' ? {} : { headers: { 'retry-after': '5' } }),
    };
  },
  openapi: async () => ({
    status: 200,
    body: openApiDocument(),
    headers: { 'cache-control': 'max-age=300' },
  }),
});

export const { handler } = group;
