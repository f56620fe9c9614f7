// Turns zod failures into the product's ValidationError, naming each field by its path
// (`plans[0].sla.P1.resolution`), so every entry point reports bad input the same way.
import * as z from 'zod/mini';
import { type FieldIssue, ValidationError } from './errors.ts';
import './zod-mini.ts';

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

export function issuesOf(error: z.core.$ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = fieldPath(issue.path);
    const field = prefix && path ? `${prefix}${path.startsWith('[') ? '' : '.'}${path}` : prefix || path;
    return { field, message: issue.message };
  });
}

/**
 * Parses `input` with `schema`, or throws a ValidationError naming every bad field (under `prefix`).
 * Any zod 4 schema: function code's (zod/mini) and the deployment settings' (lib/settings.ts).
 */
export function parseWith<S extends z.core.$ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const result = z.safeParse(schema, input);
  if (!result.success) throw new ValidationError(issuesOf(result.error, prefix));
  return result.data;
}
