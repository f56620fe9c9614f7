// The shapes every route group shares (problem details, ids, list paging, months), apart from the
// resource schemas in schemas.ts: a function that needs only these (mail, exports) does not bundle
// every resource schema, since schema definitions are code esbuild cannot drop.
import * as z from 'zod/mini';
import { withMeta } from '../domain/zod-mini.ts';

export const id = z
  .string()
  .check(z.minLength(1), z.maxLength(200), z.regex(/^[\w.@:+-]+$/, 'letters, digits and . _ @ : + - only'));

export const problemSchema = withMeta(
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.optional(z.string()),
    instance: z.optional(z.string()),
    errors: z.optional(z.array(z.object({ field: z.string(), message: z.string() }))),
  }),
  { id: 'Problem', description: 'RFC 9457 problem details' },
);

export const limit = z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)));

export const listQuerySchema = z.strictObject({
  limit,
  cursor: z.optional(z.string().check(z.maxLength(2000))),
});

export const ticketIdPath = z.object({ id });
export const monthSchema = z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM'));
