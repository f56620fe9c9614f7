// The mail construct: the receipt rule's actions in order, the bucket policy SES writes through,
// the guarded activation of the rule set, the receiving region, send rights on the mail domain's
// identity only, reserved concurrency, the outbox stream filter and sweep, and cdk-nag clean. One
// synth for the file, without bundling (no code is read).
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, test } from 'vitest';
import { RAW_MAIL_DAYS, SupportDeskMail, type SupportDeskMailProps } from '../../lib/email.ts';
import { lambdaFunction } from '../../lib/functions.ts';
import { SES_RECEIVING_REGIONS } from '../../lib/regions.ts';
import { functionEnvironment, readDeploymentSettings } from '../../lib/settings.ts';
import { SupportDeskTable } from '../../lib/table.ts';

const environment = functionEnvironment(
  readDeploymentSettings({ supportAddress: 'support@help.example.com' }),
);

let template: Template;
let mail: SupportDeskMail;
let sender: Role;

const RULE_ARN = {
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':ses:eu-west-1:',
      { Ref: 'AWS::AccountId' },
      ':receipt-rule-set/EmailTest-inbound:receipt-rule/support-address',
    ],
  ],
};

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  // A concrete region (SES receives in a few regions only); the account stays a token.
  const stack = new Stack(app, 'EmailTest', { env: { region: 'eu-west-1' } });
  const data = new SupportDeskTable(stack, 'Data', { production: false });
  mail = new SupportDeskMail(stack, 'Mail', {
    table: data.table,
    environment,
    production: false,
    supportAddress: 'support@help.example.com',
    mailDomain: 'help.example.com',
    intakeConcurrency: 10,
    outboxConcurrency: 3,
  });
  // Stands in for a function granted sending besides the outbox sender (none is, in the stack).
  sender = new Role(stack, 'Sender', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  mail.grantSend(sender);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  template = Template.fromStack(stack);
}, 120_000);

const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  Stack.of(mail).getLogicalId(construct.node.defaultChild as never);

/** Every statement of the policies attached to a role. */
function statementsOf(role: { node: { defaultChild?: unknown } }) {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: logicalId(role) }] },
  });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('releasing held mail', () => {
  test('the mail API function may invoke the intake, that function only, and reads no mail object', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'ReleaseTest', { env: { region: 'eu-west-1' } });
    const data = new SupportDeskTable(stack, 'Data', { production: false });
    const own = new SupportDeskMail(stack, 'Mail', {
      table: data.table,
      environment,
      production: false,
      supportAddress: 'support@help.example.com',
      mailDomain: 'help.example.com',
    });
    const api = lambdaFunction(stack, 'MailApi', 'api-mail', environment, { runtime: Runtime.NODEJS_24_X });
    own.grantQuarantine(api);
    const releaseTemplate = Template.fromStack(stack);
    const id = (construct: { node: { defaultChild?: unknown } }) =>
      stack.getLogicalId(construct.node.defaultChild as never);
    const statements = Object.values(
      releaseTemplate.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: id(api.role as never) }] },
      }),
    )
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      // Tracing is every function's (lib/functions.ts); the rest is what the release needs.
      .filter((statement: { Action: unknown }) => !JSON.stringify(statement.Action).includes('xray:'));
    expect(statements).toEqual([
      expect.objectContaining({
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [id(own.intakeFunction), 'Arn'] },
      }),
    ]);
    const variables = releaseTemplate.toJSON().Resources[id(api)].Properties.Environment.Variables;
    expect(variables.MAIL_INTAKE_FUNCTION).toEqual({ Ref: id(own.intakeFunction) });
    expect(variables.MAIL_BUCKET).toBeUndefined();
  });
});

describe('receiving', () => {
  test('the rule accepts the support address, scans, stores the raw message in S3, then invokes the intake (Event)', () => {
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      RuleSetName: 'EmailTest-inbound',
      Rule: {
        Name: 'support-address',
        Enabled: true,
        Recipients: ['support@help.example.com'],
        ScanEnabled: true,
        Actions: [
          { S3Action: { BucketName: { Ref: logicalId(mail.bucket) }, ObjectKeyPrefix: 'inbound/' } },
          {
            LambdaAction: {
              FunctionArn: { 'Fn::GetAtt': [logicalId(mail.intakeFunction), 'Arn'] },
              InvocationType: 'Event',
            },
          },
        ],
      },
    });
  });

  test('the rule is created after the bucket policy and the invoke permission SES checks', () => {
    const rule = Object.values(template.findResources('AWS::SES::ReceiptRule'))[0];
    expect(rule?.DependsOn).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^MailBucketPolicy/),
        expect.stringMatching(/^MailIntakeFunctionAllowSesReceipt/),
      ]),
    );
  });

  test('SES may put objects under inbound/ only, for this account and this rule', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(mail.bucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'SesWritesRawMail',
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(mail.bucket), 'Arn'] }, '/inbound/*']] },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' }, 'aws:SourceArn': RULE_ARN },
            },
          },
        ]),
      },
    });
  });

  test('SES may invoke the intake for this rule only', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [logicalId(mail.intakeFunction), 'Arn'] },
      Principal: 'ses.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: RULE_ARN,
    });
  });

  test('a custom resource of our own handler guards the activation; it runs after the rule', () => {
    const [activation, ...others] = Object.values(template.findResources('Custom::ActiveReceiptRuleSet'));
    expect(others).toEqual([]);
    expect(activation?.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [logicalId(mail.activationFunction), 'Arn'] },
      RuleSetName: 'EmailTest-inbound',
      // Refuses to replace another active set unless the deployer says so.
      TakeOver: 'false',
    });
    // No SDK calls in the template (an AwsCustomResource cannot look before it switches).
    template.resourceCountIs('Custom::AWS', 0);
    // After the rule: on delete it deactivates first, so SES lets the rule set go.
    expect(activation?.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^MailRule/)]));
    const statements = statementsOf(mail.activationFunction.role as never).filter((s) =>
      [s.Action].flat().some((a: string) => a.startsWith('ses:')),
    );
    expect(statements).toEqual([
      {
        Action: ['ses:DescribeActiveReceiptRuleSet', 'ses:SetActiveReceiptRuleSet'],
        Effect: 'Allow',
        Resource: '*',
      },
    ]);
  });

  test('the mail bucket: SSE-S3, no public access, TLS only, access-logged, raw mail expires', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'mail/' }),
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'inbound/', ExpirationInDays: RAW_MAIL_DAYS, Status: 'Enabled' }),
        ]),
      },
    });
  });
});

describe('the intake function', () => {
  test('Node 24 on ARM64, 1,024 MB (measured for SES’s largest mail), 60 s, a dead-letter queue, told where mail is and who the desk is', () => {
    const properties = template.toJSON().Resources[logicalId(mail.intakeFunction)].Properties;
    expect(properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 1024,
      Timeout: 60,
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [logicalId(mail.intakeDeadLetters), 'Arn'] } },
    });
    expect(properties.Environment.Variables).toMatchObject({
      MAIL_BUCKET: { Ref: logicalId(mail.bucket) },
      MAIL_RAW_PREFIX: 'inbound/',
      ...environment,
      TABLE_NAME: { Ref: expect.stringMatching(/^DataTable/) },
    });
  });

  test('a reserved concurrency of its own: a mail flood waits in its queue, the API keeps its share', () => {
    const resources = template.toJSON().Resources;
    expect(resources[logicalId(mail.intakeFunction)].Properties.ReservedConcurrentExecutions).toBe(10);
    expect(resources[logicalId(mail.outboxFunction)].Properties.ReservedConcurrentExecutions).toBe(3);
  });

  test('its table access is its row of lib/table-access.ts: staff keys read, never written; no month items', () => {
    const granted = statementsOf(mail.intakeFunction.role as never)
      .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')))
      .filter(
        (s) =>
          !JSON.stringify(s.Resource).includes('/index/') &&
          !JSON.stringify(s.Resource).includes('StreamArn'),
      );
    for (const statement of granted) {
      const partitions = statement.Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys'];
      expect(partitions).toContain('SESMAIL#*');
      expect(partitions).not.toContain('MONTH#*');
      // An agent's reply acts as their key: staff addresses and keys are read to find it, only read.
      if (partitions.includes('APIKEY#*')) {
        expect(partitions).toContain('STAFFADDR#*');
        expect(statement.Action).not.toContain('dynamodb:PutItem');
      }
    }
  });

  test('reads raw mail and writes attachments, nothing else in the bucket; sends no mail itself', () => {
    const statements = statementsOf(mail.intakeFunction.role as never);
    const s3 = statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith('s3:')));
    expect(s3.map((s) => [s.Action, JSON.stringify(s.Resource)])).toEqual([
      ['s3:GetObject', expect.stringContaining('/inbound/*')],
      ['s3:PutObject', expect.stringContaining('/attachments/*')],
    ]);
    expect(statements.some((s) => [s.Action].flat().some((a: string) => a.startsWith('ses:')))).toBe(false);
  });
});

describe('sending', () => {
  const identity = {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':ses:eu-west-1:',
        { Ref: 'AWS::AccountId' },
        ':identity/help.example.com',
      ],
    ],
  };

  test('the outbox function and a granted sender may send as the mail domain identity only', () => {
    for (const role of [mail.outboxFunction.role, sender]) {
      const send = statementsOf(role as never).filter((s) =>
        [s.Action].flat().some((a: string) => a.startsWith('ses:')),
      );
      expect(send).toEqual([
        { Action: ['ses:SendEmail', 'ses:SendRawEmail'], Effect: 'Allow', Resource: identity },
      ]);
    }
  });

  test('the outbox consumes new outbox items from the stream: bisect, item failures, a failure queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(mail.outboxFunction) },
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(mail.outboxFailures), 'Arn'] } },
      },
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { Keys: { SK: { S: ['OUTBOX'] } } } }),
          },
        ],
      },
    });
  });

  test('the outbox touches outbox and rate-limit items and the pending index only', () => {
    // Stream reads (DescribeStream, GetRecords...) are the event source's, on the stream ARN.
    const statements = statementsOf(mail.outboxFunction.role as never).filter(
      (s) =>
        [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')) &&
        !JSON.stringify(s.Resource).includes('StreamArn'),
    );
    expect(statements).toEqual([
      expect.objectContaining({
        Action: 'dynamodb:GetItem',
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['OUTBOX#*'] } },
      }),
      expect.objectContaining({
        Action: 'dynamodb:UpdateItem',
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['OUTBOX#*', 'AUTOMAIL#*'] } },
      }),
      expect.objectContaining({ Action: 'dynamodb:Query', Resource: expect.anything() }),
    ]);
    expect(JSON.stringify(statements[2].Resource)).toContain('/index/GSI5');
  });

  test('mail that failed for good is counted from the sender log and alarms above zero', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('OutboxLogs') },
      FilterPattern: '{ $.message = "outbound mail failed for good" }',
      MetricTransformations: [
        Match.objectLike({
          MetricNamespace: 'SupportDesk',
          MetricName: 'OutboundMailFailed',
          MetricValue: '1',
        }),
      ],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'SupportDesk',
      MetricName: 'OutboundMailFailed',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(mail.alarms).toHaveLength(1);
  });

  test('a sweep every minute invokes the outbox function (retries are due from 30 s on)', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId(mail.outboxFunction), 'Arn'] },
          Input: JSON.stringify({ source: 'outbox-sweep' }),
        }),
      ],
    });
  });
});

/** A mail construct alone in a stack of the given region (a token when undefined), not synthesized. */
function mailIn(region: string | undefined, extra: Partial<SupportDeskMailProps> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Regional', region ? { env: { region } } : {});
  const data = new SupportDeskTable(stack, 'Data', { production: false });
  const construct = new SupportDeskMail(stack, 'Mail', {
    table: data.table,
    environment,
    production: false,
    supportAddress: 'support@help.example.com',
    mailDomain: 'help.example.com',
    ...extra,
  });
  return { stack, construct };
}

describe('the receiving region', () => {
  test('a region without SES receiving fails the synth, listing the regions that have it', () => {
    expect(() => mailIn('eu-south-1')).toThrow(
      new RegExp(`SES does not receive mail in eu-south-1.*${SES_RECEIVING_REGIONS.join(', ')}`),
    );
    expect(() => mailIn('us-west-1')).toThrow(/does not receive mail in us-west-1/);
  });

  test.each(SES_RECEIVING_REGIONS)('%s is accepted', (region) => {
    expect(() => mailIn(region)).not.toThrow();
  });

  test('an unknown region (environment-agnostic synth) is a warning that says what to set', () => {
    const { stack } = mailIn(undefined);
    Annotations.fromStack(stack).hasWarning(
      '/Regional/Mail',
      Match.stringLikeRegexp('region is not known at synth.*set AWS_REGION.*eu-west-1'),
    );
  });
});

describe('takeover and configuration sets', () => {
  test('takeOverMailReceiving reaches the custom resource', () => {
    const { stack } = mailIn('eu-west-1', { takeOverMailReceiving: true });
    Template.fromStack(stack).hasResourceProperties('Custom::ActiveReceiptRuleSet', { TakeOver: 'true' });
  });

  test('with a configuration set, senders may name it too, and nothing else', () => {
    const { stack, construct } = mailIn('eu-west-1', { sesConfigurationSet: 'desk-events' });
    const template = Template.fromStack(stack);
    const role = stack.getLogicalId(construct.outboxFunction.role!.node.defaultChild as never);
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } });
    const send = Object.values(policies)
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('ses:')));
    expect(send).toHaveLength(1);
    expect(JSON.stringify(send[0].Resource)).toMatch(
      /identity\/help\.example\.com.*configuration-set\/desk-events/,
    );
  });

  test('without concurrency settings no function reserves any', () => {
    const { stack } = mailIn('eu-west-1');
    for (const fn of Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    }
  });
});
