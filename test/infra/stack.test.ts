import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, test } from 'vitest';
import { GLOBAL_INDEXES, TTL_ATTRIBUTE } from '../../functions/store/table-definition.ts';
import { functionEnvironment, readDeploymentSettings } from '../../lib/settings.ts';
import { SupportDeskStack } from '../../lib/support-desk-stack.ts';

/** A first synth loads most of aws-cdk-lib: on a busy machine that alone can pass 30 s. */
const SYNTH_TIMEOUT_MS = 120_000;

function synthStack(stage: string, extra: Record<string, string> = {}) {
  // No stack is bundled: these tests read the table, and esbuild for every function of the stack
  // would take longer than the test timeout (the construct tests bundle their own functions).
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  // Production refuses to deploy without a support address (lib/settings.ts).
  const context: Record<string, string> = { stage, supportAddress: 'support@help.example.com', ...extra };
  const settings = readDeploymentSettings(context);
  const stack = new SupportDeskStack(app, `SupportDesk-${stage}`, {
    settings,
    env: { region: 'eu-west-1' },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  return { stack, settings, template: Template.fromStack(stack) };
}

const synth = (stage: string) => synthStack(stage).template;

describe('the single table', { timeout: SYNTH_TIMEOUT_MS }, () => {
  test('is on-demand, encrypted, with PITR, a NEW_AND_OLD_IMAGES stream, TTL and every index', () => {
    const template = synth('dev');
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      SSESpecification: { SSEEnabled: true },
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: false,
        }),
      ],
      GlobalSecondaryIndexes: GLOBAL_INDEXES.map((index) =>
        Match.objectLike({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
        }),
      ),
    });
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
  });

  test('in production (-c production=true, whatever the stage is called) it has deletion protection and is retained', () => {
    const { template } = synthStack('live', { production: 'true' });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })],
    });
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('stage prod without the production setting stays protected, with a warning to say so', () => {
    const { stack, template } = synthStack('prod');
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
    Annotations.fromStack(stack).hasWarning(
      `/${stack.stackName}`,
      Match.stringLikeRegexp('stage prod is deployed as production.*-c production=true'),
    );
  });

  test('a stage named otherwise without production=true is not protected', () => {
    const { template } = synthStack('prod-like');
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
  });
});

describe('deployment settings and cdk-nag', () => {
  test('a bad stage is refused with the setting named', () => {
    expect(() => readDeploymentSettings({ stage: 'Prod Stage' })).toThrow(/context\.stage/);
  });

  test('cdk-nag is active: a table without point-in-time recovery fails synth', () => {
    const app = new App();
    const stack = new Stack(app, 'Careless');
    new Table(stack, 'T', { partitionKey: { name: 'PK', type: AttributeType.STRING } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-DDB3/);
  });
});

describe('the shared environment', { timeout: SYNTH_TIMEOUT_MS }, () => {
  test('every function has the environment built once from the settings, from its construction on', () => {
    const { settings, template } = synthStack('dev', {
      slaAlertsTo: 'oncall@help.example.com',
      exportTimeZone: 'Europe/Madrid',
      logLevel: 'debug',
      automaticMailPerHour: '4',
      sesConfigurationSet: 'desk-events',
    });
    const shared = functionEnvironment(settings);
    expect(shared).toEqual({
      SUPPORT_ADDRESS: 'support@help.example.com',
      MAIL_DOMAIN: 'help.example.com',
      EXPORT_TIME_ZONE: 'Europe/Madrid',
      LOG_LEVEL: 'debug',
      AUTOMATIC_MAIL_PER_HOUR: '4',
      SLA_ALERTS_TO: 'oncall@help.example.com',
      SES_CONFIGURATION_SET: 'desk-events',
      NODE_OPTIONS: '--enable-source-maps',
      // Powertools reads these itself: the stage's metrics namespace, and never the event or a
      // traced response (customer content) in a log or a trace.
      POWERTOOLS_METRICS_NAMESPACE: 'SupportDesk/dev',
      POWERTOOLS_LOGGER_LOG_EVENT: 'false',
      POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
    });
    // The desk's functions; CDK's own bucket-deployment function (the console's files) runs none of its code.
    const functions = Object.entries(template.findResources('AWS::Lambda::Function')).filter(
      ([id]) => !id.startsWith('CustomCDKBucketDeployment'),
    );
    expect(functions.length).toBeGreaterThanOrEqual(13);
    for (const [id, fn] of functions) {
      expect(fn.Properties.Environment.Variables, id).toMatchObject(shared);
    }
    // Before any synth (when Aspects run) the functions already carry it: it comes with their props.
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const unsynthesized = new SupportDeskStack(app, 'NotSynthesized', {
      settings,
      env: { region: 'eu-west-1' },
    });
    const made = unsynthesized.node.findAll().filter((node) => node instanceof NodejsFunction);
    expect(made.length).toBe(functions.length);
    for (const fn of made) {
      const cfn = fn.node.defaultChild as CfnFunction;
      const variables = unsynthesized.resolve(cfn.environment) as { variables: Record<string, unknown> };
      expect(variables.variables, fn.node.path).toMatchObject(shared);
    }
  });
});

describe('SLA alerts', { timeout: SYNTH_TIMEOUT_MS }, () => {
  // Any ticket change may record a warning or breach and writes its alerts to the outbox with it.
  test('every function gets the agents’ alert addresses; only the outbox sender may send mail', () => {
    const { stack, template } = synthStack('dev', {
      slaAlertsTo: 'oncall@help.example.com,lead@help.example.com',
    });
    const resources = template.toJSON().Resources;
    const logicalId = (fn: NodejsFunction) => stack.getLogicalId(fn.node.defaultChild as never);
    const functions = stack.node.findAll().filter((node) => node instanceof NodejsFunction);
    for (const fn of functions) {
      expect(resources[logicalId(fn)].Properties.Environment.Variables, fn.node.path).toMatchObject({
        SLA_ALERTS_TO: 'oncall@help.example.com,lead@help.example.com',
        SUPPORT_ADDRESS: 'support@help.example.com',
      });
    }
    // The functions that change tickets, so record alerts: the API's, the mail intake, the timer.
    const writers = [
      stack.api.functions.tickets!,
      stack.api.functions.mail!,
      stack.mail.intakeFunction,
      stack.timers.timerFunction,
    ];
    for (const fn of writers) expect(functions).toContain(fn);

    const senders = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) =>
        policy.Properties.PolicyDocument.Statement.some((s: { Action: string | string[] }) =>
          [s.Action].flat().some((action) => action.startsWith('ses:Send')),
        ),
      )
      .flatMap((policy) => policy.Properties.Roles.map((role: { Ref: string }) => role.Ref));
    expect(senders).toEqual([stack.getLogicalId(stack.mail.outboxFunction.role!.node.defaultChild as never)]);
  });

  test('without slaAlertsTo no function is told any agent address', () => {
    const { template } = synthStack('dev');
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.Environment?.Variables?.SLA_ALERTS_TO).toBeUndefined();
    }
  });
});

describe('tracing', { timeout: SYNTH_TIMEOUT_MS }, () => {
  test('every function is actively traced, and may write to X-Ray', () => {
    const { template } = synthStack('dev');
    // The desk's functions; CDK's own that copies the console's files to its bucket is not one.
    const functions = Object.entries(template.findResources('AWS::Lambda::Function')).filter(
      ([id]) => !id.startsWith('CustomCDKBucketDeployment'),
    );
    expect(functions.length).toBeGreaterThanOrEqual(13);
    for (const [id, fn] of functions) {
      expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
    }
    const roles = new Set(
      functions.map(([, fn]) => JSON.stringify(fn.Properties.Role['Fn::GetAtt']?.[0] ?? fn.Properties.Role)),
    );
    const xrayRoles = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) =>
        policy.Properties.PolicyDocument.Statement.some((s: { Action: string | string[] }) =>
          [s.Action].flat().includes('xray:PutTraceSegments'),
        ),
      )
      .flatMap((policy) => policy.Properties.Roles.map((role: { Ref: string }) => JSON.stringify(role.Ref)));
    for (const role of roles) expect(xrayRoles, role).toContain(role);
  });

  // The acknowledged wildcard of function roles (lib/functions.ts) is X-Ray's; the receipt rule set's
  // activation (lib/custom-resources/) has its own. Any other action on `*` is a finding.
  test('the only actions any policy grants on every resource are X-Ray’s, the rule set activation’s and the console cache invalidation’s', () => {
    const { template } = synthStack('dev');
    const onEverything = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      policy.Properties.PolicyDocument.Statement.filter(
        (s: { Resource: unknown }) => s.Resource === '*' || [s.Resource].flat().includes('*'),
      ).flatMap((s: { Action: string | string[] }) => [s.Action].flat()),
    );
    expect(onEverything.length).toBeGreaterThan(0);
    expect(new Set(onEverything)).toEqual(
      new Set([
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        'ses:DescribeActiveReceiptRuleSet',
        'ses:SetActiveReceiptRuleSet',
        // CDK's console file copy invalidates the distribution's cache (its grant is on every resource).
        'cloudfront:CreateInvalidation',
        'cloudfront:GetInvalidation',
      ]),
    );
  });
});
