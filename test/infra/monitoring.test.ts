// Monitoring over the whole stack: an alarm per function (errors, throttles), one depth alarm per
// dead-letter queue (the ones other constructs made are reused), iterator age of the stream
// consumers, DynamoDB throttles per table and index, Scheduler target errors and dead letters, SES
// reputation and quota, API 5xx, inbound mail going quiet in business hours, the business metrics,
// every alarm to the encrypted topic, the dashboard. One synth of the full stack, without bundling
// (no code is read).
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, test } from 'vitest';
import { GLOBAL_INDEXES } from '../../functions/store/table-definition.ts';
import { ITERATOR_AGE_THRESHOLD_MS, Monitoring } from '../../lib/monitoring.ts';
import { readDeploymentSettings } from '../../lib/settings.ts';
import { SupportDeskStack } from '../../lib/support-desk-stack.ts';

let template: Template;
let stack: SupportDeskStack;
type Resource = { Type: string; Properties: Record<string, unknown> & { Dimensions?: unknown[] } };
let alarms: Resource[];
let topicId: string;

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const context: Record<string, string> = {
    stage: 'prod',
    supportAddress: 'support@help.example.com',
    alarmEmail: 'ops@example.com',
    sesDailyQuota: '50000',
    quietIntakeHours: '3',
    businessHoursUtc: '07-17',
    breachAlarmPerHour: '20',
  };
  stack = new SupportDeskStack(app, 'MonitoringTest', {
    settings: readDeploymentSettings(context),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  template = Template.fromStack(stack);
  alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
  topicId = stack.getLogicalId(stack.monitoring.topic.node.defaultChild as never);
}, 120_000);

const ids = (type: string) => Object.keys(template.findResources(type));

/** The alarm made under Monitoring with this id. */
function alarmNamed(id: string): Resource {
  const alarm = stack.monitoring.node.tryFindChild(id);
  if (!alarm) throw new Error(`no alarm ${id}`);
  const logicalId = stack.getLogicalId(
    (alarm as never as { node: { defaultChild: never } }).node.defaultChild,
  );
  return template.toJSON().Resources[logicalId] as Resource;
}

type MetricQuery = {
  Id: string;
  Expression?: string;
  MetricStat?: {
    Metric: { Namespace: string; MetricName: string; Dimensions?: { Name: string; Value: unknown }[] };
  };
};
const queriesOf = (alarm: Resource) => alarm.Properties.Metrics as MetricQuery[];
const statsOf = (alarm: Resource) =>
  queriesOf(alarm).flatMap((q) => (q.MetricStat ? [q.MetricStat.Metric] : []));

/** Alarms on a metric with a dimension that references the resource. */
function alarmsOn(metricName: string, logicalId: string): Resource[] {
  return alarms.filter(
    (alarm) =>
      alarm.Properties.MetricName === metricName &&
      JSON.stringify(alarm.Properties.Dimensions ?? []).includes(`"${logicalId}"`),
  );
}

describe('alarms', () => {
  test('every Lambda function of the stack has an Errors and a Throttles alarm (> 0 in 5 minutes)', () => {
    const functions = ids('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(12);
    for (const fn of functions) {
      for (const metric of ['Errors', 'Throttles']) {
        const found = alarmsOn(metric, fn);
        expect(found, `${metric} of ${fn}`).toHaveLength(1);
        expect(found[0]?.Properties).toMatchObject({
          Threshold: 0,
          Period: 300,
          ComparisonOperator: 'GreaterThanThreshold',
        });
      }
    }
  });

  test('every queue (all are dead-letter queues) has exactly one depth alarm, the existing ones reused', () => {
    const queues = ids('AWS::SQS::Queue');
    expect(queues).toHaveLength(5);
    for (const queue of queues) {
      const found = alarmsOn('ApproximateNumberOfMessagesVisible', queue);
      expect(found, queue).toHaveLength(1);
      expect(found[0]?.Properties).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  test('both stream consumers (SLA reconciler, outbox) alarm when a minute behind', () => {
    const consumers = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).map(
      (mapping) => (mapping.Properties.FunctionName as { Ref: string }).Ref,
    );
    expect(consumers).toHaveLength(2);
    for (const fn of consumers) {
      expect(alarmsOn('IteratorAge', fn)[0]?.Properties).toMatchObject({
        Threshold: ITERATOR_AGE_THRESHOLD_MS,
        Statistic: 'Maximum',
      });
    }
  });

  test('SES bounce rate above 5% and API 5xx', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.BounceRate',
      Threshold: 0.05,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [
        { Name: 'ApiId', Value: { Ref: stack.getLogicalId(stack.api.httpApi.node.defaultChild as never) } },
      ],
      Threshold: 0,
    });
  });

  test('DynamoDB: read and write throttles of the table and of each index, > 0 in 5 minutes', () => {
    const table = stack.getLogicalId(stack.data.table.node.defaultChild as never);
    const throttleAlarms = alarms.filter((alarm) =>
      queriesOf(alarm)?.some((q) => q.MetricStat?.Metric.MetricName === 'WriteThrottleEvents'),
    );
    expect(throttleAlarms).toHaveLength(1 + GLOBAL_INDEXES.length);
    const indexesAlarmed = throttleAlarms.map((alarm) => {
      expect(alarm.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
      const metrics = statsOf(alarm);
      expect(metrics.map((m) => m.MetricName).sort()).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
      for (const m of metrics) expect(JSON.stringify(m.Dimensions)).toContain(`"${table}"`);
      return metrics[0]!.Dimensions!.find((d) => d.Name === 'GlobalSecondaryIndexName')?.Value ?? 'table';
    });
    expect(new Set(indexesAlarmed)).toEqual(new Set(['table', ...GLOBAL_INDEXES.map((i) => i.indexName)]));
  });

  test('Scheduler: target errors (10 minutes) and dead letters of the SLA group and the default group', () => {
    expect(stack.monitoring.scheduleGroups).toHaveLength(2);
    expect(stack.monitoring.scheduleGroups).toContain('default');
    const groupsOf = (metricName: string) =>
      alarms
        .filter(
          (alarm) =>
            queriesOf(alarm)?.some((q) => q.MetricStat?.Metric.MetricName === metricName) ||
            alarm.Properties.MetricName === metricName,
        )
        .map((alarm) => {
          const dims = alarm.Properties.Dimensions ?? statsOf(alarm)[0]?.Dimensions;
          return JSON.stringify(stack.resolve((dims as { Name: string; Value: unknown }[])[0]!.Value));
        });
    const groups = stack.monitoring.scheduleGroups.map((g) => JSON.stringify(stack.resolve(g)));
    expect(new Set(groupsOf('TargetErrorCount'))).toEqual(new Set(groups));
    for (const metric of [
      'InvocationsSentToDeadLetterCount',
      'InvocationsFailedToBeSentToDeadLetterCount',
      'InvocationDroppedCount',
    ]) {
      expect(new Set(groupsOf(metric)), metric).toEqual(new Set(groups));
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Scheduler',
      MetricName: 'TargetErrorCount',
      EvaluationPeriods: 2,
      Threshold: 0,
    });
  });

  test('SES: 80% of the 24-hour sending quota given in the settings; none without it', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SES',
      MetricName: 'Send',
      Statistic: 'Sum',
      Period: 86400,
      Threshold: 40000,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    const bare = new Stack(new App(), 'Bare');
    const monitoring = new Monitoring(bare, 'Monitoring');
    expect(monitoring.node.tryFindChild('SesSendingQuota')).toBeUndefined();
    expect(monitoring.node.tryFindChild('SesBounceRate')).toBeDefined();
  });

  test('inbound mail: no intake invocation for N hours within weekday business hours (UTC)', () => {
    const quiet = alarmNamed('InboundMailQuiet');
    expect(quiet.Properties).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 3,
      TreatMissingData: 'notBreaching',
    });
    const expressions = queriesOf(quiet).flatMap((q) => (q.Expression ? [q.Expression] : []));
    expect(expressions).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^IF\(DAY\((\w+)\) <= 5 AND HOUR\(\1\) >= 7 AND HOUR\(\1\) < 17, \1, 1\)$/),
        expect.stringMatching(/^FILL\(\w+, 0\)$/),
      ]),
    );
    const [invocations] = statsOf(quiet);
    const intake = stack.getLogicalId(stack.mail.intakeFunction.node.defaultChild as never);
    expect(invocations).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Invocations' });
    expect(JSON.stringify(invocations?.Dimensions)).toContain(`"${intake}"`);
    for (const q of queriesOf(quiet))
      if (q.MetricStat) expect((q.MetricStat as never as { Period: number }).Period).toBe(3600);
  });

  test('business metrics: breaches spike, any mail failed for good, any sweeper catch', () => {
    const business = {
      Namespace: 'SupportDesk/prod',
      Dimensions: [{ Name: 'service', Value: 'support-desk' }],
    };
    expect(alarmNamed('SlaBreachesSpike').Properties).toMatchObject({
      ...business,
      MetricName: 'SlaBreaches',
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 20,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    for (const name of ['MailsFailed', 'SweeperCatches']) {
      expect(alarmNamed(name).Properties, name).toMatchObject({
        ...business,
        MetricName: name,
        Statistic: 'Sum',
        Period: 300,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  test('every alarm of the stack notifies the topic, once', () => {
    expect(alarms.length).toBeGreaterThan(30);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
  });
});

describe('the topic and the dashboard', () => {
  test('the topic is encrypted with a rotated key CloudWatch may use, TLS only, with the alarm email subscribed', () => {
    const keyId = stack.getLogicalId(stack.monitoring.topic.masterKey?.node.defaultChild as never);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: topicId },
    });
  });

  test('one dashboard with the API, Lambda, stream, queue, SES, business, throttle and Scheduler widgets', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const title of [
      'API requests',
      'API latency',
      'API 4xx and 5xx',
      'Lambda errors',
      'Lambda duration (p99)',
      'Stream iterator age',
      'Dead-letter queue depth',
      'SES sends and bounces',
      'Tickets, SLA and ledger',
      'Outbound mail and sweeper catches',
      'Inbound mail (intake invocations per hour)',
      'DynamoDB throttle events (table and indexes)',
      'Scheduler target errors and dead letters',
      'SES 24-hour quota used %',
    ]) {
      expect(body).toContain(title);
    }
  });
});
