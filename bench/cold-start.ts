// Cold-start report: per Lambda function of the stack (lib/functions.ts), the size of its bundle and
// the time to import it in a fresh Node process, each compared with a bundle that only creates the
// same AWS SDK clients (the floor a function cannot go below). Both are built exactly as deployed
// (lib/bundling.ts). Target: at most 1.5 times the floor, in size and in init time.
// Run alone with `node bench/cold-start.ts`, or through bench/run.ts via run().
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { esbuildOptions, PROJECT_ROOT } from '../lib/bundling.ts';
import { esbuildConditionsFor, LAMBDA_ENTRIES } from '../lib/functions.ts';

const TARGET_RATIO = 1.5;
/** Imports per bundle; the median counts. */
const RUNS = Number(process.env.COLD_START_RUNS ?? 7);

const run$ = promisify(execFile);

/** The client each bundled SDK package is used through; a new package needs its line here. */
const SDK_CLIENTS: Record<string, string> = {
  '@aws-sdk/client-dynamodb': 'DynamoDBClient',
  '@aws-sdk/client-s3': 'S3Client',
  '@aws-sdk/client-scheduler': 'SchedulerClient',
  '@aws-sdk/client-ses': 'SESClient',
  '@aws-sdk/client-sesv2': 'SESv2Client',
  '@aws-sdk/client-secrets-manager': 'SecretsManagerClient',
  '@aws-sdk/client-lambda': 'LambdaClient',
};

export interface ColdStartRow {
  function: string;
  clients: string;
  bytes: number;
  baselineBytes: number;
  sizeRatio: number;
  initMs: number;
  baselineInitMs: number;
  initRatio: number;
}

interface Built {
  file: string;
  bytes: number;
  packages: Set<string>;
}

async function build(dir: string, name: string, options: esbuild.BuildOptions): Promise<Built> {
  const file = join(dir, `${name}.mjs`);
  const result = await esbuild.build({ ...options, outfile: file, metafile: true });
  const output = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('.mjs'))![1];
  const packages = new Set<string>();
  for (const input of Object.keys(output.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packages.add(match[1]!);
  }
  return { file, bytes: output.bytes, packages };
}

/** The floor of a function: an entry that creates its SDK clients (and the document client) and nothing else. */
function baselineSource(packages: Set<string>): string {
  const lines: string[] = [];
  const created: string[] = [];
  for (const pkg of [...packages].filter((p) => p.startsWith('@aws-sdk/client-')).sort()) {
    const client = SDK_CLIENTS[pkg];
    if (!client) throw new Error(`bench/cold-start.ts: add the client class of ${pkg} to SDK_CLIENTS`);
    lines.push(`import { ${client} } from '${pkg}';`);
    created.push(`new ${client}({})`);
  }
  if (packages.has('@aws-sdk/lib-dynamodb')) {
    lines.push("import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';");
    created.push('DynamoDBDocumentClient.from(new DynamoDBClient({}))');
  }
  // Kept reachable, so the minifier cannot drop the clients.
  lines.push(`globalThis.clients = [${created.join(', ')}];`);
  return lines.join('\n');
}

/** Milliseconds to import `file` in a fresh Node process, run as Lambda runs it (source maps on). */
async function importMs(file: string): Promise<number> {
  const script = `const t0 = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t0);`;
  const { stdout } = await run$(
    process.execPath,
    ['--enable-source-maps', '--input-type=module', '--eval', script],
    { env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', TABLE_NAME: 'cold-start' } },
  );
  return Number(stdout.trim());
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

export async function measureColdStarts(): Promise<ColdStartRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'cold-start-'));
  try {
    const functions = await Promise.all(
      Object.entries(LAMBDA_ENTRIES).map(async ([name, { entry }]) => {
        // Resolve conditions as deployed: an untraced function bundles the no-op `#tracing`.
        const conditions = esbuildConditionsFor(name);
        const built = await build(dir, name, {
          ...esbuildOptions(entry, ''),
          ...(conditions ? { conditions } : {}),
        });
        return { name, built, baseline: baselineSource(built.packages) };
      }),
    );
    // Functions with the same clients share one baseline bundle.
    const baselines = new Map<string, Built>();
    for (const source of new Set(functions.map((f) => f.baseline))) {
      const { entryPoints: _entry, ...options } = esbuildOptions('', '');
      const stdin = {
        contents: source,
        resolveDir: PROJECT_ROOT,
        sourcefile: 'baseline.mjs',
        loader: 'js' as const,
      };
      baselines.set(source, await build(dir, `baseline-${baselines.size}`, { ...options, stdin }));
    }
    // Interleaved rounds, so a busy moment of the machine weighs on every bundle alike.
    const files = [
      ...new Set([...functions.map((f) => f.built.file), ...[...baselines.values()].map((b) => b.file)]),
    ];
    const times = new Map<string, number[]>(files.map((file) => [file, []]));
    for (let i = 0; i < RUNS; i++) {
      for (const file of files) times.get(file)!.push(await importMs(file));
    }
    return functions.map(({ name, built, baseline }) => {
      const floor = baselines.get(baseline)!;
      const initMs = median(times.get(built.file)!);
      const baselineInitMs = median(times.get(floor.file)!);
      return {
        function: name,
        clients: [...floor.packages]
          .filter((p) => p.startsWith('@aws-sdk/client-'))
          .map((p) => p.replace('@aws-sdk/client-', ''))
          .join('+'),
        bytes: built.bytes,
        baselineBytes: floor.bytes,
        // Unrounded: the target is compared with the exact ratio, rounding is for display.
        sizeRatio: built.bytes / floor.bytes,
        initMs: round(initMs, 1),
        baselineInitMs: round(baselineInitMs, 1),
        initRatio: initMs / baselineInitMs,
      };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<Record<string, number>> {
  const rows = await measureColdStarts();
  const figures: Record<string, number> = {};
  for (const row of rows) {
    figures[`${row.function} size×`] = round(row.sizeRatio, 3);
    figures[`${row.function} init×`] = round(row.initRatio);
  }
  figures.withinSizeTarget = rows.filter((r) => r.sizeRatio <= TARGET_RATIO).length;
  figures.withinInitTarget = rows.filter((r) => r.initRatio <= TARGET_RATIO).length;
  figures.functions = rows.length;
  return figures;
}

if (import.meta.main) {
  const rows = await measureColdStarts();
  const kB = (bytes: number) => Math.round(bytes / 1024);
  console.table(
    rows.map((r) => ({
      function: r.function,
      clients: r.clients,
      kB: kB(r.bytes),
      'floor kB': kB(r.baselineBytes),
      'size×': round(r.sizeRatio, 3),
      'init ms': r.initMs,
      'floor ms': r.baselineInitMs,
      'init×': round(r.initRatio),
      [`size ≤ ${TARGET_RATIO}`]: r.sizeRatio <= TARGET_RATIO ? 'yes' : 'NO',
      [`init ≤ ${TARGET_RATIO}`]: r.initRatio <= TARGET_RATIO ? 'yes' : 'NO',
    })),
  );
  console.log(`${RUNS} fresh imports per bundle, median; Node ${process.version}, ${process.arch}`);
}
