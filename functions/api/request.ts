// Reading a request: JSON bodies and query strings validated by zod (unknown fields refused, every
// error naming its field), path parameters, and the If-Match / Idempotency-Key headers.
import type * as z from 'zod/mini';
import { ValidationError } from '../domain/errors.ts';
import { parseWith } from '../domain/validation.ts';
import type { HttpEvent } from './http.ts';

export function jsonBody<S extends z.ZodMiniType>(event: HttpEvent, schema: S): z.output<S> {
  const type = event.headers?.['content-type'] ?? '';
  if (event.body !== undefined && event.body !== '' && type && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw ValidationError.field('content-type', 'must be application/json');
  }
  let value: unknown;
  try {
    const text =
      event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    value = text === undefined || text === '' ? undefined : JSON.parse(text);
  } catch {
    throw ValidationError.field('body', 'is not valid JSON');
  }
  if (value === undefined) throw ValidationError.field('body', 'a JSON body is required');
  return parseWith(schema, value);
}

export function queryOf<S extends z.ZodMiniType>(event: HttpEvent, schema: S): z.output<S> {
  return parseWith(schema, event.queryStringParameters ?? {}, 'query');
}

export function pathParam(event: HttpEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value || value.length > 200 || !/^[\w.@:+-]+$/.test(value))
    throw ValidationError.field(name, 'is not a valid id');
  return value;
}

/** `If-Match: "3"` or `If-Match: 3` gives 3; absent gives undefined. */
export function ifMatchVersion(event: HttpEvent): number | undefined {
  const header = event.headers?.['if-match'];
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,12})"?\s*$/.exec(header);
  if (!match) throw ValidationError.field('If-Match', 'must be the ticket version, e.g. "3"');
  return Number(match[1]);
}

export function idempotencyKeyOf(event: HttpEvent): string | undefined {
  return event.headers?.['idempotency-key'];
}
