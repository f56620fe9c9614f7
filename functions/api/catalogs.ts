// Catalog routes (one Lambda function): catalogs, calendars and plans, read by staff and written by
// admins. The only function that loads the holiday rules (`#holidays`, on the first save).
//
// A save validates the whole catalog and expands every calendar's holiday regions, some
// milliseconds per region: sizes and region counts are checked on the body first, so what a
// request can cost is bounded before the expensive work starts.
import {
  MAX_CATALOG_BYTES,
  readCalendar,
  readCatalog,
  readPlan,
  saveCalendar,
  saveCatalog,
  savePlan,
  splitCatalogItemId,
} from '../app/catalogs.ts';
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import type { StoredCatalog } from '../store/catalogs.ts';
import type { HttpResult } from './http.ts';
import { catalogRoutes as routes } from './routes.ts';
import { routeGroup } from './routing.ts';

/** Holiday regions a catalog may name across its calendars: each is expanded on every save. */
export const MAX_HOLIDAY_REGIONS = 50;

function withVersion(status: number, version: number, body: unknown): HttpResult {
  return { status, body, headers: { etag: `"${version}"` } };
}

function catalogResult(status: number, stored: StoredCatalog): HttpResult {
  return withVersion(status, stored.version, stored);
}

/** A body that cannot fit in a stored catalog is refused before it is validated. */
function checkSize(body: unknown, what: string, field: string): void {
  const bytes = Buffer.byteLength(JSON.stringify(body));
  if (bytes > MAX_CATALOG_BYTES) {
    throw ValidationError.field(
      field,
      `${what} is ${bytes} bytes of JSON; a catalog holds at most ${MAX_CATALOG_BYTES}`,
    );
  }
}

/** How many holiday regions a (not yet validated) calendar names. */
function regionsOf(calendar: unknown): number {
  const regions = (calendar as { holidayRegions?: unknown } | null)?.holidayRegions;
  return Array.isArray(regions) ? regions.length : 0;
}

function calendarsOf(catalog: unknown): Record<string, unknown> {
  const calendars = (catalog as { calendars?: unknown } | null)?.calendars;
  return calendars && typeof calendars === 'object' ? (calendars as Record<string, unknown>) : {};
}

function checkRegions(count: number, field: string): void {
  if (count > MAX_HOLIDAY_REGIONS) {
    throw ValidationError.field(
      field,
      `the catalog's calendars would name ${count} holiday regions; at most ${MAX_HOLIDAY_REGIONS}`,
    );
  }
}

export const group = routeGroup('catalogs', routes, {
  putCatalog: async ({ path, headers, body, app }) => {
    checkSize(body, 'the catalog', '');
    const regions = Object.values(calendarsOf(body)).reduce<number>((sum, c) => sum + regionsOf(c), 0);
    checkRegions(regions, 'calendars');
    const stored = await saveCatalog(app, path.id, body, headers['if-match']);
    return catalogResult(stored.version === 1 ? 201 : 200, stored);
  },

  getCatalog: async ({ path, app }) => catalogResult(200, await readCatalog(app, path.id)),

  putCalendar: async ({ path, headers, body, app }) => {
    checkSize(body, 'the calendar', 'body');
    const { catalogId, itemId } = splitCatalogItemId(path.id);
    // The whole catalog is expanded again: the regions of its other calendars count too.
    let others = 0;
    try {
      const { catalog } = await readCatalog(app, catalogId);
      for (const [id, calendar] of Object.entries(catalog.calendars))
        if (id !== itemId) others += regionsOf(calendar);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    checkRegions(others + regionsOf(body), 'holidayRegions');
    const stored = await saveCalendar(app, path.id, body, headers['if-match']);
    return withVersion(200, stored.version, {
      catalogId,
      id: itemId,
      catalogVersion: stored.version,
      calendar: stored.catalog.calendars[itemId],
    });
  },

  getCalendar: async ({ path, app }) => {
    const found = await readCalendar(app, path.id);
    return withVersion(200, found.catalogVersion, found);
  },

  putPlan: async ({ path, headers, body, app }) => {
    checkSize(body, 'the plan', 'body');
    const stored = await savePlan(app, path.id, body, headers['if-match']);
    const { catalogId, itemId } = splitCatalogItemId(path.id);
    return withVersion(200, stored.version, {
      catalogId,
      catalogVersion: stored.version,
      plan: stored.catalog.plans.find((p) => p.id === itemId),
    });
  },

  getPlan: async ({ path, app }) => {
    const found = await readPlan(app, path.id);
    return withVersion(200, found.catalogVersion, found);
  },
});

export const { handler } = group;
