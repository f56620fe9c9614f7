// The API construct as CloudFormation: one function per route group, every contract route with the
// authorizer exactly where the contract says, throttling per route, access logs, runtime, the
// shared environment, and table grants by partition.
// Synthesised once (bundling with esbuild is the slow part), with cdk-nag on.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, test } from 'vitest';
import { allRoutes, routeGroups } from '../../functions/api/routes.ts';
import { ACCESS_LOG_FIELDS, DEFAULT_THROTTLE, PUBLIC_ROUTE_THROTTLE, SupportDeskApi } from '../../lib/api.ts';
import { functionEnvironment, readDeploymentSettings } from '../../lib/settings.ts';
import { SupportDeskTable } from '../../lib/table.ts';
import { READ_ACTIONS, TABLE_ACCESS, WRITE_ACTIONS } from '../../lib/table-access.ts';

const environment = functionEnvironment(readDeploymentSettings({ slaAlertsTo: 'oncall@help.example.com' }));

let template: Template;
let stack: Stack;
let api: SupportDeskApi;
let assemblyDir: string;

beforeAll(() => {
  const app = new App();
  stack = new Stack(app, 'ApiUnderTest');
  const data = new SupportDeskTable(stack, 'Data', { production: false });
  // Only the rate is set: the burst falls back to the default.
  api = new SupportDeskApi(stack, 'Api', {
    table: data.table,
    environment,
    production: false,
    throttle: { rateLimit: 7 },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  // Throws on any unacknowledged cdk-nag finding.
  assemblyDir = app.synth().directory;
  template = Template.fromStack(stack);
}, 120_000);

const logicalId = (element: unknown) => stack.getLogicalId(element as CfnElement);
const functionId = (group: string) => logicalId(api.functions[group]!.node.defaultChild as CfnFunction);

/** Every action granted to a function's role, with the statements that grant them. */
function statementsOf(functionLogicalId: string): { Action: string | string[]; Condition?: unknown }[] {
  const fn = template.findResources('AWS::Lambda::Function')[functionLogicalId];
  const roleId = fn?.Properties.Role['Fn::GetAtt'][0] as string;
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleId),
  );
  return policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}
const actionsOf = (functionLogicalId: string) =>
  statementsOf(functionLogicalId).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

describe('functions', () => {
  test('one per route group plus the authorizer, each Node 24 on ARM64 with 512 MB, 10 s and its env', () => {
    const groups = Object.keys(routeGroups);
    template.resourceCountIs('AWS::Lambda::Function', groups.length + 1);
    expect(Object.keys(api.functions).sort()).toEqual([...groups].sort());
    const functions = template.findResources('AWS::Lambda::Function');
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 512,
        Timeout: 10,
        Environment: { Variables: { ...environment, TABLE_NAME: { Ref: expect.any(String) } } },
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
      });
    }
  });

  test('bundles are minified ESM with a source map, the AWS SDK inside', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    for (const fn of Object.values(functions)) {
      // The code's S3 key is `<asset hash>.zip`; the staged bundle is `asset.<asset hash>/`.
      const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
      const assetDir = join(assemblyDir, `asset.${hash}`);
      const bundle = join(assetDir, 'index.mjs');
      expect(existsSync(bundle)).toBe(true);
      expect(existsSync(`${bundle}.map`)).toBe(true);
      const code = readFileSync(bundle, 'utf8');
      expect(code.startsWith("import { createRequire } from 'module';")).toBe(true);
      // Bundled, not left to the runtime's copy.
      expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
      expect(code).toContain('DynamoDB');
      // Minified: long lines (template literals keep a few line breaks).
      expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
      expect(statSync(bundle).size).toBeLessThan(3 * 1024 * 1024);
    }
  });

  test('log groups have a retention', () => {
    const groups = template.findResources('AWS::Logs::LogGroup');
    // One per function plus the access logs.
    expect(Object.keys(groups)).toHaveLength(Object.keys(routeGroups).length + 2);
    for (const group of Object.values(groups)) expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
  });
});

describe('routes and the authorizer', () => {
  test('every contract route key is a route, public ones without the authorizer', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(allRoutes.map((r) => r.routeKey).sort());
    const [authorizerId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'));
    for (const contract of allRoutes) {
      const route = routes.find((r) => r.Properties.RouteKey === contract.routeKey)!;
      if (contract.roles === 'public') {
        expect(route.Properties.AuthorizationType).toBe('NONE');
        expect(route.Properties.AuthorizerId).toBeUndefined();
      } else {
        expect(route.Properties.AuthorizationType).toBe('CUSTOM');
        expect(route.Properties.AuthorizerId).toEqual({ Ref: authorizerId });
      }
    }
    const open = routes
      .filter((r) => r.Properties.AuthorizationType === 'NONE')
      .map((r) => r.Properties.RouteKey);
    expect(open.sort()).toEqual(['GET /v1/health', 'GET /v1/openapi.json']);
  });

  test('routes reach the function of their group', () => {
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    for (const [group, groupRoutes] of Object.entries(routeGroups)) {
      for (const contract of Object.values(groupRoutes)) {
        const route = routes.find((r) => r.Properties.RouteKey === contract.routeKey)!;
        const integrationId = route.Properties.Target['Fn::Join'][1][1].Ref as string;
        const uri = JSON.stringify(integrations[integrationId]?.Properties.IntegrationUri);
        expect(uri).toContain(functionId(group));
      }
    }
  });

  test('the authorizer uses simple responses on the Authorization header, cached 5 minutes', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 300,
      AuthorizerUri: Match.objectLike({
        'Fn::Join': Match.arrayWith([
          Match.arrayWith([{ 'Fn::GetAtt': [logicalId(api.authorizerFunction.node.defaultChild), 'Arn'] }]),
        ]),
      }),
    });
  });
});

describe('the default stage', () => {
  test('is throttled from the prop, with defaults for what it leaves out', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 7, ThrottlingBurstLimit: DEFAULT_THROTTLE.burstLimit },
    });
  });

  test('every route has limits of its own; public routes low ones, so they cannot spend the others’ budget', () => {
    const [id, stage] = Object.entries(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    const settings = stage.Properties.RouteSettings as Record<string, Record<string, number>>;
    expect(Object.keys(settings).sort()).toEqual(allRoutes.map((r) => r.routeKey).sort());
    for (const contract of allRoutes) {
      const expected =
        contract.roles === 'public'
          ? PUBLIC_ROUTE_THROTTLE
          : { rateLimit: 7, burstLimit: DEFAULT_THROTTLE.burstLimit };
      expect(settings[contract.routeKey], contract.routeKey).toEqual({
        ThrottlingRateLimit: expected.rateLimit,
        ThrottlingBurstLimit: expected.burstLimit,
      });
    }
    expect(settings['GET /v1/health']!.ThrottlingRateLimit).toBeLessThan(DEFAULT_THROTTLE.rateLimit);
    // API Gateway refuses route settings for a route it does not know yet.
    const routeIds = Object.keys(template.findResources('AWS::ApiGatewayV2::Route'));
    expect([...template.toJSON().Resources[id].DependsOn].sort()).toEqual(
      expect.arrayContaining(routeIds.sort()),
    );
  });

  test('writes JSON access logs with the request id, route, status, latency and ip, and no secrets or bodies', () => {
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    const settings = stage.Properties.AccessLogSettings;
    expect(settings.DestinationArn).toEqual({
      'Fn::GetAtt': [logicalId(api.accessLogs.node.defaultChild), 'Arn'],
    });
    const format = JSON.parse(settings.Format);
    expect(format).toEqual(ACCESS_LOG_FIELDS);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latency: '$context.responseLatency',
      ip: '$context.identity.sourceIp',
    });
    expect(settings.Format).not.toMatch(/request\.header|authorization|body|querystring/i);
  });
});

describe('table permissions', () => {
  const tableArn = () => ({
    'Fn::GetAtt': [
      logicalId(api.node.scope!.node.findChild('Data').node.findChild('Table').node.defaultChild),
      'Arn',
    ],
  });
  const tableStatements = (fnId: string) =>
    statementsOf(fnId).filter((s) => JSON.stringify(s.Action).includes('dynamodb:')) as {
      Action: string | string[];
      Resource: unknown;
      Condition?: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': string[] } };
    }[];
  const functionsByEntry = () => ({
    'api-auth': logicalId(api.authorizerFunction.node.defaultChild),
    ...Object.fromEntries(Object.keys(routeGroups).map((group) => [`api-${group}`, functionId(group)])),
  });

  test('every item action on the table is limited to the partitions of the function’s row', () => {
    for (const [entry, fnId] of Object.entries(functionsByEntry())) {
      const row = TABLE_ACCESS[entry]!;
      const onTable = tableStatements(fnId).filter(
        (s) => JSON.stringify(s.Resource) === JSON.stringify(tableArn()),
      );
      expect(onTable.length, entry).toBeGreaterThan(0);
      for (const statement of onTable) {
        // No statement on the table itself without a leading-key condition: it would grant every item.
        expect(statement.Condition, `${entry}: ${JSON.stringify(statement.Action)}`).toBeDefined();
      }
      const leadingFor = (action: string) =>
        onTable
          .filter((s) => [s.Action].flat().includes(action))
          .flatMap((s) => s.Condition!['ForAllValues:StringLike']['dynamodb:LeadingKeys']);
      for (const action of row.readActions ?? READ_ACTIONS) {
        expect(leadingFor(action).sort(), `${entry} ${action}`).toEqual([...row.reads].sort());
      }
      for (const action of WRITE_ACTIONS) {
        const granted = (row.writeActions ?? (row.writes.length > 0 ? WRITE_ACTIONS : [])).includes(action);
        expect(leadingFor(action).sort(), `${entry} ${action}`).toEqual(
          granted ? [...row.writes].sort() : [],
        );
      }
    }
  });

  test('the groups that only read cannot write anything: system, accounts (usage), exports', () => {
    for (const group of ['system', 'accounts', 'exports']) {
      const actions = actionsOf(functionId(group));
      expect(actions, group).toContain(group === 'accounts' ? 'dynamodb:Query' : 'dynamodb:GetItem');
      for (const write of [...WRITE_ACTIONS, 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem'])
        expect(actions, group).not.toContain(write);
    }
  });

  test('API keys and month items are written by no group but admin (keys), and none (months)', () => {
    for (const group of Object.keys(routeGroups)) {
      const written = tableStatements(functionId(group))
        .filter((s) => [s.Action].flat().some((a) => (WRITE_ACTIONS as readonly string[]).includes(a)))
        .flatMap((s) => s.Condition?.['ForAllValues:StringLike']['dynamodb:LeadingKeys'] ?? ['<any>']);
      expect(written, group).not.toContain('MONTH#*');
      if (group !== 'admin') expect(written, group).not.toContain('APIKEY#*');
    }
  });

  test('indexes are queried by name, only those of the row, never all of them', () => {
    for (const [entry, fnId] of Object.entries(functionsByEntry())) {
      const onIndexes = tableStatements(fnId).filter((s) => JSON.stringify(s.Resource).includes('/index/'));
      const names = onIndexes.flatMap((s) =>
        [s.Resource].flat().map((r) => JSON.stringify(r).match(/\/index\/(\w+)/)?.[1]),
      );
      expect(names.sort(), entry).toEqual([...TABLE_ACCESS[entry]!.indexes].sort());
      for (const s of onIndexes) expect(s.Action, entry).toBe('dynamodb:Query');
    }
  });

  test('the authorizer only gets API-key items', () => {
    const statements = tableStatements(logicalId(api.authorizerFunction.node.defaultChild));
    expect(statements).toEqual([
      expect.objectContaining({
        Action: 'dynamodb:GetItem',
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['APIKEY#*'] } },
      }),
    ]);
  });

  test('function roles write only to their own log group (no managed policies)', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});
