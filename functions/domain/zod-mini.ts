// Function code validates with zod/mini (`import * as z from 'zod/mini'`): the same zod 4 schemas as
// classic zod, built with functions instead of methods, at 40% of classic zod's size in a bundle
// (docs/operations.md, Cold start). Two things classic zod does by itself are done here:
// - English messages. zod/mini loads no locale, so every issue would read "Invalid input"; classic zod
//   sets English when its first schema is made, and the API, the CLI and the tests name problems in
//   it ("Invalid input: expected string, received number"). Every module that defines schemas, and
//   validation.ts, import this one, so the messages are set before anything is parsed. `en` comes
//   from 'zod/locales' by name: `z.locales.en()` would bundle every locale (260 kB).
// - `withMeta`, classic zod's `.meta()`: the JSON Schema and OpenAPI documents read it.
import { en } from 'zod/locales';
import * as z from 'zod/mini';

// As classic zod: a locale set explicitly before stays.
if (!z.config().localeError) z.config(en());

/**
 * A copy of `schema` carrying `meta` (description, id, example ...) in zod's global registry, as
 * classic zod's `schema.meta(meta)`: the copy, not `schema`, so a schema shared by several fields
 * keeps its own description. The copy inherits the metadata of `schema`, except its id.
 */
export function withMeta<S extends z.ZodMiniType>(schema: S, meta: z.core.GlobalMeta): S {
  const copy = schema.clone();
  z.globalRegistry.add(copy as z.ZodMiniType, meta);
  return copy;
}
