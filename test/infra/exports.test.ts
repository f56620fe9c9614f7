// The exports construct, synthesized once with cdk-nag: a private, encrypted, versioned bucket with
// Object Lock and access logs; the close function (Node 24, ARM64, ESM with its own SDK, the shared
// environment); the monthly schedule in the export time zone of that environment, whose role may
// invoke that function only; least-privilege table and bucket grants.
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, test } from 'vitest';
import { MONTH_CLOSE_CRON, UsageExports } from '../../lib/exports.ts';
import { functionEnvironment, readDeploymentSettings } from '../../lib/settings.ts';

const environment = functionEnvironment(readDeploymentSettings({ exportTimeZone: 'Europe/Madrid' }));

let template: Template;
let closeFunctionId: string;

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is inspected field by field
type Cfn = any;

beforeAll(() => {
  const app = new App();
  const stack = new Stack(app, 'ExportsTest', { env: { account: '111122223333', region: 'eu-west-1' } });
  const table = new TableV2(stack, 'Table', {
    partitionKey: { name: 'PK', type: AttributeType.STRING },
    sortKey: { name: 'SK', type: AttributeType.STRING },
  });
  // Stands for the API's exports function (and any other ledger writer).
  const api = new LambdaFunction(stack, 'ApiExports', {
    runtime: Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: Code.fromInline('export const handler = async () => ({});'),
  });
  const exports = new UsageExports(stack, 'Exports', {
    table,
    environment,
    production: true,
    retention: { days: 3650, mode: 'governance' },
  });
  exports.grantPull(api);
  for (const standIn of [api]) {
    Validations.of(standIn).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'A stand-in function of this test, not part of the construct under test.',
    });
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  // cdk-nag fails synth on any unacknowledged finding of the construct.
  app.synth();
  template = Template.fromStack(stack);
  closeFunctionId = stack.getLogicalId(exports.closeFunction.node.defaultChild as never);
}, 120_000);

describe('the exports bucket', () => {
  test('is SSE-S3 encrypted, versioned, private, TLS only, access-logged, and retained in production', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'exports/' }),
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 365 }, Status: 'Enabled' }),
          ],
        },
      }),
      DeletionPolicy: 'Retain',
    });
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')) as Cfn[];
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });
});

describe('Object Lock', () => {
  test('every export object is locked by default: governance mode, for the retention asked', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'exports/' }),
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 3650 } },
      },
    });
  });

  test('compliance mode when the deployment asks for it', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Compliance', { env: { region: 'eu-west-1' } });
    const table = new TableV2(stack, 'Table', { partitionKey: { name: 'PK', type: AttributeType.STRING } });
    new UsageExports(stack, 'Exports', {
      table,
      environment,
      production: false,
      retention: { days: 7, mode: 'compliance' },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 7 } } },
    });
  });
});

describe('the close function and its schedule', () => {
  test('Node 24 on ARM64, bundled with its own SDK, told where exports go and which zone closes months', () => {
    const fn = template.findResources('AWS::Lambda::Function')[closeFunctionId] as Cfn;
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 300,
      Environment: { Variables: expect.objectContaining(environment) },
    });
    expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(
      expect.arrayContaining(['TABLE_NAME', 'EXPORTS_BUCKET', 'EXPORT_TIME_ZONE']),
    );
    expect(fn.Properties.DeadLetterConfig).toBeDefined();
  });

  test('runs at 01:00 on the 1st in the export zone, retried, with a dead-letter queue', () => {
    expect(MONTH_CLOSE_CRON).toBe('cron(0 1 1 * ? *)');
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 1 1 * ? *)',
      ScheduleExpressionTimezone: 'Europe/Madrid',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [closeFunctionId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 86400 },
        DeadLetterConfig: Match.objectLike({ Arn: Match.anyValue() }),
      }),
    });
  });

  test('the schedule’s role may invoke the close function only, for this account only', () => {
    const roles = template.findResources('AWS::IAM::Role', {
      Properties: {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })],
        },
      },
    });
    const [roleId, role] = Object.entries(roles)[0] as [string, Cfn];
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '111122223333' },
    });
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p: Cfn) =>
      p.Properties.Roles.some((r: Cfn) => r.Ref === roleId),
    ) as Cfn;
    const invoke = policy.Properties.PolicyDocument.Statement.filter(
      (s: Cfn) => s.Action === 'lambda:InvokeFunction',
    );
    expect(invoke).toEqual([
      expect.objectContaining({ Resource: { 'Fn::GetAtt': [closeFunctionId, 'Arn'] } }),
    ]);
  });
});

describe('grants', () => {
  function statementsOf(functionId: string): Cfn[] {
    const fn = template.findResources('AWS::Lambda::Function')[functionId] as Cfn;
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p: Cfn) => p.Properties.Roles.some((r: Cfn) => r.Ref === roleId))
      .flatMap((p: Cfn) => p.Properties.PolicyDocument.Statement);
  }

  test('the close: Query on the month index, reads by leading key, writes of MONTH# items, export objects', () => {
    const statements = statementsOf(closeFunctionId);
    const dynamo = statements.filter((s) => JSON.stringify(s.Action).includes('dynamodb:'));
    expect(dynamo).toHaveLength(3);
    expect(dynamo.flatMap((s) => [s.Action].flat())).not.toContain('dynamodb:Scan');
    expect(dynamo[0]).toMatchObject({
      Action: ['dynamodb:GetItem', 'dynamodb:Query'],
      Condition: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ACCOUNT#*', 'CATALOG#*', 'MONTH#*'] },
      },
    });
    expect(dynamo[1]).toMatchObject({
      Action: 'dynamodb:PutItem',
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['MONTH#*'] } },
    });
    expect(dynamo[2].Action).toBe('dynamodb:Query');
    expect(JSON.stringify(dynamo[2].Resource)).toContain('/index/GSI3');
    const s3 = statements.find((s) => JSON.stringify(s.Action).includes('s3:'));
    expect(s3.Action).toEqual(['s3:PutObject', 's3:GetObject']);
    expect(JSON.stringify(s3.Resource)).toContain('/usage-*');
  });

  test('the API’s exports function reads export objects only, and gets the bucket', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const apiId = Object.keys(functions).find((id) => id.startsWith('ApiExports'))!;
    const s3 = statementsOf(apiId).filter((s) => JSON.stringify(s.Action).includes('s3:'));
    expect(s3).toEqual([expect.objectContaining({ Action: 's3:GetObject' })]);
    const variables = (functions[apiId] as Cfn).Properties.Environment.Variables;
    expect(variables.EXPORTS_BUCKET).toBeDefined();
  });
});
