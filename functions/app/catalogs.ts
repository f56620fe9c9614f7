// Catalog administration: save a whole catalog, or replace one calendar or plan inside it. Every
// save validates the whole catalog (plans name calendars, pay-per-use names a plan), expands public
// holiday regions into dates (so Lambdas never carry holiday rules) and stores it over the version
// read. Nothing is stored when any field is wrong.

import { expandHolidayRegions } from '../catalog/holidays.ts';
import type { Calendar } from '../domain/calendar.ts';
import { type Catalog, parseCatalog } from '../domain/catalog.ts';
import { type FieldIssue, NotFoundError, ValidationError, VersionConflictError } from '../domain/errors.ts';
import { localDateOf } from '../domain/period.ts';
import type { Plan } from '../domain/plan.ts';
import { getCatalogFresh, putCatalog, type StoredCatalog } from '../store/catalogs.ts';
import type { AppContext } from './context.ts';

/** A catalog item stays well below DynamoDB's 400 KB item limit with this much JSON. */
export const MAX_CATALOG_BYTES = 350_000;

/** Holidays are expanded from last year to this many years ahead of the clock. */
export const HOLIDAY_YEARS_AHEAD = 3;

/** Unforced saves retry a lost race this many times (two admins saving different plans). */
const SAVE_ATTEMPTS = 5;

/** `b2bee.standard` → catalog `b2bee`, item `standard` (split at the first dot). */
export function splitCatalogItemId(compound: string): { catalogId: string; itemId: string } {
  const dot = compound.indexOf('.');
  if (dot < 1 || dot === compound.length - 1) {
    throw ValidationError.field('id', 'must be <catalogId>.<id>, e.g. "b2bee.standard"');
  }
  return { catalogId: compound.slice(0, dot), itemId: compound.slice(dot + 1) };
}

/** `field` relative to `prefix` (`plans[2].sla` under `plans[2]` is `sla`), or undefined if outside. */
function relativeTo(field: string, prefix: string): string | undefined {
  if (field === prefix) return '';
  if (field.startsWith(`${prefix}.`)) return field.slice(prefix.length + 1);
  if (field.startsWith(`${prefix}[`)) return field.slice(prefix.length);
  return undefined;
}

/** Issues of the edited item become relative to the request body; the rest name the catalog field. */
function relativeIssues(issues: readonly FieldIssue[], itemField: string): FieldIssue[] {
  return issues.map((issue) => {
    const rest = relativeTo(issue.field, itemField);
    return { ...issue, field: rest ?? `catalog.${issue.field}` };
  });
}

type ExpandHolidayRegions = typeof expandHolidayRegions;

function withHolidays(catalog: Catalog, now: Date, expandHolidayRegions: ExpandHolidayRegions): Catalog {
  const year = Number(localDateOf(now, catalog.billingTimeZone).slice(0, 4));
  const range = { fromYear: year - 1, toYear: year + HOLIDAY_YEARS_AHEAD };
  const calendars: Record<string, Calendar> = {};
  for (const [id, calendar] of Object.entries(catalog.calendars)) {
    try {
      calendars[id] = expandHolidayRegions(calendar, range);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw new ValidationError(error.issues.map((i) => ({ ...i, field: `calendars.${id}.${i.field}` })));
    }
  }
  return { ...catalog, calendars };
}

/** Validates, expands and size-checks a candidate catalog; issues are named as in the catalog. */
function prepared(candidate: unknown, now: Date, expand: ExpandHolidayRegions): Catalog {
  const catalog = parseCatalog(withHolidays(parseCatalog(candidate), now, expand));
  const bytes = Buffer.byteLength(JSON.stringify(catalog));
  if (bytes > MAX_CATALOG_BYTES) {
    throw ValidationError.field(
      '',
      `the catalog is ${bytes} bytes of JSON; at most ${MAX_CATALOG_BYTES} fit`,
    );
  }
  return catalog;
}

/**
 * Read, edit, validate, store over the version read. With `ifMatch` a stale version is a 412;
 * without it a lost race re-reads and applies the edit again.
 */
async function editCatalog(
  ctx: AppContext,
  catalogId: string,
  edit: (current: StoredCatalog | undefined) => unknown,
  options: { ifMatch?: number | undefined; renameIssues?: (issues: FieldIssue[]) => FieldIssue[] },
): Promise<StoredCatalog> {
  const expand = expandHolidayRegions;
  for (let attempt = 1; ; attempt++) {
    const current = await getCatalogFresh(ctx.store, catalogId);
    const version = current?.version ?? 0;
    if (options.ifMatch !== undefined && options.ifMatch !== version) {
      throw new VersionConflictError(`catalog ${catalogId}`, version);
    }
    const now = ctx.clock.now();
    let catalog: Catalog;
    try {
      catalog = prepared(edit(current), now, expand);
    } catch (error) {
      if (error instanceof ValidationError && options.renameIssues) {
        throw new ValidationError(options.renameIssues(error.issues));
      }
      throw error;
    }
    try {
      return await putCatalog(ctx.store, catalog, now, version);
    } catch (error) {
      if (
        !(error instanceof VersionConflictError) ||
        options.ifMatch !== undefined ||
        attempt >= SAVE_ATTEMPTS
      )
        throw error;
    }
  }
}

/** PUT /v1/catalogs/{id}: the whole catalog, whose `id` must be the path's. */
export function saveCatalog(
  ctx: AppContext,
  catalogId: string,
  input: unknown,
  ifMatch?: number,
): Promise<StoredCatalog> {
  const bodyId = (input as { id?: unknown } | null)?.id;
  if (bodyId !== undefined && bodyId !== catalogId) {
    throw ValidationError.field('id', `is "${String(bodyId)}" but the path names catalog "${catalogId}"`);
  }
  return editCatalog(ctx, catalogId, () => input, { ifMatch });
}

export async function readCatalog(ctx: AppContext, catalogId: string): Promise<StoredCatalog> {
  const stored = await getCatalogFresh(ctx.store, catalogId);
  if (!stored) throw new NotFoundError(`catalog ${catalogId}`);
  return stored;
}

function existing(current: StoredCatalog | undefined, catalogId: string): Catalog {
  if (!current) throw new NotFoundError(`catalog ${catalogId}`);
  return current.catalog;
}

/** PUT /v1/plans/{catalogId.planId}: replaces (or adds) one plan and re-validates its catalog. */
export function savePlan(
  ctx: AppContext,
  compoundId: string,
  input: unknown,
  ifMatch?: number,
): Promise<StoredCatalog> {
  const { catalogId, itemId } = splitCatalogItemId(compoundId);
  const plan = withId(input, itemId);
  let index = -1;
  return editCatalog(
    ctx,
    catalogId,
    (current) => {
      const catalog = existing(current, catalogId);
      index = catalog.plans.findIndex((p) => p.id === itemId);
      if (index < 0) index = catalog.plans.length;
      const plans: unknown[] = [...catalog.plans];
      plans[index] = plan;
      return { ...catalog, plans };
    },
    { ifMatch, renameIssues: (issues) => relativeIssues(issues, `plans[${index}]`) },
  );
}

/** PUT /v1/calendars/{catalogId.calendarId}: replaces (or adds) one calendar and re-validates. */
export function saveCalendar(
  ctx: AppContext,
  compoundId: string,
  input: unknown,
  ifMatch?: number,
): Promise<StoredCatalog> {
  const { catalogId, itemId } = splitCatalogItemId(compoundId);
  return editCatalog(
    ctx,
    catalogId,
    (current) => {
      const catalog = existing(current, catalogId);
      return { ...catalog, calendars: { ...catalog.calendars, [itemId]: input } };
    },
    { ifMatch, renameIssues: (issues) => relativeIssues(issues, `calendars.${itemId}`) },
  );
}

/** The plan's body may omit its id (the path gives it) but may not name another. */
function withId(input: unknown, planId: string): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  const id = (input as { id?: unknown }).id;
  if (id !== undefined && id !== planId) {
    throw ValidationError.field('id', `is "${String(id)}" but the path names plan "${planId}"`);
  }
  return { ...input, id: planId };
}

export async function readPlan(
  ctx: AppContext,
  compoundId: string,
): Promise<{ catalogId: string; catalogVersion: number; plan: Plan }> {
  const { catalogId, itemId } = splitCatalogItemId(compoundId);
  const stored = await readCatalog(ctx, catalogId);
  const plan = stored.catalog.plans.find((p) => p.id === itemId);
  if (!plan) throw new NotFoundError(`plan ${compoundId}`);
  return { catalogId, catalogVersion: stored.version, plan };
}

export async function readCalendar(
  ctx: AppContext,
  compoundId: string,
): Promise<{ catalogId: string; id: string; catalogVersion: number; calendar: Calendar }> {
  const { catalogId, itemId } = splitCatalogItemId(compoundId);
  const stored = await readCatalog(ctx, catalogId);
  const calendar = Object.hasOwn(stored.catalog.calendars, itemId)
    ? stored.catalog.calendars[itemId]
    : undefined;
  if (!calendar) throw new NotFoundError(`calendar ${compoundId}`);
  return { catalogId, id: itemId, catalogVersion: stored.version, calendar };
}
