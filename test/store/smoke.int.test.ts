import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { expect, inject, test } from 'vitest';
import { localClient } from '../../local/dynamodb-local.ts';

test('the test table exists on DynamoDB Local with its stream', async () => {
  const client = localClient(inject('dynamoEndpoint'));
  const table = await client.send(new DescribeTableCommand({ TableName: inject('tableName') }));
  expect(table.Table?.StreamSpecification?.StreamViewType).toBe('NEW_AND_OLD_IMAGES');
  expect(table.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual([
    'GSI1',
    'GSI2',
    'GSI3',
    'GSI4',
    'GSI5',
  ]);
  client.destroy();
});
