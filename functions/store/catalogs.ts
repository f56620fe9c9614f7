// Catalogs (calendars and plans of one vendor) stored whole, because a catalog is the unit that is
// validated (plans name calendars, pay-per-use names a plan). Reads are cached per container for a
// short time: plans change rarely and every ticket command needs one.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { Catalog } from '../domain/catalog.ts';
import { NotFoundError, VersionConflictError } from '../domain/errors.ts';
import { codec, validated } from './codec.ts';
import { isConditionalCheckFailed } from './conditions.ts';
import type { StoreContext } from './context.ts';
import { keys } from './keys.ts';

export interface StoredCatalog {
  catalog: Catalog;
  version: number;
  updatedAt: string;
}

// The catalog was validated whole (parseCatalog) when it was saved; reads check the envelope.
const catalogCodec = codec<StoredCatalog>({
  type: 'catalog',
  schema: z.looseObject({ catalog: validated<Catalog>(), version: z.int(), updatedAt: z.string() }),
  key: (stored) => keys.catalog(stored.catalog.id),
});

/** How long a container trusts its cached copy of a catalog. */
const CATALOG_CACHE_MS = 60_000;

const cache = new WeakMap<StoreContext, Map<string, { value: StoredCatalog; at: number }>>();

function cacheOf(ctx: StoreContext) {
  let entries = cache.get(ctx);
  if (!entries) {
    entries = new Map();
    cache.set(ctx, entries);
  }
  return entries;
}

/**
 * Stores a catalog over the version the caller read (`expectedVersion`; 0: must not exist yet), or
 * over whatever is stored now when it is omitted. A lost race is a VersionConflictError.
 */
export async function putCatalog(
  ctx: StoreContext,
  catalog: Catalog,
  now: Date,
  expectedVersion?: number,
): Promise<StoredCatalog> {
  const current = expectedVersion ?? (await getCatalogFresh(ctx, catalog.id))?.version ?? 0;
  const stored: StoredCatalog = { catalog, version: current + 1, updatedAt: now.toISOString() };
  try {
    await ctx.doc.send(
      new PutCommand({
        TableName: ctx.tableName,
        Item: catalogCodec.toItem(stored),
        // Last writer wins only over the version it replaced: two admins saving at once do not interleave.
        ConditionExpression: current ? '#version = :expected' : 'attribute_not_exists(PK)',
        ...(current
          ? {
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': current },
            }
          : {}),
      }),
    );
  } catch (error) {
    if (isConditionalCheckFailed(error)) throw new VersionConflictError(`catalog ${catalog.id}`);
    throw error;
  }
  cacheOf(ctx).set(catalog.id, { value: stored, at: Date.now() });
  return stored;
}

/** The stored catalog, read now (consistent): for read-modify-write, never from the cache. */
export async function getCatalogFresh(
  ctx: StoreContext,
  catalogId: string,
): Promise<StoredCatalog | undefined> {
  const result = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: keys.catalog(catalogId), ConsistentRead: true }),
  );
  if (!result.Item) return undefined;
  const { catalog, version, updatedAt } = catalogCodec.fromItem(result.Item);
  return { catalog, version, updatedAt };
}

/** The catalog, from this container's cache when it is recent enough. */
export async function getCatalog(ctx: StoreContext, catalogId: string): Promise<StoredCatalog | undefined> {
  const cached = cacheOf(ctx).get(catalogId);
  if (cached && Date.now() - cached.at < CATALOG_CACHE_MS) return cached.value;
  const fresh = await getCatalogFresh(ctx, catalogId);
  if (fresh) cacheOf(ctx).set(catalogId, { value: fresh, at: Date.now() });
  return fresh;
}

export async function requireCatalog(ctx: StoreContext, catalogId: string): Promise<StoredCatalog> {
  const stored = await getCatalog(ctx, catalogId);
  if (!stored) throw new NotFoundError(`catalog ${catalogId}`);
  return stored;
}
