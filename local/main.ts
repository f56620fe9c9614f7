// `npm start`: the whole support desk on one machine. DynamoDB Local persists under DATA_DIR, the
// HTTP API listens on 127.0.0.1:PORT, and Ctrl-C stops everything cleanly (data survives).

import type { Server } from 'node:http';
import { join } from 'node:path';
import { authenticate } from '../functions/api/auth.ts';
import { storeFromEnvironment } from '../functions/store/context.ts';
import { readLocalConfig } from './config.ts';
import {
  type DynamoDbLocal,
  ensureTable,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localClient,
  startDynamoDbLocal,
} from './dynamodb-local.ts';
import { createHttpServer } from './http-server.ts';
import { apiRoutes } from './routes.ts';

async function listen(server: Server, port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${port} on ${host} is already in use; stop what uses it or set PORT to another port`,
            )
          : error,
      );
    });
    server.listen(port, host, () => resolve());
  });
}

async function main(): Promise<void> {
  const started = performance.now();
  const config = readLocalConfig();
  // Claim the HTTP port first: a port in use fails at once, before Java starts.
  const server = createHttpServer(apiRoutes(), async (header) => {
    const context = await authenticate(storeFromEnvironment(), header);
    return context ? { ...context } : undefined;
  });
  await listen(server, config.port, config.host);

  let db: DynamoDbLocal;
  try {
    db = await startDynamoDbLocal({ dataDir: join(config.dataDir, 'dynamodb'), port: config.dynamoDbPort });
  } catch (error) {
    server.close();
    throw error;
  }
  const client = localClient(db.endpoint);
  const table = await ensureTable(client, config.tableName);
  client.destroy();

  // The handlers read the same variables they read in Lambda.
  process.env.TABLE_NAME = config.tableName;
  process.env.DYNAMODB_ENDPOINT = db.endpoint;
  process.env.AWS_REGION ??= LOCAL_REGION;
  process.env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;

  const base = `http://${config.host}:${config.port}`;
  console.log(`Support desk running (ready in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  console.log(`  API        ${base}/v1   (try: curl ${base}/v1/health)`);
  console.log(
    `  DynamoDB   ${db.endpoint}   table ${config.tableName} (${table}), data in ${config.dataDir}`,
  );
  console.log('  Stop with Ctrl-C; data survives a restart.');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`support desk failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
