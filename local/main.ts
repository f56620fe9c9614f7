// `npm start`: the whole support desk on one machine. DynamoDB Local persists under DATA_DIR; the
// HTTP API listens on 127.0.0.1:PORT, the SMTP intake on 127.0.0.1:SMTP_PORT; a stream poller drives
// SLA timers and outbound mail (.eml files in DATA_DIR/outbox); months close into DATA_DIR/exports
// when the (movable) clock passes them. Ctrl-C stops everything cleanly; data survives a restart.
import type { Server } from 'node:http';
import { join } from 'node:path';
import { LocalBlobs } from '../functions/adapters/blobs-local.ts';
import { authenticate } from '../functions/api/auth.ts';
import { type AppContext, appContext } from '../functions/app/context.ts';
import { sendContractNotices } from '../functions/app/contract-notices.ts';
import { MovableClock } from '../functions/app/local-clock.ts';
import { settingsFrom } from '../functions/settings.ts';
import { log } from '../functions/shared/log.ts';
import { createStoreContext } from '../functions/store/context.ts';
import { cursorSecretFrom } from '../functions/store/cursor-secret.ts';
import { readLocalConfig } from './config.ts';
import { consoleHandler } from './console.ts';
import { ensureDemo } from './demo.ts';
import {
  durableTransactions,
  ensureTable,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localClient,
  type SupervisedDynamoDbLocal,
  superviseDynamoDbLocal,
} from './dynamodb-local.ts';
import { createHttpServer, type Route } from './http-server.ts';
import { closeDueMonths } from './month-close.ts';
import { startOutboxDelivery } from './outbox.ts';
import { apiRoutes } from './routes.ts';
import { deferredSlaRoutes, type SlaRuntime, startSlaRuntime } from './sla-runtime.ts';
import { startSmtpServer } from './smtp.ts';

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

/**
 * `POST /local/clock` moves the clock and fires the SLA timers that came due; months that ended
 * close right after, so one call shows a whole month in a demo.
 */
function withMonthClose(routes: Route[], closeMonths: () => Promise<unknown>): Route[] {
  return routes.map((route) =>
    route.routeKey !== 'POST /local/clock'
      ? route
      : {
          ...route,
          handler: async (event, context) => {
            const response = await route.handler(event, context);
            if ((response.statusCode ?? 200) >= 300) return response;
            const closed = await closeMonths();
            const body = JSON.parse(response.body ?? '{}');
            return { ...response, body: JSON.stringify({ ...body, closedMonths: closed }) };
          },
        },
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  const config = readLocalConfig();
  const exportsBlobs = new LocalBlobs(join(config.dataDir, 'exports'));
  const sla = deferredSlaRoutes();
  const clock = new MovableClock();
  // The desk every handler runs on, built once DynamoDB Local is up; nothing reaches a handler before.
  let app: AppContext | undefined;
  const context = (): AppContext => {
    if (!app) throw new Error('the support desk is not ready');
    return app;
  };
  const closeMonths = async () => {
    const closed = await closeDueMonths(context(), clock.now(), exportsBlobs);
    // Contract notices come due with the clock too (a daily schedule in AWS).
    await sendContractNotices(context(), clock.now());
    return closed;
  };
  // Claim the HTTP port first: a port in use fails at once, before Java starts. Until everything
  // is up, requests get 503 with Retry-After.
  let ready = false;
  const consoleStarted = performance.now();
  const consoleFiles = consoleHandler();
  const consoleMs = performance.now() - consoleStarted;
  const server = createHttpServer(
    [...apiRoutes(context), ...withMonthClose(sla.routes, closeMonths)],
    async (header) => {
      const principal = await authenticate(context().store, header);
      return principal ? { ...principal } : undefined;
    },
    () => ready,
    { requestBudgetMs: config.requestBudgetMs, staticFiles: consoleFiles },
  );
  await listen(server, config.port, config.host);

  let db: SupervisedDynamoDbLocal;
  try {
    db = await superviseDynamoDbLocal({
      dataDir: join(config.dataDir, 'dynamodb'),
      ...(config.dynamoDbPort === undefined ? {} : { port: config.dynamoDbPort }),
      // While java is down the table refuses connections: requests answer 503 with Retry-After.
      onEvent: (event) =>
        log(event.type === 'restarted' ? 'info' : 'warn', `DynamoDB Local ${event.type}`, {
          ...(event.pid === undefined ? {} : { pid: event.pid }),
          ...(event.error ? { error: event.error } : {}),
        }),
    });
  } catch (error) {
    server.close();
    throw error;
  }
  const client = localClient(db.endpoint);
  const table = await ensureTable(client, config.tableName);
  client.destroy();

  // The same settings a Lambda container parses from its environment, from the local configuration.
  const settings = settingsFrom({
    TABLE_NAME: config.tableName,
    DYNAMODB_ENDPOINT: db.endpoint,
    SUPPORT_ADDRESS: config.supportAddress,
    // Every ticket change that records an SLA warning or breach writes the agents' alert.
    SLA_ALERTS_TO: config.slaAlertsTo.join(','),
    DATA_DIR: config.dataDir,
    MAIL_DIR: join(config.dataDir, 'mail'),
    EXPORT_TIME_ZONE: config.exportTimeZone,
    // Made once under DATA_DIR: cursors a client holds stay good across restarts.
    CURSOR_SECRET_FILE: join(config.dataDir, 'cursor-secret'),
  });
  const store = createStoreContext(
    config.tableName,
    { endpoint: db.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS },
    { cursorSecret: cursorSecretFrom(settings.cursorSecret) },
  );
  durableTransactions(store.doc, config.tableName);
  app = appContext(store, clock, settings);

  // The SLA runtime restores the clock's saved offset: the desk's clock is the runtime's.
  let slaRuntime: SlaRuntime | undefined;
  const stoppers: (() => Promise<void>)[] = [];
  try {
    slaRuntime = await startSlaRuntime({
      endpoint: db.endpoint,
      tableName: config.tableName,
      clock,
      settings,
    });
    sla.attach(slaRuntime);
    stoppers.push(() => slaRuntime!.stop());
    const outbox = await startOutboxDelivery({
      endpoint: db.endpoint,
      tableName: config.tableName,
      dataDir: config.dataDir,
      context,
    });
    stoppers.push(() => outbox.stop());
    const smtp = await startSmtpServer({
      host: config.host,
      port: config.smtpPort,
      supportAddress: config.supportAddress,
      dataDir: config.dataDir,
      context,
    });
    stoppers.push(() => smtp.stop());
  } catch (error) {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    server.close();
    await db.stop();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      /EADDRINUSE/.test(message)
        ? `SMTP port ${config.smtpPort} on ${config.host} is already in use; set SMTP_PORT to another port`
        : message,
    );
  }

  const base = `http://${config.host}:${config.port}`;
  const demo = await ensureDemo(context(), {
    dataDir: config.dataDir,
    apiUrl: `${base}/v1`,
    smtpHost: config.host,
    smtpPort: config.smtpPort,
    supportAddress: config.supportAddress,
  });
  await closeMonths();
  ready = true;

  const customer = demo.accounts.find((a) => a.id === 'demo-b2bee') ?? demo.accounts[0]!;
  const contact = customer.contacts[0] ?? 'someone@example.com';
  const customerKey = demo.keys.customer[customer.id];
  console.log(`Support desk running (ready in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  console.log(`  Console    ${base}/   (built in ${Math.round(consoleMs)} ms; sign in with a key below)`);
  console.log(`  API        ${base}/v1        OpenAPI: ${base}/v1/openapi.json`);
  console.log(`  SMTP       ${config.host}:${config.smtpPort}   support address ${config.supportAddress}`);
  console.log(
    `  Clock      ${clock.now().toISOString()}   move it: POST ${base}/local/clock {"advance":"PT2H"}`,
  );
  console.log(`  DynamoDB   ${db.endpoint}   table ${config.tableName} (${table}), pid ${db.pid()}`);
  console.log(`  Data       ${config.dataDir}   (outbox/, exports/, mail/, demo.json)`);
  console.log('  API keys (every customer key is in demo.json):');
  console.log(`    admin    ${demo.keys.admin}`);
  console.log(`    agent    ${demo.keys.agent}   (staff address ${demo.staff.agent})`);
  console.log(`    finance  ${demo.keys.finance}`);
  console.log(`    customer ${customerKey}   (${customer.name}: ${customer.catalogId} ${customer.planId})`);
  console.log('  Try:');
  console.log(
    `    curl -s -X POST ${base}/v1/tickets -H 'authorization: Bearer ${customerKey}' -H 'content-type: application/json' -d '{"subject":"Orders do not sync","body":"Since 9:00 no order arrives","severity":"Critical"}'`,
  );
  console.log(
    `    swaks --server ${config.host}:${config.smtpPort} --from ${contact} --to ${config.supportAddress} --header 'Subject: Orders stuck' --body 'Nothing syncs since 9:00'`,
  );
  console.log(`    curl -s ${base}/v1/queue -H 'authorization: Bearer ${demo.keys.agent}'`);
  console.log('  Stop with Ctrl-C; data survives a restart.');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    for (const stopService of stoppers.reverse()) await stopService().catch(() => undefined);
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
