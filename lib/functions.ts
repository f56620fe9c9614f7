// Every Lambda function of the stack, by name: its entry file and handler. The constructs create their
// functions through `lambdaFunction` and bench/cold-start.ts bundles this same list, so a function
// cannot be deployed without being measured, nor measured without being deployed. `lambdaFunction`
// also gives every function the deployment's shared environment (lib/settings.ts).
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Tracing } from 'aws-cdk-lib/aws-lambda';
import {
  type BundlingOptions,
  NodejsFunction,
  type NodejsFunctionProps,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { routeGroups } from '../functions/api/routes.ts';
import { LAMBDA_BUNDLING, PROJECT_ROOT } from './bundling.ts';

export interface LambdaEntry {
  /** Absolute path of the entry module. */
  entry: string;
  /** Exported function Lambda calls. */
  handler: string;
  /**
   * false: built without the Powertools Tracer and the X-Ray SDK (`#tracing` resolves to
   * functions/shared/tracing-off.ts), to keep a synchronous function's cold start within its budget.
   * Lambda's active tracing still records its invocations. Default true.
   */
  traced?: boolean;
}

interface EntryOptions {
  traced?: boolean;
}

const entry = (file: string, { traced }: EntryOptions = {}): LambdaEntry => ({
  entry: join(PROJECT_ROOT, file),
  handler: 'handler',
  ...(traced === false ? { traced } : {}),
});

/** The package.json "imports" condition that resolves `#tracing` to the no-op module. */
export const UNTRACED_CONDITION = 'support-desk-untraced';

/**
 * esbuild's resolve conditions for LAMBDA_ENTRIES[name], or undefined for its defaults. Naming any
 * condition drops esbuild's implicit `module`, which the AWS SDK's ESM builds are found by: kept.
 */
export function esbuildConditionsFor(name: string): string[] | undefined {
  return LAMBDA_ENTRIES[name]?.traced === false ? [UNTRACED_CONDITION, 'module'] : undefined;
}

/**
 * Names are `<folder>-<file>` of the entry; the API has one function per route group of the route table.
 * `ses-receipt-rule-set` is the handler of a deployment-time custom resource (lib/custom-resources/).
 */
export const LAMBDA_ENTRIES: Readonly<Record<string, LambdaEntry>> = {
  // The synchronous API functions are built untraced: the X-Ray SDK (about 155 kB, some 13 ms of
  // init) would put their cold start past 1.5 times the floor (docs/operations.md, Cold start).
  'api-auth': entry('functions/api/auth.ts', { traced: false }),
  ...Object.fromEntries(
    Object.keys(routeGroups).map((group) => [
      `api-${group}`,
      entry(`functions/api/${group}.ts`, { traced: false }),
    ]),
  ),
  'sla-reconciler': entry('functions/sla/reconciler.ts'),
  'sla-timer': entry('functions/sla/timer.ts'),
  'sla-sweeper': entry('functions/sla/sweeper.ts'),
  'exports-close-month': entry('functions/exports/close-month.ts'),
  'exports-contract-notices': entry('functions/exports/contract-notices.ts'),
  'email-handler': entry('functions/email/handler.ts'),
  'email-outbox-handler': entry('functions/email/outbox-handler.ts'),
  'ses-receipt-rule-set': entry('lib/custom-resources/receipt-rule-set.ts'),
};

/** The environment every function gets (functionEnvironment in lib/settings.ts). */
export type SharedEnvironment = Readonly<Record<string, string>>;

/** What a construct still decides about its function: everything but the code. */
export type LambdaProps = Omit<
  NodejsFunctionProps,
  'entry' | 'handler' | 'projectRoot' | 'depsLockFilePath' | 'bundling'
>;

const entryNames = new WeakMap<NodejsFunction, string>();

/** How LAMBDA_ENTRIES[name] is bundled: LAMBDA_BUNDLING, with its resolve conditions (untraced functions). */
export function bundlingFor(name: string): BundlingOptions {
  const conditions = esbuildConditionsFor(name);
  return conditions
    ? { ...LAMBDA_BUNDLING, esbuildArgs: { '--conditions': conditions.join(',') } }
    : LAMBDA_BUNDLING;
}

/**
 * A function running LAMBDA_ENTRIES[name], bundled as every function is (lib/bundling.ts), with the
 * shared environment plus its own variables (`props.environment`: table and bucket names). Its own
 * may not redefine a shared one: two values for one setting would make functions disagree.
 */
export function lambdaFunction(
  scope: Construct,
  id: string,
  name: string,
  shared: SharedEnvironment,
  props: LambdaProps,
): NodejsFunction {
  const code = LAMBDA_ENTRIES[name];
  if (!code) throw new Error(`no Lambda entry named ${name} in lib/functions.ts`);
  const clash = Object.keys(props.environment ?? {}).filter((key) => key in shared);
  if (clash.length > 0) {
    throw new Error(`${name}: ${clash.join(', ')} come from the deployment settings, not from the function`);
  }
  const fn = new NodejsFunction(scope, id, {
    // Every function is traced by Lambda (its invocations, init and overhead); the CDK grants the
    // role X-Ray's PutTraceSegments and PutTelemetryRecords. SDK calls appear where `traced` is on.
    tracing: Tracing.ACTIVE,
    ...props,
    environment: { ...shared, ...props.environment },
    ...code,
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
    bundling: bundlingFor(name),
  });
  entryNames.set(fn, name);
  acknowledgeTracingWildcard(fn);
  return fn;
}

/**
 * X-Ray's PutTraceSegments and PutTelemetryRecords take no resource: the statement Tracing.ACTIVE
 * adds names `*`. test/infra/stack.test.ts checks that no other action of a function's policy does.
 */
function acknowledgeTracingWildcard(fn: NodejsFunction): void {
  const policy = fn.role?.node.tryFindChild('DefaultPolicy');
  if (!policy) return;
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions',
  });
}

/** The LAMBDA_ENTRIES name a function was made from, or undefined if it bypassed lambdaFunction. */
export function entryNameOf(fn: NodejsFunction): string | undefined {
  return entryNames.get(fn);
}
