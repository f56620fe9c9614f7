// Requests generated from the OpenAPI document for the fuzz test: fast-check arbitraries built from
// each operation's parameter and body schemas (JSON Schema 2020-12 as zod-openapi writes it), mixed
// with hostile values: malformed escapes, wrong types, huge numbers, lone surrogates, long strings,
// deep nesting. fast-check has no JSON Schema reader of its own; this one reads the subset the
// document uses and refuses anything else, so a new kind of schema is noticed rather than skipped.
import fc from 'fast-check';
import type { OpenApiDocument } from './openapi-responses.ts';

type Schema = Record<string, unknown> & {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema | false;
  prefixItems?: Schema[];
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
};

export interface FuzzRequest {
  method: string;
  /** Path template and the route it targets, e.g. `GET /v1/tickets/{id}`. */
  route: string;
  /** The path as sent: escapes included, query string appended. */
  url: string;
  /** Who calls: a role's key, no key, or a key that does not exist. */
  caller: string;
  headers: Record<string, string>;
  body?: string;
}

/** Strings a careless server trips on; path values are sent as they are (escapes kept). */
const HOSTILE_TEXT = [
  '',
  ' ',
  'a'.repeat(5000),
  '%',
  '%ZZ',
  '%E0%A4%A',
  '\u0000',
  '😀',
  '\ud800',
  '\udfff x',
  'Ω≈ç√∫',
  '../../etc/passwd',
  "' OR '1'='1",
  '<script>alert(1)</script>',
  'ACCOUNT#acme',
  'null',
  '0x10',
  '1e3',
  '-1',
  '99999999999999999999999',
  'NaN',
  'true',
];
const HOSTILE_PATH = [
  '%ZZ',
  '%',
  '%E0%A4%A',
  '%00',
  '%2F',
  '%252F',
  '..',
  '%2E%2E',
  '%F0%9F%98',
  '%C0%AF',
  '%u0041',
  '%D8%00',
  'ACCOUNT%23x',
  'a'.repeat(400),
  encodeURIComponent('😀'),
  encodeURIComponent('\u0000'),
];
const HOSTILE_JSON: unknown[] = [
  null,
  true,
  0,
  -1,
  0.5,
  1e308,
  -1e308,
  2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER,
  [],
  {},
  [null],
  JSON.parse('{"__proto__":{"polluted":true}}'),
  { constructor: { prototype: { polluted: true } } },
  ...HOSTILE_TEXT,
];
/** Bodies that are not what any route reads. */
const HOSTILE_BODIES = [
  '',
  'not json',
  '{',
  '{"a":',
  'null',
  '[]',
  '123',
  '"text"',
  '{"__proto__":{"admin":true}}',
  '{"subject":"\\ud800","body":"x"}',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`,
  `{"body":"${'x'.repeat(200_000)}"}`,
  JSON.stringify({ a: Array.from({ length: 20_000 }, (_, i) => i) }),
];

/** Percent-encoded UTF-8; a lone surrogate, which has none, is sent as the bytes CESU-8 would give it. */
function escaped(value: string): string {
  return value.isWellFormed()
    ? encodeURIComponent(value)
    : `${encodeURIComponent(value.toWellFormed())}%ED%A0%80`;
}

const hostileValue = fc.constantFrom(...HOSTILE_JSON);

function resolve(document: OpenApiDocument, schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const path = schema.$ref.replace(/^#\//, '').split('/');
  // biome-ignore lint/suspicious/noExplicitAny: walking the document by a JSON pointer
  const target = path.reduce<any>(
    (node, token) => node?.[token.replaceAll('~1', '/').replaceAll('~0', '~')],
    document,
  );
  if (!target) throw new Error(`unresolved $ref ${schema.$ref}`);
  return resolve(document, target as Schema);
}

const ISO = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString());

/**
 * Strings a pattern accepts. fast-check cannot generate from lookaheads (`^PT(?=\d)...`): those are
 * dropped for generating and kept for filtering.
 */
function matching(pattern: string): fc.Arbitrary<string> {
  const regex = new RegExp(pattern);
  try {
    return fc.stringMatching(regex);
  } catch {
    return fc
      .stringMatching(new RegExp(pattern.replace(/\(\?[=!][^)]*\)/g, '')))
      .filter((value) => regex.test(value));
  }
}

function stringOf(schema: Schema): fc.Arbitrary<string> {
  if (schema.format === 'date-time') return ISO;
  if (schema.format === 'email') return fc.emailAddress();
  if (schema.pattern) return matching(schema.pattern);
  return fc.string({
    unit: 'grapheme',
    minLength: schema.minLength ?? 0,
    maxLength: Math.min(schema.maxLength ?? 40, 40),
  });
}

function integerOf(schema: Schema): fc.Arbitrary<number> {
  const min = Math.max(schema.minimum ?? -1_000_000, Number.MIN_SAFE_INTEGER);
  const max = Math.min(schema.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER);
  return fc.integer({ min: Math.ceil(min), max: Math.floor(Math.max(min, max)) });
}

/** A value the schema accepts (mostly; refinements beyond the schema are the server's to check). */
export function schemaValue(document: OpenApiDocument, given: Schema, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(document, given);
  if (depth > 8) return fc.constant(null);
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return fc.oneof(...choices.map((choice) => schemaValue(document, choice, depth + 1)));
  if (schema.allOf)
    return schemaValue(document, Object.assign({}, ...schema.allOf.map((s) => resolve(document, s))), depth);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length > 1) {
    return fc.oneof(...types.map((type) => schemaValue(document, { ...schema, type }, depth)));
  }
  switch (types[0]) {
    case 'string':
      return stringOf(schema);
    case 'integer':
      return integerOf(schema);
    case 'number':
      return fc.double({
        noNaN: true,
        noDefaultInfinity: true,
        min: schema.minimum ?? -1e6,
        max: schema.maximum ?? 1e6,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (schema.prefixItems) {
        return fc.tuple(...schema.prefixItems.map((item) => schemaValue(document, item, depth + 1)));
      }
      const items = schema.items ? schemaValue(document, schema.items, depth + 1) : fc.anything();
      return fc.array(items, {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)),
      });
    }
    case 'object':
    case undefined: {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(properties))
        record[name] = schemaValue(document, property, depth + 1);
      const extra =
        schema.additionalProperties && typeof schema.additionalProperties === 'object'
          ? fc.dictionary(
              fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/),
              schemaValue(document, schema.additionalProperties, depth + 1),
              {
                maxKeys: 2,
              },
            )
          : fc.constant({});
      return fc
        .tuple(fc.record(record, { requiredKeys: [...required].filter((name) => name in record) }), extra)
        .map(([known, more]) => ({ ...more, ...known }));
    }
    default:
      throw new Error(`the fuzzer does not read schemas of type ${String(types[0])}`);
  }
}

/** A valid value with, now and then, one field (at any depth) replaced by a hostile one. */
function mutated(value: unknown): fc.Arbitrary<unknown> {
  if (value === null || typeof value !== 'object') return fc.oneof(fc.constant(value), hostileValue);
  const keys = Object.keys(value);
  if (keys.length === 0) return fc.constant(value);
  return fc
    .constantFrom(...keys)
    .chain((key) =>
      mutated((value as Record<string, unknown>)[key]).map((inner) =>
        Array.isArray(value)
          ? value.map((item, i) => (String(i) === key ? inner : item))
          : { ...value, [key]: inner },
      ),
    );
}

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  'x-roles'?: string[];
}

export interface FuzzOptions {
  /** Values that name things that exist, by path template and parameter, so requests get past 404. */
  known: Record<string, Record<string, string[]>>;
  /** Callers: role names with keys, plus `none` and `bogus`. */
  callers: string[];
}

const printable = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 60,
});

/** Every operation's request arbitrary, weighted alike. */
export function requestsOf(document: OpenApiDocument, options: FuzzOptions): fc.Arbitrary<FuzzRequest> {
  const arbitraries: fc.Arbitrary<FuzzRequest>[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      const operation = raw as unknown as Operation;
      const parameters = operation.parameters ?? [];
      const known = options.known[template] ?? {};
      const roles = operation['x-roles'];
      const caller = roles
        ? fc.oneof(
            { weight: 3, arbitrary: fc.constantFrom(...roles) },
            { weight: 1, arbitrary: fc.constantFrom(...options.callers) },
          )
        : fc.constantFrom(...options.callers);

      const pathValues = parameters
        .filter((p) => p.in === 'path')
        .map((p) =>
          fc
            .oneof(
              {
                weight: 4,
                arbitrary: known[p.name]
                  ? fc.constantFrom(...known[p.name]!)
                  : stringOf(resolve(document, p.schema)),
              },
              { weight: 2, arbitrary: stringOf(resolve(document, p.schema)) },
              { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }) },
            )
            .map(escaped)
            .chain((value) =>
              fc.oneof(
                { weight: 4, arbitrary: fc.constant(value) },
                { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_PATH) },
              ),
            )
            .map((value) => [p.name, value] as const),
        );

      const queryParameters = parameters.filter((p) => p.in === 'query');
      const queryPairs = fc
        .tuple(
          ...queryParameters.map((p) =>
            fc.option(
              fc
                .oneof(
                  {
                    weight: 4,
                    arbitrary: known[p.name]
                      ? fc.constantFrom(...known[p.name]!)
                      : schemaValue(document, p.schema).map(String),
                  },
                  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_TEXT) },
                )
                .map((value) => [p.name, String(value)] as [string, string]),
              { freq: 2 },
            ),
          ),
        )
        .chain((pairs): fc.Arbitrary<[string, string][]> => {
          const given = pairs.filter((pair): pair is [string, string] => pair !== null);
          const twice: [string, string][] = given.length
            ? [...given, given[0]!]
            : [
                ['limit', '1'],
                ['limit', '2'],
              ];
          return fc.oneof(
            { weight: 6, arbitrary: fc.constant(given) },
            // A parameter twice, or one the route does not read.
            {
              weight: 1,
              arbitrary: fc.constant(twice),
            },
            {
              weight: 1,
              arbitrary: printable.map((name) => [...given, [name || 'x', '1'] as [string, string]]),
            },
          );
        });

      const headerParameters = parameters.filter((p) => p.in === 'header');
      const headerPairs = fc.tuple(
        ...headerParameters.map((p) =>
          fc.option(
            fc
              .oneof(
                {
                  weight: 3,
                  arbitrary:
                    p.name === 'accept'
                      ? fc.constantFrom('text/csv', 'application/json', '*/*', 'text/csv;q=0')
                      : schemaValue(document, p.schema).map(String),
                },
                {
                  weight: 1,
                  arbitrary: fc.constantFrom(
                    '"1"',
                    'W/"2"',
                    '*',
                    '"x"',
                    `"${'9'.repeat(14)}"`,
                    ' ',
                    'text/csv, */*;q=0',
                  ),
                },
                { weight: 1, arbitrary: printable },
              )
              // A header value is ASCII on the wire; fetch refuses anything else before it is sent.
              .filter((value) => /^[\x20-\x7e]*$/.test(value))
              .map((value) => [p.name, value] as const),
          ),
        ),
      );

      const schema = operation.requestBody?.content['application/json']?.schema;
      const body: fc.Arbitrary<string | undefined> = schema
        ? fc.oneof(
            { weight: 5, arbitrary: schemaValue(document, schema).map((value) => JSON.stringify(value)) },
            {
              weight: 3,
              arbitrary: schemaValue(document, schema)
                .chain(mutated)
                .map((value) => JSON.stringify(value)),
            },
            { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_BODIES) },
          )
        : method === 'get'
          ? fc.constant(undefined)
          : fc.oneof(
              { weight: 6, arbitrary: fc.constant(undefined) },
              { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_BODIES) },
            );
      const contentType = fc.constantFrom(
        'application/json',
        'application/json',
        'application/json',
        'text/plain',
        'application/merge-patch+json',
      );

      arbitraries.push(
        fc
          .record({
            path: fc.tuple(...pathValues),
            query: queryPairs,
            headers: headerPairs,
            body,
            contentType,
            caller,
          })
          .map(({ path, query, headers, body, contentType, caller }) => {
            let url = template;
            for (const [name, value] of path) url = url.replace(`{${name}}`, value);
            if (query.length) url += `?${query.map(([k, v]) => `${escaped(k)}=${escaped(v)}`).join('&')}`;
            const sent: Record<string, string> = {};
            for (const pair of headers) if (pair) sent[pair[0]] = pair[1];
            if (body !== undefined) sent['content-type'] = contentType;
            return {
              method: method.toUpperCase(),
              route: `${method.toUpperCase()} ${template}`,
              url,
              caller,
              headers: sent,
              ...(body === undefined ? {} : { body }),
            };
          }),
      );
    }
  }
  return fc.oneof(...arbitraries);
}
