// How store functions reach the table: one DocumentClient per container (created once, reused
// across invocations) and the table name. Local runs and tests point the client at DynamoDB Local.
// The client never waits on the table longer than the API can wait for it: connection and request
// timeouts and a bounded number of attempts, so a stalled or vanished table ends a request with a
// TimeoutError or a refused connection (503 with Retry-After, functions/api/problems.ts) well
// inside the functions' 10 s timeout and API Gateway's 30 s. Its calls are traced in Lambda
// (functions/shared/tracing.ts; untraced anywhere else).
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracing } from '#tracing';
import { type CursorSecret, ephemeralCursorSecret } from './cursor.ts';

export interface StoreContext {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Per-account chain of ticket creations in flight from this process. */
  creationQueues: Map<string, Promise<void>>;
  /** The key that seals paging cursors (store/cursor.ts), read on first use. */
  cursorSecret: CursorSecret;
}

/** How long the client waits on the table, per attempt, and how many attempts a call gets. */
export interface StoreTimeouts {
  /** Opening a connection (DynamoDB answers a connect in milliseconds, DynamoDB Local in less). */
  connectionMs: number;
  /** One request from send to the whole response (DynamoDB's p99 is tens of milliseconds). */
  requestMs: number;
  /** Attempts per call, the first included (the SDK's standard strategy and its retry quota). */
  maxAttempts: number;
}

/**
 * Worst case per call: 3 attempts x (1 s + 2 s) plus backoff, about 9.5 s against a table that
 * accepts connections and never answers, under the API functions' 10 s timeout (lib/api.ts);
 * against a refused connection, under a second. docs/operations.md, "When the table is slow or gone".
 */
export const DEFAULT_STORE_TIMEOUTS: StoreTimeouts = {
  connectionMs: 1_000,
  requestMs: 2_000,
  maxAttempts: 3,
};

export interface StoreOptions {
  timeouts?: Partial<StoreTimeouts>;
  /** Default: a key made for this process alone (tools and tests that page within one process). */
  cursorSecret?: CursorSecret;
}

export function createStoreContext(
  tableName: string,
  config: DynamoDBClientConfig = {},
  options: StoreOptions = {},
): StoreContext {
  const timeouts = { ...DEFAULT_STORE_TIMEOUTS, ...options.timeouts };
  const client = tracing.captureClient(
    new DynamoDBClient({
      maxAttempts: timeouts.maxAttempts,
      // The SDK's Node.js handler (@smithy/node-http-handler) built from these options.
      requestHandler: {
        connectionTimeout: timeouts.connectionMs,
        requestTimeout: timeouts.requestMs,
        // Without it a request past `requestTimeout` is only logged and keeps waiting.
        throwOnRequestTimeout: true,
      },
      ...config,
    }),
  );
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return {
    doc,
    tableName,
    creationQueues: new Map(),
    cursorSecret: options.cursorSecret ?? ephemeralCursorSecret(),
  };
}
