// The SLA timers construct: schedule group, the scheduler's role, both functions, the stream event
// source with its failure destination, dead-letter queues with alarms, least-privilege grants,
// and cdk-nag clean. One synth (bundling included) for the whole file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, test } from 'vitest';
import { functionEnvironment, readDeploymentSettings } from '../../lib/settings.ts';
import { SlaTimers } from '../../lib/sla-timers.ts';
import { SupportDeskTable } from '../../lib/table.ts';

const environment = functionEnvironment(readDeploymentSettings({ slaAlertsTo: 'oncall@vendor.test' }));

let template: Template;
let timers: SlaTimers;
let assetDir: (logicalId: string) => string;

beforeAll(() => {
  const app = new App();
  const stack = new Stack(app, 'SlaTimersTest');
  const data = new SupportDeskTable(stack, 'Data', { production: false });
  timers = new SlaTimers(stack, 'SlaTimers', {
    table: data.table,
    environment,
    production: false,
    reconcilerConcurrency: 4,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  template = Template.fromStack(stack);
  assetDir = (logicalId) => {
    // The code's S3 key is the asset hash; the bundle sits in cdk.out under asset.<hash>.
    const key: string = template.toJSON().Resources[logicalId].Properties.Code.S3Key;
    return join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`);
  };
}, 120_000);

const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  Stack.of(timers).getLogicalId(construct.node.defaultChild as never);

describe('schedules', () => {
  test('one schedule group, deleted with a non-production stack so the stage can be deployed again', () => {
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    template.hasResource('AWS::Scheduler::ScheduleGroup', {
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });

  test('in production the schedule group is retained: pending deadlines never go unseen', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'ProductionTimers');
    const data = new SupportDeskTable(stack, 'Data', { production: true });
    new SlaTimers(stack, 'SlaTimers', { table: data.table, environment, production: true });
    Template.fromStack(stack).hasResource('AWS::Scheduler::ScheduleGroup', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('the scheduler role is trusted by scheduler.amazonaws.com of this account and invokes the timer only', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ],
      },
    });
    const roleId = logicalId(timers.schedulerRole);
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: roleId }] },
    });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const invoke = statements.filter((s) => [s.Action].flat().includes('lambda:InvokeFunction'));
    expect(invoke).toHaveLength(1);
    expect(invoke[0].Resource).toEqual({ 'Fn::GetAtt': [logicalId(timers.timerFunction), 'Arn'] });
    expect(statements.flatMap((s) => [s.Action].flat()).sort()).toEqual(
      ['lambda:InvokeFunction', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'].sort(),
    );
  });

  test('the reconciler may pass that role to Scheduler only, and manage schedules in its group only', () => {
    const reconcilerRole = logicalId(timers.reconcilerFunction.role as never);
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: reconcilerRole }] },
    });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const passRole = statements.find((s) => s.Action === 'iam:PassRole');
    expect(passRole.Resource).toEqual({ 'Fn::GetAtt': [logicalId(timers.schedulerRole), 'Arn'] });
    expect(passRole.Condition).toEqual({
      StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
    });
    const manage = statements.find((s) => [s.Action].flat().includes('scheduler:CreateSchedule'));
    expect([manage.Action].flat().sort()).toEqual([
      'scheduler:CreateSchedule',
      'scheduler:DeleteSchedule',
      'scheduler:UpdateSchedule',
    ]);
    expect(JSON.stringify(manage.Resource)).toContain(`schedule/${timers.scheduleGroup.scheduleGroupName}/*`);
    expect(statements.some((s) => [s.Action].flat().includes('lambda:InvokeFunction'))).toBe(false);
    // Reads the changed tickets in one BatchGetItem, on the table only (no index), and writes nothing.
    const reads = statements.find((s) => [s.Action].flat().includes('dynamodb:BatchGetItem'));
    expect(reads.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^DataTable/), 'Arn'] });
    expect(reads.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TICKET#*'] } });
    const tableActions = statements
      .flatMap((s) => [s.Action].flat())
      .filter((a: string) => a.startsWith('dynamodb:'));
    expect(tableActions.filter((a: string) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
  });
});

describe('functions', () => {
  test('Node 24 on ARM64, ESM bundles; the reconciler is told the group, the timer, the role and the DLQ', () => {
    for (const fn of [timers.timerFunction, timers.reconcilerFunction]) {
      const properties = template.toJSON().Resources[logicalId(fn)].Properties;
      expect(properties.Runtime).toBe('nodejs24.x');
      expect(properties.Architectures).toEqual(['arm64']);
    }
    const reconciler = template.toJSON().Resources[logicalId(timers.reconcilerFunction)].Properties;
    expect(Object.keys(reconciler.Environment.Variables).sort()).toEqual(
      [
        // Every function gets the shared environment (any ticket change may alert).
        ...Object.keys(environment),
        'SLA_SCHEDULER_ROLE_ARN',
        'SLA_SCHEDULE_GROUP',
        'SLA_TIMER_ARN',
        'SLA_TIMER_DLQ_ARN',
        'TABLE_NAME',
      ].sort(),
    );
    expect(reconciler.ReservedConcurrentExecutions).toBe(4);
    const timer = template.toJSON().Resources[logicalId(timers.timerFunction)].Properties;
    expect(timer.Environment.Variables).toEqual({
      ...environment,
      TABLE_NAME: { Ref: expect.stringMatching(/^DataTable/) },
    });
    expect(timer.Environment.Variables.SLA_ALERTS_TO).toBe('oncall@vendor.test');
    expect(timer.DeadLetterConfig.TargetArn).toEqual({
      'Fn::GetAtt': [logicalId(timers.timerDeadLetters), 'Arn'],
    });
  });

  test('the timer sends no mail: no SES permission, no SES client or MIME composer in its bundle', () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: logicalId(timers.timerFunction.role as never) }] },
    });
    const actions = Object.values(policies)
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .flatMap((s) => [s.Action].flat());
    expect(actions).toContain('dynamodb:PutItem');
    expect(actions.filter((a: string) => a.startsWith('ses:'))).toEqual([]);
    const bundle = readFileSync(join(assetDir(logicalId(timers.timerFunction)), 'index.mjs'), 'utf8');
    expect(bundle).not.toContain('SendEmailCommand');
    expect(bundle).not.toContain('nodemailer');
  });

  test('the reconciler bundles its own client-scheduler (the runtime copy ignores ActionAfterCompletion)', () => {
    const bundle = readFileSync(join(assetDir(logicalId(timers.reconcilerFunction)), 'index.mjs'), 'utf8');
    expect(bundle).toContain('ActionAfterCompletion');
    expect(bundle).not.toMatch(/from\s*["']@aws-sdk\//);
  });
});

describe('the stream event source', () => {
  test('bisects on error, reports item failures, retries, sends what it gives up on to a queue, tickets only', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(timers.reconcilerFunction) },
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      ParallelizationFactor: 1,
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(timers.reconcileFailures), 'Arn'] } },
      },
      FilterCriteria: {
        Filters: [{ Pattern: JSON.stringify({ dynamodb: { Keys: { SK: { S: ['TICKET'] } } } }) }],
      },
    });
  });
});

describe('dead letters', () => {
  test('both queues are encrypted, TLS-only, and alarmed on visible messages', () => {
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    // Two queue alarms and the sweeper's.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    for (const queue of [timers.timerDeadLetters, timers.reconcileFailures]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(queue), 'QueueName'] } }],
      });
    }
  });
});

describe('the sweeper', () => {
  test('a Scheduler rate schedule invokes it every five minutes, without retries', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [logicalId(timers.sweeperFunction), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 300 },
      }),
    });
    // Not in the SLA group: that one holds the tickets' deadlines only.
    const schedule = Object.values(template.findResources('AWS::Scheduler::Schedule'))[0] as {
      Properties: Record<string, unknown>;
    };
    expect(schedule.Properties.GroupName).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      ReservedConcurrentExecutions: 1,
      Environment: { Variables: Match.objectLike({ TABLE_NAME: Match.anyValue() }) },
    });
  });

  test('reads the due-time index and writes tickets and their alerts only', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const sweeperRole = logicalId(timers.sweeperFunction.role as never);
    const policy = Object.values(policies).find((p) =>
      JSON.stringify((p as { Properties: { Roles: unknown } }).Properties.Roles).includes(sweeperRole),
    ) as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } };
    const statements = policy.Properties.PolicyDocument.Statement;
    const writes = statements.find((s) => JSON.stringify(s.Action).includes('dynamodb:PutItem'))!;
    expect(writes.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TICKET#*', 'OUTBOX#*'] },
    });
    const query = statements.find((s) => s.Action === 'dynamodb:Query')!;
    expect(JSON.stringify(query.Resource)).toContain('/index/GSI5');
    expect(JSON.stringify(statements)).not.toContain('scheduler:');
  });

  test('what it catches is counted from its log and alarms above zero', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.message = "sla sweeper caught missed deadlines" }',
      MetricTransformations: [
        Match.objectLike({
          MetricNamespace: 'SupportDesk',
          MetricName: 'SlaSweeperCaught',
          MetricValue: '$.caught',
        }),
      ],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'SupportDesk',
      MetricName: 'SlaSweeperCaught',
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });
});
