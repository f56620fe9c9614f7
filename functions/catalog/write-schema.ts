// Writes schemas/catalog.schema.json from the zod catalog schema (`npm run schema`); a test fails
// when the committed file and a fresh generation differ.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATALOG_SCHEMA_PATH, catalogJsonSchemaText } from './catalog-json-schema.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const target = resolve(root, CATALOG_SCHEMA_PATH);
await mkdir(dirname(target), { recursive: true });
await writeFile(target, catalogJsonSchemaText());
process.stdout.write(`wrote ${CATALOG_SCHEMA_PATH}\n`);
