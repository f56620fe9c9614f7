// Lazy modules ship in their function's asset and load on first use: the catalogs function's holiday
// rules (date-holidays, 1.4 MB) and the intake's HTML converter (html-to-text) are bundled apart by
// the hook NodejsFunction runs after bundling, and `import('#holidays')` in the handler bundle finds
// them through the asset's package.json.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { esbuildOptions, PROJECT_ROOT } from '../../lib/bundling.ts';
import { bundlingFor, LAMBDA_ENTRIES } from '../../lib/functions.ts';

const run = promisify(execFile);
const root = await mkdtemp(join(tmpdir(), 'lazy-modules-'));
afterAll(() => rm(root, { recursive: true, force: true }));

/** Builds a function's asset as the CDK does: handler bundle, then its afterBundling commands. */
async function buildAsset(name: string): Promise<{ dir: string; handlerInputs: string[] }> {
  const dir = await mkdtemp(join(root, `${name}-`));
  const { entry, lazyModules = {} } = LAMBDA_ENTRIES[name]!;
  const bundling = bundlingFor(name);
  const built = await esbuild.build({
    ...esbuildOptions(entry, join(dir, 'index.mjs'), Object.keys(lazyModules)),
    external: bundling.externalModules ?? [],
    metafile: true,
  });
  for (const command of bundling.commandHooks!.afterBundling(PROJECT_ROOT, dir)) {
    await run('bash', ['-c', command], { cwd: PROJECT_ROOT });
  }
  const handlerInputs = Object.values(built.metafile.outputs).flatMap((output) => Object.keys(output.inputs));
  return { dir, handlerInputs };
}

/** Runs `script` as an ES module in a fresh Node process in `dir`, as Lambda runs the asset. */
async function inAsset(dir: string, script: string): Promise<unknown> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', script], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', TABLE_NAME: 'lazy-modules' },
  });
  return JSON.parse(stdout);
}

const LAZY = {
  'api-catalogs': { specifier: '#holidays', packages: /date-holidays|moment-timezone|astronomia/ },
  'email-handler': { specifier: '#html-text', packages: /html-to-text|htmlparser2|\/entities\// },
} as const;

test('the functions with lazy modules are the ones listed here', () => {
  const withLazy = Object.entries(LAMBDA_ENTRIES).filter(([, e]) => e.lazyModules);
  expect(Object.fromEntries(withLazy.map(([name, e]) => [name, Object.keys(e.lazyModules!)]))).toEqual(
    Object.fromEntries(Object.entries(LAZY).map(([name, { specifier }]) => [name, [specifier]])),
  );
  expect(bundlingFor('api-tickets').commandHooks).toBeUndefined();
});

describe.each(Object.entries(LAZY))('%s', (name, { specifier, packages }) => {
  let asset: { dir: string; handlerInputs: string[] };
  beforeAll(async () => {
    asset = await buildAsset(name);
  }, 120_000);

  test('the handler bundle leaves the lazy module out', () => {
    expect(asset.handlerInputs.filter((input) => packages.test(input))).toEqual([]);
  });

  test('the asset loads the handler, and resolves the lazy specifier to its own bundle', async () => {
    const file = `./${specifier.slice(1)}.mjs`;
    expect(JSON.parse(await readFile(join(asset.dir, 'package.json'), 'utf8'))).toEqual({
      type: 'module',
      imports: { [specifier]: file },
    });
    const loaded = await inAsset(
      asset.dir,
      `const handler = await import('./index.mjs');
       const lazy = await import('${specifier}');
       console.log(JSON.stringify({ handler: typeof handler.handler, exports: Object.keys(lazy).sort() }));`,
    );
    expect(loaded).toEqual({ handler: 'function', exports: expect.arrayContaining([expect.any(String)]) });
  });
});

test('the bundled holiday module expands holiday regions', async () => {
  const { dir } = await buildAsset('api-catalogs');
  const result = (await inAsset(
    dir,
    `const { expandHolidayRegions } = await import('#holidays');
     const calendar = expandHolidayRegions(
       { timeZone: 'Europe/Madrid', weekly: {}, holidayRegions: ['ES'] },
       { fromYear: 2027, toYear: 2027 },
     );
     console.log(JSON.stringify(calendar.holidays));`,
  )) as string[];
  expect(result).toEqual(expect.arrayContaining(['2027-01-01', '2027-10-12', '2027-12-08', '2027-12-25']));
}, 120_000);

test('the bundled HTML converter turns HTML mail into text', async () => {
  const { dir } = await buildAsset('email-handler');
  const text = await inAsset(
    dir,
    `const { htmlToText } = await import('#html-text');
     console.log(JSON.stringify(htmlToText('<p>Caf&eacute; &amp; orders</p><blockquote type="cite">old</blockquote>')));`,
  );
  expect(text).toBe('Café & orders');
}, 120_000);
