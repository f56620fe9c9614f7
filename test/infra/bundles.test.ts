// The Lambda entries list (lib/functions.ts) is the stack: every function of the stack is made from
// it, and every entry is deployed, so bench/cold-start.ts measures exactly what is deployed.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { esbuildOptions, PROJECT_ROOT } from '../../lib/bundling.ts';
import { entryNameOf, esbuildConditionsFor, LAMBDA_ENTRIES } from '../../lib/functions.ts';
import { readDeploymentSettings } from '../../lib/settings.ts';
import { SupportDeskStack } from '../../lib/support-desk-stack.ts';

/** A first construction loads most of aws-cdk-lib: on a busy machine that alone can pass 30 s. */
const TIMEOUT_MS = 120_000;

test(
  'every NodejsFunction of the stack runs an entry of lib/functions.ts, and every entry is deployed',
  () => {
    // Nothing is bundled: only the construct tree is needed.
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const context: Record<string, string> = { stage: 'dev', supportAddress: 'support@help.example.com' };
    const stack = new SupportDeskStack(app, 'BundlesUnderTest', {
      settings: readDeploymentSettings(context),
    });
    const functions = stack.node.findAll().filter((node) => node instanceof NodejsFunction);
    const names = functions.map((fn) => entryNameOf(fn));
    expect(
      names.filter((name) => name === undefined),
      'functions made without lambdaFunction',
    ).toEqual([]);
    expect(new Set(names)).toEqual(new Set(Object.keys(LAMBDA_ENTRIES)));
  },
  TIMEOUT_MS,
);

test(
  'every entry exports its handler',
  async () => {
    for (const [name, { entry, handler }] of Object.entries(LAMBDA_ENTRIES)) {
      const module = (await import(entry)) as Record<string, unknown>;
      expect(typeof module[handler], `${name}: ${handler} in ${entry}`).toBe('function');
    }
  },
  TIMEOUT_MS,
);

/** The TypeScript files of function code, relative to functions/, with their text. */
function functionSources(): [file: string, text: string][] {
  const functions = join(PROJECT_ROOT, 'functions');
  return readdirSync(functions, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => [file, readFileSync(join(functions, file), 'utf8')]);
}

test('function code imports zod/mini as a namespace, so no bundle carries all of zod', () => {
  // `import { z } from 'zod/mini'` (or from 'zod') keeps every locale and the JSON Schema code:
  // 345 kB per bundle (docs/operations.md, Cold start). Type-only imports are erased and cost nothing.
  const named = functionSources()
    .filter(([, text]) => /^import \{[^}]*\bz\b[^}]*\} from 'zod(\/[^']*)?'/m.test(text))
    .map(([file]) => file);
  expect(named).toEqual([]);
});

test("function code does not import classic zod ('zod', 'zod/v4'), only zod/mini", () => {
  // Classic zod's schemas carry every method, used or not: about 100 kB of each bundle against 40 kB
  // for the same schemas in zod/mini (docs/operations.md, Cold start).
  const classic = functionSources()
    .filter(([, text]) => /\bfrom 'zod(\/v4)?'|\bimport\('zod(\/v4)?'\)/.test(text))
    .map(([file]) => file);
  expect(classic).toEqual([]);
});

describe('what each bundle carries', () => {
  /** Every bundle's metafile inputs, built as deployed (lib/bundling.ts). */
  const inputsOf: Record<string, esbuild.Metafile['inputs']> = {};
  /** The inputs each bundle keeps code of (the rest esbuild read and shook out). */
  const carriedOf: Record<string, string[]> = {};
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bundles-'));
    await Promise.all(
      Object.entries(LAMBDA_ENTRIES).map(async ([name, { entry }]) => {
        const outfile = join(dir, name, 'index.mjs');
        const conditions = esbuildConditionsFor(name);
        const built = await esbuild.build({
          ...esbuildOptions(entry, outfile),
          ...(conditions ? { conditions } : {}),
          metafile: true,
        });
        inputsOf[name] = built.metafile.inputs;
        const output = Object.entries(built.metafile.outputs).find(([path]) => path.endsWith('.mjs'))![1];
        carriedOf[name] = Object.entries(output.inputs)
          .filter(([, input]) => input.bytesInOutput > 0)
          .map(([path]) => path);
      }),
    );
  }, TIMEOUT_MS);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const CLASSIC = /node_modules\/zod\/v4\/classic\//;
  const withInput = (pattern: RegExp) =>
    Object.keys(LAMBDA_ENTRIES).filter((name) => Object.keys(inputsOf[name]!).some((p) => pattern.test(p)));

  test('no bundle carries classic zod but the system function, where zod-openapi brings it', () => {
    // zod-openapi (the OpenAPI document at GET /v1/openapi.json) imports `object`, `registry` and
    // `toJSONSchema` from 'zod/v4', classic zod's entry. Everything else validates with zod/mini.
    expect(withInput(CLASSIC)).toEqual(['api-system']);
    expect(withInput(/node_modules\/zod-openapi\//)).toEqual(['api-system']);
    // What leads into classic zod from outside zod: zod-openapi and nothing else.
    const inputs = inputsOf['api-system']!;
    const intoClassic = Object.entries(inputs)
      .filter(([path]) => !/node_modules\/zod\//.test(path))
      .filter(([, input]) =>
        input.imports.some(
          (i) => CLASSIC.test(i.path) || /node_modules\/zod\/(v4\/)?index\.js$/.test(i.path),
        ),
      )
      .map(([path]) => path);
    expect(intoClassic.length).toBeGreaterThan(0);
    expect(intoClassic.filter((path) => !/node_modules\/zod-openapi\//.test(path))).toEqual([]);
  });

  test("every bundle that validates carries zod's English messages, and no other locale", () => {
    // zod/mini loads no locale; functions/domain/zod-mini.ts sets English, the one locale bundled.
    const validating = withInput(/node_modules\/zod\/v4\/core\//);
    expect(validating.length).toBeGreaterThan(0);
    for (const name of validating) {
      const locales = carriedOf[name]!.map(
        (path) => /node_modules\/zod\/v4\/locales\/([\w-]+)\.js$/.exec(path)?.[1],
      ).filter((locale) => locale !== undefined && locale !== 'index');
      expect(locales, name).toEqual(['en']);
    }
  });

  test('the X-Ray SDK only in traced functions; every function of the desk logs and counts with Powertools', () => {
    const traced = Object.keys(LAMBDA_ENTRIES).filter((name) => LAMBDA_ENTRIES[name]!.traced !== false);
    // The deploy-time rule set activation is not a desk handler: no Powertools at all.
    expect(withInput(/node_modules\/aws-xray-sdk-core\//)).toEqual(
      traced.filter((name) => name !== 'ses-receipt-rule-set'),
    );
    expect(withInput(/^functions\/shared\/tracing-off\.ts$/)).toEqual(
      Object.keys(LAMBDA_ENTRIES).filter((name) => name.startsWith('api-')),
    );
    const desk = Object.keys(LAMBDA_ENTRIES).filter((name) => name !== 'ses-receipt-rule-set');
    expect(withInput(/node_modules\/@aws-lambda-powertools\/logger\//)).toEqual(desk);
    expect(withInput(/node_modules\/@aws-lambda-powertools\/metrics\//)).toEqual(desk);
  });

  test('only the catalogs function saves catalogs, so only it loads the holiday rules (#holidays)', () => {
    expect(withInput(/^functions\/app\/catalogs\.ts$/)).toEqual(['api-catalogs']);
  });

  test('only the functions that serve resources bundle their schemas (functions/api/schemas.ts)', () => {
    // Schema definitions are code esbuild cannot drop; mail and exports need only the shared shapes
    // (functions/api/schemas-common.ts). api-mail is the tightest bundle against its floor.
    expect(withInput(/^functions\/api\/schemas\.ts$/).sort()).toEqual([
      'api-accounts',
      'api-admin',
      'api-catalogs',
      'api-queue',
      'api-system',
      'api-tickets',
    ]);
  });
});

test('function code takes zones from Intl, not temporal-polyfill (55 kB in every bundle)', () => {
  // functions/domain/zone.ts is checked against temporal-polyfill in test/domain/zone.test.ts; the
  // polyfill stays a test oracle and a dependency of the local runtime only.
  const functions = join(PROJECT_ROOT, 'functions');
  const importing = readdirSync(functions, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .filter((file) => /from 'temporal-polyfill'/.test(readFileSync(join(functions, file), 'utf8')));
  expect(importing).toEqual([]);
});
