// GET /v1/health: answers without authentication; reports whether the table answers.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { storeFromEnvironment } from '../store/context.ts';
import { httpHandler } from './http.ts';

export const handler = httpHandler('health', async () => {
  const store = storeFromEnvironment();
  let table: 'ok' | 'unavailable' = 'ok';
  try {
    await store.doc.send(new GetCommand({ TableName: store.tableName, Key: { PK: 'HEALTH', SK: 'HEALTH' } }));
  } catch {
    table = 'unavailable';
  }
  return { status: table === 'ok' ? 200 : 503, body: { status: table === 'ok' ? 'ok' : 'degraded', table } };
});
