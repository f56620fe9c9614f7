// Writes the OpenAPI document the route table builds (what GET /v1/openapi.json serves) to a file,
// for the OpenAPI linter and for readers who want it without running the desk.
// Usage: node scripts/write-openapi.ts [file]   (default: .build/openapi.json)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openApiDocument } from '../functions/api/openapi.ts';

const file = process.argv[2] ?? '.build/openapi.json';
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log(`wrote ${file}`);
