// The Lambda entries list (lib/functions.ts) is the stack: every function of the stack is made from
// it, and every entry is deployed, so bench/cold-start.ts measures exactly what is deployed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { expect, test } from 'vitest';
import { PROJECT_ROOT } from '../../lib/bundling.ts';
import { entryNameOf, LAMBDA_ENTRIES } from '../../lib/functions.ts';
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
      settings: readDeploymentSettings((key) => context[key]),
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

test('function code imports zod as a namespace, so no bundle carries all of zod', () => {
  // `import { z } from 'zod'` keeps every locale and the JSON Schema code: 345 kB per bundle
  // (docs/operations.md, Cold start). Type-only imports are erased and cost nothing.
  const functions = join(PROJECT_ROOT, 'functions');
  const named = readdirSync(functions, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .filter((file) =>
      /^import \{[^}]*\bz\b[^}]*\} from 'zod'/m.test(readFileSync(join(functions, file), 'utf8')),
    );
  expect(named).toEqual([]);
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
