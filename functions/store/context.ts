// How store functions reach the table: one DocumentClient per container (created once, reused
// across invocations) and the table name. Local runs and tests point the client at DynamoDB Local.
// The client's calls are traced in Lambda (functions/shared/tracing.ts; untraced anywhere else).
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracing } from '#tracing';

export interface StoreContext {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Per-account chain of ticket creations in flight from this process. */
  creationQueues: Map<string, Promise<void>>;
}

export function createStoreContext(tableName: string, config: DynamoDBClientConfig = {}): StoreContext {
  const client = tracing.captureClient(new DynamoDBClient(config));
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { doc, tableName, creationQueues: new Map() };
}
