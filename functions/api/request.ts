// Reading a request by its route's declared schemas: path parameters, query string, headers and JSON
// body, each validated with zod (unknown body fields refused, every error naming its field). Size,
// encoding and repetition are checked before any schema runs, so bad input costs little.
import * as z from 'zod/mini';
import { type FieldIssue, ValidationError } from '../domain/errors.ts';
import { fieldPath, issuesOf, parseWith } from '../domain/validation.ts';
import type { HttpEvent } from './http.ts';

/** The request body limit of every route unless it declares a smaller one (docs/api.md, Limits). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The parts of a request a route may declare schemas for. */
export interface RequestSchemas {
  path?: z.ZodMiniType;
  query?: z.ZodMiniType;
  body?: z.ZodMiniType;
  headers?: z.ZodMiniType;
  /** The use case validates the body whole (cross-field rules); the route only reads it as JSON. */
  bodyCheckedBy?: 'use case';
  /** The largest body accepted, in bytes, checked before it is parsed. */
  maxBodyBytes?: number;
}

/**
 * Path parameters as the route names them. A value still holding a percent-escape is decoded once
 * (no valid id or address contains '%'); a malformed escape (`%ZZ`, `%E0%A4%A`) names its parameter.
 */
export function pathParameters(event: HttpEvent): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.pathParameters ?? {})) {
    if (value === undefined) continue;
    try {
      out[name] = value.includes('%') ? decodeURIComponent(value) : value;
    } catch {
      throw ValidationError.field(name, 'holds a malformed percent-escape');
    }
  }
  return out;
}

/**
 * The query string's parameters. A parameter given twice is refused: API Gateway would join the
 * values with a comma and a server might keep either one, so `?limit=1&limit=2` means nothing sure.
 */
export function queryParameters(event: HttpEvent): Record<string, string> {
  const seen = new Set<string>();
  for (const name of new URLSearchParams(event.rawQueryString ?? '').keys()) {
    if (seen.has(name)) throw ValidationError.field(`query.${name}`, 'is given more than once');
    seen.add(name);
  }
  return Object.fromEntries(
    Object.entries(event.queryStringParameters ?? {}).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
}

/** `if-match` -> `If-Match`: headers are named in errors as they are written in documentation. */
function headerName(field: string): string {
  return field.replace(/(^|-)([a-z])/g, (_m, dash: string, letter: string) => dash + letter.toUpperCase());
}

function parseHeaders<S extends z.ZodMiniType>(schema: S, event: HttpEvent): z.output<S> {
  const result = z.safeParse(schema, event.headers ?? {});
  if (result.success) return result.data;
  throw new ValidationError(
    issuesOf(result.error).map((issue) => ({ ...issue, field: headerName(issue.field) })),
  );
}

/** JSON nested deeper than this is refused before anything walks it; no body the API reads nests past 10. */
export const MAX_JSON_DEPTH = 32;

/**
 * Every string of a JSON value that is not well-formed UTF-16 (a lone surrogate), by its path. Walked
 * with a stack of its own, and refused past MAX_JSON_DEPTH: a body of 5,000 nested arrays must cost
 * a 400, not the call stack.
 */
export function illFormedStrings(value: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  // Values still to visit, last first, and issues of field names in the order they are met.
  const pending: ({ value: unknown; path: (string | number)[] } | { issue: FieldIssue })[] = [
    { value, path: [] },
  ];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if ('issue' in next) {
      issues.push(next.issue);
      continue;
    }
    const { value: item, path } = next;
    if (path.length > MAX_JSON_DEPTH) {
      throw ValidationError.field('body', `is nested deeper than ${MAX_JSON_DEPTH} levels`);
    }
    if (typeof item === 'string') {
      if (!item.isWellFormed()) {
        issues.push({
          field: fieldPath(path) || 'body',
          message: 'holds a lone UTF-16 surrogate (\\uD800-\\uDFFF)',
        });
      }
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) pending.push({ value: item[i], path: [...path, i] });
    } else if (item !== null && typeof item === 'object') {
      const entries = Object.entries(item);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, inner] = entries[i]!;
        pending.push({ value: inner, path: [...path, key] });
        if (!key.isWellFormed()) {
          const field = fieldPath(path) || 'body';
          pending.push({ issue: { field, message: 'has a field name with a lone UTF-16 surrogate' } });
        }
      }
    }
  }
  return issues;
}

/** The JSON body, size-checked before it is parsed and checked for lone surrogates after. */
export function jsonOf(event: HttpEvent, maxBytes = MAX_BODY_BYTES): unknown {
  const type = event.headers?.['content-type'] ?? '';
  if (event.body !== undefined && event.body !== '' && type && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw ValidationError.field('content-type', 'must be application/json');
  }
  if (event.body === undefined || event.body === '') {
    throw ValidationError.field('body', 'a JSON body is required');
  }
  const size = Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (size > maxBytes) {
    throw ValidationError.field('body', `is ${size} bytes; this route accepts at most ${maxBytes}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(
      event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body,
    );
  } catch {
    throw ValidationError.field('body', 'is not valid JSON');
  }
  const illFormed = illFormedStrings(value);
  if (illFormed.length > 0) throw new ValidationError(illFormed);
  return value;
}

type Parsed<R, K extends keyof RequestSchemas> = R extends { [P in K]: infer S extends z.ZodMiniType }
  ? z.output<S>
  : undefined;

/** What a route reads, typed by its declared schemas; undefined for a part it does not declare. */
export interface RouteInput<R extends RequestSchemas> {
  path: Parsed<R, 'path'>;
  query: Parsed<R, 'query'>;
  body: R extends { bodyCheckedBy: 'use case' } ? unknown : Parsed<R, 'body'>;
  headers: Parsed<R, 'headers'>;
}

/** Reads and validates every part of the request the route declares, in path, query, header, body order. */
export function readInput<R extends RequestSchemas>(spec: R, event: HttpEvent): RouteInput<R> {
  const path = spec.path ? parseWith(spec.path, pathParameters(event)) : undefined;
  const parameters = queryParameters(event);
  const query = spec.query ? parseWith(spec.query, parameters, 'query') : undefined;
  const headers = spec.headers ? parseHeaders(spec.headers, event) : undefined;
  let body: unknown;
  if (spec.body) {
    const json = jsonOf(event, spec.maxBodyBytes);
    body = spec.bodyCheckedBy === 'use case' ? json : parseWith(spec.body, json);
  }
  return { path, query, headers, body } as RouteInput<R>;
}
