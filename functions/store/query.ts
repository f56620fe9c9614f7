// Every Query the store runs goes through here: one partition (built in keys.ts), items decoded by
// the entity's codec. `queryPage` serves the lists the API pages through (a limit, a sealed cursor,
// `nextCursor`: store/cursor.ts); `queryPages` and `queryAll` walk a whole partition for the reads
// that need all of it.
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../domain/errors.ts';
import type { Item } from './codec.ts';
import type { StoreContext } from './context.ts';
import { cursorBinding, decodeCursor, encodeCursor, keyOfItem } from './cursor.ts';
import type { QueryPartition } from './keys.ts';

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
  if (query.sortKeyPrefix !== undefined || options.sortKeyAtMost !== undefined) {
    names['#sk'] = query.sortKey;
    if (query.sortKeyPrefix !== undefined) {
      condition += ' AND begins_with(#sk, :prefix)';
      values[':prefix'] = query.sortKeyPrefix;
    } else {
      condition += ' AND #sk <= :upper';
      values[':upper'] = options.sortKeyAtMost;
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

/** One Query: up to `limit` items (DynamoDB's 1 MB otherwise) from `startKey`, as stored. */
export async function queryItems(
  ctx: StoreContext,
  query: QueryPartition,
  options: QueryOptions & { limit?: number; startKey?: Record<string, unknown> } = {},
): Promise<{ items: Item[]; lastKey?: Record<string, unknown> }> {
  const result = await ctx.doc.send(
    new QueryCommand({
      ...queryInput(ctx, query, options),
      ...(options.limit === undefined ? {} : { Limit: options.limit }),
      ...(options.startKey ? { ExclusiveStartKey: options.startKey } : {}),
    }),
  );
  return {
    items: result.Items ?? [],
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
