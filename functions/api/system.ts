// Unauthenticated system routes (one Lambda function): health and the OpenAPI document.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { openApiDocument } from './openapi.ts';
import { systemRoutes as routes } from './routes.ts';
import { routeGroup } from './routing.ts';

export const { handler, routeKeys } = routeGroup('system', routes, {
  health: async ({ app }) => {
    let table: 'ok' | 'unavailable' = 'ok';
    try {
      await app.store.doc.send(
        new GetCommand({ TableName: app.store.tableName, Key: { PK: 'HEALTH', SK: 'HEALTH' } }),
      );
    } catch {
      table = 'unavailable';
    }
    return {
      status: table === 'ok' ? 200 : 503,
      body: { status: table === 'ok' ? 'ok' : 'degraded', table },
    };
  },
  openapi: async () => ({
    status: 200,
    body: openApiDocument(),
    headers: { 'cache-control': 'max-age=300' },
  }),
});
