// Monitoring of the whole stack: one alarm topic (KMS-encrypted, optional email subscription),
// alarms on every Lambda function, dead-letter queue and stream consumer found in the stack, on
// SES reputation and on API 5xx, and one dashboard. Functions and queues are found by walking the
// stack, so a construct added before this one is covered without touching this file.
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { EventSourceMapping, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';

/** SES reviews an account at a 5% bounce rate and may pause sending at 10%. */
export const BOUNCE_RATE_THRESHOLD = 0.05;
/** SES reviews an account at a 0.1% complaint rate. */
export const COMPLAINT_RATE_THRESHOLD = 0.001;
/** A stream consumer more than a minute behind delays mail and SLA schedules noticeably. */
export const ITERATOR_AGE_THRESHOLD_MS = 60_000;

const FIVE_MINUTES = Duration.minutes(5);

export interface MonitoringProps {
  /** The HTTP API whose 5xx are alarmed and whose traffic the dashboard shows. */
  api?: IHttpApi;
  /** Subscribed to the alarm topic; AWS mails a confirmation link first. */
  alarmEmail?: string;
}

export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  /** Every alarm of the stack, ours and those other constructs made (all notify the topic). */
  readonly alarms: Alarm[] = [];
  readonly functions: LambdaFunction[];
  readonly queues: Queue[];
  /** Functions fed by an event source mapping (streams): their iterator age is alarmed. */
  readonly streamConsumers: LambdaFunction[];

  constructor(scope: Construct, id: string, props: MonitoringProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const everything = stack.node.findAll();
    this.functions = everything.filter((c): c is LambdaFunction => c instanceof LambdaFunction);
    this.queues = everything.filter((c): c is Queue => c instanceof Queue);
    this.streamConsumers = this.functions.filter((fn) =>
      fn.node.children.some((child) => child instanceof EventSourceMapping),
    );
    const existingAlarms = everything.filter((c): c is Alarm => c instanceof Alarm);

    // A customer managed key: CloudWatch cannot publish to a topic under the AWS managed SNS key.
    const key = new Key(this, 'TopicKey', {
      description: 'Encrypts the support desk alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: `${stack.stackName} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    for (const fn of this.functions) {
      const name = this.nameOf(fn);
      this.alarm(
        `${name}Errors`,
        `${fn.node.path}: invocations failed`,
        fn.metricErrors({ period: FIVE_MINUTES }),
        0,
      );
      this.alarm(
        `${name}Throttles`,
        `${fn.node.path}: invocations throttled (concurrency limit)`,
        fn.metricThrottles({ period: FIVE_MINUTES }),
        0,
      );
    }
    for (const fn of this.streamConsumers) {
      this.alarm(
        `${this.nameOf(fn)}IteratorAge`,
        `${fn.node.path}: more than a minute behind the table's stream`,
        fn.metric('IteratorAge', { statistic: 'Maximum', period: FIVE_MINUTES }),
        ITERATOR_AGE_THRESHOLD_MS,
      );
    }
    const alarmedQueues = new Set(existingAlarms.flatMap((alarm) => this.queueDimensionOf(alarm)));
    for (const queue of this.queues) {
      if (alarmedQueues.has(JSON.stringify(stack.resolve(queue.queueName)))) continue;
      this.alarm(
        `${this.nameOf(queue)}Depth`,
        `${queue.node.path}: messages in a dead-letter queue; inspect and redrive`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        1,
        ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      );
    }
    this.alarm(
      'SesBounceRate',
      'SES bounce rate above 5%: SES reviews the account and may pause sending',
      sesMetric('Reputation.BounceRate', 'Maximum'),
      BOUNCE_RATE_THRESHOLD,
    );
    this.alarm(
      'SesComplaintRate',
      'SES complaint rate above 0.1%: SES reviews the account and may pause sending',
      sesMetric('Reputation.ComplaintRate', 'Maximum'),
      COMPLAINT_RATE_THRESHOLD,
    );
    if (props.api) {
      this.alarm(
        'Api5xx',
        'The API answered with 5xx errors',
        props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
        0,
      );
    }

    // The alarms other constructs made (dead-letter queues of the SLA timers and the month close)
    // notify the same topic rather than being duplicated here.
    for (const alarm of existingAlarms) {
      alarm.addAlarmAction(new SnsAction(this.topic));
      this.alarms.push(alarm);
    }

    this.dashboard = this.buildDashboard(props.api);
  }

  private alarm(
    id: string,
    description: string,
    metric: IMetric,
    threshold: number,
    comparisonOperator = ComparisonOperator.GREATER_THAN_THRESHOLD,
  ): Alarm {
    const alarm = new Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
    return alarm;
  }

  /** The QueueName dimension of an SQS depth alarm, resolved, to compare with the queues found. */
  private queueDimensionOf(alarm: Alarm): string[] {
    const metric = alarm.metric;
    if (!(metric instanceof Metric)) return [];
    if (metric.namespace !== 'AWS/SQS' || metric.metricName !== 'ApproximateNumberOfMessagesVisible')
      return [];
    const queueName = metric.dimensions?.QueueName;
    return queueName === undefined ? [] : [JSON.stringify(Stack.of(this).resolve(queueName))];
  }

  /** A construct id from the construct's path below the stack: unique, and readable in the console. */
  private nameOf(construct: IConstruct): string {
    const stackPath = Stack.of(this).node.path;
    return construct.node.path
      .slice(stackPath.length + 1)
      .split('/')
      .filter((part) => part !== 'Resource')
      .map((part) => part.replace(/[^A-Za-z0-9]/g, ''))
      .join('');
  }

  private buildDashboard(api: IHttpApi | undefined): Dashboard {
    const stack = Stack.of(this);
    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${stack.stackName}-overview`,
      defaultInterval: Duration.hours(24),
    });
    const label = (construct: IConstruct) => this.nameOf(construct).replace(/Function$/, '');
    if (api) {
      dashboard.addWidgets(
        new GraphWidget({
          title: 'API requests',
          left: [api.metricCount({ period: FIVE_MINUTES, statistic: 'Sum' })],
          width: 6,
        }),
        new GraphWidget({
          title: 'API latency',
          left: [
            api.metricLatency({ period: FIVE_MINUTES, statistic: 'p50', label: 'p50' }),
            api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99', label: 'p99' }),
          ],
          width: 6,
        }),
        new GraphWidget({
          title: 'API 4xx and 5xx',
          left: [
            api.metricClientError({ period: FIVE_MINUTES, statistic: 'Sum', label: '4xx' }),
            api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum', label: '5xx' }),
          ],
          width: 12,
        }),
      );
    } else {
      dashboard.addWidgets(new TextWidget({ markdown: 'No API in this stack.', width: 24, height: 2 }));
    }
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Lambda errors',
        left: this.functions.map((fn) => fn.metricErrors({ period: FIVE_MINUTES, label: label(fn) })),
        width: 12,
      }),
      new GraphWidget({
        title: 'Lambda duration (p99)',
        left: this.functions.map((fn) =>
          fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99', label: label(fn) }),
        ),
        width: 12,
      }),
      new GraphWidget({
        title: 'Stream iterator age (max, ms)',
        left: this.streamConsumers.map((fn) =>
          fn.metric('IteratorAge', { statistic: 'Maximum', period: FIVE_MINUTES, label: label(fn) }),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: 'Dead-letter queue depth',
        left: this.queues.map((queue) =>
          queue.metricApproximateNumberOfMessagesVisible({
            period: FIVE_MINUTES,
            statistic: 'Maximum',
            label: label(queue),
          }),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: 'SES sends and bounces',
        left: [sesMetric('Send', 'Sum'), sesMetric('Bounce', 'Sum'), sesMetric('Complaint', 'Sum')],
        right: [
          new MathExpression({
            expression: 'rate * 100',
            usingMetrics: { rate: sesMetric('Reputation.BounceRate', 'Maximum') },
            label: 'bounce rate %',
            period: FIVE_MINUTES,
          }),
        ],
        width: 8,
      }),
    );
    return dashboard;
  }
}

/** SES account metrics (no dimensions): the region's sending as a whole. */
function sesMetric(metricName: string, statistic: string): Metric {
  return new Metric({ namespace: 'AWS/SES', metricName, statistic, period: FIVE_MINUTES });
}
