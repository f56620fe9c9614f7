// Mail in AWS: SES receives mail for the support address, stores the raw message in the mail bucket
// and invokes the intake; the outbox function sends what the desk writes to its transactional outbox
// (fed by the table's stream, with a sweep every five minutes). Sending is allowed on the mail
// domain's SES identity only, to the functions that send. Our receipt rule set becomes the region's
// active one only if no other is active, or the deployer says to take over (a custom resource,
// lib/custom-resources/receipt-rule-set.ts).
import { ArnFormat, CustomResource, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, type IGrantable, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  type CfnPermission,
  FilterCriteria,
  FilterRule,
  type IFunction,
  Runtime,
  StartingPosition,
} from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FilterPattern, LogGroup, MetricFilter, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { CfnReceiptRule, CfnReceiptRuleSet } from 'aws-cdk-lib/aws-ses';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { MAIL_FAILED_MESSAGE } from '../functions/email/outbox-sender.ts';
import { lambdaFunction, type SharedEnvironment } from './functions.ts';
import { requireReceivingRegion } from './regions.ts';
import { grantTableAccess } from './table-access.ts';

/** Memory of the mail intake, from bench/email.ts's large messages (see the intake below). */
export const INTAKE_MEMORY_MB = 1024;
/** Where SES writes raw messages (the intake's MAIL_RAW_PREFIX default). */
export const RAW_MAIL_PREFIX = 'inbound/';
/** Where the intake writes attachments: `attachments/<ticketId>/...` (functions/email/attachments.ts). */
export const ATTACHMENTS_PREFIX = 'attachments/';
/**
 * Raw messages, quarantined ones included (their raw stays under `inbound/`), are kept this long:
 * enough to release held mail and to look into a complaint; the ticket keeps the text and the
 * attachments, so nothing a ticket shows is lost when the raw goes.
 */
export const RAW_MAIL_DAYS = 90;
/**
 * The outbox sweep: retries whose next-attempt time has come, and anything the stream consumer did
 * not send. Every minute, so the first retries (30 s and 1 minute after a failure) are not stretched
 * to the sweep's period; an idle sweep is nine index queries.
 */
export const OUTBOX_SWEEP = 'rate(1 minute)';
/** Namespace of the metrics the desk's log lines are counted into (metric filters). */
export const DESK_METRICS_NAMESPACE = 'SupportDesk';

export interface SupportDeskMailProps {
  table: ITableV2;
  /** Every function's environment from the deployment settings (lib/settings.ts). */
  environment: SharedEnvironment;
  /** Production retains the mail bucket and logs when the stack is deleted. */
  production: boolean;
  /** The one recipient the receipt rule accepts; From of all outbound mail. */
  supportAddress: string;
  /** The SES-verified domain identity we send as (and our Message-IDs' domain). */
  mailDomain: string;
  /** Where the mail bucket's access logs go; a bucket of its own when not given. */
  accessLogs?: IBucket;
  logRetention?: RetentionDays;
  /** Replace another active receipt rule set of the region instead of refusing to deploy. */
  takeOverMailReceiving?: boolean;
  /** Reserved concurrency of the intake (a mail flood cannot take the API's); 0 or absent: none. */
  intakeConcurrency?: number;
  /** Reserved concurrency of the outbox stream consumer; 0 or absent: none. */
  outboxConcurrency?: number;
  /** The SES configuration set outbound mail names (SES_CONFIGURATION_SET): sending needs it too. */
  sesConfigurationSet?: string;
}

export class SupportDeskMail extends Construct {
  /** Raw inbound mail (`inbound/`) and attachments (`attachments/`). */
  readonly bucket: Bucket;
  readonly ruleSet: CfnReceiptRuleSet;
  readonly rule: CfnReceiptRule;
  /**
   * Makes our rule set the region's active one when none or ours is (or on takeover), refuses
   * otherwise; on delete switches receiving off only if ours is still the active set.
   */
  readonly activation: CustomResource;
  readonly activationFunction: NodejsFunction;
  readonly intakeFunction: NodejsFunction;
  /** Receipt events the intake failed on after Lambda's async retries; redrive by re-invoking. */
  readonly intakeDeadLetters: Queue;
  readonly outboxFunction: NodejsFunction;
  /** Stream batches the outbox consumer gave up on (the sweep sends those items anyway). */
  readonly outboxFailures: Queue;
  readonly sweep: Rule;
  /** Mail the outbox gave up on (all attempts failed, or SES rejected it), counted from the sender's log. */
  readonly mailFailed: MetricFilter;
  readonly alarms: Alarm[] = [];
  /** `arn:aws:ses:<region>:<account>:identity/<mail domain>`: the only identity we send as. */
  readonly identityArn: string;
  readonly ruleArn: string;

  private readonly props: SupportDeskMailProps;

  constructor(scope: Construct, id: string, props: SupportDeskMailProps) {
    super(scope, id);
    this.props = props;
    const stack = Stack.of(this);
    requireReceivingRegion(this);
    const removalPolicy = props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const retention =
      props.logRetention ?? (props.production ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH);

    this.identityArn = stack.formatArn({
      service: 'ses',
      resource: 'identity',
      resourceName: props.mailDomain,
    });
    // Fixed names: the bucket policy and the invoke permission name the rule, and SES checks both
    // when the rule is created, so the rule cannot be a token they depend on.
    const ruleSetName = `${stack.stackName}-inbound`;
    const ruleName = 'support-address';
    this.ruleArn = stack.formatArn({
      service: 'ses',
      resource: 'receipt-rule-set',
      resourceName: `${ruleSetName}:receipt-rule/${ruleName}`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });

    this.bucket = this.mailBucket(removalPolicy);
    // SES may write raw mail under the prefix, for this account's rule only (confused deputy).
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'SesWritesRawMail',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${RAW_MAIL_PREFIX}*`)],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account, 'aws:SourceArn': this.ruleArn } },
      }),
    );

    this.intakeDeadLetters = this.deadLetterQueue(
      'IntakeDeadLetters',
      'the dead-letter queue of the mail intake (SES receipt events); it is alarmed and redriven by re-invoking the intake with its messages',
    );
    this.intakeFunction = this.mailFunction('Intake', 'handler', retention, removalPolicy, {
      // Sized for the largest mail (bench/email.ts, large messages): a 25 MB message, the largest
      // the intake parses, peaks at 287 MB RSS and takes 0.52 s of CPU at one full vCPU; SES's 40 MB
      // maximum (over the limit: headers only) 219 MB and 0.05 s. 1,024 MB keeps the peak under
      // 30% and gives 0.58 vCPU, so that 25 MB message takes about a second of CPU; 512 MB would
      // take twice as long at the same cost. Released quarantine runs here too.
      memorySize: INTAKE_MEMORY_MB,
      // The 25 MB message's reads and writes (S3, DynamoDB) and CPU: a few seconds; far above it.
      timeout: Duration.seconds(60),
      environment: {
        TABLE_NAME: props.table.tableName,
        MAIL_BUCKET: this.bucket.bucketName,
        MAIL_RAW_PREFIX: RAW_MAIL_PREFIX,
      },
      deadLetterQueue: this.intakeDeadLetters,
      // Lambda's two async retries; redelivery is harmless (the intake is idempotent). SES invokes
      // asynchronously, so mail over the reserved concurrency waits in Lambda's queue (up to six
      // hours) rather than being lost.
      retryAttempts: 2,
      reservedConcurrency: props.intakeConcurrency,
    });
    // Opens and replies to tickets as the API does, and keeps its own redelivery records.
    grantTableAccess(this.intakeFunction, props.table, 'email-handler');
    this.grantMailObjects(this.intakeFunction);
    // SES invokes the intake for our rule only.
    this.intakeFunction.addPermission('AllowSesReceipt', {
      principal: new ServicePrincipal('ses.amazonaws.com'),
      action: 'lambda:InvokeFunction',
      sourceAccount: stack.account,
      sourceArn: this.ruleArn,
    });
    const invokePermission = this.intakeFunction.permissionsNode.findChild(
      'AllowSesReceipt',
    ) as CfnPermission;

    this.ruleSet = new CfnReceiptRuleSet(this, 'RuleSet', { ruleSetName });
    this.rule = new CfnReceiptRule(this, 'Rule', {
      ruleSetName,
      rule: {
        name: ruleName,
        enabled: true,
        recipients: [props.supportAddress],
        // Spam and virus verdicts feed the intake's quarantine; without scanning they are all GRAY.
        scanEnabled: true,
        // Optional, not Require: a customer's old mail server without STARTTLS must still reach us.
        tlsPolicy: 'Optional',
        // In this order: the raw message is in S3 before the intake, which reads it, is invoked.
        actions: [
          { s3Action: { bucketName: this.bucket.bucketName, objectKeyPrefix: RAW_MAIL_PREFIX } },
          { lambdaAction: { functionArn: this.intakeFunction.functionArn, invocationType: 'Event' } },
        ],
      },
    });
    this.rule.node.addDependency(this.ruleSet);
    // SES tests its write and invoke rights when the rule is created.
    if (this.bucket.policy) this.rule.node.addDependency(this.bucket.policy);
    this.rule.node.addDependency(invokePermission);

    this.activationFunction = this.activationHandler(retention, removalPolicy);
    this.activation = new CustomResource(this, 'ActivateRuleSet', {
      serviceToken: this.activationFunction.functionArn,
      resourceType: 'Custom::ActiveReceiptRuleSet',
      properties: { RuleSetName: ruleSetName, TakeOver: String(props.takeOverMailReceiving ?? false) },
    });
    // Deleted before the rule: SES refuses to delete an active rule set.
    this.activation.node.addDependency(this.rule);

    this.outboxFailures = this.deadLetterQueue(
      'OutboxFailures',
      'the failure destination of the outbox stream consumer; the sweep sends those items anyway, the queue says which batches the stream gave up on',
    );
    this.outboxFunction = this.mailFunction('Outbox', 'outbox-handler', retention, removalPolicy, {
      memorySize: 512,
      // A sweep sends up to 500 items, one SES call each.
      timeout: Duration.minutes(2),
      environment: { TABLE_NAME: props.table.tableName },
      // A failed sweep is followed by the next within five minutes; the Errors alarm tells.
      retryAttempts: 0,
      reservedConcurrency: props.outboxConcurrency,
    });
    grantTableAccess(this.outboxFunction, props.table, 'email-outbox-handler');
    this.grantSend(this.outboxFunction);
    this.outboxFunction.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 25,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 5,
        maxRecordAge: Duration.hours(1),
        onFailure: new SqsDlq(this.outboxFailures),
        // New outbox items only: the rest of the table never invokes the sender.
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: { Keys: { SK: { S: FilterRule.isEqual('OUTBOX') } } },
          }),
        ],
      }),
    );
    // Counted from the one log line the sender writes for it (outbox-sender.ts, mailFailedForGood).
    this.mailFailed = new MetricFilter(this, 'MailFailedMetric', {
      logGroup: this.outboxFunction.logGroup,
      filterPattern: FilterPattern.stringValue('$.message', '=', MAIL_FAILED_MESSAGE),
      metricNamespace: DESK_METRICS_NAMESPACE,
      metricName: 'OutboundMailFailed',
      metricValue: '1',
    });
    this.alarms.push(
      new Alarm(this, 'MailFailedAlarm', {
        alarmDescription:
          'Outbound mail failed for good (every attempt failed, or SES rejected it): see the outbox function log for the outbox ids and errors',
        metric: this.mailFailed.metric({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    // An EventBridge rule rather than a Scheduler schedule: no role to assume, the invoke
    // permission names this rule only.
    this.sweep = new Rule(this, 'OutboxSweep', {
      description: 'Sends pending outbox mail the stream did not (retries, missed records)',
      schedule: Schedule.expression(OUTBOX_SWEEP),
      targets: [
        new LambdaFunction(this.outboxFunction, {
          event: RuleTargetInput.fromObject({ source: 'outbox-sweep' }),
          retryAttempts: 2,
          maxEventAge: Duration.minutes(5),
        }),
      ],
    });
  }

  /**
   * A function that sends mail through SES directly (the outbox sender: everything else writes
   * outbox items): SendEmail and SendRawEmail as the mail domain's identity only.
   */
  grantSend(grantee: IGrantable): void {
    const configurationSet = this.props.sesConfigurationSet;
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        // SES checks the configuration set a message names as a resource of its own.
        resources: [
          this.identityArn,
          ...(configurationSet
            ? [
                Stack.of(this).formatArn({
                  service: 'ses',
                  resource: 'configuration-set',
                  resourceName: configurationSet,
                }),
              ]
            : []),
        ],
      }),
    );
  }

  /**
   * The `mail` API function: releasing held mail hands it to the intake (an asynchronous invocation,
   * functions/email/release.ts), which reads the raw message; the API function may invoke the
   * intake's unqualified ARN and nothing else, and reads no mail object itself.
   */
  grantQuarantine(fn: NodejsFunction): void {
    fn.addEnvironment('MAIL_INTAKE_FUNCTION', this.intakeFunction.functionName);
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['lambda:InvokeFunction'],
        resources: [this.intakeFunction.functionArn],
      }),
    );
  }

  private mailBucket(removalPolicy: RemovalPolicy): Bucket {
    let accessLogs = this.props.accessLogs;
    if (!accessLogs) {
      const own = new Bucket(this, 'AccessLogs', {
        encryption: BucketEncryption.S3_MANAGED,
        blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        lifecycleRules: [{ expiration: Duration.days(400) }],
        removalPolicy,
      });
      Validations.of(own).acknowledge({
        id: 'AwsSolutions-S1',
        reason: 'This is the access-log bucket of the mail bucket; logging it into itself would loop.',
      });
      accessLogs = own;
    }
    return new Bucket(this, 'Bucket', {
      // SSE-S3: SES writes with the bucket's default encryption; SSE-KMS would need SES's own
      // client-side encryption and a decrypting intake.
      encryption: BucketEncryption.S3_MANAGED,
      // Not versioned: raw mail is written once per SES message id and attachments with
      // If-None-Match, so nothing is overwritten; versions would only keep customer mail alive
      // past the expiry below, which is a privacy promise.
      versioned: false,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'mail/',
      lifecycleRules: [
        { id: 'expire-raw-mail', prefix: RAW_MAIL_PREFIX, expiration: Duration.days(RAW_MAIL_DAYS) },
        { id: 'abort-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy,
    });
  }

  private deadLetterQueue(id: string, what: string): Queue {
    const queue = new Queue(this, id, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: `This queue is itself ${what}.` });
    return queue;
  }

  /** A function of the mail: Node 24 on ARM64, an ESM bundle with its own AWS SDK. */
  private mailFunction(
    id: string,
    file: string,
    retention: RetentionDays,
    removalPolicy: RemovalPolicy,
    options: {
      memorySize: number;
      timeout: Duration;
      environment: Record<string, string>;
      deadLetterQueue?: Queue;
      retryAttempts: number;
      reservedConcurrency?: number | undefined;
    },
  ): NodejsFunction {
    const logGroup = new LogGroup(this, `${id}Logs`, { retention, removalPolicy });
    // An own role instead of the AWSLambdaBasicExecutionRole managed policy: its own log group only.
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the email ${file} function`,
    });
    logGroup.grantWrite(role);
    return lambdaFunction(this, `${id}Function`, `email-${file}`, this.props.environment, {
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: options.memorySize,
      timeout: options.timeout,
      role,
      logGroup,
      environment: options.environment,
      retryAttempts: options.retryAttempts,
      ...(options.deadLetterQueue ? { deadLetterQueue: options.deadLetterQueue } : {}),
      ...(options.reservedConcurrency ? { reservedConcurrentExecutions: options.reservedConcurrency } : {}),
    });
  }

  /** Read raw mail, write attachments (once): nothing else in the bucket. */
  private grantMailObjects(fn: IFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects(`${RAW_MAIL_PREFIX}*`)],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${ATTACHMENTS_PREFIX}*`)],
      }),
    );
    const policy = fn.role?.node.tryFindChild('DefaultPolicy');
    if (!policy) return;
    for (const prefix of [RAW_MAIL_PREFIX, ATTACHMENTS_PREFIX]) {
      this.acknowledgeObjects(
        policy,
        prefix,
        prefix === RAW_MAIL_PREFIX
          ? 'Raw messages are named by SES message id at receipt: the function reads raw mail under inbound/ only.'
          : 'Attachment keys are made per ticket and message at run time: the function writes under attachments/ only.',
      );
    }
  }

  /**
   * The activation's handler: reads and switches the region's active rule set, nothing else.
   * CloudFormation invokes it with the deployer's rights (no invoke permission is needed).
   */
  private activationHandler(retention: RetentionDays, removalPolicy: RemovalPolicy): NodejsFunction {
    const logGroup = new LogGroup(this, 'ActivationLogs', { retention, removalPolicy });
    const role = new Role(this, 'ActivationRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Activates the support desk receipt rule set unless another set receives the region mail',
    });
    logGroup.grantWrite(role);
    role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['ses:DescribeActiveReceiptRuleSet', 'ses:SetActiveReceiptRuleSet'],
        // SES has no resource type for these: they read and switch the region's receiving.
        resources: ['*'],
      }),
    );
    const policy = role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'ses:DescribeActiveReceiptRuleSet and ses:SetActiveReceiptRuleSet have no resource type (they read and switch the region’s active rule set); the role may call nothing else.',
      });
    }
    return lambdaFunction(this, 'ActivationFunction', 'ses-receipt-rule-set', this.props.environment, {
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(30),
      role,
      logGroup,
    });
  }

  /** cdk-nag names the finding by the resource as CloudFormation sees it. */
  private acknowledgeObjects(policy: IConstruct, prefix: string, reason: string): void {
    const bucketArn = Stack.of(this).resolve(this.bucket.bucketArn) as { 'Fn::GetAtt'?: [string, string] };
    const logical = bucketArn['Fn::GetAtt']?.[0];
    if (!logical || Token.isUnresolved(logical)) return;
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logical}.Arn>/${prefix}*]`,
      reason,
    });
  }
}
