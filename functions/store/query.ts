// Every Query the store runs goes through here: one partition (built in keys.ts), items decoded by
// the entity's codec. `queryPage` serves the lists the API pages through (a limit, a sealed cursor,
// `nextCursor`: store/cursor.ts); `queryPages` and `queryAll` walk a whole partition for the reads
// that need all of it. An index that does not hold what a read needs (table-definition.ts,
// projections) answers with keys, and the items are then fetched by table key, so no caller depends
// on what an index copies.
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../domain/errors.ts';
import type { Item } from './codec.ts';
import type { StoreContext } from './context.ts';
import { cursorBinding, decodeCursor, encodeCursor, keyOfItem } from './cursor.ts';
import type { QueryPartition } from './keys.ts';
import { PARTITION_KEY, projectedAttributes, SORT_KEY } from './table-definition.ts';

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface PageRequest {
  limit?: number;
  cursor?: string;
  /**
   * Who asks for what (the API key, route and filters: functions/api/paging.ts). A cursor opens only
   * for the scope it was issued to; the store adds the partition and filter it queried.
   */
  scope?: string;
}

export interface QueryOptions {
  /** Highest sort key first (newest first for the time-ordered partitions). */
  descending?: boolean;
  consistent?: boolean;
  /** Only sort keys up to and including this one. */
  sortKeyAtMost?: string;
  /** Only sort keys from this one on (with `sortKeyAtMost`: both bounds, inclusive). */
  sortKeyAtLeast?: string;
  /** A filter on attributes the key does not hold; values are named `:f...`. */
  filter?: { expression: string; values: Record<string, unknown> };
  /** Read only these attributes. */
  attributes?: readonly string[];
}

const MAX_PAGE = 100;

function pageLimit(limit: number | undefined, defaultLimit: number): number {
  if (limit === undefined) return defaultLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw ValidationError.field('limit', `must be an integer from 1 to ${MAX_PAGE}`);
  }
  return limit;
}

function queryInput(ctx: StoreContext, query: QueryPartition, options: QueryOptions): QueryCommandInput {
  const names: Record<string, string> = { '#pk': query.partitionKey };
  const values: Record<string, unknown> = { ':pk': query.partition, ...options.filter?.values };
  let condition = '#pk = :pk';
  const { sortKeyAtMost: upper, sortKeyAtLeast: lower } = options;
  if (query.sortKeyPrefix !== undefined || upper !== undefined || lower !== undefined) {
    names['#sk'] = query.sortKey;
    if (query.sortKeyPrefix !== undefined) {
      condition += ' AND begins_with(#sk, :prefix)';
      values[':prefix'] = query.sortKeyPrefix;
    } else if (upper !== undefined && lower !== undefined) {
      condition += ' AND #sk BETWEEN :lower AND :upper';
      Object.assign(values, { ':lower': lower, ':upper': upper });
    } else if (upper !== undefined) {
      condition += ' AND #sk <= :upper';
      values[':upper'] = upper;
    } else {
      condition += ' AND #sk >= :lower';
      values[':lower'] = lower;
    }
  }
  const projected = options.attributes?.map((name, i) => {
    names[`#a${i}`] = name;
    return `#a${i}`;
  });
  return {
    TableName: ctx.tableName,
    ...(query.index ? { IndexName: query.index } : {}),
    KeyConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ...(options.filter ? { FilterExpression: options.filter.expression } : {}),
    ...(projected ? { ProjectionExpression: projected.join(', ') } : {}),
    ...(options.descending ? { ScanIndexForward: false } : {}),
    ...(options.consistent ? { ConsistentRead: true } : {}),
  };
}

/** True when `query` reads an index that holds every attribute asked for (`undefined`: the whole item). */
function indexHolds(query: QueryPartition, attributes: readonly string[] | undefined): boolean {
  if (!query.index) return true;
  const held = projectedAttributes(query.index);
  if (!held) return true;
  if (!attributes) return false;
  return attributes.every((name) => held.has(name));
}

/** BatchGetItem's limit of keys per request. */
const MAX_BATCH_KEYS = 100;

/**
 * The items an index query found, read from the table by key, in the index's order. An item gone
 * or moved out of the partition since the index saw it (indexes lag the table) is left out.
 */
async function fetchFound(
  ctx: StoreContext,
  query: QueryPartition,
  found: Item[],
  attributes: readonly string[] | undefined,
): Promise<Item[]> {
  const id = (item: Item) => `${String(item[PARTITION_KEY])}\u0000${String(item[SORT_KEY])}`;
  const fetched = new Map<string, Item>();
  // The index's partition key is read too: it tells whether the item is still in the partition.
  const names = attributes
    ? [...new Set([...attributes, PARTITION_KEY, SORT_KEY, query.partitionKey])]
    : undefined;
  for (let i = 0; i < found.length; i += MAX_BATCH_KEYS) {
    let request: Record<string, unknown>[] | undefined = found
      .slice(i, i + MAX_BATCH_KEYS)
      .map((item) => ({ [PARTITION_KEY]: item[PARTITION_KEY], [SORT_KEY]: item[SORT_KEY] }));
    for (let attempt = 0; request && request.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
      const result: BatchGetCommandOutput = await ctx.doc.send(
        new BatchGetCommand({
          RequestItems: {
            [ctx.tableName]: {
              Keys: request,
              ...(names
                ? {
                    ProjectionExpression: names.map((_, n) => `#a${n}`).join(', '),
                    ExpressionAttributeNames: Object.fromEntries(names.map((name, n) => [`#a${n}`, name])),
                  }
                : {}),
            },
          },
        }),
      );
      for (const item of result.Responses?.[ctx.tableName] ?? []) fetched.set(id(item), item);
      // Throttled or too large: DynamoDB hands back what it did not read; ask again with backoff.
      request = result.UnprocessedKeys?.[ctx.tableName]?.Keys;
    }
  }
  return found
    .map((item) => fetched.get(id(item)))
    .filter((item): item is Item => item !== undefined && item[query.partitionKey] === query.partition);
}

/** One Query: up to `limit` items (DynamoDB's 1 MB otherwise) from `startKey`, as stored. */
export async function queryItems(
  ctx: StoreContext,
  query: QueryPartition,
  options: QueryOptions & { limit?: number; startKey?: Record<string, unknown> } = {},
): Promise<{ items: Item[]; lastKey?: Record<string, unknown> }> {
  const holds = indexHolds(query, options.attributes);
  const { attributes, ...rest } = options;
  const result = await ctx.doc.send(
    new QueryCommand({
      ...queryInput(ctx, query, holds ? options : rest),
      ...(options.limit === undefined ? {} : { Limit: options.limit }),
      ...(options.startKey ? { ExclusiveStartKey: options.startKey } : {}),
    }),
  );
  const found = result.Items ?? [];
  return {
    items: holds ? found : await fetchFound(ctx, query, found, attributes),
    ...(result.LastEvaluatedKey ? { lastKey: result.LastEvaluatedKey } : {}),
  };
}

/** What a page's cursor is sealed to: the caller's scope, the partition and the query's shape. */
export function pageBinding(scope: string | undefined, query: QueryPartition, options: QueryOptions): string {
  return cursorBinding(scope ?? '', query, [
    options.filter ?? null,
    options.descending ?? false,
    options.sortKeyAtMost ?? null,
  ]);
}

/** Items a filtered page reads per Query: a filter drops items after `Limit` counted them. */
const FILTERED_READ = MAX_PAGE;

/**
 * One page of a list: `limit` (1-100, default `defaultLimit`) items after `cursor`, decoded. Only
 * items the filter keeps count and only they end a page: with a filter, Queries go on until `limit`
 * items passed it or the partition ends, and `nextCursor` is the last returned item's key, so a
 * cursor never stands for an item the caller may not see.
 */
export async function queryPage<T>(
  ctx: StoreContext,
  query: QueryPartition,
  decode: (item: Item) => T,
  request: PageRequest & { defaultLimit?: number },
  options: QueryOptions = {},
): Promise<Page<T>> {
  const limit = pageLimit(request.limit, request.defaultLimit ?? 25);
  const binding = pageBinding(request.scope, query, options);
  let startKey: Record<string, unknown> | undefined = await decodeCursor(
    ctx.cursorSecret,
    request.cursor,
    binding,
    query,
  );
  const kept: Item[] = [];
  let more = true;
  while (kept.length < limit && more) {
    const { items, lastKey } = await queryItems(ctx, query, {
      ...options,
      limit: options.filter ? FILTERED_READ : limit - kept.length,
      ...(startKey ? { startKey } : {}),
    });
    kept.push(...items);
    more = lastKey !== undefined;
    startKey = lastKey;
  }
  // A filtered read may overshoot: the rest comes again on the next page, after the last one kept.
  const items = kept.slice(0, limit);
  more ||= kept.length > limit;
  const page: Page<T> = { items: items.map(decode) };
  if (more && items.length > 0) {
    const nextCursor = await encodeCursor(ctx.cursorSecret, keyOfItem(items.at(-1)!, query), binding);
    if (nextCursor) page.nextCursor = nextCursor;
  }
  return page;
}

/** The whole partition, page by page as DynamoDB returns them (`pageSize` caps a page: tests). */
export async function* queryPages<T>(
  ctx: StoreContext,
  query: QueryPartition,
  decode: (item: Item) => T,
  options: QueryOptions & { pageSize?: number } = {},
): AsyncGenerator<T[]> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await queryItems(ctx, query, {
      ...options,
      ...(options.pageSize ? { limit: options.pageSize } : {}),
      ...(startKey ? { startKey } : {}),
    });
    if (page.items.length > 0) yield page.items.map(decode);
    startKey = page.lastKey;
  } while (startKey);
}

/** The whole partition in one array: for partitions known to stay small (an account's, a month's of one account). */
export async function queryAll<T>(
  ctx: StoreContext,
  query: QueryPartition,
  decode: (item: Item) => T,
  options: QueryOptions = {},
): Promise<T[]> {
  const all: T[] = [];
  for await (const page of queryPages(ctx, query, decode, options)) all.push(...page);
  return all;
}
