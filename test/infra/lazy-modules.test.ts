// Lazy modules ship in their function's asset and load on first use: the admin function's holiday
// rules (date-holidays, 1.4 MB) are bundled apart by the hook NodejsFunction runs after bundling,
// and `import('#holidays')` in the handler bundle finds them through the asset's package.json.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { esbuildOptions, PROJECT_ROOT } from '../../lib/bundling.ts';
import { bundlingFor, LAMBDA_ENTRIES } from '../../lib/functions.ts';

const run = promisify(execFile);
let asset: string;
let handlerInputs: string[];

beforeAll(async () => {
  asset = await mkdtemp(join(tmpdir(), 'lazy-modules-'));
  const admin = LAMBDA_ENTRIES['api-admin']!;
  // The handler bundle as NodejsFunction builds it, with the lazy specifiers left external…
  const bundling = bundlingFor('api-admin');
  const built = await esbuild.build({
    ...esbuildOptions(admin.entry, join(asset, 'index.mjs'), Object.keys(admin.lazyModules ?? {})),
    external: bundling.externalModules ?? [],
    metafile: true,
  });
  handlerInputs = Object.values(built.metafile.outputs).flatMap((output) => Object.keys(output.inputs));
  // …then the very commands its afterBundling hook gives the CDK.
  for (const command of bundling.commandHooks!.afterBundling(PROJECT_ROOT, asset)) {
    await run('bash', ['-c', command], { cwd: PROJECT_ROOT });
  }
}, 120_000);

afterAll(() => rm(asset, { recursive: true, force: true }));

test('the admin handler bundle carries no holiday rules', () => {
  expect(LAMBDA_ENTRIES['api-admin']!.lazyModules).toEqual({ '#holidays': 'functions/catalog/holidays.ts' });
  expect(handlerInputs.filter((input) => /date-holidays|moment-timezone|astronomia/.test(input))).toEqual([]);
});

test('the asset resolves #holidays to its own bundle, which expands holiday regions', async () => {
  expect(JSON.parse(await readFile(join(asset, 'package.json'), 'utf8'))).toEqual({
    type: 'module',
    imports: { '#holidays': './holidays.mjs' },
  });
  // A fresh Node process in the asset directory, as Lambda runs it: the handler loads, and the lazy
  // module answers with Spain's national holidays.
  const script = `
    const handler = await import('./index.mjs');
    const { expandHolidayRegions } = await import('#holidays');
    const calendar = expandHolidayRegions(
      { timeZone: 'Europe/Madrid', weekly: {}, holidayRegions: ['ES'] },
      { fromYear: 2027, toYear: 2027 },
    );
    console.log(JSON.stringify({ handler: typeof handler.handler, holidays: calendar.holidays }));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', script], {
    cwd: asset,
    env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', TABLE_NAME: 'lazy-modules' },
  });
  const result = JSON.parse(stdout) as { handler: string; holidays: string[] };
  expect(result.handler).toBe('function');
  expect(result.holidays).toEqual(
    expect.arrayContaining(['2027-01-01', '2027-10-12', '2027-12-08', '2027-12-25']),
  );
});

test('functions without lazy modules are bundled as every function is', () => {
  expect(bundlingFor('api-tickets').commandHooks).toBeUndefined();
});
