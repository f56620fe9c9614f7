// The mail construct: the receipt rule's actions in order, the bucket policy SES writes through,
// the activation of the rule set, send rights on the mail domain's identity only, the outbox stream
// filter and sweep, and cdk-nag clean. One synth for the file, without bundling (no code is read).
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, test } from 'vitest';
import { RAW_MAIL_DAYS, SupportDeskMail } from '../../lib/email.ts';
import { SupportDeskTable } from '../../lib/table.ts';

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
    production: false,
    supportAddress: 'support@help.example.com',
    mailDomain: 'help.example.com',
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

  test('a custom resource activates the rule set on create and update, and deactivates on delete', () => {
    const [activation] = Object.values(template.findResources('Custom::AWS'));
    const create = JSON.parse(activation?.Properties.Create);
    expect(create).toMatchObject({
      service: 'SES',
      action: 'SetActiveReceiptRuleSet',
      parameters: { RuleSetName: 'EmailTest-inbound' },
    });
    expect(JSON.parse(activation?.Properties.Update)).toEqual(create);
    expect(JSON.parse(activation?.Properties.Delete).parameters).toEqual({});
    // After the rule: on delete it deactivates first, so SES lets the rule set go.
    expect(activation?.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^MailRule/)]));
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) =>
      JSON.stringify(p).includes('ses:SetActiveReceiptRuleSet'),
    );
    expect(policy?.Properties.PolicyDocument.Statement).toEqual([
      { Action: 'ses:SetActiveReceiptRuleSet', Effect: 'Allow', Resource: '*' },
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
  test('Node 24 on ARM64, 512 MB, 60 s, a dead-letter queue, told where mail is and who the desk is', () => {
    const properties = template.toJSON().Resources[logicalId(mail.intakeFunction)].Properties;
    expect(properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 60,
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [logicalId(mail.intakeDeadLetters), 'Arn'] } },
    });
    expect(properties.Environment.Variables).toMatchObject({
      MAIL_BUCKET: { Ref: logicalId(mail.bucket) },
      MAIL_RAW_PREFIX: 'inbound/',
      SUPPORT_ADDRESS: 'support@help.example.com',
      MAIL_DOMAIN: 'help.example.com',
      TABLE_NAME: { Ref: expect.stringMatching(/^DataTable/) },
    });
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
        Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['OUTBOX#*', 'AUTOMAIL#*'] } },
      }),
      expect.objectContaining({ Action: 'dynamodb:Query', Resource: expect.anything() }),
    ]);
    expect(JSON.stringify(statements[1].Resource)).toContain('/index/GSI5');
  });

  test('a sweep every five minutes invokes the outbox function', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
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
