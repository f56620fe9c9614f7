// Vitest global setup of the integration project: one DynamoDB Local (in memory, free port) for the
// whole run, with the product's table created from the same definition the CDK construct uses.
// Stopped at the end; an interrupted run takes it down as it exits (see local/dynamodb-local.ts).
import type { TestProject } from 'vitest/node';
import {
  type DynamoDbLocal,
  ensureTable,
  localClient,
  startDynamoDbLocal,
} from '../../local/dynamodb-local.ts';

export const TEST_TABLE = 'support-desk-test';

let db: DynamoDbLocal | undefined;

export async function setup(project: TestProject): Promise<void> {
  db = await startDynamoDbLocal();
  const client = localClient(db.endpoint);
  await ensureTable(client, TEST_TABLE);
  client.destroy();
  project.provide('dynamoEndpoint', db.endpoint);
  project.provide('tableName', TEST_TABLE);
  if (process.env.DESK_TEST_VERBOSE) console.log(`DynamoDB Local ready in ${Math.round(db.startupMs)} ms`);
}

export async function teardown(): Promise<void> {
  await db?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    tableName: string;
  }
}
