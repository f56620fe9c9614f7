// Every Lambda function of the stack, by name: its entry file and handler. The constructs create their
// functions through `lambdaFunction` and bench/cold-start.ts bundles this same list, so a function
// cannot be deployed without being measured, nor measured without being deployed.
import { join } from 'node:path';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { routeGroups } from '../functions/api/contract.ts';
import { LAMBDA_BUNDLING, PROJECT_ROOT } from './bundling.ts';

export interface LambdaEntry {
  /** Absolute path of the entry module. */
  entry: string;
  /** Exported function Lambda calls. */
  handler: string;
}

const entry = (file: string): LambdaEntry => ({ entry: join(PROJECT_ROOT, file), handler: 'handler' });

/** Names are `<folder>-<file>` of the entry; the API has one function per route group of the contract. */
export const LAMBDA_ENTRIES: Readonly<Record<string, LambdaEntry>> = {
  'api-auth': entry('functions/api/auth.ts'),
  ...Object.fromEntries(
    Object.keys(routeGroups).map((group) => [`api-${group}`, entry(`functions/api/${group}.ts`)]),
  ),
  'sla-reconciler': entry('functions/sla/reconciler.ts'),
  'sla-timer': entry('functions/sla/timer.ts'),
  'exports-close-month': entry('functions/exports/close-month.ts'),
  'email-handler': entry('functions/email/handler.ts'),
  'email-outbox-handler': entry('functions/email/outbox-handler.ts'),
};

/** What a construct still decides about its function: everything but the code. */
export type LambdaProps = Omit<
  NodejsFunctionProps,
  'entry' | 'handler' | 'projectRoot' | 'depsLockFilePath' | 'bundling'
>;

const entryNames = new WeakMap<NodejsFunction, string>();

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
    bundling: LAMBDA_BUNDLING,
  });
  entryNames.set(fn, name);
  return fn;
}

/** The LAMBDA_ENTRIES name a function was made from, or undefined if it bypassed lambdaFunction. */
export function entryNameOf(fn: NodejsFunction): string | undefined {
  return entryNames.get(fn);
}
