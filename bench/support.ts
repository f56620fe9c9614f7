// Shared by the benchmarks: catalogs that never run out, an HTTP client with a key, and small
// statistics helpers.
import { readFileSync } from 'node:fs';
import { type Catalog, parseCatalog } from '../functions/domain/catalog.ts';

/**
 * B2Bee's catalog under another id, with request pools too large to run out and no daily cap:
 * every create consumes a credit (a pool counter write in the create transaction), none is
 * deferred or billed, so a benchmark measures the same work on every request.
 */
export function unlimitedB2Bee(id: string): Catalog {
  const parsed = parseCatalog(
    JSON.parse(readFileSync(new URL('../examples/b2bee.catalog.json', import.meta.url), 'utf8')),
  );
  const copy = structuredClone(parsed) as Catalog & { id: string };
  copy.id = id;
  for (const plan of copy.plans) {
    for (const pool of plan.pools) {
      if (pool.unit === 'request') {
        pool.allowance = 1_000_000;
        delete (pool as { dailyCap?: number }).dailyCap;
      }
    }
  }
  return parseCatalog(copy);
}

/** The value at fraction `p` (0..1) of `values` (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

export const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/** An answer of the API as the benchmarks read it. */
export interface BenchResponse {
  status: number;
  etag: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: benchmark responses are read field by field
  body: any;
}

/** Calls the API at `baseUrl` with `key`: JSON in, JSON out (an empty answer reads as undefined). */
export function clientFor(baseUrl: string, key: string) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<BenchResponse> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      etag: response.headers.get('etag'),
      body: text ? JSON.parse(text) : undefined,
    };
  };
}

export type BenchClient = ReturnType<typeof clientFor>;
