// Usage exports in AWS: the exports bucket (encrypted, versioned, Object Lock, private, TLS only,
// access-logged), the close-month function, and the monthly EventBridge Scheduler schedule that
// invokes it at 01:00 on the 1st in the export time zone. Grants are the least the close needs: read
// the month's ledger index, accounts and catalogs; write month items only; put and get export
// objects only (lib/table-access.ts).
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectLockRetention,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { DEFAULT_EXPORT_TIME_ZONE } from '../functions/settings.ts';
import { lambdaFunction, type SharedEnvironment } from './functions.ts';
import { grantTableAccess } from './table-access.ts';

/** 01:00 on the 1st of every month: the end of the month plus the settle hour (month-close.ts). */
export const MONTH_CLOSE_CRON = 'cron(0 1 1 * ? *)';
/** 06:00 every day in the export zone: contract notices that came due go out before office hours. */
export const CONTRACT_NOTICE_CRON = 'cron(0 6 * * ? *)';

/** Export objects are named `usage-<YYYY-MM>.csv|json` at the bucket's root. */
const EXPORT_OBJECTS = 'usage-*';

export interface UsageExportsProps {
  table: ITableV2;
  /**
   * Every function's environment from the deployment settings (lib/settings.ts); its
   * EXPORT_TIME_ZONE (default UTC) is also the zone the monthly schedule runs in, so the close and
   * the functions that book ledger entries cannot disagree on where a month ends.
   */
  environment: SharedEnvironment;
  /** Production retains the bucket and logs when the stack is deleted. */
  production: boolean;
  logRetention?: RetentionDays;
  /**
   * S3 Object Lock default retention of every export object: governance (an administrator with
   * s3:BypassGovernanceRetention may still delete) or compliance (nobody may, root included).
   */
  retention: { days: number; mode: 'governance' | 'compliance' };
}

export class UsageExports extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;
  readonly closeFunction: NodejsFunction;
  readonly schedule: CfnSchedule;
  /** Writes contract renewal and end notices once a day (functions/exports/contract-notices.ts). */
  readonly noticeFunction: NodejsFunction;
  readonly noticeSchedule: CfnSchedule;
  readonly schedulerRole: Role;
  /** Close invocations that failed after every retry (Scheduler's and Lambda's). */
  readonly deadLetters: Queue;
  readonly alarm: Alarm;
  readonly timeZone: string;

  constructor(scope: Construct, id: string, props: UsageExportsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.timeZone = props.environment.EXPORT_TIME_ZONE ?? DEFAULT_EXPORT_TIME_ZONE;
    const removalPolicy = props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const retention =
      props.logRetention ?? (props.production ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH);

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      // Log delivery writes with SSE-S3 only.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(400) }],
      removalPolicy,
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket of the exports bucket; logging it into itself would loop.',
    });

    this.bucket = new Bucket(this, 'Bucket', {
      // SSE-S3: presigned downloads need no KMS grant, and finance's browser needs none either.
      encryption: BucketEncryption.S3_MANAGED,
      versioned: true,
      // Written once by convention (If-None-Match); the lock makes it so for anyone with write
      // rights: a locked version cannot be deleted or overwritten until its retention ends.
      objectLockEnabled: true,
      objectLockDefaultRetention:
        props.retention.mode === 'compliance'
          ? ObjectLockRetention.compliance(Duration.days(props.retention.days))
          : ObjectLockRetention.governance(Duration.days(props.retention.days)),
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'exports/',
      lifecycleRules: [
        // Exports are written once (If-None-Match); a noncurrent version only exists if someone
        // overwrote one by hand, and is kept long enough to notice and restore it.
        {
          noncurrentVersionExpiration: Duration.days(365),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy,
    });

    this.deadLetters = new Queue(this, 'CloseDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the month close; it is alarmed and redriven by hand.',
    });

    const logGroup = new LogGroup(this, 'CloseLogs', { retention, removalPolicy });
    const role = new Role(this, 'CloseRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the close-month function',
    });
    logGroup.grantWrite(role);
    this.closeFunction = lambdaFunction(this, 'CloseFunction', 'exports-close-month', props.environment, {
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      // Streams the month: 100,000 entries close in well under 256 MB (bench/exports.ts).
      memorySize: 512,
      // Below the close lease (10 minutes), so a timed-out close is taken over, never doubled.
      timeout: Duration.minutes(5),
      role,
      logGroup,
      deadLetterQueue: this.deadLetters,
      retryAttempts: 2,
      environment: {
        TABLE_NAME: props.table.tableName,
        EXPORTS_BUCKET: this.bucket.bucketName,
      },
    });
    this.grantClose(props.table);

    this.schedulerRole = new Role(this, 'SchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to invoke the close-month function',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    this.schedulerRole.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['lambda:InvokeFunction'],
        resources: [this.closeFunction.functionArn],
      }),
    );
    this.deadLetters.grantSendMessages(this.schedulerRole);
    this.schedule = new CfnSchedule(this, 'MonthlyClose', {
      description: 'Closes the previous ledger month and writes its usage export',
      scheduleExpression: MONTH_CLOSE_CRON,
      scheduleExpressionTimezone: this.timeZone,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: this.closeFunction.functionArn,
        roleArn: this.schedulerRole.roleArn,
        input: JSON.stringify({ source: 'monthly-close' }),
        // Retried for up to a day; the handler is idempotent, so retries are safe.
        retryPolicy: { maximumRetryAttempts: 20, maximumEventAgeInSeconds: 24 * 3600 },
        deadLetterConfig: { arn: this.deadLetters.queueArn },
      },
    });

    // Contract notices: once a day, every notice that came due (idempotent per contract, term, kind).
    const noticeLogs = new LogGroup(this, 'NoticeLogs', { retention, removalPolicy });
    const noticeRole = new Role(this, 'NoticeRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the contract-notice function',
    });
    noticeLogs.grantWrite(noticeRole);
    this.noticeFunction = lambdaFunction(
      this,
      'NoticeFunction',
      'exports-contract-notices',
      props.environment,
      {
        runtime: Runtime.NODEJS_24_X,
        architecture: Architecture.ARM_64,
        memorySize: 256,
        timeout: Duration.minutes(5),
        role: noticeRole,
        logGroup: noticeLogs,
        deadLetterQueue: this.deadLetters,
        retryAttempts: 2,
        environment: { TABLE_NAME: props.table.tableName },
      },
    );
    grantTableAccess(this.noticeFunction, props.table, 'exports-contract-notices');
    // Its own scheduler role: each schedule's role may invoke its one function only.
    const noticeSchedulerRole = new Role(this, 'NoticeSchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to invoke the contract-notice function',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    this.deadLetters.grantSendMessages(noticeSchedulerRole);
    noticeSchedulerRole.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['lambda:InvokeFunction'],
        resources: [this.noticeFunction.functionArn],
      }),
    );
    this.noticeSchedule = new CfnSchedule(this, 'DailyContractNotices', {
      description: 'Mails contract renewal and end notices that came due',
      scheduleExpression: CONTRACT_NOTICE_CRON,
      scheduleExpressionTimezone: this.timeZone,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: this.noticeFunction.functionArn,
        roleArn: noticeSchedulerRole.roleArn,
        input: JSON.stringify({ source: 'daily-contract-notices' }),
        retryPolicy: { maximumRetryAttempts: 20, maximumEventAgeInSeconds: 12 * 3600 },
        deadLetterConfig: { arn: this.deadLetters.queueArn },
      },
    });

    this.alarm = new Alarm(this, 'CloseFailedAlarm', {
      alarmDescription: 'A month close failed after every retry: finance has no export; inspect and redrive',
      metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.acknowledgeObjectWildcard(role);
  }

  /** What the close reads and writes in the table (lib/table-access.ts), and its export objects. */
  private grantClose(table: ITableV2): void {
    const fn = this.closeFunction;
    grantTableAccess(fn, table, 'exports-close-month');
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [this.bucket.arnForObjects(EXPORT_OBJECTS)],
      }),
    );
  }

  /**
   * The API function that serves `GET /v1/exports/{month}`: where exports are, and read access to
   * export objects (it streams small ones and presigns large ones).
   */
  grantPull(fn: LambdaFunction): void {
    fn.addEnvironment('EXPORTS_BUCKET', this.bucket.bucketName);
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects(EXPORT_OBJECTS)],
      }),
    );
    const policy = fn.role?.node.tryFindChild('DefaultPolicy');
    if (policy)
      this.acknowledgeObjects(policy, 'The exports API reads export objects only (usage-<month>.csv|json).');
  }

  private acknowledgeObjectWildcard(role: Role): void {
    const policy = role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      this.acknowledgeObjects(
        policy,
        'Export objects are named per month (usage-<YYYY-MM>.csv|json): the close may put and get those only.',
      );
    }
  }

  /** cdk-nag names the finding by the resource as CloudFormation sees it. */
  private acknowledgeObjects(policy: IConstruct, reason: string): void {
    const bucketArn = Stack.of(this).resolve(this.bucket.bucketArn) as { 'Fn::GetAtt'?: [string, string] };
    const logical = bucketArn['Fn::GetAtt']?.[0];
    const resource =
      logical && !Token.isUnresolved(logical) ? `<${logical}.Arn>/${EXPORT_OBJECTS}` : undefined;
    if (!resource) return;
    Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
  }
}
