// What a list route hands the store to page: `limit`, `cursor`, and the scope a cursor is sealed to
// (store/cursor.ts): the caller's API key, the route, its path and every query parameter but
// `limit` and `cursor`. A cursor therefore resumes only the list it came from, for the key it was
// issued to: another key, route, ticket, account or status filter gets 400 naming `cursor`.
import type { Principal } from '../app/context.ts';
import type { PageRequest } from '../store/query.ts';

interface ListRequest {
  routeKey: string;
  principal?: Principal | undefined;
  path?: unknown;
  query: { limit?: number | undefined; cursor?: string | undefined } & Record<string, unknown>;
}

export function pageRequest({ routeKey, principal, path, query }: ListRequest): PageRequest {
  const { limit, cursor, ...filters } = query;
  const sorted = Object.fromEntries(
    Object.entries(filters)
      .filter(([, value]) => value !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return {
    ...(limit ? { limit } : {}),
    ...(cursor ? { cursor } : {}),
    scope: JSON.stringify([principal?.keyId ?? null, routeKey, path ?? null, sorted]),
  };
}
