// Monitoring over the whole stack: an alarm per function (errors, throttles), one depth alarm per
// dead-letter queue (the ones other constructs made are reused), iterator age of the stream
// consumers, SES reputation, API 5xx, every alarm to the encrypted topic, the dashboard. One synth
// of the full stack, without bundling (no code is read).
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, test } from 'vitest';
import { ITERATOR_AGE_THRESHOLD_MS } from '../../lib/monitoring.ts';
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

  test('one dashboard with the API, Lambda, stream, queue and SES widgets', () => {
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
    ]) {
      expect(body).toContain(title);
    }
  });
});
