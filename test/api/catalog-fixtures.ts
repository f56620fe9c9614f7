// Example catalogs under fresh ids, saved through the admin API: test files run in parallel on one
// table, so each works on its own copy instead of racing others for `b2bee`.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { client } from './harness.ts';

type Client = ReturnType<typeof client>;

// biome-ignore lint/suspicious/noExplicitAny: catalog JSON is edited field by field in tests
export function exampleCatalog(name: string, id = `${name}-${randomUUID().slice(0, 8)}`): any {
  const catalog = JSON.parse(
    readFileSync(new URL(`../../examples/${name}.catalog.json`, import.meta.url), 'utf8'),
  );
  return { ...catalog, id };
}

/** Saves a copy of an example catalog under a fresh id; returns that id. */
export async function putExampleCatalog(admin: Client, name: string): Promise<string> {
  const catalog = exampleCatalog(name);
  const saved = await admin('PUT', `/v1/catalogs/${catalog.id}`, catalog);
  expect(saved.status).toBe(201);
  return catalog.id;
}

/** A reference prefix no other test uses (2-10 uppercase letters or digits). */
export function newPrefix(): string {
  return `T${randomUUID().replaceAll('-', '').slice(0, 8).toUpperCase()}`;
}
