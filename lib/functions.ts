// Every Lambda function of the stack, by name: its entry file and handler. The constructs create their
// functions through `lambdaFunction` and bench/cold-start.ts bundles this same list, so a function
// cannot be deployed without being measured, nor measured without being deployed.
import { join } from 'node:path';
import type { IAspect } from 'aws-cdk-lib';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import {
  type BundlingOptions,
  NodejsFunction,
  type NodejsFunctionProps,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct, IConstruct } from 'constructs';
import { routeGroups } from '../functions/api/routes.ts';
import { LAMBDA_BUNDLING, PROJECT_ROOT } from './bundling.ts';

export interface LambdaEntry {
  /** Absolute path of the entry module. */
  entry: string;
  /** Exported function Lambda calls. */
  handler: string;
  /**
   * Modules the handler imports on first use by a package.json "imports" specifier (`#holidays`),
   * bundled apart so they cost nothing at cold start: specifier -> source file from the project root.
   */
  lazyModules?: Readonly<Record<string, string>>;
}

const entry = (file: string, lazyModules?: Record<string, string>): LambdaEntry => ({
  entry: join(PROJECT_ROOT, file),
  handler: 'handler',
  ...(lazyModules ? { lazyModules } : {}),
});

/** Lazy modules per API route group, and the intake's (the specifiers are in package.json "imports"). */
const API_LAZY_MODULES: Record<string, Record<string, string>> = {
  // Holiday rules of every country (date-holidays, 1.4 MB) are needed only when a catalog is saved.
  catalogs: { '#holidays': 'functions/catalog/holidays.ts' },
  // html-to-text: only for mail without a text/plain part.
  mail: { '#html-text': 'functions/email/html-text.ts' },
};

/** Names are `<folder>-<file>` of the entry; the API has one function per route group of the route table. */
export const LAMBDA_ENTRIES: Readonly<Record<string, LambdaEntry>> = {
  'api-auth': entry('functions/api/auth.ts'),
  ...Object.fromEntries(
    Object.keys(routeGroups).map((group) => [
      `api-${group}`,
      entry(`functions/api/${group}.ts`, API_LAZY_MODULES[group]),
    ]),
  ),
  'sla-reconciler': entry('functions/sla/reconciler.ts'),
  'sla-timer': entry('functions/sla/timer.ts'),
  'exports-close-month': entry('functions/exports/close-month.ts'),
  'email-handler': entry('functions/email/handler.ts', API_LAZY_MODULES.mail),
  'email-outbox-handler': entry('functions/email/outbox-handler.ts'),
};

/** What a construct still decides about its function: everything but the code. */
export type LambdaProps = Omit<
  NodejsFunctionProps,
  'entry' | 'handler' | 'projectRoot' | 'depsLockFilePath' | 'bundling'
>;

const entryNames = new WeakMap<NodejsFunction, string>();

/** How LAMBDA_ENTRIES[name] is bundled: LAMBDA_BUNDLING, plus its lazy modules built after it. */
export function bundlingFor(name: string): BundlingOptions {
  const lazy = LAMBDA_ENTRIES[name]?.lazyModules;
  if (!lazy) return LAMBDA_BUNDLING;
  const pairs = Object.entries(lazy).map(([specifier, source]) => `'${specifier}=${source}'`);
  return {
    ...LAMBDA_BUNDLING,
    externalModules: [...LAMBDA_BUNDLING.externalModules, ...Object.keys(lazy)],
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir: string, outputDir: string) => [
        `node '${join(inputDir, 'lib', 'build-lazy-modules.ts')}' '${outputDir}' ${pairs.join(' ')}`,
      ],
    },
  };
}

/** A function running LAMBDA_ENTRIES[name], bundled as every function is (lib/bundling.ts). */
export function lambdaFunction(
  scope: Construct,
  id: string,
  name: string,
  props: LambdaProps,
): NodejsFunction {
  const code = LAMBDA_ENTRIES[name];
  if (!code) throw new Error(`no Lambda entry named ${name} in lib/functions.ts`);
  const fn = new NodejsFunction(scope, id, {
    ...props,
    ...code,
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
    bundling: bundlingFor(name),
  });
  entryNames.set(fn, name);
  return fn;
}

/** The LAMBDA_ENTRIES name a function was made from, or undefined if it bypassed lambdaFunction. */
export function entryNameOf(fn: NodejsFunction): string | undefined {
  return entryNames.get(fn);
}

/**
 * Sets `environment` on every Lambda function in the scope it is added to (with
 * `Aspects.of(stack).add`), functions added later included: for settings every function must share
 * because any of them may need them (the support address, the agents' alert addresses, the export
 * time zone), not only the ones known today.
 */
export class EnvironmentEverywhere implements IAspect {
  private readonly environment: Readonly<Record<string, string>>;
  constructor(environment: Readonly<Record<string, string>>) {
    this.environment = environment;
  }
  visit(node: IConstruct): void {
    if (!(node instanceof LambdaFunction)) return;
    for (const [key, value] of Object.entries(this.environment)) node.addEnvironment(key, value);
  }
}
