// The published JSON Schema of support-policy catalogs, generated from the zod schema so the two
// never disagree. Editors use it through a catalog's "$schema"; zod still runs the cross-field
// rules (unknown severities, calendars, currencies) that JSON Schema cannot express.
import * as z from 'zod/mini';
import { catalogSchema } from '../domain/catalog.ts';

export const CATALOG_SCHEMA_PATH = 'schemas/catalog.schema.json';

export function catalogJsonSchema(): Record<string, unknown> {
  // `input`: the schema describes what authors write, where defaulted fields are optional.
  return z.toJSONSchema(catalogSchema, { io: 'input', target: 'draft-2020-12' });
}

/** The file's exact text: stable key order and a trailing newline, so regeneration is byte-equal. */
export function catalogJsonSchemaText(): string {
  return `${JSON.stringify(catalogJsonSchema(), null, 2)}\n`;
}
