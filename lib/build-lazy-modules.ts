// Bundles a function's lazy modules next to its handler bundle, as lib/bundling.ts bundles the
// handler, and writes the package.json whose "imports" map resolves each specifier (`#holidays`) to
// its file, so `import('#holidays')` in the handler bundle loads it on first use. NodejsFunction runs
// this after bundling (lib/functions.ts); tests and bench/cold-start.ts call it directly.
// Usage: node lib/build-lazy-modules.ts <outputDir> <specifier>=<source> ...
import { writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import * as esbuild from 'esbuild';
import { esbuildOptions, PROJECT_ROOT } from './bundling.ts';

/** File name of a lazy module in the asset: `#holidays` -> `holidays.mjs`. */
export const lazyModuleFile = (specifier: string): string => `${specifier.replace(/^#/, '')}.mjs`;

export async function buildLazyModules(
  outputDir: string,
  modules: Readonly<Record<string, string>>,
): Promise<Record<string, number>> {
  const bytes: Record<string, number> = {};
  const imports: Record<string, string> = {};
  for (const [specifier, source] of Object.entries(modules)) {
    const file = lazyModuleFile(specifier);
    const entry = isAbsolute(source) ? source : join(PROJECT_ROOT, source);
    const result = await esbuild.build({ ...esbuildOptions(entry, join(outputDir, file)), metafile: true });
    const output = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('.mjs'))!;
    bytes[specifier] = output[1].bytes;
    imports[specifier] = `./${file}`;
  }
  await writeFile(
    join(outputDir, 'package.json'),
    `${JSON.stringify({ type: 'module', imports }, null, 2)}\n`,
  );
  return bytes;
}

if (import.meta.main) {
  const [outputDir, ...pairs] = process.argv.slice(2);
  if (!outputDir || pairs.length === 0) {
    console.error('usage: node lib/build-lazy-modules.ts <outputDir> <specifier>=<source> ...');
    process.exit(2);
  }
  const modules = Object.fromEntries(pairs.map((pair) => pair.split('=', 2) as [string, string]));
  await buildLazyModules(outputDir, modules);
}
