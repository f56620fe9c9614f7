// How every Lambda function is bundled, in one place: the NodejsFunction options the constructs use,
// and the same build as plain esbuild options, so bench/cold-start.ts measures the bundles we deploy.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** ESM for Node 24, minified, with the AWS SDK inside. */
export const LAMBDA_BUNDLING = {
  format: OutputFormat.ESM,
  target: 'node24',
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  // Line numbers in stack traces need the map, not the sources: keeps the bundle small.
  sourcesContent: false,
  // Bundled, never the runtime's copy: the runtime's SDK is not pinned, its client-scheduler ignores
  // ActionAfterCompletion (DESIGN.md), and the close relies on If-None-Match on PutObject.
  externalModules: [],
  // Some dependencies are CommonJS and call require(); an ESM bundle has to provide it.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
} satisfies BundlingOptions;

/**
 * The esbuild build NodejsFunction runs for LAMBDA_BUNDLING (its CLI flags, as build options).
 * @internal the bundle tests and the cold-start bench build with it
 */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  const b = LAMBDA_BUNDLING;
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: b.format === OutputFormat.ESM ? 'esm' : 'cjs',
    target: b.target,
    mainFields: b.mainFields,
    minify: b.minify,
    sourcemap: b.sourceMap,
    sourcesContent: b.sourcesContent,
    external: [...b.externalModules],
    banner: { js: b.banner },
    logLevel: 'warning',
  };
}
