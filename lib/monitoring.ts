// Monitoring of the whole stack: one alarm topic (KMS-encrypted, optional email subscription),
// alarms on every Lambda function, dead-letter queue and stream consumer found in the stack, on
// DynamoDB throttling (the table and each index), Scheduler target errors and dead letters, SES
// reputation and sending quota, API 5xx, inbound mail going quiet in business hours, and the
// desk's business metrics (functions/shared/metric-names.ts); and one dashboard that shows them.
// Resources are found by walking the stack, so a construct added before this one is covered
// without touching this file.
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
import { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { EventSourceMapping, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { CfnSchedule, ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import {
  DEFAULT_METRICS_NAMESPACE,
  METRIC_DIMENSIONS,
  type MetricName,
} from '../functions/shared/metric-names.ts';
import { GLOBAL_INDEXES } from '../functions/store/table-definition.ts';
import { entryNameOf } from './functions.ts';
import type { MonitoringSettings } from './settings.ts';

/** SES reviews an account at a 5% bounce rate and may pause sending at 10%. */
export const BOUNCE_RATE_THRESHOLD = 0.05;
/** SES reviews an account at a 0.1% complaint rate. */
export const COMPLAINT_RATE_THRESHOLD = 0.001;
/** A stream consumer more than a minute behind delays mail and SLA schedules noticeably. */
export const ITERATOR_AGE_THRESHOLD_MS = 60_000;

/** The sending quota alarm fires at this share of the account's SES quota in 24 hours. */
export const SES_QUOTA_ALARM_SHARE = 0.8;
/** The Scheduler group of schedules made without one (the month close). */
export const DEFAULT_SCHEDULE_GROUP = 'default';

const FIVE_MINUTES = Duration.minutes(5);
const ONE_HOUR = Duration.hours(1);

/** What the alarms use when the stack passes no settings (tests of single constructs). */
const DEFAULT_MONITORING: MonitoringSettings = {
  metricsNamespace: DEFAULT_METRICS_NAMESPACE,
  quietIntakeHours: 4,
  businessHoursUtc: { from: 8, to: 18 },
  breachAlarmPerHour: 10,
};

export interface MonitoringProps {
  /** The HTTP API whose 5xx are alarmed and whose traffic the dashboard shows. */
  api?: IHttpApi;
  /** Subscribed to the alarm topic; AWS mails a confirmation link first. */
  alarmEmail?: string;
  /** Business metrics' namespace and the thresholds of the activity alarms (lib/settings.ts). */
  settings?: MonitoringSettings;
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
  readonly tables: TableV2[];
  /** Scheduler groups the stack's schedules live in (named groups, and `default` for the rest). */
  readonly scheduleGroups: string[];
  /** The mail intake, whose invocations say mail is arriving. */
  readonly intake: LambdaFunction | undefined;
  private readonly settings: MonitoringSettings;

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
    this.settings = props.settings ?? DEFAULT_MONITORING;
    this.tables = everything.filter((c): c is TableV2 => c instanceof TableV2);
    this.scheduleGroups = [
      ...everything
        .filter((c): c is ScheduleGroup => c instanceof ScheduleGroup)
        .map((group) => group.scheduleGroupName),
      ...(everything.some((c) => c instanceof CfnSchedule && !c.groupName) ? [DEFAULT_SCHEDULE_GROUP] : []),
    ];
    this.intake = this.functions.find(
      (fn) => fn instanceof NodejsFunction && entryNameOf(fn) === 'email-handler',
    );

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

    for (const table of this.tables) {
      const tableName = this.nameOf(table);
      this.alarm(
        `${tableName}Throttles`,
        `${table.node.path}: requests throttled (reads or writes); writes retry, but a lasting throttle delays every change`,
        throttleEvents({ TableName: table.tableName }),
        0,
      );
      for (const index of GLOBAL_INDEXES) {
        this.alarm(
          `${tableName}${index.indexName}Throttles`,
          `${table.node.path} index ${index.indexName}: throttled; a throttled index back-pressures writes to the table`,
          throttleEvents({ TableName: table.tableName, GlobalSecondaryIndexName: index.indexName }),
          0,
        );
      }
    }
    for (const group of this.scheduleGroups) {
      const id = `Schedules${group === DEFAULT_SCHEDULE_GROUP ? 'Default' : this.nameOf(this.scheduleGroupOf(group))}`;
      this.alarm(
        `${id}TargetErrors`,
        `Scheduler group ${group}: target invocations failing for 10 minutes (retried; dead-lettered when retries run out)`,
        schedulerMetric('TargetErrorCount', group),
        0,
        ComparisonOperator.GREATER_THAN_THRESHOLD,
        2,
      );
      this.alarm(
        `${id}DeadLetters`,
        `Scheduler group ${group}: invocations given up (sent to the dead-letter queue, dropped, or failed to reach it)`,
        new MathExpression({
          expression: 'FILL(sent, 0) + FILL(unsent, 0) + FILL(dropped, 0)',
          usingMetrics: {
            sent: schedulerMetric('InvocationsSentToDeadLetterCount', group),
            unsent: schedulerMetric('InvocationsFailedToBeSentToDeadLetterCount', group),
            dropped: schedulerMetric('InvocationDroppedCount', group),
          },
          period: FIVE_MINUTES,
          label: 'invocations given up',
        }),
        0,
      );
    }
    if (this.settings.sesDailyQuota) {
      this.alarm(
        'SesSendingQuota',
        `SES sent ${SES_QUOTA_ALARM_SHARE * 100}% of the account's 24-hour quota (${this.settings.sesDailyQuota}): ask for more before mail is refused`,
        sesMetric('Send', 'Sum', Duration.days(1)),
        Math.floor(this.settings.sesDailyQuota * SES_QUOTA_ALARM_SHARE),
        ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      );
    }
    if (this.intake && this.settings.quietIntakeHours > 0) {
      const hours = this.settings.quietIntakeHours;
      this.alarm(
        'InboundMailQuiet',
        `No inbound mail for ${hours} hours within business hours (weekdays ${this.businessHoursLabel()} UTC): check the MX record, the receipt rule set and SES receiving`,
        this.businessHoursInvocations(this.intake),
        1,
        ComparisonOperator.LESS_THAN_THRESHOLD,
        hours,
      );
    }
    this.alarm(
      'SlaBreachesSpike',
      `More than ${this.settings.breachAlarmPerHour} SLA breaches in an hour: agents are overwhelmed or timers fire late`,
      this.businessMetric('SlaBreaches', ONE_HOUR),
      this.settings.breachAlarmPerHour,
    );
    this.alarm(
      'MailsFailed',
      'Outbound mail failed for good: a customer or agent will not receive it; see the outbox sender logs',
      this.businessMetric('MailsFailed', FIVE_MINUTES),
      0,
    );
    this.alarm(
      'SweeperCatches',
      'The deadline sweeper fired warnings or breaches whose schedules were missing: the SLA reconciler lost some',
      this.businessMetric('SweeperCatches', FIVE_MINUTES),
      0,
    );

    // The alarms other constructs made (dead-letter queues of the SLA timers and the month close)
    // notify the same topic rather than being duplicated here.
    for (const alarm of existingAlarms) {
      alarm.addAlarmAction(new SnsAction(this.topic));
      this.alarms.push(alarm);
    }

    this.dashboard = this.buildDashboard(props.api);
  }

  /** A business metric of the desk (EMF, by functions/shared/metrics.ts), summed over `period`. */
  businessMetric(metricName: MetricName, period: Duration = FIVE_MINUTES): Metric {
    return new Metric({
      namespace: this.settings.metricsNamespace,
      metricName,
      dimensionsMap: { ...METRIC_DIMENSIONS },
      statistic: 'Sum',
      period,
    });
  }

  /**
   * The intake's invocations per hour within business hours, and 1 outside them, so a quiet night
   * or weekend never alarms. Metric math knows the weekday (DAY: 1 is Monday) and hour of each
   * datapoint, in UTC; FILL gives hours without invocations (Lambda writes no datapoint) a 0.
   */
  private businessHoursInvocations(intake: LambdaFunction): MathExpression {
    const { from, to } = this.settings.businessHoursUtc;
    const filled = new MathExpression({
      expression: 'FILL(invocations, 0)',
      usingMetrics: { invocations: intake.metricInvocations({ period: ONE_HOUR, statistic: 'Sum' }) },
      period: ONE_HOUR,
    });
    return new MathExpression({
      expression: `IF(DAY(mail) <= 5 AND HOUR(mail) >= ${from} AND HOUR(mail) < ${to}, mail, 1)`,
      usingMetrics: { mail: filled },
      period: ONE_HOUR,
      label: 'inbound mail in business hours',
    });
  }

  private businessHoursLabel(): string {
    const { from, to } = this.settings.businessHoursUtc;
    const hh = (hour: number) => `${String(hour).padStart(2, '0')}:00`;
    return `${hh(from)}-${hh(to)}`;
  }

  private scheduleGroupOf(name: string): IConstruct {
    const stack = Stack.of(this);
    return stack.node
      .findAll()
      .find((c) => c instanceof ScheduleGroup && c.scheduleGroupName === name) as IConstruct;
  }

  private alarm(
    id: string,
    description: string,
    metric: IMetric,
    threshold: number,
    comparisonOperator = ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods = 1,
  ): Alarm {
    const alarm = new Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods,
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
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Tickets, SLA and ledger (count per 5 minutes)',
        left: (['TicketsOpened', 'SlaWarnings', 'SlaBreaches', 'LedgerEntries'] as const).map((name) =>
          this.businessMetric(name),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: 'Outbound mail and sweeper catches',
        left: (['MailsSent', 'MailsSuppressed', 'MailsFailed', 'SweeperCatches'] as const).map((name) =>
          this.businessMetric(name),
        ),
        right: this.settings.sesDailyQuota
          ? [
              new MathExpression({
                expression: `100 * sent / ${this.settings.sesDailyQuota}`,
                usingMetrics: { sent: sesMetric('Send', 'Sum', Duration.days(1)) },
                label: 'SES 24-hour quota used %',
                period: Duration.days(1),
              }),
            ]
          : [],
        width: 8,
      }),
      new GraphWidget({
        title: 'Inbound mail (intake invocations per hour)',
        left: this.intake ? [this.intake.metricInvocations({ period: ONE_HOUR, statistic: 'Sum' })] : [],
        width: 8,
      }),
      new GraphWidget({
        title: 'DynamoDB throttle events (table and indexes)',
        left: this.tables.flatMap((table) =>
          [undefined, ...GLOBAL_INDEXES.map((index) => index.indexName)].flatMap((indexName) =>
            THROTTLE_METRICS.map(
              (metricName) =>
                new Metric({
                  namespace: 'AWS/DynamoDB',
                  metricName,
                  dimensionsMap: {
                    TableName: table.tableName,
                    ...(indexName ? { GlobalSecondaryIndexName: indexName } : {}),
                  },
                  statistic: 'Sum',
                  period: FIVE_MINUTES,
                  label: `${indexName ?? label(table)} ${metricName.replace('ThrottleEvents', '').toLowerCase()}s`,
                }),
            ),
          ),
        ),
        width: 12,
      }),
      new GraphWidget({
        title: 'Scheduler target errors and dead letters',
        left: this.scheduleGroups.flatMap((group) => [
          schedulerMetric('TargetErrorCount', group).with({ label: `${group} target errors` }),
          schedulerMetric('InvocationsSentToDeadLetterCount', group).with({
            label: `${group} dead-lettered`,
          }),
          schedulerMetric('InvocationDroppedCount', group).with({ label: `${group} dropped` }),
        ]),
        width: 12,
      }),
    );
    return dashboard;
  }
}

/** SES account metrics (no dimensions): the region's sending as a whole. */
function sesMetric(metricName: string, statistic: string, period: Duration = FIVE_MINUTES): Metric {
  return new Metric({ namespace: 'AWS/SES', metricName, statistic, period });
}

const THROTTLE_METRICS = ['ReadThrottleEvents', 'WriteThrottleEvents'] as const;

/** Read and write throttle events of a table or of one of its indexes (the dimensions say which). */
function throttleEvents(dimensionsMap: Record<string, string>): MathExpression {
  const events = (metricName: (typeof THROTTLE_METRICS)[number]) =>
    new Metric({
      namespace: 'AWS/DynamoDB',
      metricName,
      dimensionsMap,
      statistic: 'Sum',
      period: FIVE_MINUTES,
    });
  return new MathExpression({
    expression: 'FILL(reads, 0) + FILL(writes, 0)',
    usingMetrics: { reads: events('ReadThrottleEvents'), writes: events('WriteThrottleEvents') },
    period: FIVE_MINUTES,
    label: 'throttle events',
  });
}

/** A Scheduler metric of one schedule group. */
function schedulerMetric(metricName: string, group: string): Metric {
  return new Metric({
    namespace: 'AWS/Scheduler',
    metricName,
    dimensionsMap: { ScheduleGroup: group },
    statistic: 'Sum',
    period: FIVE_MINUTES,
  });
}
