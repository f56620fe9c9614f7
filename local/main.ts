// `npm start`: the whole support desk on one machine. DynamoDB Local persists under DATA_DIR, the
// HTTP API listens on 127.0.0.1:PORT, and Ctrl-C stops everything cleanly (data survives).

import type { Server } from 'node:http';
import { join } from 'node:path';
import { authenticate } from '../functions/api/auth.ts';
import { MovableClock } from '../functions/app/local-clock.ts';
import { runtimeContext, useClock } from '../functions/app/runtime.ts';
import { storeFromEnvironment } from '../functions/store/context.ts';
import { readLocalConfig } from './config.ts';
import { ensureDemo } from './demo.ts';
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

  const clock = new MovableClock();
  useClock(clock);
  const app = runtimeContext();
  const base = `http://${config.host}:${config.port}`;
  const demo = await ensureDemo(app, {
    dataDir: config.dataDir,
    apiUrl: `${base}/v1`,
    smtpHost: config.host,
    smtpPort: config.smtpPort,
    supportAddress: config.supportAddress,
  });

  const customer = demo.accounts.find((a) => a.id === 'demo-b2bee') ?? demo.accounts[0]!;
  console.log(`Support desk running (ready in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  console.log(`  API        ${base}/v1        OpenAPI: ${base}/v1/openapi.json`);
  console.log(
    `  DynamoDB   ${db.endpoint}   table ${config.tableName} (${table}), data in ${config.dataDir}`,
  );
  console.log('  API keys (also in demo.json):');
  console.log(`    admin    ${demo.keys.admin}`);
  console.log(`    agent    ${demo.keys.agent}`);
  console.log(`    finance  ${demo.keys.finance}`);
  console.log(
    `    customer ${demo.keys.customer[customer.id]}   (${customer.name}, ${customer.catalogId} ${customer.planId})`,
  );
  console.log(`  Demo accounts, contacts and every customer key: ${join(config.dataDir, 'demo.json')}`);
  console.log('  Try:');
  console.log(
    `    curl -s -X POST ${base}/v1/tickets -H 'authorization: Bearer ${demo.keys.customer[customer.id]}' -H 'content-type: application/json' -d '{"subject":"Orders do not sync","body":"Since 9:00 no order arrives","severity":"Critical"}'`,
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
