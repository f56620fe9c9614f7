// How store functions reach the table: one DocumentClient per container (created once, reused
// across invocations) and the table name. Local runs and tests point the client at DynamoDB Local.
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface StoreContext {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Per-account chain of ticket creations in flight from this process. */
  creationQueues: Map<string, Promise<void>>;
}

export function createStoreContext(tableName: string, config: DynamoDBClientConfig = {}): StoreContext {
  const client = new DynamoDBClient(config);
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { doc, tableName, creationQueues: new Map() };
}
