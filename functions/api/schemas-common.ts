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

/**
 * A page size as the query string gives it: decimal digits only, 1 to 100. `Number()` would also
 * read `0x10`, `1e1` or ` 5`; those are refused, so a size means one thing wherever it is read.
 */
export const limit = withMeta(
  z.optional(
    z.pipe(
      z.string().check(z.regex(/^(100|[1-9][0-9]?)$/, 'must be a whole number from 1 to 100')),
      z.transform(Number),
    ),
  ),
  {
    // Documented as the integer it is; the digits-only pattern is how the query string is read.
    override: ({ jsonSchema }) => {
      delete jsonSchema.pattern;
      Object.assign(jsonSchema, { type: 'integer', minimum: 1, maximum: 100 });
    },
  },
);

export const listQuerySchema = z.strictObject({
  limit,
  cursor: z.optional(z.string().check(z.maxLength(2000))),
});

export const ticketIdPath = z.object({ id });
export const monthSchema = z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM'));

/** `If-Match: "3"` (or `3`, or a weak `W/"3"`) gives version 3. */
export const ifMatchHeader = z.object({
  'if-match': withMeta(
    z.optional(
      z.pipe(
        z.string().check(z.regex(/^\s*(?:W\/)?"?\d{1,12}"?\s*$/, 'must be the version read, e.g. "3"')),
        z.transform((value) => Number(/\d+/.exec(value)![0])),
      ),
    ),
    {
      description: 'The version read (its ETag); a stale one is a 412',
      override: { type: 'string', example: '"3"' },
    },
  ),
});

/** A create retried with the same key answers what the first one answered (docs/api.md). */
export const idempotencyKeyHeader = z.object({
  'idempotency-key': withMeta(
    z.optional(z.string().check(z.regex(/^[\x21-\x7e]{1,255}$/, 'must be 1-255 visible ASCII characters'))),
    { description: 'Any unique string (a UUID); retries of the same create send the same key' },
  ),
});

/**
 * The response headers the API sends, each declared once: the OpenAPI document writes them out
 * for every response that names them, and the response checks compare live answers with them.
 */
export const RESPONSE_HEADERS = {
  ETag: {
    description: 'The version of what the body holds, quoted (`"3"`); send it back in `If-Match`',
    schema: { type: 'string', pattern: '^(W/)?"[\\x21\\x23-\\x7e]*"$' },
  },
  Location: {
    description: 'Where to fetch the answer',
    schema: { type: 'string', format: 'uri-reference' },
  },
  'Idempotent-Replayed': {
    description: 'Present on an answer replayed for a retried `Idempotency-Key`',
    schema: { type: 'string', enum: ['true'] },
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'string', pattern: '^[0-9]{1,6}$' },
  },
  'Cache-Control': {
    description: 'Keyed answers are `no-store`: what a key reads is never a shared cache’s',
    schema: { type: 'string', minLength: 1 },
  },
  Vary: { description: 'The answer depends on `Accept`', schema: { type: 'string', minLength: 1 } },
  'Content-Disposition': {
    description: 'The CSV file’s name, as an attachment',
    schema: { type: 'string', pattern: '^attachment; filename="[^"]+"$' },
  },
} as const;

export type ResponseHeaderName = keyof typeof RESPONSE_HEADERS;

/** One answer of a route: its body by content type and the headers it carries. */
export interface ResponseSpec {
  description: string;
  /** The body; sent as `application/json` (`application/problem+json` from 400 on). */
  schema?: z.ZodMiniType;
  /** Bodies by content type, for an answer with more than one form (CSV or JSON exports). */
  content?: Record<string, z.ZodMiniType>;
  /** Headers of this answer: `required` ones are on every such answer, `optional` ones on some. */
  headers?: Partial<Record<ResponseHeaderName, 'required' | 'optional'>>;
}
