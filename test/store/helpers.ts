// Store contexts for integration tests, on the run's DynamoDB Local (see test/setup).
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createStoreContext, type StoreContext } from '../../functions/store/context.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb-local.ts';

export function testStore(): StoreContext {
  return createStoreContext(inject('tableName'), {
    endpoint: inject('dynamoEndpoint'),
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
}

/** A fresh account id, so tests never see each other's data. */
export function newAccountId(): string {
  return `acc-${randomUUID().slice(0, 8)}`;
}
