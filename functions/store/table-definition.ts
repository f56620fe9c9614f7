// The single table's shape, in one place: the CDK construct and the local/test setup both build
// the table from this, so what runs on DynamoDB Local is what deploys.
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const PARTITION_KEY = 'PK';
export const SORT_KEY = 'SK';
/** Items with this attribute (epoch seconds) are deleted by DynamoDB TTL (idempotency records, rate limits). */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * What an index copies of each item. An index is written whenever an item in it changes an
 * attribute it holds, so an index that holds the whole item is rewritten by every ticket write:
 * that was most of a ticket's write cost (bench/cost.ts). `KEYS_ONLY` indexes are written only when
 * their keys change; their reads fetch the items by table key (query.ts).
 */
export type IndexProjection =
  | { type: 'KEYS_ONLY' }
  | { type: 'INCLUDE'; attributes: readonly string[] }
  /** Whole items (the queue index; and while migrating a stage one index at a time, docs/operations.md). */
  | { type: 'ALL' };

/**
 * What a ledger entry in the month index holds: all of it, so the month close reads a month with one
 * Query per page and no second read. Tickets in that index (an account's tickets) share only
 * `id`, `accountId`, `kind` and `severity` with it, which a ticket rarely changes.
 */
export const LEDGER_INDEX_ATTRIBUTES = [
  'id',
  'accountId',
  'month',
  'at',
  'ticketId',
  'poolId',
  'periodStart',
  'kind',
  'quantity',
  'unit',
  'unitPrice',
  'hourlyRate',
  'amount',
  'currency',
  'reason',
  'reverses',
  'severity',
  'adjustsMonth',
] as const;

/** DynamoDB's limit of included attributes per index. @internal the definition's test checks it */
export const MAX_INCLUDED_ATTRIBUTES = 20;

const KEYS_ONLY: IndexProjection = { type: 'KEYS_ONLY' };

/** Overloaded global secondary indexes; docs/data-model.md lists what each one serves. */
export const GLOBAL_INDEXES = [
  { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK', projection: KEYS_ONLY },
  { indexName: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK', projection: KEYS_ONLY },
  {
    indexName: 'GSI3',
    partitionKey: 'GSI3PK',
    sortKey: 'GSI3SK',
    projection: { type: 'INCLUDE', attributes: LEDGER_INDEX_ATTRIBUTES } as IndexProjection,
  },
  { indexName: 'GSI4', partitionKey: 'GSI4PK', sortKey: 'GSI4SK', projection: KEYS_ONLY },
  {
    indexName: 'GSI5',
    partitionKey: 'GSI5PK',
    sortKey: 'GSI5SK',
    // Whole items: a queue page decodes whole ticket records (more than the 20 attributes an INCLUDE
    // may name), and the outbox sweep whole mail items; measured 128 against 113 write units per
    // ticket lifecycle with the queue's 20 fields (bench/cost.ts).
    projection: { type: 'ALL' } as IndexProjection,
  },
] as const;

export type IndexName = (typeof GLOBAL_INDEXES)[number]['indexName'];

/**
 * The attributes a Query on `index` returns: the table's and the index's keys, and what it includes;
 * undefined when it returns whole items.
 */
export function projectedAttributes(index: IndexName): Set<string> | undefined {
  const definition = GLOBAL_INDEXES.find((candidate) => candidate.indexName === index)!;
  if (definition.projection.type === 'ALL') return undefined;
  return new Set([
    PARTITION_KEY,
    SORT_KEY,
    definition.partitionKey,
    definition.sortKey,
    ...(definition.projection.type === 'INCLUDE' ? definition.projection.attributes : []),
  ]);
}

/** CreateTable input for DynamoDB Local (tests and `npm start`). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const attributes = new Set<string>([PARTITION_KEY, SORT_KEY]);
  for (const index of GLOBAL_INDEXES) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
      { AttributeName: SORT_KEY, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: GLOBAL_INDEXES.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection:
        index.projection.type === 'INCLUDE'
          ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection.attributes] }
          : { ProjectionType: index.projection.type },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  };
}
