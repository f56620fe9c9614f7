// The SLA timers in AWS: the sla-scheduler (reconciler) consuming the table's stream and keeping one
// EventBridge Scheduler one-shot schedule per pending warning and breach, and the sla-timer function
// those schedules invoke. Failures land in dead-letter queues with alarms: no deadline is lost silently.
// The timer sends no mail: alerts are outbox items written with the change that records the warning
// or breach, so it has no SES permission; every function gets the agents' alert addresses (the
// shared environment, lib/settings.ts). A sweeper, on a rate schedule, records any deadline whose
// schedule is missing (the due-time index); it alarms when it catches one.
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, FilterCriteria, FilterRule, Runtime, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FilterPattern, LogGroup, MetricFilter, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnSchedule, ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SWEEPER_CAUGHT_MESSAGE } from '../functions/sla/sweeper.ts';
import { DESK_METRICS_NAMESPACE } from './email.ts';
import { lambdaFunction, type SharedEnvironment } from './functions.ts';
import { grantTableAccess } from './table-access.ts';

/** How often the SLA sweeper runs: a missing schedule's deadline is recorded at most this late (plus the grace). */
export const SWEEP_RATE_MINUTES = 5;

export interface SlaTimersProps {
  table: ITableV2;
  /** Every function's environment from the deployment settings (lib/settings.ts). */
  environment: SharedEnvironment;
  /** Production keeps log groups and the schedule group when the stack is deleted. */
  production: boolean;
  logRetention?: RetentionDays;
  /** Reserved concurrency of the reconciler (a breach storm cannot take the API's); 0 or absent: none. */
  reconcilerConcurrency?: number;
}

export class SlaTimers extends Construct {
  /**
   * Holds every SLA schedule. In production it is retained, so deleting the stack never drops
   * pending deadlines unseen; elsewhere it goes with the stack, so the stage can be deployed again
   * (its name is fixed by the construct path, and a retained group would be "already exists").
   */
  readonly scheduleGroup: ScheduleGroup;
  /** The role Scheduler assumes: invoke the timer function, write to the dead-letter queue. */
  readonly schedulerRole: Role;
  readonly timerFunction: NodejsFunction;
  readonly reconcilerFunction: NodejsFunction;
  /** Records deadlines whose schedule is missing, every SWEEP_RATE_MINUTES. */
  readonly sweeperFunction: NodejsFunction;
  readonly sweepSchedule: CfnSchedule;
  /** Warnings and breaches the sweeper recorded (their timers did not), counted from its log. */
  readonly sweeperCaught: MetricFilter;
  /** Timer invocations Scheduler (or the timer's own async retries) gave up on. */
  readonly timerDeadLetters: Queue;
  /** Stream batches the reconciler gave up on (the event source's failure destination). */
  readonly reconcileFailures: Queue;
  readonly alarms: Alarm[];
  private readonly environment: SharedEnvironment;

  constructor(scope: Construct, id: string, props: SlaTimersProps) {
    super(scope, id);
    this.environment = props.environment;
    const stack = Stack.of(this);
    const retention =
      props.logRetention ?? (props.production ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH);
    const removalPolicy = props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.scheduleGroup = new ScheduleGroup(this, 'Schedules', { removalPolicy });
    this.timerDeadLetters = this.deadLetterQueue('TimerDeadLetters');
    this.reconcileFailures = this.deadLetterQueue('ReconcileFailures');

    this.timerFunction = this.slaFunction('Timer', 'timer', retention, removalPolicy, {
      // A firing up to a minute early (clock skew) waits for its deadline: room for that and the work.
      timeout: Duration.seconds(90),
      environment: { TABLE_NAME: props.table.tableName },
      deadLetterQueue: this.timerDeadLetters,
    });
    // Reads the ticket, its catalog, the ticket's messages (the thread a customer's breach notice
    // continues); writes the ticket and its alerts (outbox items) in a transaction. No index.
    grantTableAccess(this.timerFunction, props.table, 'sla-timer');

    this.schedulerRole = new Role(this, 'SchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to invoke the sla-timer function',
      // Only schedules of this account (confused-deputy guard).
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    // The unqualified function ARN only (no `:*` versions or aliases): what the schedules target.
    this.schedulerRole.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['lambda:InvokeFunction'],
        resources: [this.timerFunction.functionArn],
      }),
    );
    this.timerDeadLetters.grantSendMessages(this.schedulerRole);

    this.reconcilerFunction = this.slaFunction('Reconciler', 'reconciler', retention, removalPolicy, {
      timeout: Duration.seconds(60),
      environment: {
        TABLE_NAME: props.table.tableName,
        SLA_SCHEDULE_GROUP: this.scheduleGroup.scheduleGroupName,
        SLA_TIMER_ARN: this.timerFunction.functionArn,
        SLA_SCHEDULER_ROLE_ARN: this.schedulerRole.roleArn,
        SLA_TIMER_DLQ_ARN: this.timerDeadLetters.queueArn,
      },
      reservedConcurrency: props.reconcilerConcurrency,
    });
    const schedulesInGroup = stack.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.scheduleGroup.scheduleGroupName}/*`,
    });
    const manageSchedules = new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'],
      resources: [schedulesInGroup],
    });
    this.reconcilerFunction.addToRolePolicy(manageSchedules);
    this.reconcilerFunction.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    // The tickets as they are now (the desired schedules): one consistent BatchGetItem per batch.
    grantTableAccess(this.reconcilerFunction, props.table, 'sla-reconciler');
    this.reconcilerFunction.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        // Records of one item stay in order: one batch per shard at a time.
        parallelizationFactor: 1,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 10,
        maxRecordAge: Duration.hours(24),
        onFailure: new SqsDlq(this.reconcileFailures),
        // Only ticket items can move a deadline; the rest never invokes the function.
        filters: [FilterCriteria.filter({ dynamodb: { Keys: { SK: { S: FilterRule.isEqual('TICKET') } } } })],
      }),
    );

    this.sweeperFunction = this.slaFunction('Sweeper', 'sweeper', retention, removalPolicy, {
      // Up to a few thousand overdue tickets, one timer's work each.
      timeout: Duration.minutes(4),
      environment: { TABLE_NAME: props.table.tableName },
      // One sweep at a time: a second would only race the first on the same tickets.
      reservedConcurrency: 1,
    });
    grantTableAccess(this.sweeperFunction, props.table, 'sla-sweeper');
    // Its own role, trusted by this account's schedules, invoking the unqualified sweeper only.
    const sweepRole = new Role(this, 'SweepRole', {
      description: 'Assumed by EventBridge Scheduler to invoke the sla-sweeper function',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    sweepRole.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['lambda:InvokeFunction'],
        resources: [this.sweeperFunction.functionArn],
      }),
    );
    // In the default group, not the SLA group: it is the stack's own, not a ticket's deadline.
    this.sweepSchedule = new CfnSchedule(this, 'SweepSchedule', {
      description: 'Records SLA warnings and breaches whose schedule is missing',
      scheduleExpression: `rate(${SWEEP_RATE_MINUTES} minutes)`,
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: this.sweeperFunction.functionArn,
        roleArn: sweepRole.roleArn,
        // A missed sweep is followed by the next: no retries to pile up.
        retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: SWEEP_RATE_MINUTES * 60 },
      },
    });
    this.sweeperCaught = new MetricFilter(this, 'SweeperCaughtMetric', {
      logGroup: this.sweeperFunction.logGroup,
      filterPattern: FilterPattern.stringValue('$.message', '=', SWEEPER_CAUGHT_MESSAGE),
      metricNamespace: DESK_METRICS_NAMESPACE,
      metricName: 'SlaSweeperCaught',
      metricValue: '$.caught',
    });

    this.alarms = [this.timerDeadLetters, this.reconcileFailures].map(
      (queue) =>
        new Alarm(this, `${queue.node.id}Alarm`, {
          alarmDescription: `SLA deadlines may be missed: messages in ${queue.node.id}; inspect and redrive`,
          metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
    );

    this.alarms.push(
      new Alarm(this, 'SweeperCaughtAlarm', {
        alarmDescription:
          'The SLA sweeper recorded warnings or breaches their schedules did not: schedules are missing (see the reconciler failures and the sweeper log for ticket ids)',
        metric: this.sweeperCaught.metric({ period: Duration.minutes(15), statistic: 'Sum' }),
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    this.acknowledgeFindings();
  }

  private deadLetterQueue(id: string): Queue {
    const queue = new Queue(this, id, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue (of Scheduler targets or of the stream event source); it is alarmed and redriven by hand.',
    });
    return queue;
  }

  /** A function of the SLA timers: Node 24 on ARM64, an ESM bundle with its own AWS SDK. */
  private slaFunction(
    id: string,
    file: string,
    retention: RetentionDays,
    removalPolicy: RemovalPolicy,
    options: {
      timeout: Duration;
      environment: Record<string, string>;
      deadLetterQueue?: Queue;
      reservedConcurrency?: number | undefined;
    },
  ): NodejsFunction {
    const logGroup = new LogGroup(this, `${id}Logs`, { retention, removalPolicy });
    // An own role instead of the AWSLambdaBasicExecutionRole managed policy: its own log group only.
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the sla-${file} function`,
    });
    logGroup.grantWrite(role);
    return lambdaFunction(this, `${id}Function`, `sla-${file}`, this.environment, {
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: options.timeout,
      role,
      logGroup,
      environment: options.environment,
      ...(options.deadLetterQueue ? { deadLetterQueue: options.deadLetterQueue, retryAttempts: 2 } : {}),
      ...(options.reservedConcurrency ? { reservedConcurrentExecutions: options.reservedConcurrency } : {}),
    });
  }

  /**
   * cdk-nag names each wildcard finding by its resource, as CloudFormation will see it: pseudo
   * parameters as `<AWS::...>`. Schedule names are per ticket and made at run time, so the reconciler
   * may manage any schedule, but only in its own group.
   */
  private acknowledgeFindings(): void {
    const stack = Stack.of(this);
    const pseudo = (value: string, name: string) => (Token.isUnresolved(value) ? `<AWS::${name}>` : value);
    const resource = `arn:<AWS::Partition>:scheduler:${pseudo(stack.region, 'Region')}:${pseudo(stack.account, 'AccountId')}:schedule/${this.scheduleGroup.scheduleGroupName}/*`;
    const policy = this.reconcilerFunction.role?.node.tryFindChild('DefaultPolicy');
    if (!policy) return;
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${resource}]`,
      reason:
        'Schedule names are per ticket and made at run time: the reconciler creates, updates and deletes schedules in its own schedule group only.',
    });
  }
}
